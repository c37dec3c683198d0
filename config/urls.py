from django.contrib import admin
from django.urls import path

from diary import views as diary_views

urlpatterns = [
    path("", diary_views.home, name="home"),
    path("healthz", diary_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
