from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from diary.models import Episode
from diary.selectors import CheckInFilters, EpisodeFilters, checkin_list, episode_count_on, episode_list
from diary.services import LocationInput, checkin_delete, episode_delete, profile_update
from tests.factories import EpisodeFactory, make_checkin

UTC = ZoneInfo("UTC")

TAGGED = {
    "locations": [LocationInput("eyelid", "left"), LocationInput("cheek", "left"), LocationInput("calf", "both")],
    "triggers": ["caffeine", "stress", "poor_sleep", "screen_time", "fatigue"],
    "symptoms": ["dry_eye", "tiredness", "anxiety", "cramp", "weakness"],
}


def read_page(user: User, size: int) -> list[tuple[Any, ...]]:
    return [
        (
            e.id,
            [loc.region.name for loc in e.locations.all()],
            [t.code for t in e.triggers.all()],
            len(e.symptoms.all()),
        )
        for e in episode_list(user=user)[:size]
    ]


def test_it_lists_only_the_users_live_episodes_newest_first(alice: User, bob: User, frozen_now: datetime) -> None:
    first = EpisodeFactory(user=alice, started_at=frozen_now - timedelta(days=2))
    second = EpisodeFactory(user=alice, started_at=frozen_now - timedelta(days=1))
    gone = EpisodeFactory(user=alice, started_at=frozen_now - timedelta(hours=1))
    episode_delete(episode=gone)
    EpisodeFactory(user=bob)
    assert list(episode_list(user=alice)) == [second, first]


def test_a_page_costs_the_same_queries_whatever_its_size_and_tags(
    alice: User, frozen_now: datetime, django_assert_num_queries: Any
) -> None:
    for hours in range(1, 41):
        EpisodeFactory(user=alice, started_at=frozen_now - timedelta(hours=hours), **TAGGED)
    with django_assert_num_queries(5):
        assert len(read_page(alice, 2)) == 2
    with django_assert_num_queries(5):
        page = read_page(alice, 40)
    assert len(page) == 40
    assert page[0][1] == ["Eyelid", "Cheek", "Calf"]


def test_it_lists_only_the_users_live_checkins(alice: User, bob: User, frozen_now: datetime) -> None:
    kept = make_checkin(alice, day=frozen_now.date() - timedelta(days=1))
    checkin_delete(checkin=make_checkin(alice, day=frozen_now.date() - timedelta(days=2)))
    make_checkin(bob)
    assert list(checkin_list(user=alice)) == [kept]


def test_it_lists_a_date_range_of_checkins(alice: User, frozen_now: datetime) -> None:
    days = [make_checkin(alice, day=date(2026, 11, d)) for d in (1, 5, 10)]
    assert list(checkin_list(user=alice, filters=CheckInFilters(date_from=date(2026, 11, 2)))) == days[:0:-1]
    assert list(checkin_list(user=alice, filters=CheckInFilters(date_to=date(2026, 11, 5)))) == days[1::-1]
    both = CheckInFilters(date_from=date(2026, 11, 5), date_to=date(2026, 11, 5))
    assert list(checkin_list(user=alice, filters=both)) == [days[1]]


def filtered(user: User, **filters: Any) -> list[Episode]:
    return list(episode_list(user=user, filters=EpisodeFilters(**filters)))


@pytest.fixture
def tagged(alice: User, frozen_now: datetime) -> dict[str, Episode]:
    """Three of alice's episodes carrying different tags, and one of bob's carrying them all."""
    at = frozen_now - timedelta(days=1)
    episodes = {
        "calf": EpisodeFactory(
            user=alice, started_at=at, locations=[LocationInput("calf", "both")], triggers=["exercise"]
        ),
        "eyelid": EpisodeFactory(
            user=alice, started_at=at - timedelta(hours=1), triggers=["caffeine"], symptoms=["dry_eye"]
        ),
        "both": EpisodeFactory(
            user=alice,
            started_at=at - timedelta(hours=2),
            locations=[LocationInput("eyelid", "left"), LocationInput("calf", "left")],
            triggers=["exercise", "caffeine"],
            symptoms=["cramp", "dry_eye"],
        ),
    }
    EpisodeFactory(locations=[LocationInput("calf", "both")], triggers=["exercise"], symptoms=["cramp"])
    return episodes


