"""The diary's routes under /api/v1/ (composed with the others in config/api/urls.py)."""

from datetime import date

from django.urls import path, register_converter

from diary.api.auth import RegisterView, TokenView
from diary.api.checkins import CheckInDetailView, CheckInListView
from diary.api.clinical import (
    FunctionCheckDetailView,
    FunctionCheckListView,
    InvestigationDetailView,
    InvestigationListView,
    TreatmentDetailView,
    TreatmentListView,
)
from diary.api.episodes import EpisodeDetailView, EpisodeListView
from diary.api.profile import ProfileView
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
    path("auth/register/", RegisterView.as_view(), name="api-register"),
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("episodes/", EpisodeListView.as_view(), name="api-episodes"),
    path("episodes/<uuid:id>/", EpisodeDetailView.as_view(), name="api-episode"),
    path("checkins/", CheckInListView.as_view(), name="api-checkins"),
    path("checkins/<isodate:day>/", CheckInDetailView.as_view(), name="api-checkin"),
    path("treatments/", TreatmentListView.as_view(), name="api-treatments"),
    path("treatments/<uuid:id>/", TreatmentDetailView.as_view(), name="api-treatment"),
    path("investigations/", InvestigationListView.as_view(), name="api-investigations"),
    path("investigations/<uuid:id>/", InvestigationDetailView.as_view(), name="api-investigation"),
    path("function-checks/", FunctionCheckListView.as_view(), name="api-function-checks"),
    path("function-checks/<isodate:day>/", FunctionCheckDetailView.as_view(), name="api-function-check"),
    path("sync/", SyncView.as_view(), name="api-sync"),
    path("profile/", ProfileView.as_view(), name="api-profile"),
    path("reference/", ReferenceView.as_view(), name="api-reference"),
]
