"""The history page: grouping by local day, filters, keyset paging, delete and undo, and ending
an episode still going."""

import re
import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from diary.models import Episode, Profile
from diary.pages.history import PAGE_SIZE
from diary.pages.history_checkins import CHECKINS_PER_PAGE
from diary.pages.history_forms import Cursor
from diary.services import (
    EpisodeInput,
    LocationInput,
    checkins_bulk_create,
    episode_delete,
    episodes_bulk_create,
    profile_update,
)
from tests.factories import EpisodeFactory, make_checkin

URL = "/history/"
UTC = ZoneInfo("UTC")


def an_input(started_at: datetime, **overrides: Any) -> EpisodeInput:
    values: dict[str, Any] = {
        "started_at": started_at,
        "duration_seconds": 90,
        "locations": [LocationInput("calf", "left")],
        "intensity": 4,
        "pattern": "intermittent_bursts",
        **overrides,
    }
    return EpisodeInput(**values)


def listed(response: Any) -> list[uuid.UUID]:
    """The episode ids a history page shows, in order."""
    assert response.status_code == 200, response.content
    return [row.id for day in response.context["days"] for row in day.rows]


def older_link(response: Any) -> str | None:
    older = response.context["older"]
    return f"{URL}?{older}" if older else None


def test_it_groups_by_the_day_on_the_users_clock_and_marks_another_offset(
    alice: User, alice_web: Client, frozen_now: datetime
) -> None:
    profile_update(user=alice, time_zone="America/Los_Angeles")
    late_evening = EpisodeFactory(
        user=alice, started_at=datetime(2026, 11, 19, 23, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
    )
    # Logged in Tokyo: 08:00 there on the 20th, still the 19th in Los Angeles and in UTC.
    in_tokyo = EpisodeFactory(user=alice, started_at=datetime(2026, 11, 20, 8, 0, tzinfo=ZoneInfo("Asia/Tokyo")))
    days = alice_web.get(URL).context["days"]
    # Newest first by the instant (07:30 UTC on the 20th, then 23:00 UTC on the 19th), each
    # under the day its own clock said: the 19th in Los Angeles, the 20th in Tokyo.
    assert [(str(day.day), [row.id for row in day.rows]) for day in days] == [
        ("2026-11-19", [late_evening.id]),
        ("2026-11-20", [in_tokyo.id]),
    ]
    by_id = {row.id: (str(day.day), row.time, row.offset) for day in days for row in day.rows}
    assert by_id[late_evening.id] == ("2026-11-19", "23:30", "")
    assert by_id[in_tokyo.id] == ("2026-11-20", "08:00", "UTC+09:00")
    page = alice_web.get(URL).content.decode()
    assert "Thursday 19 November 2026" in page
    assert "Friday 20 November 2026" in page
    assert "(UTC+09:00)" in page


def test_it_shows_each_episode_with_names_and_its_red_flag_advice(
    alice: User, alice_web: Client, frozen_now: datetime
) -> None:
    EpisodeFactory(
        user=alice,
        locations=[LocationInput("tongue", "midline"), LocationInput("calf", "both")],
        duration_seconds=150,
        intensity=7,
        pattern="continuous_rippling",
        triggers=["poor_sleep"],
        symptoms=["weakness", "cramp"],
    )
    page = alice_web.get(URL).content.decode()
    for text in (
        "Tongue (midline)",
        "Calf (both sides)",
        "2 min 30 s",
        "intensity 7/10",
        "Continuous rippling",
        "Poor sleep",
        "Muscle weakness",
        "Red flag: Muscle weakness. See a doctor soon.",
        "a doctor should examine promptly",
    ):
        assert text in page, text
    assert "Red flag: Cramp" not in page


@pytest.fixture
def four(alice: User, frozen_now: datetime) -> dict[str, Episode]:
    """Alice's episodes, one per filter to find, in Europe/Paris."""
    profile_update(user=alice, time_zone="Europe/Paris")
    paris = ZoneInfo("Europe/Paris")

    def at(day: int, hour: int, minute: int, **values: Any) -> Episode:
        started_at = datetime(2026, 11, day, hour, minute, tzinfo=paris)
        return EpisodeFactory(
            user=alice, started_at=started_at, **{"locations": [LocationInput("calf", "left")], **values}
        )

    return {
        "eyelid": at(2, 9, 0, locations=[LocationInput("eyelid", "right")]),
        "caffeine": at(5, 0, 30, triggers=["caffeine"]),
        "cramp": at(10, 23, 30, symptoms=["cramp"]),
        "plain": at(15, 12, 0),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["plain", "cramp", "caffeine", "eyelid"]),
        ({"region": "eyelid"}, ["eyelid"]),
        ({"trigger": "caffeine"}, ["caffeine"]),
        ({"symptom": "cramp"}, ["cramp"]),
        # Local dates in Paris: 00:30 on the 5th is the 4th in UTC; 23:30 on the 10th is the 10th.
        ({"date_from": "2026-11-05", "date_to": "2026-11-10"}, ["cramp", "caffeine"]),
        ({"date_from": "2026-11-11"}, ["plain"]),
        ({"date_to": "2026-11-04"}, ["eyelid"]),
        ({"region": "calf", "trigger": "caffeine", "date_to": "2026-11-30"}, ["caffeine"]),
        ({"symptom": "pain"}, []),
    ],
)
def test_each_filter_lists_what_the_api_lists(
    four: dict[str, Episode], alice_web: Client, as_alice: APIClient, query: dict[str, str], expected: list[str]
) -> None:
    names = {episode.id: name for name, episode in four.items()}
    response = alice_web.get(URL, query)
    assert [names[i] for i in listed(response)] == expected
    api = as_alice.get("/api/v1/episodes/", query).json()["results"]
    assert [names[uuid.UUID(e["id"])] for e in api] == expected  # one selector, the same answer
    if query:
        assert "Clear filters" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ({"region": "elbow"}, {"region"}),
        ({"trigger": "moonlight", "symptom": "hiccups"}, {"trigger", "symptom"}),
        ({"date_from": "2026-13-01"}, {"date_from"}),
        ({"date_from": "1899-12-31"}, {"date_from"}),
        ({"date_from": "2026-11-10", "date_to": "2026-11-01"}, {"date_to"}),
        ({"date_from": "2026-11-10", "date_to": "2026-11-01", "region": "elbow"}, {"date_to", "region"}),
    ],
)
def test_bad_filters_are_field_errors_next_to_their_fields(
    four: dict[str, Episode], alice_web: Client, query: dict[str, str], fields: set[str]
) -> None:
    response = alice_web.get(URL, query)
    assert response.status_code == 400
    assert set(response.context["form"].errors) == fields
    page = response.content.decode()
    for field in fields:
        assert f'id="id_{field}_error"' in page
        assert re.search(rf'<(input|select)[^>]*aria-invalid="true"[^>]*id="id_{field}"', page), field
        assert f'aria-describedby="id_{field}_error"' in page
    for value in query.values():
        assert f'value="{value}"' in page  # what was typed (or picked) is kept
    assert "days" not in response.context


