"""Every analysis function on hand-built data whose answer is known."""

import json
import random
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diary.plain import CheckIn, Diary, Episode
from tests.tracker.analysis.analysis_data import REFERENCE, START, at, diary, episode
from tracker.analysis.associations import Factor, associations
from tracker.analysis.frequency import frequency
from tracker.analysis.locations import locations
from tracker.analysis.reference_match import reference_matches
from tracker.analysis.stats import compare_day_counts
from tracker.analysis.summary import DISCLAIMER, analyse
from tracker.analysis.timing import days_per_weekday, timing
from tracker.analysis.trend import trend
from tracker.analysis.triggers import tagged_triggers


def test_frequency_counts_days_durations_and_intensity() -> None:
    episodes = [
        episode(1, at(0), duration=10, intensity=2),
        episode(2, at(0, 21), duration=30, intensity=4),
        episode(3, at(5), duration=50, intensity=6),
    ]
    result = frequency(diary(episodes, days=14))
    assert (result["episodes"], result["days"], result["days_with_twitching"]) == (3, 14, 2)
    assert result["per_week"] == 1.5
    assert result["duration_seconds"]["median"] == 30
    assert result["intensity"]["mean"] == 4
    assert result["intensity"]["counts"]["4"] == 1
    assert result["busiest_day"] == {"date": START.isoformat(), "episodes": 2}


def test_frequency_counts_episodes_still_going_but_leaves_them_out_of_the_durations() -> None:
    episodes = [
        episode(1, at(0), duration=10),
        episode(2, at(0, 21), duration=None, intensity=9),
        episode(3, at(5), duration=50),
    ]
    result = frequency(diary(episodes, days=14))
    assert (result["episodes"], result["days_with_twitching"], result["still_going"]) == (3, 2, 1)
    assert result["duration_seconds"] == {"median": 30, "mean": 30, "p90": 46, "max": 50}
    assert result["intensity"]["max"] == 9  # counted everywhere else
    only_going = frequency(diary([episode(1, at(0), duration=None)], days=7))
    assert (only_going["episodes"], only_going["still_going"], only_going["duration_seconds"]["median"]) == (1, 1, None)
    assert analyse(diary(episodes, days=14), REFERENCE)["frequency"] == result


def test_frequency_of_an_empty_diary_is_zero_not_an_error() -> None:
    result = frequency(diary([], days=7))
    assert (result["episodes"], result["per_day"], result["duration_seconds"]["median"]) == (0, 0, None)


def test_trend_finds_a_rising_rate_and_calls_noise_stable() -> None:
    rng = random.Random(1)
    rising = [episode(i, at(d)) for i, d in enumerate(d for d in range(120) for _ in range(1 if d < 92 else 4))]
    result = trend(diary(rising))
    assert result["direction"] == "more_frequent"
    assert 3 < result["rate_ratio"] < 5
    assert result["ci_low"] > 1
    noise = [episode(i, at(d)) for i, d in enumerate(d for d in range(120) for _ in range(rng.choice([0, 1, 2])))]
    assert trend(diary(noise))["direction"] == "stable"


def test_trend_says_when_there_is_not_enough_data() -> None:
    short = trend(diary([episode(i, at(i)) for i in range(20)], days=30))
    assert short["direction"] == "not_enough_data"
    assert "before the last 4 weeks" in short["reason"]
    few = trend(diary([episode(1, at(0)), episode(2, at(100))]))
    assert few["direction"] == "not_enough_data"


def test_timing_names_a_peak_only_when_the_data_is_not_uniform() -> None:
    evenings = [episode(i, at(i, 19 + (i % 3))) for i in range(40)]
    result = timing(diary(evenings))
    assert result["time_of_day"]["peak"] == "evening"
    assert result["time_of_day"]["p_value"] < 0.05
    spread = [episode(i, at(i, (i * 6) % 24 + 1)) for i in range(40)]
    assert timing(diary(spread))["time_of_day"]["peak"] is None
    too_few = timing(diary([episode(i, at(i, 20)) for i in range(5)]))
    assert too_few["time_of_day"]["peak"] is None
    assert "at least 20" in too_few["time_of_day"]["reason"]


def test_timing_finds_a_weekday_peak() -> None:
    # START (1 June 2026) is a Monday: every 7th day is a Monday.
    mondays = [episode(i, at(7 * (i % 17), 10)) for i in range(40)]
    assert timing(diary(mondays))["weekday"]["peak"] == "monday"


