"""Everything under /api/: each app's v1 routes, the schema and its docs, then, last, a JSON
404 for any other address. Apps list their routes in their own urls module and never add a
catch-all of their own, so the order of the apps below does not matter."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.api.errors import api_not_found

urlpatterns = [
    path("v1/", include("diary.api.urls")),
    path("v1/", include("tracker.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^(?P<path>.*)$", api_not_found),  # last: JSON 404 for anything else under /api/
]