def test_paging_sees_each_of_120_episodes_once_in_order_with_ties(
    alice: User, alice_web: Client, frozen_now: datetime
) -> None:
    # 40 instants, three episodes at each: the ties are broken by id, across page edges too.
    starts = [frozen_now - timedelta(hours=5 * i) for i in range(40)]
    episodes_bulk_create(user=alice, items=[an_input(start) for start in starts for _ in range(3)])
    expected = list(Episode.live.filter(user=alice).order_by("-started_at", "-id").values_list("id", flat=True))
    seen: list[uuid.UUID] = []
    link: str | None = URL
    pages = 0
    while link:
        response = alice_web.get(link)
        seen += listed(response)
        link, pages = older_link(response), pages + 1
    assert pages == 3
    assert seen == expected
    assert len(set(seen)) == 120


def test_paging_keeps_the_filters(alice: User, alice_web: Client, frozen_now: datetime) -> None:
    items = [an_input(frozen_now - timedelta(hours=i), triggers=["stress"] if i % 2 else []) for i in range(120)]
    episodes_bulk_create(user=alice, items=items)
    first = alice_web.get(URL, {"trigger": "stress", "date_from": "2026-11-01"})
    link = older_link(first)
    assert link is not None
    assert "trigger=stress" in link
    assert "date_from=2026-11-01" in link
    second = alice_web.get(link)
    assert (len(listed(first)), len(listed(second))) == (PAGE_SIZE, 10)
    stressed = set(Episode.live.filter(user=alice, triggers__code="stress").values_list("id", flat=True))
    assert set(listed(first)) | set(listed(second)) == stressed
    assert older_link(second) is None
    assert "Newest episodes" in second.content.decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "~",
        "2026-11-20T10:00:00+00:00",
        "2026-11-20T10:00:00+00:00~not-a-uuid",
        "2026-11-20T10:00:00~" + uuid.uuid4().hex,  # no offset
        "0001-01-01T00:00:00+05:00~" + uuid.uuid4().hex,  # before any UTC instant
        "9999-12-31T23:59:59-05:00~" + uuid.uuid4().hex,  # after any
        "2026-11-20T10:00:00+99:00~" + uuid.uuid4().hex,
        "\x00",
    ],
)
def test_a_tampered_cursor_is_a_400_not_a_500(
    alice: User, alice_web: Client, frozen_now: datetime, cursor: str
) -> None:
    EpisodeFactory(user=alice)
    response = alice_web.get(URL, {"after": cursor})
    assert response.status_code == 400
    assert "This link to older episodes is broken." in response.content.decode()


