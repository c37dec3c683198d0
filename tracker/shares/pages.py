"""The owner's side of share links: make one (its address shown once, in the answer that
made it) and revoke one. Both answer with the reports page, which lists the links
(tracker.reports.pages); the doctor's side is tracker.shares.public."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from config.api.common import request_user
from diary.pages import submissions
from diary.selectors import user_zone

# `services` whole: the views share_create and share_revoke bear the URL configuration's names,
# which are their services' names too.
from tracker.models import Share
from tracker.reports.pages import NewLink, local_today, reports_page
from tracker.shares import services
from tracker.shares.forms import ShareForm


@login_required
@require_POST
def share_create(request: HttpRequest) -> HttpResponse:
    """The new link is in this answer only: only its hash is kept, so a reload of the page
    (a GET) cannot show it again, and nothing else holds it."""
    user = request_user(request)
    zone = user_zone(user)
    form = ShareForm(request.POST, today=local_today(zone))
    if form.is_valid() and not submissions.first_sending(request, kind="share"):
        messages.info(
            request,
            "This link was already made by the same form, and its address was shown once. If you did not "
            "copy it, revoke it below and make another.",
        )
        return redirect(reverse("reports") + "#your-links")
    if form.is_valid():
        data = form.cleaned_data
        try:
            share, token = services.share_create(
                user=user,
                date_from=data["date_from"],
                date_to=data["date_to"],
                expires_in_days=data["expires_in_days"],
                include_notes=data["include_notes"],
                label=data["label"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            link = NewLink(share, request.build_absolute_uri(reverse("share-page", args=[token])))
            return reports_page(request, zone=zone, new_link=link, status=201)
    form.mark_invalid()
    return reports_page(request, zone=zone, share_form=form, status=400)


@login_required
@require_POST
def share_revoke(request: HttpRequest, id: UUID) -> HttpResponse:
    try:
        services.share_revoke(user=request_user(request), share_id=id)
    except Share.DoesNotExist:
        raise Http404("No such link of yours.") from None
    messages.success(request, "The link is revoked: it no longer opens.")
    return redirect(reverse("reports") + "#your-links")
