from django.urls import path

from tracker.api import SummaryRefreshView, SummaryView

urlpatterns = [
    path("", SummaryView.as_view(), name="api-summary"),
    path("refresh/", SummaryRefreshView.as_view(), name="api-summary-refresh"),
]
