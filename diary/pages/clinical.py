"""What you have tried (treatments) and the tests you have had (investigations): a list with a
form to add one, an edit page, a confirmed delete, and for a treatment "Stopped today" in one tap.
Both kinds are written by diary.services.clinical; one `Section` describes each page."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from diary.models import Investigation, Treatment
from diary.pages.clinical_forms import (
    FORM_ERROR,
    INVESTIGATION_FIELDS,
    TREATMENT_FIELDS,
    Field,
    RecordForm,
    parse_day,
)
from diary.pages.episodes import page_user
from diary.selectors.clinical import investigation_get, investigation_list, treatment_get, treatment_list
from diary.selectors.profiles import user_today
from diary.services import (
    INVESTIGATIONS,
    TREATMENTS,
    RecordKind,
    StaleVersion,
    record_create,
    record_delete,
    record_update,
    treatment_stop,
)

STALE = "This was changed elsewhere since you opened it. Open it again, then edit."


@dataclass(frozen=True)
class Section:
    kind: RecordKind[Any]
    fields: tuple[Field, ...]
    list_of: Callable[..., QuerySet[Any]]
    get: Callable[..., Any]
    list_url: str  # the list page's url name
    template: str  # the list page's
    add_fields: tuple[str, ...]  # those the add form shows (a treatment is added going on)


TREATMENT_PAGES = Section(
    TREATMENTS,
    TREATMENT_FIELDS,
    treatment_list,
    treatment_get,
    "treatments",
    "diary/clinical/treatments.html",
    ("name", "kind", "dose", "started_on", "notes"),
)
TEST_PAGES = Section(
    INVESTIGATIONS,
    INVESTIGATION_FIELDS,
    investigation_list,
    investigation_get,
    "investigations",
    "diary/clinical/investigations.html",
    ("name", "kind", "done_on", "result", "notes"),
)


def _add_form(section: Section, **values: str) -> RecordForm:
    return RecordForm.blank(tuple(f for f in section.fields if f.name in section.add_fields), **values)


def _list_page(request: HttpRequest, section: Section) -> HttpResponse:
    user = page_user(request)
    today = user_today(user.pk)
    if request.method == "POST":
        form = RecordForm.from_post(_add_form(section).fields, request.POST)
        created = _create(section, user, form)
        if created is not None:
            messages.success(request, f"Saved: {created.name}.")
            return redirect(section.list_url)
        status = 400
    else:
        date_field = "started_on" if section is TREATMENT_PAGES else "done_on"
        form, status = _add_form(section, **{date_field: today.isoformat()}), 200
    # What goes on first, then what was stopped; each the latest started first (the selector's).
    records = sorted(section.list_of(user=user), key=lambda record: getattr(record, "stopped_on", None) is not None)
    context = {
        "nav": section.list_url,
        "form": form,
        "rows": form.rows(),
        "form_errors": form.errors.get(FORM_ERROR, []),
        "records": records,
        "today": today,
    }
    return render(request, section.template, context, status=status)


def _create(section: Section, user: User, form: RecordForm) -> Treatment | Investigation | None:
    values = form.to_values()
    if values is None:
        return None
    try:
        record: Treatment | Investigation | None = record_create(section.kind, user=user, values=values).record
    except ValidationError as error:
        form.add_service_errors(error)
        return None
    return record


def _edit_page(request: HttpRequest, section: Section, id: uuid.UUID) -> HttpResponse:
    user = page_user(request)
    record = section.get(user=user, id=id)  # anyone else's, or a deleted one: 404
    if request.method != "POST":
        return _render_edit(request, section, record, RecordForm.of_record(section.fields, record))
    form = RecordForm.from_post(section.fields, request.POST)
    values = form.to_values()
    if values is None:
        return _render_edit(request, section, record, form, status=400)
    try:
        record_update(section.kind, record=record, expected_version=form.expected_version(), **values)
    except ValidationError as error:
        form.add_service_errors(error)
        return _render_edit(request, section, record, form, status=400)
    except StaleVersion:
        form.add_error(FORM_ERROR, STALE)
        return _render_edit(request, section, record, form, status=409)
    messages.success(request, f"Saved: {values['name'].strip()}.")
    return redirect(section.list_url)


def _render_edit(
    request: HttpRequest, section: Section, record: Any, form: RecordForm, *, status: int = 200
) -> HttpResponse:
    context = {
        "nav": section.list_url,
        "form": form,
        "rows": form.rows(),
        "form_errors": form.errors.get(FORM_ERROR, []),
        "record": record,
        "is_treatment": section is TREATMENT_PAGES,
        "list_url": section.list_url,
        "today": user_today(page_user(request).pk),
    }
    return render(request, "diary/clinical/edit.html", context, status=status)


def _delete_page(request: HttpRequest, section: Section, id: uuid.UUID) -> HttpResponse:
    """A delete asks first (a page of its own, which works without JavaScript): there is no undo."""
    record = section.get(user=page_user(request), id=id)
    if request.method == "POST":
        record_delete(record=record)
        messages.success(request, f"Deleted: {record.name}.")
        return redirect(section.list_url)
    context = {"nav": section.list_url, "record": record, "is_treatment": section is TREATMENT_PAGES}
    return render(request, "diary/clinical/delete.html", context | {"list_url": section.list_url})


@login_required
@require_http_methods(["GET", "POST"])
def treatments(request: HttpRequest) -> HttpResponse:
    return _list_page(request, TREATMENT_PAGES)


@login_required
@require_http_methods(["GET", "POST"])
def treatment_edit(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    return _edit_page(request, TREATMENT_PAGES, id)


@login_required
@require_http_methods(["GET", "POST"])
def treatment_delete(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    return _delete_page(request, TREATMENT_PAGES, id)


@login_required
@require_POST
def treatment_stopped(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    """ "Stopped today" in one tap; with another day in `stopped_on`, that day."""
    user = page_user(request)
    treatment = treatment_get(user=user, id=id)
    typed = request.POST.get("stopped_on", "")
    day = user_today(user.pk) if "today" in request.POST or not typed.strip() else parse_day(typed)
    if day is None:
        messages.error(request, f"{treatment.name}: enter the day it stopped as a date such as 2026-11-20.")
        return redirect("treatments")
    try:
        treatment_stop(treatment=treatment, stopped_on=day)
    except ValidationError as error:
        said = " ".join(message for messages_ in error.message_dict.values() for message in messages_)
        messages.error(request, f"{treatment.name} not stopped: {said}")
        return redirect("treatments")
    messages.success(request, f"{treatment.name}: stopped on {day:%-d %B %Y}.")
    return redirect("treatments")


@login_required
@require_http_methods(["GET", "POST"])
def investigations(request: HttpRequest) -> HttpResponse:
    return _list_page(request, TEST_PAGES)


@login_required
@require_http_methods(["GET", "POST"])
def investigation_edit(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    return _edit_page(request, TEST_PAGES, id)


@login_required
@require_http_methods(["GET", "POST"])
def investigation_delete(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    return _delete_page(request, TEST_PAGES, id)
