from datetime import date

from django.urls import path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from diary.api.auth import RegisterView, TokenView
from diary.api.checkins import CheckInDetailView, CheckInListView
from diary.api.episodes import EpisodeDetailView, EpisodeListView
from diary.api.errors import api_not_found
from diary.api.reference import ReferenceView
from diary.api.sync import SyncView


class IsoDateConverter:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        return date.fromisoformat(value)  # ValueError (e.g. 2026-02-30) means "no match": a 404

    def to_url(self, value: date) -> str:
        return value.isoformat()


register_converter(IsoDateConverter, "isodate")

urlpatterns = [
    path("v1/auth/register/", RegisterView.as_view(), name="api-register"),
    path("v1/auth/token/", TokenView.as_view(), name="api-token"),
    path("v1/episodes/", EpisodeListView.as_view(), name="api-episodes"),
    path("v1/episodes/<uuid:id>/", EpisodeDetailView.as_view(), name="api-episode"),
    path("v1/checkins/", CheckInListView.as_view(), name="api-checkins"),
    path("v1/checkins/<isodate:day>/", CheckInDetailView.as_view(), name="api-checkin"),
    path("v1/sync/", SyncView.as_view(), name="api-sync"),
    path("v1/reference/", ReferenceView.as_view(), name="api-reference"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^(?P<path>.*)$", api_not_found),  # last: JSON 404 for anything else under /api/
]