@pytest.mark.parametrize(
    ("given", "listed"),
    [
        ({"region": "calf"}, ["calf", "both"]),
        ({"region": "eyelid"}, ["eyelid", "both"]),
        ({"trigger": "exercise"}, ["calf", "both"]),
        ({"trigger": "caffeine"}, ["eyelid", "both"]),
        ({"symptom": "dry_eye"}, ["eyelid", "both"]),
        ({"symptom": "cramp"}, ["both"]),
        ({"region": "calf", "trigger": "exercise"}, ["calf", "both"]),
        ({"region": "eyelid", "trigger": "exercise", "symptom": "cramp"}, ["both"]),
        ({"region": "calf", "symptom": "dry_eye"}, ["both"]),
        ({"region": "cheek"}, []),
        ({}, ["calf", "eyelid", "both"]),
    ],
)
def test_it_lists_the_episodes_carrying_every_tag_asked_for(
    alice: User, tagged: dict[str, Episode], given: dict[str, str], listed: list[str]
) -> None:
    assert filtered(alice, **given) == [tagged[name] for name in listed]


def test_it_lists_an_episode_once_however_many_of_its_tags_match(
    alice: User, frozen_now: datetime, tagged: dict[str, Episode]
) -> None:
    # Two regions and two triggers: a join on each tag table would multiply the rows.
    every = {"region": "calf", "trigger": "exercise", "symptom": "cramp"}
    assert filtered(alice, **every, date_from=frozen_now.date() - timedelta(days=1)) == [tagged["both"]]
    assert episode_list(user=alice, filters=EpisodeFilters(trigger="caffeine")).count() == 2


def test_it_combines_dates_and_tags(alice: User, frozen_now: datetime, tagged: dict[str, Episode]) -> None:
    older = EpisodeFactory(user=alice, started_at=frozen_now - timedelta(days=10), triggers=["exercise"])
    assert filtered(alice, trigger="exercise") == [tagged["calf"], tagged["both"], older]
    yesterday = frozen_now.date() - timedelta(days=1)
    assert filtered(alice, trigger="exercise", date_from=yesterday) == [tagged["calf"], tagged["both"]]
    assert filtered(alice, trigger="exercise", date_to=yesterday - timedelta(days=1)) == [older]
    assert filtered(alice, date_from=yesterday, date_to=yesterday - timedelta(days=1)) == []


@pytest.mark.parametrize(
    ("zone", "day", "first", "after_last"),
    [
        # Auckland leaves DST on 5 April 2026: the day runs 25 hours, from 00:00 +13 to 00:00 +12.
        (
            "Pacific/Auckland",
            date(2026, 4, 5),
            datetime(2026, 4, 4, 11, tzinfo=UTC),
            datetime(2026, 4, 5, 12, tzinfo=UTC),
        ),
        # Auckland in standard time, a day far ahead of UTC: from 00:00 +12.
        (
            "Pacific/Auckland",
            date(2026, 6, 1),
            datetime(2026, 5, 31, 12, tzinfo=UTC),
            datetime(2026, 6, 1, 12, tzinfo=UTC),
        ),
        # Los Angeles leaves DST on 1 November 2026: from 00:00 -07 to 00:00 -08, 25 hours.
        (
            "America/Los_Angeles",
            date(2026, 11, 1),
            datetime(2026, 11, 1, 7, tzinfo=UTC),
            datetime(2026, 11, 2, 8, tzinfo=UTC),
        ),
        # Los Angeles on the day before, still in DST: 24 hours at -07.
        (
            "America/Los_Angeles",
            date(2026, 10, 31),
            datetime(2026, 10, 31, 7, tzinfo=UTC),
            datetime(2026, 11, 1, 7, tzinfo=UTC),
        ),
    ],
)
def test_a_day_runs_from_the_users_local_midnight_to_the_next(
    alice: User, frozen_now: datetime, zone: str, day: date, first: datetime, after_last: datetime
) -> None:
    profile_update(user=alice, time_zone=zone)
    second = timedelta(seconds=1)
    before, start, end, after = (
        EpisodeFactory(user=alice, started_at=instant)
        for instant in (first - second, first, after_last - second, after_last)
    )
    assert filtered(alice, date_from=day, date_to=day) == [end, start]
    assert filtered(alice, date_from=day) == [after, end, start]
    assert filtered(alice, date_to=day) == [end, start, before]


def test_a_day_is_utcs_for_a_user_without_a_profile(alice: User, frozen_now: datetime) -> None:
    inside = EpisodeFactory(user=alice, started_at=datetime(2026, 11, 2, 23, 59, tzinfo=UTC))
    EpisodeFactory(user=alice, started_at=datetime(2026, 11, 3, 0, 0, tzinfo=UTC))
    assert filtered(alice, date_from=date(2026, 11, 2), date_to=date(2026, 11, 2)) == [inside]


def test_an_unknown_code_is_a_field_error_listing_the_allowed_codes(alice: User) -> None:
    with pytest.raises(ValidationError) as raised:
        episode_list(user=alice, filters=EpisodeFilters(region="elbow", trigger="caffeine"))
    [message] = raised.value.message_dict["region"]
    assert message.startswith("Unknown region code 'elbow'. Allowed: abdomen, ")
    assert set(raised.value.message_dict) == {"region"}


