"""The findings' types: what `summary.analyse` returns, what a Summary stores as JSON, and what
the summary API sends. TypedDicts rather than dataclasses: the findings are JSON (stored, sent,
read back), and a TypedDict is that JSON, key for key, with nothing to convert.

A finding whose keys depend on its outcome is a union of one TypedDict per outcome, told apart
by a Literal key (`direction`, `status`, `rule`): narrow on that key before reading the others.
tests/tracker/analysis/test_findings.py checks these declarations against what the analysis returns.

Reference codes (regions, sides, symptoms, triggers, feature kinds and roles) stay `str`: they
come from the reference tables, and the analysis reports them as it finds them.

Over 400 lines: every finding's shape is declared here, in one place, because the summary API,
the pages and the reports all read them; the lines are declarations, not logic.
"""

from typing import Literal, NotRequired, TypedDict

# Frequency


class Spread(TypedDict):
    """None throughout when there is no episode."""

    median: float | None
    mean: float | None
    p90: float | None
    max: float | None


class IntensitySpread(Spread):
    counts: dict[str, int]  # "1" to "10": episodes at each intensity


class BusiestDay(TypedDict):
    date: str  # ISO date
    episodes: int


class Frequency(TypedDict):
    """Counted over the days the diary covers within the range: from the later of the range's
    start and the diary's first entry (Period.start), never over days before the diary began."""

    episodes: int
    days: int
    days_covered: int  # the same number as `days`, named for what it is
    days_with_twitching: int
    share_of_days_with_twitching: float
    per_day: float
    per_week: float
    busiest_day: BusiestDay | None  # None when there is no episode
    duration_seconds: Spread  # of the episodes that ended: those still going have no duration yet
    still_going: int  # episodes still going (counted in `episodes`, not in `duration_seconds`)
    intensity: IntensitySpread
    patterns: dict[str, int]  # pattern code: episodes, most common first (only those with one recorded)
    patterns_not_recorded: int  # episodes whose pattern the person did not say


# Trend


class TrendDays(TypedDict):
    recent_days: int
    earlier_days: int
    recent_episodes: int
    earlier_episodes: int


class TrendNotEnoughData(TrendDays):
    direction: Literal["not_enough_data"]
    reason: str


Direction = Literal["more_frequent", "less_frequent", "stable"]


class TrendMeasured(TrendDays):
    direction: Direction
    rate_ratio: float
    ci_low: float
    ci_high: float
    p_value: float


Trend = TrendNotEnoughData | TrendMeasured


# Timing


class Peak(TypedDict):
    """A test for a peak. Its optional keys follow the outcome: `reason` alone when it could not
    be tested; `p_value` alone when a peak was found; both when the episodes are spread evenly,
    or uneven with no single part standing out (`peak` None). `test` says how it was tested,
    `days` how many days the test compared."""

    counts: dict[str, int]
    peak: str | None
    p_value: NotRequired[float]
    reason: NotRequired[str]
    test: str
    days: int


class Window(TypedDict):
    start: str  # "06:00"
    end: str  # "24:00"


class TimeOfDayPeak(Peak):
    """`counts` holds every part of the day, night included; only the parts inside `window` (the
    hours the person is taken to be awake) are compared, each against an even share."""

    window: Window
    outside_window: int  # episodes outside the window: counted, not compared
    shares: dict[str, float]  # each compared part's share of the episodes inside the window
    day_shares: NotRequired[dict[str, float]]  # each part's share of the average day: what is tested


class WeekdayPeak(Peak):
    days_per_weekday: dict[str, int]  # days of each weekday compared
    per_day: dict[str, float]  # episodes per day on each weekday


class Timing(TypedDict):
    by_hour: dict[str, int]  # "0" to "23"
    time_of_day: TimeOfDayPeak
    weekday: WeekdayPeak


# Locations

Extent = Literal["none", "focal", "widespread", "multifocal"]


class RegionCount(TypedDict):
    region: str
    name: str
    episodes: int