def test_locations_count_sides_extent_and_spread_over_time() -> None:
    episodes = [episode(i, at(i), regions=[("eyelid", "left")]) for i in range(30)]
    episodes += [episode(100, at(110), regions=[("calf", "right"), ("eyelid", "left")])]
    result = locations(diary(episodes), REFERENCE)
    assert result["by_region"][0] == {"region": "eyelid", "name": "Eyelid", "episodes": 31}
    assert result["extent"] == "focal"
    assert result["new_in_last_30_days"] == ["calf"]
    assert result["first_seen"]["calf"] == (START + timedelta(days=110)).isoformat()
    widespread = [
        episode(i, at(i), regions=[(r, "left")]) for i, r in enumerate(["eyelid", "calf", "hand", "chest"] * 5)
    ]
    assert locations(diary(widespread), REFERENCE)["extent"] == "widespread"


def test_tagged_triggers_are_counted_per_episode() -> None:
    episodes = [episode(1, at(1), triggers=["caffeine"]), episode(2, at(2), triggers=["caffeine", "exercise"])]
    result = tagged_triggers(diary([*episodes, episode(3, at(3))]), REFERENCE)
    assert result["episodes_with_a_trigger"] == 2
    assert result["by_trigger"][0] == {"trigger": "caffeine", "name": "Caffeine", "episodes": 2, "share": 0.667}


def caffeine_world(seed: int, effect: float, days: int = 150) -> tuple[list, list]:  # type: ignore[type-arg]
    """Daily check-ins; high caffeine on a random half of the days; episodes per day drawn from
    a Poisson rate that is `effect` times higher on high-caffeine days."""
    rng = random.Random(seed)
    episodes, checkins = [], []
    for day in range(days):
        high = rng.random() < 0.5
        checkins.append(CheckIn(day=START + timedelta(days=day), caffeine_cups=4 if high else 1, sleep_hours=7))
        rate = 0.6 * (effect if high else 1)
        count, threshold, product = 0, pow(2.718281828, -rate), rng.random()
        while product > threshold:
            count += 1
            product *= rng.random()
        episodes += [episode(len(episodes), at(day, 19 + k % 4)) for k in range(count)]
    return episodes, checkins


def test_a_planted_caffeine_effect_is_found_and_significant() -> None:
    episodes, checkins = caffeine_world(seed=3, effect=3.0)
    results = {(r["factor"], r["lag_days"]): r for r in associations(diary(episodes, checkins, days=150))}
    same_day = results[("caffeine", 0)]
    assert same_day["status"] == "ok"
    assert 2.2 < same_day["rate_ratio"] < 4.0
    assert same_day["ci_low"] > 1.5
    assert same_day["significant"] is True
    assert same_day["q_value"] < 0.1
    assert results[("caffeine", 1)]["significant"] is False  # the effect is same-day only
    assert results[("high_stress", 0)]["status"] == "not_enough_data"  # stress never recorded


def test_with_no_effect_and_ten_factors_nothing_is_significant_in_95_of_100_runs() -> None:
    clean_runs = 0
    for seed in range(100):
        rng = random.Random(seed)
        days = 120
        flags = [[rng.random() < 0.5 for _ in range(10)] for _ in range(days)]
        checkins = [CheckIn(day=START + timedelta(days=d), stress=d % 11) for d in range(days)]
        episodes = []
        for d in range(days):
            episodes += [episode(len(episodes), at(d)) for _ in range(rng.choice([0, 0, 1, 1, 1, 2, 3]))]
        factors = [
            Factor(f"f{i}", f"factor {i}", lambda c, i=i, flags=flags: flags[(c.day - START).days][i])
            for i in range(10)
        ]
        results = associations(diary(episodes, checkins, days=days), factors=factors)
        assert len(results) == 20
        assert all(r["status"] == "ok" for r in results)
        clean_runs += not any(r["significant"] for r in results)
    assert clean_runs >= 95


def test_associations_say_not_enough_data_below_the_minimum() -> None:
    episodes, checkins = caffeine_world(seed=1, effect=3.0, days=20)
    result = associations(diary(episodes, checkins, days=20))
    caffeine = next(r for r in result if r["factor"] == "caffeine" and r["lag_days"] == 0)
    assert caffeine["status"] == "not_enough_data"
    assert "Not enough data yet" in caffeine["reason"]
    assert (caffeine["rate_ratio"], caffeine["significant"]) == (None, False)


