"""The tracker's routes under /api/v1/ (composed with the others in config/api/urls.py)."""

from django.urls import path

from tracker.account.api import AccountExportView, AccountView
from tracker.reports.api import ReportDetailView, ReportDownloadView, ReportListView
from tracker.shares.api import ShareDetailView, ShareListView
from tracker.summaries.api import SummaryRefreshView, SummaryView

urlpatterns = [
    path("account/", AccountView.as_view(), name="api-account"),
    path("account/export/", AccountExportView.as_view(), name="api-account-export"),
    path("summary/", SummaryView.as_view(), name="api-summary"),
    path("summary/refresh/", SummaryRefreshView.as_view(), name="api-summary-refresh"),
    path("reports/", ReportListView.as_view(), name="api-reports"),
    path("reports/<uuid:report_id>/", ReportDetailView.as_view(), name="api-report"),
    path("reports/<uuid:report_id>/download/", ReportDownloadView.as_view(), name="api-report-download"),
    path("shares/", ShareListView.as_view(), name="api-shares"),
    path("shares/<uuid:id>/", ShareDetailView.as_view(), name="api-share"),
]
