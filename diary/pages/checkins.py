"""The day's check-in, one per local date: today's, or an earlier day's."""

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from diary.models import EARLIEST_DATE, MAX_NOTES_LENGTH, CheckIn
from diary.pages.checkin_form import FORM_ERROR, CheckInForm
from diary.pages.episodes import page_user
from diary.selectors import checkin_list, episode_count_on
from diary.selectors.profiles import user_today
from diary.services import StaleVersion, checkin_upsert


@login_required
@require_http_methods(["GET", "POST"])
def checkin_today(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    today = user_today(user.pk)
    return _checkin_page(request, user, today, today)


@login_required
@require_http_methods(["GET", "POST"])
def checkin_day(request: HttpRequest, day: str) -> HttpResponse:
    """An earlier day's check-in. A day that is not a date, before the diary's first or after
    today (in the user's zone) is not a page: 404."""
    user = page_user(request)
    today = user_today(user.pk)
    wanted = past_day(day, today, "check-in")
    if wanted == today and request.method == "GET":
        return redirect("checkin")
    return _checkin_page(request, user, wanted, today)


def past_day(day: str, today: date, what: str) -> date:
    """The day of an earlier day's page (a check-in, a weekly check). One that is not a date,
    before EARLIEST_DATE or after `today` (in the user's zone) is not a page: 404."""
    try:
        wanted = date.fromisoformat(day)
    except ValueError:
        raise Http404("Not a date (YYYY-MM-DD).") from None
    if not EARLIEST_DATE <= wanted <= today:
        raise Http404(f"No {what} page for that day.")
    return wanted


def _checkin_page(request: HttpRequest, user: User, day: date, today: date) -> HttpResponse:
    existing = checkin_list(user=user).filter(date=day).first()
    logged = episode_count_on(user=user, day=day)
    if request.method != "POST":
        return _render(request, CheckInForm.of_checkin(existing, logged=logged), day, today, existing, logged)
    form = CheckInForm.from_post(request.POST)
    values = form.to_values(logged=logged)
    if values is None:
        return _render(request, form, day, today, existing, logged, status=400)
    try:
        checkin_upsert(user=user, date=day, expected_version=form.expected_version(), **values)
    except ValidationError as error:
        form.add_service_errors(error)
        return _render(request, form, day, today, existing, logged, status=400)
    except StaleVersion:
        form.add_error(FORM_ERROR, "This check-in was changed elsewhere since you opened it. Open it again, then edit.")
        return _render(request, form, day, today, existing, logged, status=409)
    messages.success(request, f"Check-in for {day:%A %-d %B} saved.")
    return redirect("checkin") if day == today else redirect("checkin-day", day=day.isoformat())


def _render(
    request: HttpRequest,
    form: CheckInForm,
    day: date,
    today: date,
    existing: CheckIn | None,
    logged: int,
    *,
    status: int = 200,
) -> HttpResponse:
    previous, following = day - timedelta(days=1), day + timedelta(days=1)
    context: dict[str, Any] = {
        "nav": "checkin",  # its own item in the menu, not "Log" (which logs an episode)
        "form": form,
        "rows": form.rows(),
        "form_errors": form.errors.get(FORM_ERROR, []),
        "day": day,
        "is_today": day == today,
        "existing": existing,
        "previous": previous if previous >= EARLIEST_DATE else None,
        "following": following if following <= today else None,
        "following_is_today": following == today,
        "max_notes": MAX_NOTES_LENGTH,
        # A day with episodes had twitching: the page says so rather than ask (see CheckInForm).
        "logged": logged,
        "logged_query": urlencode({"date_from": day.isoformat(), "date_to": day.isoformat()}),
    }
    return render(request, "diary/log/checkin.html", context, status=status)
