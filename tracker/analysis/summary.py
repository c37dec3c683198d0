"""All findings for one diary and period, with the statement every summary carries."""

from collections.abc import Sequence

from diary.plain import Diary

from .associations import FACTORS, Factor, associations, method
from .data import Reference
from .findings import Findings
from .frequency import frequency
from .function_checks import function_checks
from .locations import locations
from .red_flags import red_flags
from .reference_match import reference_matches
from .timing import TIME_OF_DAY_TEST, WEEKDAY_TEST, timing
from .treatments import treatment_effects
from .trend import trend
from .triggers import tagged_triggers

# The version of what analyse() computes. Raise it whenever a change to the analysis changes
# its findings (a new field, a new method): every stored summary then reads as stale and is
# computed again, so that nobody is shown findings of a shape or a method that no longer holds.
# 3: the summary stores the charts' counts (tracker.analysis.aggregates).
# 4: counted over the days the diary covers; reference matches on characteristic features;
#    episodes still going leave the durations, and frequency says how many (`still_going`).
# 5: a pattern may be not recorded: frequency counts those apart (`patterns_not_recorded`).
# 6: what each treatment did (`treatment_effects`), the weekly function checks
#    (`function_checks`), and a yes to a warning sign in one raises the red-flag notice.
ANALYSIS_VERSION = 6

DISCLAIMER = (
    "This summary shows what your diary records, with the numbers behind each finding. It is not "
    "a diagnosis and cannot rule anything in or out. Conditions listed are reference material to "
    "discuss with a doctor. If a red-flag notice appears, see a doctor soon."
)


def analyse(diary: Diary, reference: Reference, factors: Sequence[Factor] = FACTORS) -> Findings:
    found = associations(diary, factors)
    return {
        "period": {"start": diary.start.isoformat(), "end": diary.end.isoformat(), "days": diary.days},
        "reference_version": reference.version,
        "disclaimer": DISCLAIMER,
        "frequency": frequency(diary),
        "trend": trend(diary),
        "timing": timing(diary),
        "locations": locations(diary, reference),
        "triggers": tagged_triggers(diary, reference),
        "associations": found,
        "method": {**method(found), "time_of_day": TIME_OF_DAY_TEST, "weekday": WEEKDAY_TEST},
        "red_flags": red_flags(diary, reference),
        "reference_matches": reference_matches(diary, reference),
        "treatment_effects": treatment_effects(diary),
        "function_checks": function_checks(diary),
    }
