"""A simulation of the diaries the issue "What the person and the doctor read must be true" was
seen on: many generated diaries of each kind, checked against the listing rule of the reference
comparison and against the denominators of ranged readings.

- benign calf: calf twitching after exercise, with cramps, no weakness, incidental places and
  patterns: benign fasciculation is listed (first), never a disease;
- eyelid: eyelid twitching with caffeine, stress or fatigue: the eyelid explanation, never a
  disease;
- one weakness tick: any places, patterns and triggers, and weakness once: nothing listed;
- late-started: a flat diary that begins inside a four-week range: the ranged rate is the
  unranged rate, counted over the days covered, and never "more frequent"."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth.models import User

from conditions.reference import read_reference_file
from diary.plain import Episode
from diary.selectors.read import load_diary
from diary.services import EpisodeInput, LocationInput, episodes_bulk_create
from tests.tracker.analysis.analysis_data import at, diary, episode
from tracker.analysis.data import Reference
from tracker.analysis.reference_match import MAX_LISTED, MIN_CHARACTERISTIC, characteristic, reference_matches
from tracker.analysis.summary import analyse
from tracker.summaries.reference import _build_reference, load_reference

DIARIES = 300
REGIONS = [r["code"] for r in read_reference_file()["regions"]]
PATTERNS = ("single_twitch", "intermittent_bursts", "continuous_rippling", "cramp_like")
BENIGN = {"benign-fasciculation-syndrome", "eyelid-twitching-lifestyle"}


@pytest.fixture(scope="module")
def reference() -> Reference:
    return _build_reference(read_reference_file())


def benign_calf(rng: random.Random) -> list[Episode]:
    episodes = []
    for n in range(rng.randint(2, 60)):
        places = [("calf", rng.choice(["left", "right", "both"]))]
        if rng.random() < 0.2:
            places.append((rng.choice(REGIONS), "left"))  # an incidental place
        triggers = ["exercise"] if rng.random() < 0.7 else []
        triggers += ["poor_sleep"] if rng.random() < 0.1 else []
        symptoms = ["cramp"] if rng.random() < 0.4 else []
        episodes.append(
            episode(
                n,
                at(n % 90),
                regions=list(dict.fromkeys(places)),
                triggers=triggers,
                symptoms=symptoms,
                pattern=rng.choice(PATTERNS),
            )
        )
    # Exercise and cramps at least once each: the picture the sources describe.
    episodes.append(episode(999, at(1), regions=[("calf", "left")], triggers=["exercise"], symptoms=["cramp"]))
    return episodes


def eyelid(rng: random.Random) -> list[Episode]:
    triggers = ["caffeine", "stress", "fatigue", "poor_sleep", "screen_time"]
    episodes = [
        episode(
            n,
            at(n % 90),
            regions=[("eyelid", rng.choice(["left", "right"]))],
            triggers=rng.sample(triggers, rng.randint(0, 2)),
            symptoms=["dry_eye"] if rng.random() < 0.1 else [],
            pattern=rng.choice(PATTERNS),
        )
        for n in range(rng.randint(2, 60))
    ]
    episodes.append(episode(999, at(2), regions=[("eyelid", "left")], triggers=["caffeine", "stress"]))
    return episodes


def one_weakness_tick(rng: random.Random) -> list[Episode]:
    triggers = ["caffeine", "stress", "fatigue", "exercise", "alcohol", "cold"]
    episodes = [
        episode(
            n,
            at(n % 90),
            regions=[(rng.choice(REGIONS), "left")],
            triggers=rng.sample(triggers, rng.randint(0, 1)),
            pattern=rng.choice(PATTERNS),
        )
        for n in range(rng.randint(3, 60))
    ]
    episodes.append(episode(999, at(3), regions=[(rng.choice(REGIONS), "right")], symptoms=["weakness"]))
    return episodes


def check_the_rule(episodes: list[Episode], reference: Reference) -> list[str]:
    matches = reference_matches(diary(episodes), reference)
    assert len(matches) <= MAX_LISTED
    for match in matches:
        grounds = [f for f in match["matched_features"] if characteristic(f)]
        assert len(grounds) >= MIN_CHARACTERISTIC, match["slug"]
        assert all(f["kind"] in ("symptom", "trigger") for f in grounds)
        assert all(source["title"] for source in match["sources"])
    return [match["slug"] for match in matches]


def test_benign_calf_diaries_list_benign_fasciculation_first_and_never_a_disease(reference: Reference) -> None:
    rng = random.Random(20)
    for _ in range(DIARIES):
        listed = check_the_rule(benign_calf(rng), reference)
        assert listed[0] == "benign-fasciculation-syndrome"
        assert set(listed) <= BENIGN


def test_eyelid_diaries_list_the_eyelid_explanation_first_and_never_a_disease(reference: Reference) -> None:
    rng = random.Random(21)
    for _ in range(DIARIES):
        listed = check_the_rule(eyelid(rng), reference)
        assert listed[0] == "eyelid-twitching-lifestyle"
        assert set(listed) <= BENIGN


def test_one_tick_of_weakness_lists_no_disease(reference: Reference) -> None:
    rng = random.Random(22)
    for _ in range(DIARIES):
        listed = check_the_rule(one_weakness_tick(rng), reference)
        assert not set(listed) - BENIGN, listed


TODAY = date(2026, 11, 20)  # the frozen now's date


@pytest.mark.parametrize("seed", range(12))
def test_a_late_started_flat_diary_reads_the_same_rate_ranged_and_unranged(
    alice: User, frozen_now: datetime, seed: int
) -> None:
    rng = random.Random(seed)
    days, per_day = rng.randint(1, 27), rng.randint(1, 4)
    first = TODAY - timedelta(days=days - 1)
    items = [
        EpisodeInput(
            started_at=datetime.combine(first + timedelta(days=d), datetime.min.time(), tzinfo=UTC)
            + timedelta(hours=1 + 3 * k),  # all before the frozen noon
            duration_seconds=30,
            locations=[LocationInput(rng.choice(["calf", "eyelid"]), "left")],
            intensity=3,
            pattern="single_twitch",
        )
        for d in range(days)
        for k in range(per_day)
    ]
    episodes_bulk_create(user=alice, items=items)
    reference = load_reference()
    for date_from in (TODAY - timedelta(days=27), TODAY - timedelta(days=90), first):
        ranged = analyse(load_diary(user_id=alice.pk, date_from=date_from, date_to=TODAY), reference)
        unranged = analyse(load_diary(user_id=alice.pk), reference)
        assert ranged["frequency"]["days_covered"] == days
        assert ranged["frequency"]["per_week"] == unranged["frequency"]["per_week"] == round(7 * per_day, 2)
        assert ranged["period"]["start"] == first.isoformat()
        assert ranged["trend"]["direction"] != "more_frequent"