def test_a_cursor_round_trips() -> None:
    cursor = Cursor(datetime(2026, 11, 20, 10, 0, 0, 123456, tzinfo=UTC), uuid.uuid4())
    assert Cursor.parse(cursor.text()) == cursor


def test_it_deletes_then_undoes(alice: User, alice_web: Client, as_alice: APIClient, frozen_now: datetime) -> None:
    episode = EpisodeFactory(user=alice)
    pulled = as_alice.get("/api/v1/sync/").json()
    deleted = alice_web.post(f"/episodes/{episode.id}/delete/", {"next": "region=calf&after=x&evil=1"})
    assert deleted.status_code == 302
    assert deleted["Location"] == f"{URL}?region=calf&after=x"  # back where it was, nothing else
    stored = Episode.objects.get(pk=episode.id)
    assert (stored.version, stored.change_seq, stored.deleted_at) == (2, 2, frozen_now)
    page = alice_web.get(URL)
    assert listed(page) == []
    html = page.content.decode()
    assert "Episode deleted." in html
    assert f'action="/episodes/{episode.id}/restore/"' in html
    assert "Episode deleted." not in alice_web.get(URL).content.decode()  # offered once
    restored = alice_web.post(f"/episodes/{episode.id}/restore/", {"next": ""})
    assert (restored.status_code, restored["Location"]) == (302, URL)
    stored = Episode.objects.get(pk=episode.id)
    assert (stored.version, stored.change_seq, stored.deleted_at) == (3, 3, None)
    after = alice_web.get(URL)
    assert listed(after) == [episode.id]
    assert "Episode restored." in after.content.decode()
    later = as_alice.get("/api/v1/sync/", {"since": pulled["cursor"]}).json()
    assert [(e["id"], e["version"], e["deleted_at"]) for e in later["episodes"]] == [(str(episode.id), 3, None)]


def test_bob_gets_404_on_alices_episode(alice: User, bob_web: Client, frozen_now: datetime) -> None:
    live = EpisodeFactory(user=alice)
    gone = episode_delete(episode=EpisodeFactory(user=alice))
    before = list(Episode.objects.order_by("pk").values_list("pk", "version", "change_seq", "deleted_at"))
    assert bob_web.post(f"/episodes/{live.id}/delete/").status_code == 404
    assert bob_web.post(f"/episodes/{gone.id}/restore/").status_code == 404
    assert bob_web.post(f"/episodes/{uuid.uuid4()}/restore/").status_code == 404
    assert list(Episode.objects.order_by("pk").values_list("pk", "version", "change_seq", "deleted_at")) == before
    assert listed(bob_web.get(URL)) == []


def test_a_forged_csrf_token_is_refused_and_changes_nothing(alice: User, frozen_now: datetime) -> None:
    live = EpisodeFactory(user=alice)
    gone = episode_delete(episode=EpisodeFactory(user=alice))
    before = list(Episode.objects.order_by("pk").values_list("pk", "version", "change_seq", "deleted_at"))
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    browser.get(URL)  # has its CSRF cookie, but posts a forged token
    for path in (f"/episodes/{live.id}/delete/", f"/episodes/{gone.id}/restore/"):
        assert browser.post(path, {"csrfmiddlewaretoken": "forged" * 8}).status_code == 403
    assert list(Episode.objects.order_by("pk").values_list("pk", "version", "change_seq", "deleted_at")) == before
    assert Profile.objects.get(user=alice).last_change_seq == 3


