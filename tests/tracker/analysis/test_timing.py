"""Time-of-day and weekday peaks: only within the waking hours, and with days, not episodes, as
the units."""

from diary.plain import Episode
from tracker.analysis.timing import timing

from .analysis_data import at, diary, episode


def spread_over_waking_hours(days: int, per_day: int = 3) -> list[Episode]:
    """Episodes at 08:00, 14:00 and 20:00 in turn: an even share of every waking part, none at
    night."""
    return [episode(per_day * d + k, at(d, 8 + 6 * ((d + k) % 3))) for d in range(days) for k in range(per_day)]


def test_it_does_not_count_the_empty_night_as_a_peak() -> None:
    found = timing(diary(spread_over_waking_hours(60), days=60))["time_of_day"]
    assert found["counts"]["night"] == 0
    assert found["peak"] is None
    assert found["reason"] == "Spread evenly as far as the data can tell."
    assert found["shares"] == {"morning": 0.333, "afternoon": 0.333, "evening": 0.333}
    assert found["window"] == {"start": "06:00", "end": "24:00"}
    assert found["days"] == 60


def test_it_counts_night_episodes_without_comparing_them() -> None:
    episodes = [*spread_over_waking_hours(60), *(episode(1000 + d, at(d, 2)) for d in range(0, 60, 2))]
    found = timing(diary(episodes, days=60))["time_of_day"]
    assert found["outside_window"] == found["counts"]["night"] == 30
    assert found["peak"] is None


def test_a_bad_evening_counts_as_one_day_not_as_many_episodes() -> None:
    # One episode a day in turn through the waking parts, and one evening with 40 twitches: 50 of
    # 70 episodes in the evening, 40 of them on one day.
    episodes = [*spread_over_waking_hours(30, per_day=1), *(episode(500 + k, at(5, 19 + k / 60)) for k in range(40))]
    found = timing(diary(episodes, days=30))["time_of_day"]
    assert found["counts"]["evening"] == 50
    assert found["peak"] is None
    assert found["p_value"] > 0.025


def test_it_names_an_evening_that_returns_day_after_day() -> None:
    episodes = [*spread_over_waking_hours(30, per_day=1), *(episode(500 + d, at(d, 21)) for d in range(30))]
    found = timing(diary(episodes, days=30))["time_of_day"]
    assert found["peak"] == "evening"
    assert found["p_value"] < 0.025
    assert "reason" not in found


def test_it_needs_enough_days_to_look_for_a_time_of_day() -> None:
    episodes = [episode(k, at(k % 5, 21)) for k in range(30)]  # 30 evening episodes on 5 days
    found = timing(diary(episodes, days=5))["time_of_day"]
    assert found["peak"] is None
    assert found["reason"] == "Needs at least 20 episodes on 10 days between 06:00 and midnight."


def test_a_busy_monday_is_a_busy_day_not_a_monday_peak() -> None:
    # One episode a day for 12 weeks, and one Monday with 30 more.
    episodes = [*(episode(d, at(d, 12)) for d in range(84)), *(episode(100 + k, at(0, 13)) for k in range(30))]
    found = timing(diary(episodes, days=84))["weekday"]
    assert found["counts"]["monday"] == 42
    assert found["peak"] is None
    assert found["reason"] == "Spread evenly as far as the data can tell."
    assert found["days_per_weekday"]["monday"] == 12
    assert found["per_day"]["monday"] == 3.5


def test_it_names_a_weekday_that_is_busier_week_after_week() -> None:
    # 4 episodes every Monday (START is a Monday), 1 on every other day.
    episodes = [episode(100 * d + k, at(d, 12 + k)) for d in range(84) for k in range(4 if d % 7 == 0 else 1)]
    found = timing(diary(episodes, days=84))["weekday"]
    assert found["peak"] == "monday"
    assert found["p_value"] < 0.025


def test_it_names_the_part_of_the_average_day_not_of_a_few_busy_days() -> None:
    # 50 mornings, 10 afternoons, and 10 days with a morning twitch and 15 in the evening: most
    # episodes fall in the evening, but the average day twitches in the morning.
    episodes = [
        *(episode(d, at(d, 9)) for d in range(50)),
        *(episode(100 + d, at(50 + d, 14)) for d in range(10)),
        *(episode(200 + d, at(60 + d, 9)) for d in range(10)),
        *(episode(300 + 20 * d + k, at(60 + d, 19 + k / 20)) for d in range(10) for k in range(15)),
    ]
    found = timing(diary(episodes, days=70))["time_of_day"]
    assert found["counts"]["evening"] > found["counts"]["morning"]
    assert found["peak"] == "morning"
    assert found["day_shares"]["morning"] > 0.7


def test_it_names_no_peak_when_two_parts_tie() -> None:
    # Ten mornings and ten afternoons, never an evening: uneven, but neither part stands out.
    episodes = [episode(10 * d + k, at(d, 9 if d % 2 else 14)) for d in range(20) for k in range(2)]
    found = timing(diary(episodes, days=20))
    assert found["time_of_day"]["peak"] is None
    assert found["time_of_day"]["reason"] == "Not spread evenly, but no single part of the day stands out."
