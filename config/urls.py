from django.contrib import admin
from django.urls import include, path

from diary import views as diary_views

urlpatterns = [
    path("", diary_views.home, name="home"),
    path("healthz", diary_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("config.api.urls")),
]

handler400 = "config.api.errors.bad_request"
handler403 = "config.api.errors.permission_denied"
handler404 = "config.api.errors.not_found"
handler500 = "config.api.errors.server_error"
