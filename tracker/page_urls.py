"""The tracker's web pages: the dashboard, and the reports page with the share links."""

from django.urls import path

from tracker.pages import account, dashboard, reports

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/refresh/", dashboard.dashboard_refresh, name="dashboard-refresh"),
    path("dashboard/status/", dashboard.dashboard_status, name="dashboard-status"),
    path("reports/", reports.reports, name="reports"),
    path("reports/shares/", reports.share_create, name="share-create"),
    path("reports/shares/<uuid:id>/revoke/", reports.share_revoke, name="share-revoke"),
    path("reports/<uuid:id>/", reports.report_status, name="report-status"),
    path("reports/<uuid:id>/download/", reports.report_download, name="report-download"),
    path("reports/<uuid:id>/delete/", reports.report_delete, name="report-delete"),
    path("settings/export/", account.account_export, name="account-export"),
    path("settings/delete/", account.account_delete, name="account-delete"),
]
