"""The history's filter form and its paging cursor.

The form only parses the query: the codes are checked by diary.selectors.episode_list, the one
selector the API lists with too, and its ValidationError lands on the form's fields."""

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict

from diary.dates import DATE_BOUNDS
from diary.pages.episode_form import Choices as EpisodeChoices
from diary.selectors import EpisodeFilters

# The query parameters of a history page: what a link to another page of it carries.
FILTER_FIELDS = ("date_from", "date_to", "region", "trigger", "symptom")
CURSOR_FIELD = "after"
CURSOR_SEPARATOR = "~"

Choices = list[tuple[str, str]]


@dataclass(frozen=True)
class FilterChoices:
    """The filters' options, names by code, in the reference data's order."""

    regions: Choices
    triggers: Choices
    symptoms: Choices

    @classmethod
    def load(cls) -> "FilterChoices":
        """From the logging form's choices, which are kept per process and reference version: a
        page reads them for one query (the version's)."""
        offered = EpisodeChoices.load()
        return cls(
            regions=[(region.code, region.name) for region in offered.regions.values()],
            triggers=offered.triggers,
            symptoms=[(symptom.code, symptom.name) for symptom in offered.symptoms],
        )


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: just after the row (started_at, id) in newest-first order
    (none: from the newest row); and, when the page before stopped showing check-ins at a day,
    the newest day whose check-in is still to show (see diary.pages.history_checkins)."""

    started_at: datetime | None
    id: uuid.UUID | None
    checkins_to: date | None = None

    def text(self) -> str:
        """ "<started_at>~<id>", "<started_at>~<id>~<day>" or "~~<day>"."""
        row = "" if self.started_at is None else self.started_at.astimezone(UTC).isoformat()
        text = f"{row}{CURSOR_SEPARATOR}{'' if self.id is None else self.id.hex}"
        return text if self.checkins_to is None else f"{text}{CURSOR_SEPARATOR}{self.checkins_to.isoformat()}"

    @classmethod
    def parse(cls, text: str) -> "Cursor":
        """The cursor a page link carries; ValueError for anything this page did not write."""
        moment, separator, rest = text.partition(CURSOR_SEPARATOR)
        if not separator:
            raise ValueError("no separator")
        key, _, day = rest.partition(CURSOR_SEPARATOR)
        checkins_to = date.fromisoformat(day) if day else None
        if not moment and not key and checkins_to is not None:
            return cls(started_at=None, id=None, checkins_to=checkins_to)
        try:
            started_at = datetime.fromisoformat(moment)
            if started_at.tzinfo is None:
                raise ValueError("naive")
            return cls(started_at=started_at.astimezone(UTC), id=uuid.UUID(key), checkins_to=checkins_to)
        except OverflowError as error:  # year 1 at +05:00 has no UTC instant
            raise ValueError("out of range") from error


def _select(label: str, choices: Choices) -> forms.CharField:
    # A CharField shown as a select: an unknown code must reach the selector, which answers it.
    return forms.CharField(label=label, required=False, widget=forms.Select(choices=[("", "Any"), *choices]))


def _with_given(choices: Choices, given: str) -> Choices:
    """The options, and the one given if it is not among them (a link typed by hand): the form
    shows it back, selected, beside the selector's error, as any form keeps what was typed."""
    if not given or any(code == given for code, _ in choices):
        return choices
    return [*choices, (given, f"{given} (unknown)")]


class HistoryFilterForm(forms.Form):
    date_from = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=DATE_BOUNDS,
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=DATE_BOUNDS,
    )
    region = forms.CharField(required=False)
    trigger = forms.CharField(required=False)
    symptom = forms.CharField(required=False)
    after = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data: QueryDict, **kwargs: Any) -> None:
        super().__init__(data, label_suffix="", **kwargs)
        choices = FilterChoices.load()
        for name, label, options in (
            ("region", "Body region", choices.regions),
            ("trigger", "Trigger", choices.triggers),
            ("symptom", "Symptom", choices.symptoms),
        ):
            self.fields[name] = _select(label, _with_given(options, data.get(name, "")))

    def clean_after(self) -> Cursor | None:
        text = self.cleaned_data["after"]
        if not text:
            return None
        try:
            return Cursor.parse(text)
        except ValueError:
            raise ValidationError("This link to older episodes is broken.") from None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and first > last:
            self.add_error("date_to", "The last day must be on or after the first day.")
        return cleaned

    def filters(self) -> EpisodeFilters:
        """The filters asked for (call once the form is valid)."""
        return replace(
            self.code_filters(), date_from=self.cleaned_data["date_from"], date_to=self.cleaned_data["date_to"]
        )

    def code_filters(self) -> EpisodeFilters:
        """Only the code filters, which the selector checks whatever else is wrong: a form
        refused for its dates names an unknown code at once too."""
        data = self.cleaned_data
        return EpisodeFilters(
            region=data.get("region") or None, trigger=data.get("trigger") or None, symptom=data.get("symptom") or None
        )

    def refuse(self, error: ValidationError) -> None:
        """Put the selector's field errors (unknown codes) next to their fields, in words: the
        selector's own message lists the codes allowed, which the select already offers."""
        for field in error.message_dict:
            if field in self.fields:
                label = str(self.fields[field].label).lower()
                self.add_error(field, f"There is no {label} {self.data.get(field)!r}: pick one from the list.")
            else:
                self.add_error(None, error.message_dict[field])

    def query(self, **extra: str) -> str:
        """The filters as given (a query string without "?"), plus `extra`: for links to other
        pages of the same history and for coming back to it after a delete."""
        query = QueryDict(mutable=True)
        for name in FILTER_FIELDS:
            value = self.data.get(name, "")
            if value:
                query[name] = value
        query.update({name: value for name, value in extra.items() if value})
        return query.urlencode()

    @property
    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in FILTER_FIELDS)