class SideCount(TypedDict):
    region: str
    side: str
    episodes: int


class NewPlace(TypedDict):
    region: str
    name: str
    first_seen: str  # ISO date
    episodes: int


class Locations(TypedDict):
    by_region: list[RegionCount]
    by_side: list[SideCount]
    by_group: dict[str, int]  # face, head_neck, arm, trunk, leg or other: episodes
    extent: Extent
    first_seen: dict[str, str]  # region: ISO date first seen within the period
    new_in_last_30_days: list[str]
    new_recently: list[NewPlace]  # the same places, with when each was first seen, oldest first


# Triggers


class TriggerCount(TypedDict):
    trigger: str
    name: str
    episodes: int
    share: float


class Triggers(TypedDict):
    episodes_with_a_trigger: int
    by_trigger: list[TriggerCount]


# Associations (one per factor and lag)


class AssociationDays(TypedDict):
    factor: str
    label: str
    lag_days: int
    exposed_days: int
    unexposed_days: int
    exposed_episodes: int
    unexposed_episodes: int


class Unadjusted(TypedDict):
    """The factor compared alone (days with it against days without it), beside the adjusted
    rate ratio for comparison only: not adjusted for the other factors, the trend or the weekday,
    not corrected, never called significant."""

    rate_ratio: float
    ci_low: float
    ci_high: float
    p_value: float
    interval_level: float  # 0.95: a plain 95% interval


class AssociationNotEnoughData(AssociationDays):
    """No adjusted rate ratio: too few days, a factor that never varies, one that goes together
    with another, or a model that could not be fitted; `reason` says which. `unadjusted` is there
    when the factor could still be compared alone."""

    rate_ratio: None
    ci_low: None
    ci_high: None
    q_value: None
    significant: Literal[False]
    status: Literal["not_enough_data"]
    reason: str
    unadjusted: Unadjusted | None


class AssociationTested(AssociationDays):
    """The rate ratio adjusted for the other factors (same day and day before), a slow time trend
    and the weekday, with an interval that agrees with its q-value: significant exactly when the
    interval excludes 1, which is when q_value < AssociationMethod.threshold."""

    rate_ratio: float
    ci_low: float
    ci_high: float
    q_value: float  # the p-value corrected for every rate ratio tested with it (AssociationMethod.correction)
    significant: bool
    status: Literal["ok"]
    p_value: float
    unadjusted: Unadjusted | None
    model_days: int  # check-in days the adjusted model used
    interval_level: float  # e.g. 0.9983: the interval's coverage, agreeing with the q-value


Association = AssociationNotEnoughData | AssociationTested


class AssociationMethod(TypedDict):
    """How the associations were tested, and what "significant" means."""

    model: str
    adjustment: list[str]
    correction: str
    threshold: float  # the false discovery rate: significant means q_value below it
    intervals: str
    significant: str  # the rule, in one sentence
    tests: int  # rate ratios tested together in this summary


class Method(AssociationMethod):
    """The associations' method, and how the timing peaks were tested."""

    time_of_day: str
    weekday: str


# Red flags

EyelidRule = Literal[
    "eyelid_with_vision_change",
    "eyelid_with_facial_weakness",
    "eyelid_with_twitching_elsewhere_in_face",
]
RedFlagRule = Literal["red_flag_symptom"] | EyelidRule


class SymptomFlag(TypedDict):
    episode_id: str
    started_at: str  # the user's wall-clock time, ISO, without offset
    date: str  # the local day, ISO
    episode_ids: list[str]  # every episode involved, by start time
    rule: Literal["red_flag_symptom"]
    symptoms: list[str]
    advice: list[str]  # one per symptom, in the same order


class EyelidFlag(TypedDict):
    """One per rule and local day: `episode_id` is the day's first eyelid episode, `episode_ids`
    every episode of that day the rule involves (the eyelid ones and those with the other
    evidence)."""

    episode_id: str
    started_at: str
    date: str
    episode_ids: list[str]
    rule: EyelidRule
    description: str
    symptoms: list[str]  # symptom codes, and for twitching elsewhere in the face the regions