def test_delete_and_restore_only_take_a_post(alice: User, alice_web: Client, frozen_now: datetime) -> None:
    episode = EpisodeFactory(user=alice)
    assert alice_web.get(f"/episodes/{episode.id}/delete/").status_code == 405
    assert alice_web.get(f"/episodes/{episode.id}/restore/").status_code == 405
    assert Episode.live.filter(pk=episode.id).exists()


def test_the_page_asks_to_sign_in(db: None) -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# Every history page costs the same handful of queries at 100 and at 10,000 episodes: the
# session, the user, the reference version (for the filter choices, kept by the process), the
# profile's time zone, the page of episodes, then its locations, regions, triggers and
# symptoms, and the check-ins of the days the page covers; a code filter reads the reference
# version once more (for the codes), a date filter the time zone once more (the selector's own
# read).
HISTORY_QUERIES = 12


@pytest.mark.parametrize("size", [100, 10_000])
def test_the_history_costs_the_same_queries_at_any_size(
    alice: User, alice_web: Client, frozen_now: datetime, django_assert_max_num_queries: Any, size: int
) -> None:
    profile_update(user=alice, time_zone="Europe/Paris")
    items = [
        an_input(frozen_now - timedelta(minutes=37 * i), triggers=["caffeine"] if i % 3 else [], symptoms=["cramp"])
        for i in range(size)
    ]
    for start in range(0, size, 5000):
        episodes_bulk_create(user=alice, items=items[start : start + 5000])
    days = (frozen_now - items[-1].started_at).days + 2
    checkins_bulk_create(
        user=alice, items=[(date(2026, 11, 20) - timedelta(days=n), {"stress": 3}) for n in range(days)]
    )
    filtered = {"region": "calf", "trigger": "caffeine", "symptom": "cramp", "date_from": "2026-01-01"}
    alice_web.get(URL)  # as a process's later requests: the filter choices are read and kept
    for query in ({}, filtered):
        with django_assert_max_num_queries(HISTORY_QUERIES):
            first = alice_web.get(URL, query)
        link = older_link(first)
        assert link is not None
        with django_assert_max_num_queries(HISTORY_QUERIES):
            later = alice_web.get(link)
        assert len(listed(first)) == PAGE_SIZE
        assert listed(later)
        assert all(day.checkin for day in first.context["days"])  # a split last day's too


# Check-ins beside the episodes


def shown(response: Any) -> list[tuple[str, int, str | None]]:
    """A page's days: (day, episodes, the day of the check-in shown in it)."""
    assert response.status_code == 200, response.content
    return [
        (str(day.day), len(day.rows), str(day.checkin.day) if day.checkin else None) for day in response.context["days"]
    ]


@pytest.fixture
def week(alice: User, bob: User, frozen_now: datetime) -> None:
    """Alice in Paris: episodes on the 19th and 17th; check-ins on the 20th (after the newest
    episode), 19th (with its episode), 18th (between), 15th (before the oldest). Bob's days too."""
    profile_update(user=alice, time_zone="Europe/Paris")
    paris = ZoneInfo("Europe/Paris")
    EpisodeFactory(user=alice, started_at=datetime(2026, 11, 19, 0, 30, tzinfo=paris))  # the 18th in UTC
    EpisodeFactory(user=alice, started_at=datetime(2026, 11, 17, 9, 0, tzinfo=paris), triggers=["caffeine"])
    make_checkin(alice, date(2026, 11, 20), exercise_minutes=30, alcohol_units=1, twitching_today=True)
    make_checkin(alice, date(2026, 11, 19), twitching_today=True, notes="Long night on call.")
    make_checkin(alice, date(2026, 11, 18), caffeine_cups=1, stress=None, sleep_hours=None)
    make_checkin(alice, date(2026, 11, 15), twitching_today=False)
    for day in (16, 17, 19):
        make_checkin(bob, date(2026, 11, day), notes="bob's own")
    EpisodeFactory(user=bob, started_at=datetime(2026, 11, 16, 9, 0, tzinfo=paris))


