"""The forms of what was tried and the tests done: each field as typed (text), read into the
values record_create and record_update take. The form reads only dates; every other check is
the service's (diary.services.clinical), whose field errors come back onto the same fields."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import QueryDict

from diary.models import MAX_DOSE_LENGTH, MAX_NAME_LENGTH, MAX_NOTES_LENGTH, InvestigationKind, TreatmentKind

FORM_ERROR = "__all__"
# (widget, the start of a service's message) -> what the form says instead.
PLAINER = {
    ("select", "Must be one of"): "Choose one in the list.",
    ("date", "Required (YYYY-MM-DD)."): "Enter the date.",
    ("text", "Must not be empty."): "Write what it was.",
}


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    widget: str  # "text", "select", "date" or "textarea"
    hint: str = ""
    required: bool = False
    max_length: int = 0
    choices: tuple[tuple[str, str], ...] = ()


TREATMENT_FIELDS = (
    Field("name", "What you tried", "text", "such as magnesium, less coffee, physiotherapy", True, MAX_NAME_LENGTH),
    Field("kind", "Kind", "select", required=True, choices=tuple(TreatmentKind.choices)),
    Field("dose", "Dose", "text", "optional, such as 200 mg at night", max_length=MAX_DOSE_LENGTH),
    Field("started_on", "Started on", "date", required=True),
    Field("stopped_on", "Stopped on", "date", "leave empty while it goes on"),
    Field("notes", "Notes", "textarea", "optional", max_length=MAX_NOTES_LENGTH),
)
INVESTIGATION_FIELDS = (
    Field("name", "Test", "text", "such as EMG of both legs, blood test", True, MAX_NAME_LENGTH),
    Field("kind", "Kind", "select", required=True, choices=tuple(InvestigationKind.choices)),
    Field("done_on", "Done on", "date", required=True),
    Field("result", "Result", "textarea", "in your own words, or the letter's", max_length=MAX_NOTES_LENGTH),
    Field("notes", "Notes", "textarea", "optional", max_length=MAX_NOTES_LENGTH),
)


@dataclass
class RecordForm:
    """A treatment's or a test's form: `fields` says which."""

    fields: tuple[Field, ...]
    values: dict[str, str] = field(default_factory=dict)  # field -> text as typed
    version: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def blank(cls, fields: tuple[Field, ...], **values: str) -> "RecordForm":
        return cls(fields, values=dict(values))

    @classmethod
    def of_record(cls, fields: tuple[Field, ...], record: Any) -> "RecordForm":
        values = {f.name: _text(getattr(record, f.name)) for f in fields}
        return cls(fields, values=values, version=str(record.version))

    @classmethod
    def from_post(cls, fields: tuple[Field, ...], data: QueryDict) -> "RecordForm":
        values = {f.name: data.get(f.name, "") for f in fields}
        # One line each: spaces around a name or a date are typing, not content.
        values = {name: text if _widget(fields, name) == "textarea" else text.strip() for name, text in values.items()}
        return cls(fields, values=values, version=data.get("version", ""))

    def add_error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def add_service_errors(self, error: ValidationError) -> None:
        """The service's field errors on their fields, those written for the API's clients (with
        codes and formats) said as the form asks."""
        widgets = {f.name: f.widget for f in self.fields}
        for key, messages in error.message_dict.items():
            for message in messages:
                said = PLAINER.get((widgets.get(key, ""), message.split(":", 1)[0]), message)
                self.add_error(key if key in widgets else FORM_ERROR, said)

    def to_values(self) -> dict[str, Any] | None:
        """The service's values, or None with an error on each date that is not one."""
        values: dict[str, Any] = {}
        for f in self.fields:
            text = self.values.get(f.name, "")
            values[f.name] = _day(self, f, text) if f.widget == "date" else text
        return None if self.errors else values

    def expected_version(self) -> int | None:
        try:
            return int(self.version)
        except ValueError:
            return None

    def rows(self) -> list[dict[str, Any]]:
        """The fields with what the template needs to draw each."""
        return [
            {"field": f, "value": self.values.get(f.name, ""), "errors": self.errors.get(f.name)} for f in self.fields
        ]


def _widget(fields: tuple[Field, ...], name: str) -> str:
    return next(f.widget for f in fields if f.name == name)


def _day(form: RecordForm, f: Field, text: str) -> date | None:
    if not text:
        return None  # the service says when a date is required
    try:
        return date.fromisoformat(text)
    except ValueError:
        form.add_error(f.name, "Enter a date such as 2026-11-20.")
        return None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def parse_day(text: str) -> date | None:
    """A date typed in a form (YYYY-MM-DD), or None."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None