RedFlag = SymptomFlag | EyelidFlag


class FunctionCheckFlag(TypedDict):
    """A weekly function check that answered yes to a warning sign (cramps are not one: see
    diary.plain.FUNCTION_WARNING_SIGNS)."""

    date: str  # the check's local date, ISO
    signs: list[str]  # in the order of FUNCTION_WARNING_SIGNS
    advice: list[str]  # the reference's advice for those signs' symptoms, each once


class RedFlags(TypedDict):
    notice: str | None  # None when there is no flag and no function check flag
    episodes: list[str]
    flags: list[RedFlag]  # from episodes: each names its episode_id
    function_checks: list[FunctionCheckFlag]  # by date


# Reference matches


class MatchedFeature(TypedDict):
    kind: str  # region, symptom, trigger, pattern
    code: str
    role: str  # typical, supporting, against
    note: str
    episodes: int  # episodes that logged it


class ReferenceSource(TypedDict):
    seed: str  # the document's file name, for traceability
    title: str  # the document's title, which readers cite
    supports: str


class ReferenceMatch(TypedDict):
    slug: str
    name: str
    category: str
    benign: bool
    matched_features: list[MatchedFeature]
    missing_features: list[MatchedFeature]
    against_features: list[MatchedFeature]
    sources: list[ReferenceSource]
    note: str


# What was tried


class TreatmentIdentity(TypedDict):
    """The treatment and the days compared: `before_days` of baseline (up to five weeks, before the
    days just before the start, which are left out) and `after_days` from the start (up to five
    weeks, until its stop or the end of the period), with the episodes a week over each (None
    without days)."""

    treatment_id: str
    name: str
    started_on: str  # ISO date
    stopped_on: str | None  # None while it goes on
    before_days: int
    after_days: int
    rate_before: float | None
    rate_after: float | None


class TreatmentEffectNotComputed(TreatmentIdentity):
    """No rate ratio: it started before the diary began or after the period, too few days on a
    side, no episodes, or a model that could not be fitted; `reason` says which."""

    status: Literal["not_enough_data"]
    rate_ratio: None
    ci_low: None
    ci_high: None
    significant: Literal[False]
    reason: str
    caveats: list[str]  # empty


class TreatmentEffectMeasured(TreatmentIdentity):
    """The rate ratio after against before, adjusted for the weekday, with a 95% interval
    (Student's t); significant when the interval excludes 1."""

    status: Literal["ok"]
    rate_ratio: float
    ci_low: float
    ci_high: float
    p_value: float
    significant: bool
    model_days: int  # the days compared: before_days + after_days
    left_out_days: int  # the days just before the start left out of the baseline
    caveats: list[str]  # plain sentences, always at least the design's limits


TreatmentEffect = TreatmentEffectNotComputed | TreatmentEffectMeasured


# Function checks


class SignWeeks(TypedDict):
    """One sign over the function checks: checks (one a week) answering yes and no; the ones
    not answering it count in neither."""

    yes_weeks: int
    no_weeks: int
    first_yes: str | None  # ISO date of the first check answering yes


class FunctionChecks(TypedDict):
    checks: int
    first: str | None  # ISO dates of the first and last check; None without any
    last: str | None
    signs: dict[str, SignWeeks]  # every sign of diary.plain.FUNCTION_SIGNS, in that order


# The whole summary


class Period(TypedDict):
    start: str  # ISO dates, both included; the start is the first day the diary covers
    end: str
    days: int


class Findings(TypedDict):
    period: Period
    reference_version: str
    disclaimer: str
    frequency: Frequency
    trend: Trend
    timing: Timing
    locations: Locations
    triggers: Triggers
    associations: list[Association]
    method: Method
    red_flags: RedFlags
    reference_matches: list[ReferenceMatch]
    treatment_effects: list[TreatmentEffect]
    function_checks: FunctionChecks
