"""make bench, part 1: the statistics on simulated diaries (tests/tracker/analysis/simulation.py, and
simulation_treatments.py for what a treatment did), on more diaries than `make test` runs.
Printed, not asserted: the limits, the verdict against each and the rate's share of its limit
are printed beside the rates; tests/tracker/analysis/test_simulation.py and
test_treatment_simulation.py assert them (or looser bounds) on 200.

SIMULATION_DIARIES diaries per scenario (default 1,000), seeds 0 to N-1. No database: the
analysis is pure functions over plain data. With 1,000 diaries a rate of 5% is known to about
+-1.4 points (the exact 95% interval is printed with it), against +-3 with the tests' 200.
"""

import os
import time

from tests.tracker.analysis.simulation_rates import CHECKS, rates


def main() -> None:
    diaries = int(os.environ.get("SIMULATION_DIARIES", "1000"))
    print(f"simulation: {diaries:,} diaries per scenario, half overdispersed, half clustered")
    for scenario in CHECKS:
        started = time.perf_counter()
        found = rates(scenario, diaries)
        seconds = time.perf_counter() - started
        for rate in found.values():
            print(*rate.lines(), sep="\n")
        print(f"  {scenario}: {seconds:.1f} s ({seconds / diaries * 1000:.1f} ms a diary, generation included)")


if __name__ == "__main__":
    main()
