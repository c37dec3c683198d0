"""A realistic, deterministic demo diary.

The story it tells, so that the analysis has something true to find: eyelid twitches in the
evening, much more often on days with a lot of coffee or little sleep; calf twitches an hour or
two after exercise; now and then a stray twitch elsewhere; a check-in on most days. Beside them,
what such a person has done: blood tests, magnesium tried for the last six weeks (with no effect
planted: the analysis should not find one), and a weekly function check, all "no" but for the
cramps that come with the calf twitching now and then. The same seed, user name and end date
always give the same diary, ids included.
"""

import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from diary.plain import FUNCTION_WARNING_SIGNS
from diary.services import CheckInInput, EpisodeInput, LocationInput

CHECKIN_RATE = 0.85
HIGH_CAFFEINE_CUPS = 4
SHORT_SLEEP_HOURS = 6.0
STRAY_RATE = 0.1


@dataclass
class DemoDay:
    day: date
    factors: "DayFactors"
    checked_in: bool
    episodes: list[EpisodeInput] = field(default_factory=list)

    def checkin(self) -> CheckInInput | None:
        """The day's check-in values, or None on a day the user skipped it."""
        if not self.checked_in:
            return None
        f = self.factors
        return CheckInInput(
            caffeine_cups=f.caffeine_cups,
            sleep_hours=f.sleep_hours,
            stress=f.stress,
            exercise_minutes=f.exercise_minutes,
            alcohol_units=f.alcohol_units,
            twitching_today=bool(self.episodes),
            notes="",
        )


def _poisson(rng: random.Random, lam: float) -> int:
    # Knuth's method: fine for the small rates of a day's twitches.
    limit, count, product = math.exp(-lam), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _local(day: date, hour: float, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone) + timedelta(hours=hour)


@dataclass(frozen=True)
class DayFactors:
    caffeine_cups: int
    sleep_hours: float
    stress: int
    exercise_minutes: int
    exercise_hour: float
    alcohol_units: float

    @classmethod
    def draw(cls, rng: random.Random) -> "DayFactors":
        exercised = rng.random() < 0.4
        return cls(
            caffeine_cups=rng.choices(range(7), weights=[8, 18, 26, 20, 12, 10, 6])[0],
            sleep_hours=min(10.0, max(3.5, round(rng.gauss(7.0, 1.1) * 2) / 2)),
            stress=min(10, max(0, round(rng.gauss(4, 2)))),
            exercise_minutes=rng.choice([20, 30, 45, 60, 75]) if exercised else 0,
            exercise_hour=rng.choice([7.0, 7.5, 12.5, 17.5, 18.0, 19.0]),
            alcohol_units=rng.choice([0.0] * 6 + [1.0, 2.0, 3.0, 4.5]),
        )

    def eyelid_rate(self) -> float:
        rate = 0.25
        if self.caffeine_cups >= HIGH_CAFFEINE_CUPS:
            rate += 1.1
        if self.sleep_hours < SHORT_SLEEP_HOURS:
            rate += 0.5
        return rate

    def calf_rate(self) -> float:
        return 1.2 if self.exercise_minutes else 0.08


@dataclass(frozen=True)
class DemoRecords:
    """What was tried, the tests done and the weekly checks: values as the services take them."""

    treatments: list[tuple[uuid.UUID, dict[str, object]]]
    investigations: list[tuple[uuid.UUID, dict[str, object]]]
    function_checks: list[tuple[date, dict[str, Any]]]


