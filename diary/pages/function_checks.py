"""The weekly function check: a few yes-or-no questions, one per local date (today's, or an
earlier day's). "All no" answers every question no in one tap: without JavaScript it saves that;
with it (js/function-check.js) it sets the answers, and the person changes what differs.

A yes to a warning sign (diary.plain.FUNCTION_WARNING_SIGNS: every question but cramps) shows,
once saved, the same "see a doctor soon" notice the log shows for a red-flag symptom, with the
reference's advice for the matching symptom."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from conditions.models import Symptom
from diary.models import EARLIEST_DATE, MAX_NOTES_LENGTH, FunctionCheck, Limb
from diary.pages.checkins import past_day
from diary.pages.episodes import page_user
from diary.pages.function_questions import ADVICE_FROM, FUNCTION_QUESTIONS
from diary.plain import FUNCTION_SIGNS, FUNCTION_WARNING_SIGNS
from diary.selectors.clinical import function_check_list
from diary.selectors.profiles import user_today
from diary.services import StaleVersion, function_check_upsert

FORM_ERROR = "__all__"
# The questions and the advice a yes shows: the phone's (diary.pages.function_questions), so
# the web and the quick log ask the same and answer a yes alike.
assert tuple(q.sign for q in FUNCTION_QUESTIONS) == FUNCTION_SIGNS
assert set(ADVICE_FROM) == set(FUNCTION_WARNING_SIGNS)
LABELS = {q.sign: q.name[0].upper() + q.name[1:] for q in FUNCTION_QUESTIONS}
ANSWERS = {"yes": True, "no": False, "": None}
# Where a weakness is: the sides a person can tell apart for each part.
PLACES = [(limb, label, ("left", "right", "both")) for limb, label in Limb.choices]
SIDE_LABELS = {"left": "Left", "right": "Right", "both": "Both"}


@dataclass
class FunctionCheckForm:
    answers: dict[str, str] = field(default_factory=dict)  # sign -> "yes", "no" or ""
    places: set[str] = field(default_factory=set)  # "leg:left"
    notes: str = ""
    version: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of_check(cls, check: FunctionCheck | None) -> "FunctionCheckForm":
        if check is None:
            return cls()
        answers = {sign: {True: "yes", False: "no", None: ""}[getattr(check, sign)] for sign in FUNCTION_SIGNS}
        places = {f"{place['limb']}:{place['side']}" for place in check.weakness_where}
        return cls(answers, places, check.notes, str(check.version))

    @classmethod
    def from_post(cls, data: QueryDict) -> "FunctionCheckForm":
        if "all_no" in data:  # the button without JavaScript: every answer no, the notes kept
            answers = dict.fromkeys(FUNCTION_SIGNS, "no")
        else:
            answers = {sign: data.get(sign, "") for sign in FUNCTION_SIGNS}
        places = set(data.getlist("weakness_where")) if answers["weakness"] == "yes" else set()
        return cls(answers, places, data.get("notes", ""), data.get("version", ""))

    def add_error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def to_values(self) -> dict[str, Any] | None:
        values: dict[str, Any] = {}
        for sign in FUNCTION_SIGNS:
            if self.answers.get(sign, "") not in ANSWERS:
                self.add_error(sign, "Choose yes or no.")
            values[sign] = ANSWERS.get(self.answers.get(sign, ""))
        where = []
        for place in sorted(self.places):
            limb, _, side = place.partition(":")
            where.append({"limb": limb, "side": side})
        values["weakness_where"] = where
        values["notes"] = self.notes
        return None if self.errors else values

    def add_service_errors(self, error: ValidationError) -> None:
        known = {*FUNCTION_SIGNS, "weakness_where", "notes"}
        for key, said in error.message_dict.items():
            for message in said:
                self.add_error(key if key in known else FORM_ERROR, message)

    def expected_version(self) -> int | None:
        try:
            return int(self.version)
        except ValueError:
            return None

    def questions(self) -> list[dict[str, Any]]:
        return [
            {"sign": q.sign, "label": q.question, "hint": q.detail, "answer": self.answers.get(q.sign, "")}
            | {"errors": self.errors.get(q.sign)}
            for q in FUNCTION_QUESTIONS
        ]

    def places_rows(self) -> list[dict[str, Any]]:
        """Each part with its sides: (value, label, ticked)."""
        rows = []
        for limb, label, sides in PLACES:
            ticked = [(f"{limb}:{side}", SIDE_LABELS[side], f"{limb}:{side}" in self.places) for side in sides]
            rows.append({"limb": limb, "label": label, "sides": ticked})
        return rows


@dataclass(frozen=True)
class Warning:
    sign: str
    name: str
    advice: str


def warnings_of(check: FunctionCheck | None) -> list[Warning]:
    """The "see a doctor soon" notices of a saved check: one for each warning sign answered yes."""
    if check is None:
        return []
    signs = [sign for sign in FUNCTION_WARNING_SIGNS if getattr(check, sign) is True]
    if not signs:
        return []
    advice = dict(Symptom.objects.filter(code__in=[ADVICE_FROM[s] for s in signs]).values_list("code", "advice"))
    fallback = "Please book a doctor's appointment as soon as possible so that it can be checked in person."
    return [Warning(sign, LABELS[sign], advice.get(ADVICE_FROM[sign]) or fallback) for sign in signs]


@login_required
@require_http_methods(["GET", "POST"])
def function_check_today(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    today = user_today(user.pk)
    return _page(request, user, today, today)


@login_required
@require_http_methods(["GET", "POST"])
def function_check_day(request: HttpRequest, day: str) -> HttpResponse:
    """An earlier day's check. Not a date, before the diary's first or after today: 404."""
    user = page_user(request)
    today = user_today(user.pk)
    wanted = past_day(day, today, "weekly check")
    if wanted == today and request.method == "GET":
        return redirect("function-check")
    return _page(request, user, wanted, today)


def _page(request: HttpRequest, user: User, day: date, today: date) -> HttpResponse:
    existing = function_check_list(user=user).filter(date=day).first()
    if request.method != "POST":
        return _render(request, FunctionCheckForm.of_check(existing), day, today, existing)
    form = FunctionCheckForm.from_post(request.POST)
    values = form.to_values()
    if values is None:
        return _render(request, form, day, today, existing, status=400)
    try:
        function_check_upsert(user=user, date=day, expected_version=form.expected_version(), **values)
    except ValidationError as error:
        form.add_service_errors(error)
        return _render(request, form, day, today, existing, status=400)
    except StaleVersion:
        form.add_error(FORM_ERROR, "This check was changed elsewhere since you opened it. Open it again, then edit.")
        return _render(request, form, day, today, existing, status=409)
    messages.success(request, f"Weekly check for {day:%A %-d %B} saved.")
    return redirect("function-check") if day == today else redirect("function-check-day", day=day.isoformat())


def _render(
    request: HttpRequest,
    form: FunctionCheckForm,
    day: date,
    today: date,
    existing: FunctionCheck | None,
    *,
    status: int = 200,
) -> HttpResponse:
    previous = day - timedelta(days=7)
    context: dict[str, Any] = {
        "nav": "function-check",
        "form": form,
        "questions": form.questions(),
        "places": form.places_rows(),
        "form_errors": form.errors.get(FORM_ERROR, []),
        "day": day,
        "is_today": day == today,
        "existing": existing,
        # Shown for what is saved, never for answers not yet saved (a form sent back with errors).
        "warnings": warnings_of(existing) if status == 200 else [],
        "previous": previous if previous >= EARLIEST_DATE else None,
        "max_notes": MAX_NOTES_LENGTH,
    }
    return render(request, "diary/function_check.html", context, status=status)
