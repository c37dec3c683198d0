from django.contrib import admin
from django.urls import include, path

from diary import views as diary_views
from diary.pages import pwa
from tracker import views as tracker_views

urlpatterns = [
    path("", diary_views.home, name="home"),
    path("healthz", diary_views.healthz, name="healthz"),
    # The phone client's service worker and manifest: at the root, so that the worker's scope
    # is the whole site (diary.pages.pwa).
    path("sw.js", pwa.service_worker, name="service-worker"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("admin/", admin.site.urls),
    path("", include("diary.urls")),
    path("", include("tracker.page_urls")),
    # A doctor's link: no account, read-only. `str` takes any token without a slash, so that a
    # malformed one reaches the view and gets the same "no longer valid" page as any other.
    path("s/<str:token>/", tracker_views.share_page, name="share-page"),
    # Without its slash too: Django's redirect to the slashed address would carry the token
    # without the page's headers (no-store, no-referrer), so a browser could cache it.
    path("s/<str:token>", tracker_views.share_page),
    path("s/<str:token>/report.pdf", tracker_views.share_pdf, name="share-pdf"),
    path("api/", include("config.api.urls")),
]

handler400 = "config.api.errors.bad_request"
handler403 = "config.api.errors.permission_denied"
handler404 = "config.api.errors.not_found"
handler500 = "config.api.errors.server_error"
