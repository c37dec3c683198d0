"""The reports page's forms: a report to build, and the range every such form chooses
(tracker.shares.forms builds the share link's form on it): a preset ending today in the user's
zone, or two dates. The rules (the format, the range's length, the link's lifetime) are their
service's, whose field errors the view puts back on these fields."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from diary.dates import DATE_BOUNDS
from tracker.models import Report
from tracker.reports import FORMATS

CUSTOM = "custom"


@dataclass(frozen=True)
class Preset:
    code: str
    label: str
    weeks: int = 0
    months: int = 0


PRESETS = [
    Preset("4w", "Last 4 weeks", weeks=4),
    Preset("3m", "Last 3 months", months=3),
    Preset("12m", "Last 12 months", months=12),
]
PRESET_BY_CODE = {preset.code: preset for preset in PRESETS}
DEFAULT_PRESET = "3m"


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier, or that month's last day when it is shorter (31 May less
    3 months is 28 or 29 February)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def preset_range(code: str, today: date) -> tuple[date, date]:
    """The preset's dates, both included, ending `today`: 4 weeks is 28 days; 3 months from
    20 November starts on 21 August, so that the same date is not counted twice."""
    preset = PRESET_BY_CODE[code]
    if preset.weeks:
        return today - timedelta(weeks=preset.weeks) + timedelta(days=1), today
    return months_before(today, preset.months) + timedelta(days=1), today


def range_choices(today: date) -> list[tuple[str, str]]:
    """The presets with their dates spelled out, so that nobody has to guess what "last 3
    months" means, and the custom range."""
    choices = []
    for preset in PRESETS:
        start, end = preset_range(preset.code, today)
        choices.append((preset.code, f"{preset.label} ({start:%-d %b %Y} to {end:%-d %b %Y})"))
    return [*choices, (CUSTOM, "Choose the dates")]


class RangeForm(forms.Form):
    """A range: a preset, or from/to dates (required only then). `today` is the user's."""

    custom_choice = CUSTOM  # the choice that uses the dates (the page shows them only then)

    range = forms.ChoiceField(label="Period", widget=forms.RadioSelect, initial=DEFAULT_PRESET)
    date_from = forms.DateField(
        label="From", required=False, validators=DATE_BOUNDS, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To (included)", required=False, validators=DATE_BOUNDS, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        range_field = self.fields["range"]
        assert isinstance(range_field, forms.ChoiceField)
        range_field.choices = range_choices(today)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        code = cleaned.get("range")
        if code in PRESET_BY_CODE:
            cleaned["date_from"], cleaned["date_to"] = preset_range(code, self.today)
        elif code == CUSTOM:
            for name in ("date_from", "date_to"):
                if cleaned.get(name) is None and name not in self.errors:
                    self.add_error(name, "Choose a date, or one of the periods above.")
        return cleaned

    def add_service_errors(self, error: ValidationError) -> None:
        """A service's field errors, next to their fields here; the range's dates point at the
        custom dates, which are shown with what the preset worked out."""
        for name, messages in error.message_dict.items():
            field = name if name in self.fields else None
            for message in messages:
                self.add_error(field, message.replace("date_from", "the first date"))

    def mark_invalid(self) -> None:
        """aria-invalid and aria-describedby (the error list's id, see field.html) on each
        field in error, so that a screen reader says what is wrong where the focus is."""
        for name in self.errors:
            if name in self.fields and not isinstance(self.fields[name].widget, forms.RadioSelect):
                bound = self[name]
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"{bound.auto_id}-error"}
                )


class ReportForm(RangeForm):
    prefix = "report"

    format = forms.ChoiceField(
        label="Format",
        widget=forms.RadioSelect,
        initial="pdf",
        choices=[(code, dict(Report.Format.choices).get(code, code.upper())) for code in FORMATS],
    )
    include_notes = forms.BooleanField(label="Include my notes", required=False)
