from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User

from diary.selectors import checkin_list, episode_list
from diary.services import LocationInput, checkin_delete, episode_delete
from tests.factories import EpisodeFactory, make_checkin

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
