"""The tracker's routes under /api/v1/ (composed with the others in config/api/urls.py)."""

from django.urls import path

from tracker.api.summary import SummaryRefreshView, SummaryView

urlpatterns = [
    path("summary/", SummaryView.as_view(), name="api-summary"),
    path("summary/refresh/", SummaryRefreshView.as_view(), name="api-summary-refresh"),
]
