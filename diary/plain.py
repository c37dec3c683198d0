"""The diary as plain data: what its one typed read (diary.selectors.read.load_diary) answers,
and what the analysis (tracker.analysis) and the reports read.

No Django here, on purpose: the analysis imports these types without a database or settings,
and tests and notebooks build diaries of them by hand. (Under diary/selectors/ they could not
be imported without loading the models.)"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from typing import NamedTuple


class Episode(NamedTuple):
    """One episode as the analysis sees it. A named tuple: a big diary builds 100,000 of these,
    and a tuple is built several times faster than a frozen dataclass."""

    id: str
    local_start: datetime  # the user's wall-clock time when it started (naive)
    local_date: date
    duration_seconds: int | None  # None while it is still going
    intensity: int
    pattern: str | None  # None: not recorded
    locations: tuple[tuple[str, str], ...]  # (region code, side)
    triggers: tuple[str, ...] = ()
    symptoms: tuple[str, ...] = ()
    utc_offset_minutes: int = 0  # the offset the user's clock had when it was logged
    notes: str = ""  # "" unless the read was asked for notes

    @property
    def ongoing(self) -> bool:
        """Still going: an episode like any other, but with no duration to count yet."""
        return self.duration_seconds is None

    @property
    def started_at(self) -> datetime:
        """The instant it started, aware, in UTC: the wall-clock time less its offset."""
        return (self.local_start - timedelta(minutes=self.utc_offset_minutes)).replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class CheckIn:
    day: date
    caffeine_cups: int | None = None
    sleep_hours: float | None = None
    stress: int | None = None
    exercise_minutes: int | None = None
    alcohol_units: float | None = None
    twitching_today: bool | None = None
    notes: str = ""  # "" unless the read was asked for notes


# The weekly function check's questions, in the order a form asks them: the warning signs the
# sources name, then cramps (common with benign twitching, asked for the record, not a warning).
FUNCTION_WARNING_SIGNS = (
    "weakness",
    "wasting",
    "swallowing",
    "speech",
    "breathing",
    "balance",
    "numbness_tingling",
    "vision_hearing",
)
FUNCTION_SIGNS = (*FUNCTION_WARNING_SIGNS, "cramps")
# What each sign is called in a sentence ("no weakness in 12 weekly checks", "See a doctor soon:
# trouble swallowing"): the analysis's sentences and the questions' notices say it alike.
FUNCTION_SIGN_NAMES = {
    "weakness": "weakness",
    "wasting": "muscles looking thinner",
    "swallowing": "trouble swallowing",
    "speech": "trouble speaking",
    "breathing": "trouble breathing",
    "balance": "trouble with balance",
    "numbness_tingling": "numbness or tingling",
    "vision_hearing": "a change in vision or hearing",
    "cramps": "cramps",
}
assert tuple(FUNCTION_SIGN_NAMES) == FUNCTION_SIGNS
# The red-flag reference symptom (conditions' reference data) each warning sign is: a yes shows
# that symptom's "see a doctor soon" advice, as a red-flag symptom on an episode does.
FUNCTION_SIGN_SYMPTOMS = {
    "weakness": "weakness",
    "wasting": "muscle_wasting",
    "swallowing": "difficulty_swallowing",
    "speech": "difficulty_speaking",
    "breathing": "breathing_difficulty",
    "balance": "balance_trouble",
    "numbness_tingling": "numbness",
    "vision_hearing": "vision_change",
}
assert tuple(FUNCTION_SIGN_SYMPTOMS) == FUNCTION_WARNING_SIGNS


@dataclass(frozen=True, slots=True)
class FunctionCheck:
    """One weekly function check: each sign True (yes), False (no) or None (not answered)."""

    day: date
    weakness: bool | None = None
    wasting: bool | None = None
    swallowing: bool | None = None
    speech: bool | None = None
    breathing: bool | None = None
    balance: bool | None = None
    numbness_tingling: bool | None = None
    vision_hearing: bool | None = None
    cramps: bool | None = None
    weakness_where: tuple[tuple[str, str], ...] = ()  # (limb, side)

    def answer(self, sign: str) -> bool | None:
        return getattr(self, sign)  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class Treatment:
    """Something the person tried, from `started_on` to `stopped_on` (None: still going on)."""

    id: str
    name: str
    kind: str  # medication, supplement, lifestyle, therapy, other
    started_on: date
    stopped_on: date | None = None


class Earlier(NamedTuple):
    """What the diary holds from before a period that does not start with it."""

    regions: frozenset[str]  # every place logged before the period
    since: date  # the diary's first day, at the latest (a day late at worst across time zones)


@dataclass(frozen=True)
class Diary:
    """What one analysis looks at: the episodes and check-ins of [start, end] (local dates).

    `start` is the first day the diary covers: the range's start, or the diary's first entry
    when the diary starts later. Days before the diary began are not twitch-free days, so no
    finding counts them."""

    episodes: Sequence[Episode]
    checkins: Sequence[CheckIn]
    start: date
    end: date
    earlier: Earlier | None = None  # None: the diary starts within the period (or holds nothing before it)
    # Every treatment the person recorded, whenever it started (its effect needs the days
    # before it), and the function checks of the period.
    treatments: Sequence[Treatment] = ()
    function_checks: Sequence[FunctionCheck] = ()

    def __post_init__(self) -> None:
        # Every finding divides by the number of days: a period must hold at least one.
        if self.end < self.start:
            raise ValueError("A diary's period must not end before it starts.")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @cached_property
    def episodes_per_day(self) -> Counter[int]:
        """Episodes on each local day with any, by the day's ordinal. Ordinals rather than dates:
        "the day before" date.min is no date but is an ordinal, and several findings need these
        counts, so 100,000 episodes are counted once."""
        return Counter(e.local_date.toordinal() for e in self.episodes)
