"""What a treatment did, on simulated diaries whose truth is known (simulation_treatments.py):
a treatment that does nothing, started right after the busiest week, and one that halves the
rate from its start.

SIMULATION_DIARIES (default 200) diaries per scenario; `make bench` prints 1,000 against the
limits themselves (at most 10% significant with no effect; a halving found in most diaries; the
interval covering the true ratio in at least 90%). With 200 diaries a rate is known to about
+-4 points, so these tests assert looser bounds: they fail on a real regression, not on chance.
"""

import numpy as np
import pytest

from .simulation_treatments import HALVED, after_busiest_week, treatment_halved, treatment_null
from .test_simulation import DIARIES, shown

# Looser than the limits (CHECKS in simulation_rates.py), for 200 diaries rather than 1,000.
AT_MOST_SIGNIFICANT = 0.15
AT_LEAST_FOUND = 0.5
AT_LEAST_COVERED = 0.85


def test_it_rarely_calls_a_treatment_that_does_nothing_significant(capsys: pytest.CaptureFixture[str]) -> None:
    (significant,) = shown(capsys, "treatment_null", "significant")
    assert sum(significant.counted.values()) >= 0.98 * DIARIES  # nearly every diary gets an estimate
    assert significant.value <= AT_MOST_SIGNIFICANT, significant.lines()[0]


def test_it_finds_a_halving_and_its_interval_covers_it(capsys: pytest.CaptureFixture[str]) -> None:
    estimated, found, covered = shown(capsys, "treatment_halved", "estimated", "found", "covered")
    assert estimated.value >= 0.98  # a diary whose halved days hold no episode has no estimate
    assert found.value >= AT_LEAST_FOUND, found.lines()[0]
    assert covered.value >= AT_LEAST_COVERED, covered.lines()[0]


def test_the_treatment_starts_right_after_the_busiest_week() -> None:
    for seed in range(10):
        sim = treatment_null(seed)
        counts = np.bincount(
            [(e.local_date - sim.diary.start).days for e in sim.diary.episodes], minlength=sim.design.days
        )
        start = (sim.diary.treatments[0].started_on - sim.diary.start).days
        assert start == after_busiest_week(counts)
        assert counts[start - 7 : start].sum() >= max(counts[d - 7 : d].sum() for d in range(28, sim.design.days - 13))


def test_the_halved_diaries_halve_the_rate_after_the_start() -> None:
    before = after = 0.0
    for seed in range(40):
        null, halved = treatment_null(seed), treatment_halved(seed)
        start = null.diary.treatments[0].started_on
        assert halved.diary.treatments == null.diary.treatments
        before += sum(e.local_date >= start for e in null.diary.episodes)
        after += sum(e.local_date >= start for e in halved.diary.episodes)
    assert after / before == pytest.approx(HALVED, abs=0.03)
