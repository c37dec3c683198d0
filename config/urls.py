from django.contrib import admin
from django.urls import include, path

from diary import views as diary_views

urlpatterns = [
    path("", diary_views.home, name="home"),
    path("healthz", diary_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/summary/", include("tracker.urls")),  # before diary's catch-all 404 under /api/
    path("api/", include("diary.api.urls")),
]

handler400 = "diary.api.errors.bad_request"
handler403 = "diary.api.errors.permission_denied"
handler404 = "diary.api.errors.not_found"
handler500 = "diary.api.errors.server_error"