class DemoDiary:
    def __init__(self, *, username: str, seed: int, end: date, days: int, zone: ZoneInfo, now: datetime):
        self.rng = random.Random(f"{seed}:{username}")
        # `now` only cuts off the part of the last day that has not happened yet.
        self.end, self.days, self.zone, self.now = end, days, zone, now

    def _id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _eyelid(self, day: date, f: DayFactors) -> EpisodeInput:
        rng = self.rng
        triggers = ["caffeine"] if f.caffeine_cups >= HIGH_CAFFEINE_CUPS else []
        triggers += ["poor_sleep"] if f.sleep_hours < SHORT_SLEEP_HOURS else []
        triggers += ["stress"] if f.stress >= 7 else []
        triggers += ["screen_time"] if rng.random() < 0.2 else []
        return EpisodeInput(
            id=self._id(),
            started_at=_local(day, rng.uniform(18.0, 22.5), self.zone),
            duration_seconds=rng.randint(5, 180),
            locations=[LocationInput("eyelid", rng.choice(["left", "left", "right"]))],
            intensity=rng.randint(2, 5),
            pattern=rng.choice(["intermittent_bursts", "intermittent_bursts", "single_twitch"]),
            triggers=triggers,
            symptoms=["dry_eye"] if rng.random() < 0.15 else [],
            notes="",
            source="mobile",
        )

    def _calf(self, day: date, f: DayFactors) -> EpisodeInput:
        rng = self.rng
        after = f.exercise_hour + f.exercise_minutes / 60 + rng.uniform(0.3, 2.5)
        return EpisodeInput(
            id=self._id(),
            started_at=_local(day, min(after, 23.9) if f.exercise_minutes else rng.uniform(8, 23), self.zone),
            duration_seconds=rng.randint(20, 900),
            locations=[LocationInput("calf", rng.choice(["left", "right", "both"]))],
            intensity=rng.randint(2, 6),
            pattern=rng.choice(["continuous_rippling", "intermittent_bursts", "single_twitch"]),
            triggers=["exercise"] if f.exercise_minutes else [],
            symptoms=["cramp"] if rng.random() < 0.2 else [],
            notes="After a run." if f.exercise_minutes and rng.random() < 0.1 else "",
            source="mobile",
        )

    def _stray(self, day: date) -> EpisodeInput:
        rng = self.rng
        region = rng.choice(["thigh", "upper_arm", "forearm", "hand", "abdomen", "foot"])
        return EpisodeInput(
            id=self._id(),
            started_at=_local(day, rng.uniform(7, 23.5), self.zone),
            duration_seconds=rng.randint(2, 60),
            locations=[LocationInput(region, rng.choice(["left", "right"]))],
            intensity=rng.randint(1, 4),
            pattern="single_twitch",
            source=rng.choice(["mobile", "web"]),
        )

    def _day(self, day: date, f: DayFactors, scale: float) -> DemoDay:
        rng = self.rng
        episodes = [self._eyelid(day, f) for _ in range(_poisson(rng, f.eyelid_rate() * scale))]
        episodes += [self._calf(day, f) for _ in range(_poisson(rng, f.calf_rate() * scale))]
        episodes += [self._stray(day) for _ in range(_poisson(rng, STRAY_RATE * scale))]
        episodes = [e for e in episodes if e.started_at <= self.now]
        return DemoDay(day=day, factors=f, checked_in=rng.random() < CHECKIN_RATE, episodes=episodes)

    def _match_target(self, days: list[DemoDay], target: int) -> None:
        """Poisson draws land near the target, not on it: drop or add a few stray episodes."""
        total = sum(len(d.episodes) for d in days)
        while total > target:
            day = self.rng.choice([d for d in days if d.episodes])
            day.episodes.pop(self.rng.randrange(len(day.episodes)))
            total -= 1
        while total < target:
            day = self.rng.choice(days)
            stray = self._stray(day.day)
            if stray.started_at <= self.now:
                day.episodes.append(stray)
                total += 1

    def records(self) -> DemoRecords:
        """Draw after build(): the episodes stay what they were without these."""
        first = self.end - timedelta(days=self.days - 1)
        tests_day = max(first, self.end - timedelta(days=60))
        blood = {
            "name": "Blood tests: thyroid, calcium, magnesium, B12",
            "kind": "blood",
            "done_on": tests_day,
            "result": "All normal, the GP said.",
        }
        magnesium = {
            "name": "Magnesium glycinate",
            "kind": "supplement",
            "dose": "200 mg at night",
            "started_on": max(first, self.end - timedelta(days=42)),
        }
        checks = []
        day = first + timedelta(days=6)
        while day <= self.end:
            answers: dict[str, Any] = dict.fromkeys(FUNCTION_WARNING_SIGNS, False)
            answers["cramps"] = self.rng.random() < 0.35
            checks.append((day, answers))
            day += timedelta(days=7)
        return DemoRecords(
            treatments=[(self._id(), magnesium)], investigations=[(self._id(), blood)], function_checks=checks
        )

    def build(self, *, target_episodes: int | None = None) -> list[DemoDay]:
        """The whole diary, oldest day first. With a target, exactly that many episodes."""
        first = self.end - timedelta(days=self.days - 1)
        factors = [(first + timedelta(days=i), DayFactors.draw(self.rng)) for i in range(self.days)]
        expected = sum(f.eyelid_rate() + f.calf_rate() + STRAY_RATE for _, f in factors)
        scale = 1.0 if target_episodes is None else target_episodes / expected
        days = [self._day(day, f, scale) for day, f in factors]
        if target_episodes is not None:
            self._match_target(days, target_episodes)
        for day in days:
            day.episodes.sort(key=lambda e: e.started_at)
        return days
