"""The URL root: each app's pages, the admin, and /api/ (config/api/urls.py). Composition only:
every view lives in its app (diary/urls.py, tracker/urls.py)."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("diary.urls")),
    path("", include("tracker.urls")),
    path("api/", include("config.api.urls")),
]

handler400 = "config.api.errors.bad_request"
handler403 = "config.api.errors.permission_denied"
handler404 = "config.api.errors.not_found"
handler500 = "config.api.errors.server_error"