def test_it_shows_each_days_check_in_beside_its_episodes(alice_web: Client, week: None) -> None:
    response = alice_web.get(URL)
    assert shown(response) == [
        ("2026-11-20", 0, "2026-11-20"),
        ("2026-11-19", 1, "2026-11-19"),
        ("2026-11-18", 0, "2026-11-18"),
        ("2026-11-17", 1, None),
        ("2026-11-15", 0, "2026-11-15"),
    ]
    html = response.content.decode()
    assert html.count("Check-in only: no episode logged.") == 3
    sections = {day: html.split(f"{day} November 2026</h2>", 1)[1].split("</section>", 1)[0] for day in (20, 19, 18)}
    for text in ("Sleep 7.5 h", "Caffeine 2 cups", "Stress 3/10", "Exercise 30 min", "Alcohol 1 unit"):
        assert f"<span>{text}</span>" in sections[20], text
    assert "Twitching noticed: yes" in sections[20]
    assert "Long night on call." in sections[19]
    assert "Check-in only" not in sections[19]
    assert "<span>Caffeine 1 cup</span>" in sections[18]
    assert "Sleep" not in sections[18]  # not recorded, never shown as zero
    assert 'href="/checkin/2026-11-18/"' in sections[18]
    assert "Twitching noticed: no" in html  # the 15th


def test_it_never_shows_another_users_check_ins(alice_web: Client, bob_web: Client, week: None) -> None:
    assert "bob&#x27;s own" not in alice_web.get(URL).content.decode()
    response = bob_web.get(URL)
    assert shown(response) == [
        ("2026-11-19", 0, "2026-11-19"),
        ("2026-11-17", 0, "2026-11-17"),
        ("2026-11-16", 1, "2026-11-16"),
    ]
    assert "Long night on call." not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # A code filter: only the days it lists episodes of, never "check-in only" (a day without
        # a matching episode may have had others).
        ({"trigger": "caffeine"}, [("2026-11-17", 1, None)]),
        ({"region": "eyelid"}, [("2026-11-19", 1, "2026-11-19"), ("2026-11-17", 1, None)]),
        ({"symptom": "cramp"}, []),
        # Dates alone: every day within them.
        (
            {"date_from": "2026-11-16", "date_to": "2026-11-19"},
            [
                ("2026-11-19", 1, "2026-11-19"),
                ("2026-11-18", 0, "2026-11-18"),
                ("2026-11-17", 1, None),
            ],
        ),
        ({"date_to": "2026-11-16"}, [("2026-11-15", 0, "2026-11-15")]),
        ({"date_from": "2026-11-20"}, [("2026-11-20", 0, "2026-11-20")]),
    ],
)
def test_it_shows_the_check_ins_the_filters_allow(
    alice_web: Client, week: None, query: dict[str, str], expected: list[tuple[str, int, str | None]]
) -> None:
    assert shown(alice_web.get(URL, query)) == expected


def walk(client: Client, query: dict[str, str] | None = None) -> list[list[tuple[str, int, str | None]]]:
    """The days of every page of the history, newest first."""
    pages, response = [], client.get(URL, query or {})
    while True:
        pages.append(shown(response))
        link = older_link(response)
        if link is None:
            return pages
        response = client.get(link)


def test_paging_shows_each_check_in_once_on_a_page_with_its_days_episodes(
    alice: User, alice_web: Client, frozen_now: datetime
) -> None:
    # 120 episodes, 8 a day from the 18th back (a day's episodes cross the page edges), and a
    # check-in every day of November.
    starts = [frozen_now - timedelta(days=2, hours=3 * i) for i in range(120)]
    episodes_bulk_create(user=alice, items=[an_input(start) for start in starts])
    checkins_bulk_create(user=alice, items=[(date(2026, 11, d), {"stress": d % 10}) for d in range(1, 21)])
    pages = walk(alice_web)
    assert len(pages) == 3
    days = [day for page in pages for day in page]
    with_checkin = [checkin for _, _, checkin in days if checkin]
    assert with_checkin == [f"2026-11-{d:02d}" for d in range(20, 0, -1)]  # each once, newest first
    assert all(day == checkin for day, _, checkin in days if checkin)
    assert sum(count for _, count, _ in days) == 120
    # A day split across two pages shows its check-in once, beside its newest episodes.
    episode_days = [day for day, count, _ in days if count]
    assert len(episode_days) > len(set(episode_days))
    assert {day for day, count, _ in days if not count} == {"2026-11-20", "2026-11-19", "2026-11-01", "2026-11-02"}