def test_every_unknown_code_is_named_at_once(alice: User) -> None:
    with pytest.raises(ValidationError) as raised:
        episode_list(user=alice, filters=EpisodeFilters(region="elbow", trigger="rain", symptom="fever"))
    assert set(raised.value.message_dict) == {"region", "trigger", "symptom"}
    assert raised.value.message_dict["symptom"][0].startswith("Unknown symptom code 'fever'. Allowed: ")


def test_a_filtered_page_costs_one_query_for_the_zone_and_one_for_the_codes(
    alice: User, frozen_now: datetime, django_assert_num_queries: Any
) -> None:
    profile_update(user=alice, time_zone="Pacific/Auckland")
    for hours in range(1, 41):
        EpisodeFactory(user=alice, started_at=frozen_now - timedelta(hours=hours), **TAGGED)
    every = EpisodeFilters(
        date_from=date(2026, 11, 18), date_to=date(2026, 11, 21), region="calf", trigger="stress", symptom="cramp"
    )
    # the zone, the reference version (the three codes are kept), the page, locations, regions, triggers, symptoms
    with django_assert_num_queries(7), CaptureQueriesContext(connection) as queries:
        page = list(episode_list(user=alice, filters=every)[:40])
    assert len(page) == 40
    assert sum("diary_profile" in query["sql"] for query in queries) == 1
    with django_assert_num_queries(6):  # dates only: no codes to look up
        list(episode_list(user=alice, filters=EpisodeFilters(date_from=date(2026, 11, 18)))[:40])


def test_an_unknown_code_is_answered_before_the_zone_is_looked_up(alice: User, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1), pytest.raises(ValidationError):  # the reference version: codes are kept
        episode_list(user=alice, filters=EpisodeFilters(date_from=date(2026, 11, 18), region="elbow"))


def test_it_counts_a_days_episodes_on_each_ones_own_clock(alice: User, frozen_now: datetime) -> None:
    # The farthest offsets from UTC: the window of instants that can fall on a day is 50 hours.
    kiritimati, pago_pago = ZoneInfo("Pacific/Kiritimati"), ZoneInfo("Pacific/Pago_Pago")
    for start, offset in (
        (datetime(2026, 11, 10, 0, 0, tzinfo=kiritimati), 14 * 60),  # 10:00 UTC on the 9th
        (datetime(2026, 11, 10, 23, 59, tzinfo=pago_pago), -11 * 60),  # 10:59 UTC on the 11th
        (datetime(2026, 11, 9, 23, 59, tzinfo=kiritimati), 14 * 60),  # the 9th there
        (datetime(2026, 11, 11, 0, 0, tzinfo=pago_pago), -11 * 60),  # the 11th there
    ):
        EpisodeFactory(user=alice, started_at=start, utc_offset_minutes=offset)
    assert [episode_count_on(user=alice, day=date(2026, 11, d)) for d in (8, 9, 10, 11, 12)] == [0, 1, 2, 1, 0]


def test_it_reads_the_recent_places_and_the_last_episode_in_one_query(
    alice: User, bob: User, frozen_now: datetime, django_assert_num_queries: Any
) -> None:
    from diary.selectors import RecentPlaces, recent_places

    EpisodeFactory(user=alice, started_at=frozen_now - timedelta(days=3), locations=[LocationInput("thigh", "left")])
    for minutes in range(40):  # more than the places come from: the oldest is left out
        EpisodeFactory(user=alice, started_at=frozen_now - timedelta(days=2, minutes=minutes))
    gone = EpisodeFactory(
        user=alice, started_at=frozen_now - timedelta(hours=2), locations=[LocationInput("tongue", "midline")]
    )
    episode_delete(episode=gone)
    EpisodeFactory(
        user=alice,
        started_at=frozen_now - timedelta(hours=1),
        locations=[LocationInput("calf", "both"), LocationInput("eyelid", "left")],
        duration_seconds=None,
        ongoing=True,
        intensity=6,
    )
    EpisodeFactory(user=bob, started_at=frozen_now, locations=[LocationInput("jaw", "right")])
    with django_assert_num_queries(1):
        found = recent_places(user=alice)
    assert isinstance(found, RecentPlaces)
    assert found.locations == [("calf", "both"), ("eyelid", "left")]
    assert found.last is not None
    assert (found.last.locations, found.last.ongoing, found.last.intensity) == (
        [("calf", "both"), ("eyelid", "left")],
        True,
        6,
    )
    assert recent_places(user=bob).locations == [("jaw", "right")]
