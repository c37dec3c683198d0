"""The tracker's web pages: the dashboard; the reports page with the share links; a doctor's
link; the account's export and deletion. Each view lives in its feature's package."""

from django.urls import path

from tracker.account import pages as account
from tracker.dashboard import pages as dashboard
from tracker.reports import pages as reports
from tracker.shares import pages as shares
from tracker.shares import public

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/refresh/", dashboard.dashboard_refresh, name="dashboard-refresh"),
    path("dashboard/status/", dashboard.dashboard_status, name="dashboard-status"),
    path("reports/", reports.reports, name="reports"),
    path("reports/shares/", shares.share_create, name="share-create"),
    path("reports/shares/<uuid:id>/revoke/", shares.share_revoke, name="share-revoke"),
    path("reports/<uuid:id>/", reports.report_status, name="report-status"),
    path("reports/<uuid:id>/download/", reports.report_download, name="report-download"),
    path("reports/<uuid:id>/delete/", reports.report_delete, name="report-delete"),
    path("settings/export/", account.account_export, name="account-export"),
    path("settings/delete/", account.account_delete, name="account-delete"),
    # A doctor's link: no account, read-only. `str` takes any token without a slash, so that a
    # malformed one reaches the view and gets the same "no longer valid" page as any other.
    path("s/<str:token>/", public.share_page, name="share-page"),
    # Without its slash too: Django's redirect to the slashed address would carry the token
    # without the page's headers (no-store, no-referrer), so a browser could cache it.
    path("s/<str:token>", public.share_page),
    path("s/<str:token>/report.pdf", public.share_pdf, name="share-pdf"),
]
