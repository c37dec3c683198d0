import io
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from config.api.common import request_user
from diary.admin import HealthDataAdmin
from diary.models import profile_zone
from diary.services import diary_access_record
from tracker.models import AnalysisRequest, AnalysisRun, Summary
from tracker.reports import FORMATS
from tracker.reports.body import report_body_context, summary_range, summary_report
from tracker.shares.services import share_create

# Creating a link for a doctor writes a Share: the model's own "add" permission, on top of the
# health-data permission that opening the summary already takes.
ADD_SHARE_PERMISSION = "tracker.add_share"


class ReadOnly(admin.ModelAdmin[Any]):
    """Computed data: the tasks write it, people look at it."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Summary)
class SummaryAdmin(HealthDataAdmin, ReadOnly):
    """A summary's page shows its findings as the doctor's share page does (not the stored
    JSON), with the diary of its range, and offers that range as a PDF or as a share link."""

    list_display = ["user", "range_key", "computed_at", "watermark", "reference_version", "duration_ms"]
    list_filter = ["range_key", "reference_version", "computed_at"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    exclude = ["result", "charts"]  # the stored JSON: the page shows them as the share page does
    readonly_fields = ["computed_in_users_zone"]
    change_form_template = "admin/tracker/summary/change_form.html"

    @admin.display(description="Computed at (the user's zone)")
    def computed_in_users_zone(self, summary: Summary) -> str:
        profile = getattr(summary.user, "diary_profile", None)
        zone = profile_zone(profile)
        return summary.computed_at.astimezone(zone).strftime("%Y-%m-%d %H:%M (UTC%z)") + f" {zone.key}"

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("user__diary_profile")

    def get_urls(self) -> list[URLPattern]:
        own = [
            path("<path:object_id>/report.pdf", self.admin_site.admin_view(self.pdf_view), name="tracker_summary_pdf"),
            path("<path:object_id>/share/", self.admin_site.admin_view(self.share_view), name="tracker_summary_share"),
        ]
        return own + super().get_urls()

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Summary | None = None,
    ) -> HttpResponse:
        # Reached only once the page's permissions have been checked, with the row to show.
        if obj is not None:
            report = summary_report(obj)
            context.update(report_body_context(report), report_range=summary_range(obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _summary(self, request: HttpRequest, object_id: str) -> Summary:
        summary = self.get_object(request, unquote(object_id))
        if summary is None:
            raise Http404("No such summary.")
        if not self.has_view_permission(request, summary):
            raise PermissionDenied
        return summary  # type: ignore[no-any-return]

    def pdf_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The summary's range as the PDF a doctor gets, built here and now."""
        summary = self._summary(request, object_id)
        report, pdf, out = summary_report(summary), FORMATS["pdf"], io.BytesIO()
        pdf.render(report, out)
        diary_access_record(
            actor=request_user(request), owners=[summary.user], model=Summary, view="change", object_pk=str(summary.pk)
        )
        response = HttpResponse(out.getvalue(), content_type=pdf.content_type)
        response["Content-Disposition"] = f'attachment; filename="{pdf.file_name(report)}"'
        response["Cache-Control"] = "no-store"
        return response

    def share_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """A link to the summary's range for the user's doctor, with the service's defaults. The
        link is in this answer's message only: rendered here, not redirected, so that it is never
        kept in the session or a cookie on its way to the next page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        summary = self._summary(request, object_id)
        if not request.user.has_perm(ADD_SHARE_PERMISSION):
            raise PermissionDenied
        date_from, date_to = summary_range(summary)
        label = f"Created in the admin by {request_user(request).get_username()}"
        try:
            share, token = share_create(user=summary.user, date_from=date_from, date_to=date_to, label=label)
        except ValidationError as error:
            messages.error(request, "No link was created: " + " ".join(error.messages))
            return HttpResponseRedirect(reverse("admin:tracker_summary_change", args=[summary.pk]))
        self.log_addition(request, share, f"Share link for {date_from} to {date_to}")
        url = request.build_absolute_uri(reverse("share-page", args=[token]))
        messages.success(
            request,
            f"Share link for {summary.user.get_username()}, {date_from} to {date_to}, valid until "
            f"{share.expires_at:%Y-%m-%d %H:%M} UTC. It is shown this once: copy it now. {url}",
        )
        context = {
            **self.admin_site.each_context(request),
            "title": "Share link created",
            "opts": self.model._meta,
            "original": summary,
        }
        return TemplateResponse(request, "admin/tracker/summary/share_created.html", context)


@admin.register(AnalysisRun)
class AnalysisRunAdmin(HealthDataAdmin, ReadOnly):
    list_display = ["user", "range_key", "started_at", "outcome", "reason", "episodes", "duration_ms", "watermark"]
    list_filter = ["outcome", "range_key", "started_at"]
    search_fields = ["user__username"]
    list_select_related = ["user"]


@admin.register(AnalysisRequest)
class AnalysisRequestAdmin(HealthDataAdmin, ReadOnly):
    list_display = ["user", "range_key", "requested_at", "enqueued_at", "claimed_at", "failures", "retry_at"]
    list_filter = ["range_key"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