def test_months_of_check_ins_without_an_episode_are_paged_too(
    alice: User, alice_web: Client, frozen_now: datetime, django_assert_max_num_queries: Any
) -> None:
    # Twitching stopped in May; the check-ins went on every day since, and before it.
    EpisodeFactory(user=alice, started_at=datetime(2026, 5, 1, 9, 0, tzinfo=UTC))
    days = [date(2026, 11, 20) - timedelta(days=n) for n in range(240)]
    checkins_bulk_create(user=alice, items=[(day, {"sleep_hours": 7}) for day in days])
    response = alice_web.get(URL)
    pages = []
    while True:
        pages.append(shown(response))
        link = older_link(response)
        if link is None:
            break
        with django_assert_max_num_queries(HISTORY_QUERIES):
            response = alice_web.get(link)
    assert [len(page) for page in pages] == [CHECKINS_PER_PAGE] * 4 + [40]
    flat = [day for page in pages for day in page]
    assert [checkin for _, _, checkin in flat] == [str(day) for day in days]
    assert [(day, count) for day, count, _ in flat if count] == [("2026-05-01", 1)]
    assert "Newest episodes" in response.content.decode()


def test_it_shows_the_check_ins_of_a_diary_without_episodes(
    alice: User, alice_web: Client, frozen_now: datetime
) -> None:
    make_checkin(alice, date(2026, 11, 20))
    html = alice_web.get(URL).content.decode()
    assert "Check-in only: no episode logged." in html
    assert "No episodes yet" not in html


def test_a_cursor_carries_the_day_its_check_ins_go_on_from() -> None:
    for cursor in (
        Cursor(datetime(2026, 11, 20, 10, 0, tzinfo=UTC), uuid.uuid4(), date(2026, 11, 19)),
        Cursor(None, None, date(2026, 11, 19)),
    ):
        assert Cursor.parse(cursor.text()) == cursor


def test_it_shows_an_episode_still_going_and_ends_it_there(
    alice: User, alice_web: Client, frozen_now: datetime
) -> None:
    profile_update(user=alice, time_zone="Europe/Paris")
    going = EpisodeFactory(
        user=alice, started_at=frozen_now - timedelta(minutes=56), ongoing=True, duration_seconds=None
    )
    yesterday = EpisodeFactory(
        user=alice, started_at=frozen_now - timedelta(days=1, hours=1), ongoing=True, duration_seconds=None
    )
    EpisodeFactory(user=alice, started_at=frozen_now - timedelta(days=2), duration_seconds=90)
    html = alice_web.get(URL, {"region": "eyelid"}).content.decode()
    assert "still going since 12:04" in html  # 11:04 UTC, on the Paris clock; today's has no day
    assert "still going since Thu 19 Nov, 12:00" in html
    assert "1 min 30 s" in html
    assert html.count("It stopped now") == 2
    end = f"/episodes/{going.id}/end/"
    assert f'action="{end}"' in html
    response = alice_web.post(end, {"back": "history", "next": "region=eyelid&evil=1"})
    assert response["Location"] == f"{URL}?region=eyelid"  # back where it was
    going.refresh_from_db()
    assert (going.ongoing, going.duration_seconds, going.version) == (False, 56 * 60, 2)
    after = alice_web.get(URL).content.decode()
    assert "Episode ended: it lasted 56 min." in after
    assert after.count("It stopped now") == 1
    yesterday.refresh_from_db()
    assert yesterday.ongoing


def test_ending_twice_from_the_history_keeps_the_first_end(
    alice: User, alice_web: Client, frozen_now: datetime
) -> None:
    going = EpisodeFactory(
        user=alice, started_at=frozen_now - timedelta(minutes=5), ongoing=True, duration_seconds=None
    )
    end = f"/episodes/{going.id}/end/"
    alice_web.post(end, {"back": "history"})
    with time_machine.travel(frozen_now + timedelta(hours=1), tick=False):
        again = alice_web.post(end, {"back": "history"})
    assert again["Location"] == URL
    going.refresh_from_db()
    assert (going.duration_seconds, going.version) == (300, 2)
    assert "had ended already" in alice_web.get(URL).content.decode()


def test_ending_takes_a_post_with_its_csrf_token_and_only_alices_own(
    alice: User, bob_web: Client, alice_web: Client, frozen_now: datetime
) -> None:
    going = EpisodeFactory(
        user=alice, started_at=frozen_now - timedelta(minutes=5), ongoing=True, duration_seconds=None
    )
    end = f"/episodes/{going.id}/end/"
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    browser.get(URL)
    assert browser.post(end, {"csrfmiddlewaretoken": "forged" * 8}).status_code == 403
    assert alice_web.get(end).status_code == 405
    assert bob_web.post(end).status_code == 404
    going.refresh_from_db()
    assert (going.ongoing, going.version) == (True, 1)
