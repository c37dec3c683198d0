"""The simulation's rates: the analysis run on the diaries of tests/tracker/analysis/simulation.py
(and simulation_treatments.py), and how often it says what it should (or should not), against
the limits the analysis promises.

Shared by tests/tracker/analysis/test_simulation.py and test_treatment_simulation.py, which
assert the limits on a few hundred diaries, and tests/bench/bench_simulation.py, which prints a
larger run. Calls `associations`, `timing` and `treatment_effects` directly, not `analyse`: the
rest of a summary costs time and checks nothing here.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from scipy import stats

from tracker.analysis.associations import associations
from tracker.analysis.findings import Association
from tracker.analysis.timing import timing
from tracker.analysis.treatments import treatment_effects

from . import simulation_treatments
from .simulation import SCENARIOS, Planted, Simulated

SIMULATED = {**SCENARIOS, **simulation_treatments.SCENARIOS}


@dataclass
class Rate:
    """How many diaries (of those counted) showed something, in total and by kind of diary."""

    what: str
    limit: float | None
    at_most: bool = True
    hits: dict[str, int] = field(default_factory=dict)
    counted: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, shown: bool | None) -> None:
        if shown is not None:
            self.counted[kind] = self.counted.get(kind, 0) + 1
            self.hits[kind] = self.hits.get(kind, 0) + shown

    @property
    def value(self) -> float:
        total = sum(self.counted.values())
        return sum(self.hits.values()) / total if total else float("nan")

    @property
    def ok(self) -> bool:
        if self.limit is None:
            return True
        return self.value <= self.limit if self.at_most else self.value >= self.limit

    def lines(self) -> list[str]:
        hits, counted = sum(self.hits.values()), sum(self.counted.values())
        low, high = clopper_pearson(hits, counted)
        if self.limit is None:
            verdict = "(information)"
        else:
            verdict = (
                f"limit {'<=' if self.at_most else '>='} {self.limit:.0%}: {'ok' if self.ok else 'FAILS'} "
                f"({self.value / self.limit:.2f} of the limit)"
            )
        by_kind = "; ".join(f"{kind} {self.hits[kind]}/{n}" for kind, n in sorted(self.counted.items()))
        return [
            f"{self.what}: {self.value:.1%} ({hits}/{counted}, 95% CI {low:.1%}-{high:.1%}) {verdict}",
            f"    by kind: {by_kind}",
        ]


def clopper_pearson(hits: int, counted: int) -> tuple[float, float]:
    """An exact 95% interval for a rate: with a few hundred diaries, a rate of 5% is known to
    about +-3 points, which a reader of the figures should see."""
    if counted == 0:
        return float("nan"), float("nan")
    low = float(stats.beta.ppf(0.025, hits, counted - hits + 1)) if hits else 0.0
    high = float(stats.beta.ppf(0.975, hits + 1, counted - hits)) if hits < counted else 1.0
    return low, high


def entry(found: list[Association], factor: str, lag: int) -> Association:
    return next(a for a in found if a["factor"] == factor and a["lag_days"] == lag)


def covers(found: Association, truth: Planted) -> bool | None:
    """Whether the interval holds the true rate ratio; None (not counted) without an interval."""
    if found["status"] != "ok":
        return None
    return found["ci_low"] <= truth.ratio <= found["ci_high"]


def covers_at_95(found: Association, truth: Planted) -> bool | None:
    """Whether a plain 95% interval around the adjusted estimate would hold the true ratio. The
    reported intervals are wider (they agree with the q-values), so they cover more often; this
    checks that the estimate and its standard error are honest in themselves. The standard
    error is read back from the reported interval and its level (normal quantiles: the model's
    t has at least 30 degrees of freedom, close enough for a rate)."""
    if found["status"] != "ok":
        return None
    log_ratio = math.log(found["rate_ratio"])
    se = math.log(found["ci_high"] / found["ci_low"]) / (2 * stats.norm.isf((1 - found["interval_level"]) / 2))
    return abs(math.log(truth.ratio) - log_ratio) <= stats.norm.isf(0.025) * se


# What each scenario looks at in one diary: the analysis runs once per diary, and only the part
# the scenario needs.

Shown = dict[str, bool | None]  # check: shown or not; None leaves the diary out of that count


def observe_null(sim: Simulated) -> Shown:
    when = timing(sim.diary)
    return {
        "association": any(a["significant"] for a in associations(sim.diary)),
        "time_of_day": when["time_of_day"]["peak"] is not None,
        "weekday": when["weekday"]["peak"] is not None,
    }


def observe_planted(sim: Simulated) -> Shown:
    assert sim.planted is not None
    found = entry(associations(sim.diary), sim.planted.factor, sim.planted.lag)
    return {
        "estimated": found["status"] == "ok",
        "covered": covers(found, sim.planted),
        "covered_95": covers_at_95(found, sim.planted),
        "found": found["significant"],
    }


def observe_confounded(sim: Simulated) -> Shown:
    found = associations(sim.diary)
    return {
        "caffeine": entry(found, "caffeine", 0)["significant"],
        "sleep": entry(found, "short_sleep", 0)["significant"],
    }


def observe_spells(sim: Simulated) -> Shown:
    return {"association": any(a["significant"] for a in associations(sim.diary))}


def observe_evening(sim: Simulated) -> Shown:
    peak = timing(sim.diary)["time_of_day"]["peak"]
    return {"evening": peak == "evening", "other": peak not in (None, "evening")}


def observe_treatment_null(sim: Simulated) -> Shown:
    [found] = treatment_effects(sim.diary)
    return {"significant": found["significant"] if found["status"] == "ok" else None}


def observe_treatment_halved(sim: Simulated) -> Shown:
    assert sim.planted is not None
    [found] = treatment_effects(sim.diary)
    if found["status"] != "ok":
        return {"estimated": False, "found": False, "covered": None}
    return {
        "estimated": True,
        "found": found["significant"] and found["rate_ratio"] < 1,
        "covered": found["ci_low"] <= sim.planted.ratio <= found["ci_high"],
    }


@dataclass(frozen=True)
class Check:
    what: str
    limit: float | None  # None: printed for information, not a promise
    at_most: bool = True  # at most: a false finding; at least: a true one found


CHECKS: dict[str, tuple[Callable[[Simulated], Shown], dict[str, Check]]] = {
    "null": (
        observe_null,
        {
            "association": Check("any significant association", 0.05),
            "time_of_day": Check("a time-of-day peak", 0.05),
            "weekday": Check("a weekday peak", 0.05),
        },
    ),
    "planted": (
        observe_planted,
        {
            "estimated": Check("the planted factor and lag estimated", 0.9, at_most=False),
            "covered": Check("its interval covers the true ratio (of those estimated)", 0.9, at_most=False),
            "covered_95": Check("a plain 95% interval around it would cover the true ratio", None, at_most=False),
            "found": Check("the planted factor and lag significant", None, at_most=False),
        },
    ),
    "confounded": (
        observe_confounded,
        {
            "caffeine": Check("caffeine (lag 0) significant", 0.1),
            "sleep": Check("short sleep (lag 0) significant", None, at_most=False),
        },
    ),
    "spells": (
        observe_spells,
        {"association": Check("any significant association (days in spells: information)", None)},
    ),
    "evening": (
        observe_evening,
        {
            "evening": Check("an evening peak", 0.9, at_most=False),
            "other": Check("another peak", None),
        },
    ),
    # simulation_treatments.py: started right after the busiest week, 60 to 365 days.
    "treatment_null": (
        observe_treatment_null,
        {"significant": Check("a treatment that does nothing called significant", 0.10)},
    ),
    "treatment_halved": (
        observe_treatment_halved,
        {
            "estimated": Check("its effect estimated", None, at_most=False),
            "found": Check("a halving found (significant, ratio below 1)", 0.5, at_most=False),
            "covered": Check("its 95% interval covers the true ratio (of those estimated)", 0.9, at_most=False),
        },
    ),
}


def rates(scenario: str, diaries: int) -> dict[str, Rate]:
    """The rates of one scenario over the diaries of seeds 0 to `diaries` - 1, generated one at a
    time: a thousand diaries need not all be in memory."""
    observe, checks = CHECKS[scenario]
    found = {key: Rate(f"{scenario}: {check.what}", check.limit, check.at_most) for key, check in checks.items()}
    for seed in range(diaries):
        sim = SIMULATED[scenario](seed)
        for key, shown in observe(sim).items():
            found[key].add(sim.design.group, shown)
    return found
