"""The check-in form: each measure as typed (text), read into the values checkin_upsert takes.
The form only reads numbers; their bounds are the service's (diary.models.CHECKIN_BOUNDS), whose
field errors come back onto the same fields."""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.http import QueryDict

from diary.models import CheckIn
from diary.services import CheckInInput

# (field, label, hint), in the order shown: the label names the measure, the hint (shown under
# the box, and read with it) says in what unit, with no parentheses of its own.
MEASURES = (
    ("sleep_hours", "Sleep last night", "hours, such as 7.5"),
    ("caffeine_cups", "Caffeine", "cups of coffee, tea or energy drinks"),
    ("stress", "Stress", "0 is none, 10 is extreme"),
    ("exercise_minutes", "Exercise", "minutes"),
    ("alcohol_units", "Alcohol", "units; a small glass of wine is about 1.5"),
)
TWITCHING = {"yes": True, "no": False, "": None}
FORM_ERROR = "__all__"


@dataclass
class CheckInForm:
    values: dict[str, str] = field(default_factory=dict)  # measure -> text as typed
    twitching_today: str = ""  # "yes", "no" or "" (not answered: the question is optional)
    notes: str = ""
    version: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of_checkin(cls, checkin: CheckIn | None, *, logged: int = 0) -> "CheckInForm":
        """The form for a day's check-in. On a day with `logged` episodes the answer to "did you
        notice twitching?" is yes, whatever was saved before the episodes were logged."""
        if checkin is None:
            return cls(twitching_today="yes" if logged else "")
        values = {name: _text(getattr(checkin, name)) for name, _, _ in MEASURES}
        said = "yes" if logged else {True: "yes", False: "no", None: ""}[checkin.twitching_today]
        return cls(values=values, twitching_today=said, notes=checkin.notes, version=str(checkin.version))

    @classmethod
    def from_post(cls, data: QueryDict) -> "CheckInForm":
        return cls(
            values={name: data.get(name, "").strip() for name, _, _ in MEASURES},
            twitching_today=data.get("twitching_today", ""),
            notes=data.get("notes", ""),
            version=data.get("version", ""),
        )

    def add_error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def add_service_errors(self, error: ValidationError) -> None:
        known = {name for name, _, _ in MEASURES} | {"twitching_today", "notes"}
        for key, messages in error.message_dict.items():
            for message in messages:
                self.add_error(key if key in known else FORM_ERROR, message)

    def to_values(self, *, logged: int = 0) -> CheckInInput | None:
        """checkin_upsert's keyword values, or None with errors where a number is not one, or
        where "no twitching" is said of a day with `logged` episodes (a form opened before they
        were logged, say): the episodes answer the question."""
        numbers = {name: _number(self, name, text) for name, text in self.values.items()}
        if self.twitching_today not in TWITCHING:
            self.add_error("twitching_today", "Choose yes or no, or leave it unanswered.")
        elif logged and self.twitching_today == "no":
            episodes = "1 episode" if logged == 1 else f"{logged} episodes"
            self.add_error(
                "twitching_today",
                f"This day has {episodes} logged, so it was not a day without twitching: save again to keep “yes”.",
            )
            self.twitching_today = "yes"
        if self.errors:
            return None
        return CheckInInput(
            caffeine_cups=numbers.get("caffeine_cups"),
            sleep_hours=numbers.get("sleep_hours"),
            stress=numbers.get("stress"),
            exercise_minutes=numbers.get("exercise_minutes"),
            alcohol_units=numbers.get("alcohol_units"),
            twitching_today=TWITCHING.get(self.twitching_today),
            notes=self.notes,
        )

    def expected_version(self) -> int | None:
        """The version the form was made from; none for a new check-in (or a forged one:
        str.isdigit takes "²", which int() refuses, and int() refuses 5,000 digits)."""
        try:
            return int(self.version)
        except ValueError:
            return None

    def rows(self) -> list[dict[str, Any]]:
        """The measures with what the template needs to draw each."""
        return [
            {"name": name, "label": label, "hint": hint, "value": self.values.get(name, "")}
            | {"errors": self.errors.get(name)}
            for name, label, hint in MEASURES
        ]


def _number(form: CheckInForm, name: str, text: str) -> int | float | None:
    if not text:
        return None  # not recorded: never read as zero
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        form.add_error(name, "Enter a number, or leave it empty.")
        return None


def _text(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"