def test_associations_look_at_the_day_before_for_lag_one() -> None:
    rng = random.Random(4)
    coffee = [rng.random() < 0.5 for _ in range(90)]
    checkins = [CheckIn(day=START + timedelta(days=d), caffeine_cups=4 if coffee[d] else 0) for d in range(90)]
    # Twitching mostly the day after coffee, whatever the same day holds.
    episodes = [
        episode(100 * d + k, at(d, 9 + k)) for d in range(1, 90) for k in range(3 if coffee[d - 1] else int(d % 4 == 0))
    ]
    results = {(r["factor"], r["lag_days"]): r for r in associations(diary(episodes, checkins, days=90))}
    day_after, same_day = results[("caffeine", 1)], results[("caffeine", 0)]
    assert day_after["status"] == "ok"
    assert day_after["rate_ratio"] > 5
    assert day_after["significant"] is True
    assert same_day["status"] == "ok"
    assert same_day["significant"] is False


def test_the_rate_ratio_interval_widens_when_twitches_cluster() -> None:
    steady = compare_day_counts([2] * 30, [1] * 30)
    clustered = compare_day_counts([0] * 28 + [30, 30], [1] * 30)
    assert steady is not None
    assert clustered is not None
    assert steady.ratio == pytest.approx(2)
    assert clustered.ratio == pytest.approx(2)
    assert (clustered.ci_high - clustered.ci_low) > 3 * (steady.ci_high - steady.ci_low)
    assert compare_day_counts([0, 0], [0, 0]) is None


def test_reference_matches_show_overlap_missing_and_against_without_a_score() -> None:
    episodes = [episode(i, at(i), regions=[("calf", "both")], triggers=["exercise"]) for i in range(5)]
    episodes.append(episode(8, at(8), regions=[("calf", "left")], symptoms=["cramp"]))
    episodes.append(episode(9, at(9), regions=[("calf", "left")], symptoms=["weakness", "muscle_wasting"]))
    matches = reference_matches(diary(episodes), REFERENCE)
    # Something in the diary speaks against the benign explanation: it no longer comes first.
    assert [m["slug"] for m in matches] == ["amyotrophic-lateral-sclerosis", "benign-fasciculation-syndrome"]
    bfs = matches[1]
    assert [f["code"] for f in bfs["matched_features"]] == ["exercise", "cramp", "calf"]  # the grounds first
    assert [f["episodes"] for f in bfs["matched_features"]] == [5, 1, 7]
    assert bfs["missing_features"] == []
    assert [f["code"] for f in bfs["against_features"]] == ["weakness"]
    assert bfs["benign"] is True
    assert bfs["sources"] == [
        {
            "seed": "003_f617ebba62bb73a1.txt",
            "title": "Diseases That Cause Muscle Twitches",
            "supports": "calves, exercise, cramps",
        }
    ]
    for match in matches:
        assert "does not mean having it" in match["note"]
        assert not {"score", "probability", "likelihood"} & set(match)


def test_the_summary_carries_every_finding_and_the_statement() -> None:
    episodes, checkins = caffeine_world(seed=3, effect=3.0)
    result = analyse(diary(episodes, checkins, days=150), REFERENCE)
    assert result["disclaimer"] == DISCLAIMER
    assert "not a diagnosis" in result["disclaimer"]
    for key in ("frequency", "trend", "timing", "locations", "triggers", "associations", "red_flags"):
        assert key in result
    assert result["reference_version"] == "test"
    assert all("_typical" not in m for m in result["reference_matches"])


def test_it_does_not_compare_weekdays_in_a_one_day_diary_of_22_episodes() -> None:
    day = at(0).date()
    episodes = [episode(i, at(0, 8 + i / 6)) for i in range(22)]
    weekday = timing(Diary(episodes=episodes, checkins=[], start=day, end=day))["weekday"]
    assert weekday["peak"] is None
    assert "p_value" not in weekday
    assert "over 4 weeks" in weekday["reason"]
    assert weekday["counts"]["monday"] == 22


def test_it_compares_weekdays_only_over_four_weeks_from_the_first_episode() -> None:
    # Thirty episodes on each of three days, in a period that starts long before the first.
    episodes = [episode(i, at(60 + i % 3, 8 + i / 10)) for i in range(90)]
    weekday = timing(diary(episodes, days=80))["weekday"]
    assert weekday["days"] == 20
    assert "p_value" not in weekday
    assert weekday["reason"] == "Needs at least 20 episodes over 4 weeks from the first one."


def test_it_counts_the_weekdays_of_any_period_without_walking_it() -> None:
    for start in (START + timedelta(days=offset) for offset in range(7)):
        for days in range(1, 30):
            walked = [0] * 7
            for i in range(days):
                walked[(start + timedelta(days=i)).weekday()] += 1
            assert days_per_weekday(start, days) == walked
    whole_calendar = (date.max - date.min).days + 1
    assert sum(days_per_weekday(date.min, whole_calendar)) == whole_calendar


def test_it_analyses_diaries_at_both_ends_of_the_calendar() -> None:
    for start, end in ((date.min, date.min + timedelta(days=60)), (date.max - timedelta(days=60), date.max)):
        days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
        # Coffee and short sleep on days that vary apart from each other and from the day before.
        checkins = [
            CheckIn(day=d, caffeine_cups=4 * (random.Random(i).random() < 0.45), sleep_hours=5 + i % 3)
            for i, d in enumerate(days)
        ]
        episodes = [episode(i, datetime.combine(d, time(20))) for i, d in enumerate(days) for _ in range(i * 5 % 4)]
        result = analyse(Diary(episodes=episodes, checkins=checkins, start=start, end=end), REFERENCE)
        assert result["frequency"]["episodes"] == len(episodes)
        assert result["trend"]["direction"] != "not_enough_data"
        measured = [r for r in result["associations"] if r["factor"] in ("caffeine", "short_sleep")]
        assert {r["status"] for r in measured} == {"ok"}
        json.dumps(result, allow_nan=False)


def test_it_says_when_episodes_crowd_too_few_days_to_put_a_number_on() -> None:
    # 100,000 episodes on one day: the interval's upper end is beyond any float.
    assert compare_day_counts([100_000] + [0] * 27, [0] * 14) is None
    crowded = trend(diary([episode(0, at(0)), *[episode(1, at(41))] * 250_000], days=42))
    assert crowded["direction"] == "not_enough_data"
    assert crowded["reason"] == "The episodes crowd too few days to put a number on this."


# Anchors for generated diaries: the calendar's ends, the API's earliest year, and today.
ANCHORS = (date.min, date(1899, 12, 1), date(2026, 10, 1), date.max - timedelta(days=45))
ANY_NUMBER = st.none() | st.integers(-1, 10**9) | st.floats(allow_nan=True, allow_infinity=True)


@st.composite
def odd_diaries(draw: st.DrawFn) -> Diary:
    """Few or many episodes, on one day or spread; one-day periods; check-ins whose measures
    are missing or absurd; dates by the ends of the calendar, around 1900 and around today."""
    start = draw(st.sampled_from(ANCHORS)) + timedelta(days=draw(st.integers(0, 45)))
    days = draw(st.just(1) | st.integers(1, min(120, (date.max - start).days + 1)))
    one_day = draw(st.integers(0, days - 1))
    episodes = [
        Episode(
            id=f"e{n}",
            local_start=datetime.combine(start + timedelta(days=offset), time(hour)),
            local_date=start + timedelta(days=offset),
            duration_seconds=draw(st.integers(1, 7 * 24 * 3600)),
            intensity=draw(st.integers(1, 10)),
            pattern="intermittent_bursts",
            locations=((draw(st.sampled_from(sorted(REFERENCE.region_groups))), "left"),),
            symptoms=tuple(draw(st.sets(st.sampled_from(sorted(REFERENCE.symptoms)), max_size=2))),
        )
        for n, (offset, hour) in enumerate(
            draw(st.lists(st.tuples(st.just(one_day) | st.integers(0, days - 1), st.integers(0, 23)), max_size=40))
        )
    ]
    checkins = [
        CheckIn(
            start + timedelta(days=offset),
            caffeine_cups=draw(ANY_NUMBER),
            sleep_hours=draw(ANY_NUMBER),
            stress=draw(ANY_NUMBER),
            exercise_minutes=draw(ANY_NUMBER),
            alcohol_units=draw(ANY_NUMBER),
            twitching_today=draw(st.none() | st.booleans()),
        )
        for offset in draw(st.sets(st.integers(0, days - 1), max_size=60))
    ]
    return Diary(episodes=episodes, checkins=checkins, start=start, end=start + timedelta(days=days - 1))


@settings(max_examples=150, derandomize=True, deadline=None, database=None)
@given(odd_diaries())
def test_it_never_answers_nan_or_infinity_for_an_odd_diary(odd: Diary) -> None:
    json.dumps(analyse(odd, REFERENCE), allow_nan=False)


def test_it_refuses_a_period_that_ends_before_it_starts() -> None:
    with pytest.raises(ValueError, match="must not end before it starts"):
        Diary(episodes=[], checkins=[], start=START, end=START - timedelta(days=1))


def test_it_lists_equally_tagged_triggers_in_code_order() -> None:
    tags = ("stress", "caffeine", "fatigue", "exercise")
    found = tagged_triggers(diary([episode(1, at(0), triggers=tags)], days=1), REFERENCE)
    assert [t["trigger"] for t in found["by_trigger"]] == sorted(tags)
