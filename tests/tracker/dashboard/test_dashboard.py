"""The dashboard (tracker/dashboard/pages.py): red flags first, the summary in sentences, the
charts inlined as SVG the CSP allows, drawn from what the analysis stored; stale and pending
states with a refresh; the same few queries whatever the size of the history."""

import re
import xml.etree.ElementTree as ElementTree
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from diary.services import EpisodeInput, LocationInput, episodes_bulk_create
from tests.conftest import signed_in
from tests.factories import EpisodeFactory
from tracker.models import AnalysisRequest, Summary
from tracker.summaries.services import summary_compute

URL = reverse("dashboard")
SVG = "{http://www.w3.org/2000/svg}svg"


def analysed(user: User) -> None:
    summary_compute(user_id=user.pk, key="all")


def diary_of(user: User, count: int, *, now: datetime) -> None:
    """`count` episodes over the last year, written by the bulk service."""
    items = [
        EpisodeInput(
            started_at=now - timedelta(hours=1 + 3 * i % (24 * 360)),
            duration_seconds=30,
            locations=[LocationInput("eyelid", "left" if i % 2 else "both")],
            intensity=1 + i % 10,
            pattern="single_twitch",
            triggers=["caffeine"] if i % 3 else [],
        )
        for i in range(count)
    ]
    for start in range(0, count, 5000):
        episodes_bulk_create(user=user, items=items[start : start + 5000])


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


def test_it_invites_an_empty_diary_to_log_its_first_episode(alice_web: Client, frozen_now: datetime) -> None:
    response = alice_web.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Log your first episode" in html
    assert f'href="{reverse("episode-log")}"' in html
    assert "<svg" not in html
    assert 'aria-current="page">Dashboard' in html


def test_it_shows_the_summary_and_every_chart_with_its_table(
    alice_web: Client, alice: User, frozen_now: datetime
) -> None:
    diary_of(alice, 60, now=frozen_now)
    analysed(alice)
    html = alice_web.get(URL).content.decode()
    assert "60 episodes on" in html  # the summary in sentences, with its numbers
    keys = re.findall(r'<figure class="chart" id="chart-([a-z_]+)"', html)
    assert keys == ["per_week", "calendar", "time_of_day", "body"]
    for key in keys:
        figure = html.split(f'id="chart-{key}"', 1)[1].split("</figure>", 1)[0]
        svg = figure[figure.index("<svg") : figure.index("</svg></div>") + len("</svg>")]
        root = ElementTree.fromstring(svg)
        assert root.tag == SVG
        assert root.get("role") == "img"
        assert root.get("aria-labelledby") == f"{key}_title"
        assert root.find("{http://www.w3.org/2000/svg}title").text  # type: ignore[union-attr]
        assert root.find("{http://www.w3.org/2000/svg}desc").text  # type: ignore[union-attr]
        assert "<details>" in figure
        assert "<table>" in figure
    assert "Reference notes" not in html  # eyelid and calf episodes are no grounds to list a condition
    assert "not a diagnosis" in html


def test_it_keeps_to_what_the_csp_allows(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    diary_of(alice, 30, now=frozen_now)
    analysed(alice)
    html = alice_web.get(URL).content.decode()
    assert "<svg" in html
    assert "style=" not in html
    assert "<style" not in html
    assert "<script>" not in html


def test_it_shades_both_sides_for_an_episode_felt_on_both(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    diary_of(alice, 4, now=frozen_now)  # two on the left eyelid, two on both
    analysed(alice)
    body = alice_web.get(URL).content.decode().split('id="chart-body"', 1)[1]
    left = re.search(r'<ellipse cx="132" cy="84"[^>]*data-episodes="(\d+)"', body)
    right = re.search(r'<ellipse cx="68" cy="84"[^>]*data-episodes="(\d+)"', body)
    assert left
    assert right
    assert (left.group(1), right.group(1)) == ("4", "2")


def test_it_puts_red_flags_first_with_their_advice(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    EpisodeFactory(user=alice, started_at=frozen_now - timedelta(days=1), symptoms=["weakness"])
    analysed(alice)
    html = alice_web.get(URL).content.decode()
    assert "Red flags: see a doctor soon" in html
    assert html.index("Red flags") < html.index('id="summary"') < html.index('id="charts"')
    assert "Muscle weakness" in html
    assert "book a doctor" in html
    assert "doctor" in html.split('id="red-flags"', 1)[1].split("</section>", 1)[0].lower()


@pytest.fixture
def big_diaries(settings: Any) -> None:
    """Every diary counts as too big to analyse while the page waits."""
    settings.DASHBOARD_ON_THE_SPOT_EPISODES = 2


def test_it_says_when_the_latest_episodes_are_not_in_the_charts(
    alice_web: Client, alice: User, frozen_now: datetime, big_diaries: None
) -> None:
    diary_of(alice, 10, now=frozen_now)
    analysed(alice)
    Summary.objects.update(watermark=0)  # the diary changed since the analysis read it
    html = alice_web.get(URL).content.decode()
    assert "Your latest episodes are not in these charts yet" in html
    assert f'action="{reverse("dashboard-refresh")}"' in html
    assert f'hx-get="{reverse("dashboard-status")}"' in html
    assert "Check again" in html
    assert "<svg" in html  # the charts as they were, meanwhile


@pytest.fixture
def no_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Asked analyses are sent and wait for a worker (the tests run tasks eagerly otherwise)."""
    monkeypatch.setattr("tracker.summaries.services.analysis_enqueue", lambda **_: True)


def test_it_says_a_pending_summary_is_being_prepared(
    alice_web: Client, alice: User, frozen_now: datetime, no_worker: None, big_diaries: None
) -> None:
    diary_of(alice, 3, now=frozen_now)  # written, not analysed yet (nothing commits in this test)
    html = alice_web.get(URL).content.decode()
    assert "Your first analysis is being prepared" in html
    assert "Log your first episode" not in html
    assert AnalysisRequest.objects.get(user=alice).requested_at is not None  # asked, not computed here
    assert not Summary.objects.exists()


def test_it_shows_a_newcomers_first_episode_and_its_red_flag_at_once(
    alice_web: Client, alice: User, frozen_now: datetime, no_worker: None
) -> None:
    """The issue's newcomer: one episode with weakness, then the dashboard, which said "Nothing
    to show yet" with no red-flag notice while the first analysis waited for a worker."""
    EpisodeFactory(user=alice, started_at=frozen_now - timedelta(hours=2), symptoms=["weakness"])
    html = alice_web.get(URL).content.decode()
    assert "Nothing to show yet" not in html
    assert "1 episode on the one day since 20 Nov 2026, when the diary starts." in html  # analysed here
    assert "Red flags: see a doctor soon" in html
    assert "Muscle weakness" in html
    assert Summary.objects.get(user=alice).findings["frequency"]["episodes"] == 1


def test_it_shows_the_red_flag_of_a_big_diary_whose_analysis_waits(
    alice_web: Client, alice: User, frozen_now: datetime, no_worker: None, big_diaries: None
) -> None:
    diary_of(alice, 3, now=frozen_now)
    EpisodeFactory(user=alice, started_at=frozen_now - timedelta(hours=2), symptoms=["numbness"])
    html = alice_web.get(URL).content.decode()
    assert "Your first analysis is being prepared" in html
    assert "Nothing to show yet" not in html
    assert "Red flags: see a doctor soon" in html
    assert "Numbness" in html
    assert not Summary.objects.exists()  # not analysed here: the worker will


def test_it_shows_a_red_flag_logged_since_the_last_analysis(
    alice_web: Client, alice: User, frozen_now: datetime, no_worker: None, big_diaries: None
) -> None:
    diary_of(alice, 10, now=frozen_now)
    analysed(alice)
    EpisodeFactory(user=alice, started_at=frozen_now - timedelta(hours=1), symptoms=["weakness"])
    Summary.objects.update(watermark=0)  # the diary changed since the analysis read it
    html = alice_web.get(URL).content.decode()
    assert "Your latest episodes are not in these charts yet" in html
    assert "Red flags: see a doctor soon" in html
    assert "Muscle weakness" in html


def test_it_never_says_nothing_to_show_over_episodes_a_stale_summary_missed(
    alice_web: Client, alice: User, frozen_now: datetime, no_worker: None, big_diaries: None
) -> None:
    analysed(alice)  # a summary of no episode (the diary began with a check-in, say)
    diary_of(alice, 5, now=frozen_now)
    Summary.objects.update(watermark=0)
    html = alice_web.get(URL).content.decode()
    assert "Nothing to show yet" not in html
    assert "Your first analysis is being prepared" in html


def test_it_asks_for_a_fresh_analysis_on_refresh(
    alice_web: Client, alice: User, frozen_now: datetime, no_worker: None
) -> None:
    diary_of(alice, 3, now=frozen_now)
    analysed(alice)
    AnalysisRequest.objects.filter(user=alice).update(requested_at=None)
    response = alice_web.post(reverse("dashboard-refresh"))
    assert response.status_code == 302
    assert response["Location"] == URL
    assert AnalysisRequest.objects.get(user=alice, range_key="all").requested_at is not None


def test_it_refuses_a_refresh_with_a_forged_csrf_token(alice: User, frozen_now: datetime) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(reverse("dashboard-refresh"), {"csrfmiddlewaretoken": "forged"})
    assert response.status_code == 403
    assert not AnalysisRequest.objects.filter(user=alice).exists()


def test_it_answers_the_status_of_alices_own_summary(
    alice_web: Client, alice: User, bob: User, frozen_now: datetime
) -> None:
    diary_of(bob, 3, now=frozen_now)
    analysed(bob)
    assert alice_web.get(reverse("dashboard-status")).json() == {"status": "none", "stale": False, "computed_at": None}
    diary_of(alice, 3, now=frozen_now)
    analysed(alice)
    assert alice_web.get(reverse("dashboard-status")).json() == {
        "status": "ready",
        "stale": False,
        "computed_at": frozen_now.isoformat(),
    }


HTMX = {"HTTP_HX_REQUEST": "true"}  # what htmx sends with its requests


def test_it_answers_htmx_with_the_whole_dashboard_to_swap_in_once_the_summary_is_ready(
    alice_web: Client, alice: User, frozen_now: datetime, no_worker: None, big_diaries: None
) -> None:
    diary_of(alice, 3, now=frozen_now)
    assert "Your first analysis is being prepared" in alice_web.get(URL).content.decode()
    since = {"since": int(frozen_now.timestamp())}
    waiting = alice_web.get(reverse("dashboard-status"), since, **HTMX)
    assert (waiting.status_code, waiting.content) == (204, b"")  # nothing to swap: htmx asks again
    analysed(alice)
    ready = alice_web.get(reverse("dashboard-status"), since, **HTMX)
    html = ready.content.decode()
    assert ready.status_code == 200
    assert html.lstrip().startswith('<div class="dashboard" id="dashboard">')  # without hx-get: the polling ends
    assert "<html" not in html
    assert "Up to date as of" in html
    assert 'id="chart-per_week"' in html
    assert '<p id="dashboard-news" hx-swap-oob="innerHTML">The dashboard is up to date.</p>' in html
    assert "HX-Request" in ready["Vary"]
    assert "HX-Request" in alice_web.get(reverse("dashboard-status"))["Vary"]  # the JSON answer


def test_it_ends_htmxs_polling_after_ten_minutes(
    alice_web: Client, alice: User, frozen_now: datetime, no_worker: None, big_diaries: None
) -> None:
    diary_of(alice, 3, now=frozen_now)
    drawn = int(frozen_now.timestamp()) - 601  # the page polling since then
    response = alice_web.get(reverse("dashboard-status"), {"since": drawn}, **HTMX)
    assert response.status_code == 286  # htmx's "stop polling"
    assert response["HX-Reswap"] == "none"  # and nothing swapped: the "Check again" link stays
    assert alice_web.get(reverse("dashboard-status"), {"since": drawn + 2}, **HTMX).status_code == 204
    assert alice_web.get(reverse("dashboard-status"), {"since": "junk"}, **HTMX).status_code == 204


def test_it_sends_visitors_to_log_in(client: Client, db: None) -> None:
    for name in ("dashboard", "dashboard-status"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert client.post(reverse("dashboard-refresh")).status_code == 302


def test_it_draws_the_charts_when_the_cache_is_down(alice: User, frozen_now: datetime, cache_down: None) -> None:
    diary_of(alice, 10, now=frozen_now)
    analysed(alice)
    response = signed_in(alice).get(URL)
    assert response.status_code == 200
    assert 'id="chart-per_week"' in response.content.decode()


@pytest.mark.parametrize("episodes", [100, 10_000])
def test_it_costs_the_same_few_queries_whatever_the_history(
    alice: User, frozen_now: datetime, episodes: int, django_assert_max_num_queries: Any
) -> None:
    diary_of(alice, episodes, now=frozen_now)
    analysed(alice)
    client = signed_in(alice)
    client.get(URL)  # the charts drawn and cached
    # Session, user, profile, summary, reference version; the treatments, the tests and the
    # last weekly check (tracker.dashboard.clinical).
    with django_assert_max_num_queries(9):
        response = client.get(URL)
    assert f"{episodes:,} episodes on" in response.content.decode()


def test_it_folds_the_reference_comparison_under_one_plain_sentence_at_the_end(
    alice_web: Client, alice: User, frozen_now: datetime
) -> None:
    for hours in (2, 5, 9):
        EpisodeFactory(
            user=alice,
            started_at=frozen_now - timedelta(hours=hours),
            locations=[LocationInput("calf", "left")],
            triggers=["exercise"],
            symptoms=["cramp"],
        )
    analysed(alice)
    html = alice_web.get(URL).content.decode()
    notes = html.split('id="reference-notes"', 1)[1].split("</section>", 1)[0]
    assert "Benign fasciculation syndrome, usually harmless" in notes
    assert "<details>" in notes  # folded: the person unfolds it
    assert "Exercise (trigger, in 3 episodes)" in notes
    assert "“Diseases That Cause Muscle Twitches” (003_f617ebba62bb73a1.txt)" in notes
    assert "(benign)" not in notes  # no internal code
    assert "motor_neuron" not in notes
    assert html.index('id="charts"') < html.index('id="reference-notes"')


def test_it_keeps_the_reference_comparison_away_from_the_red_flag_notice(
    alice_web: Client, alice: User, frozen_now: datetime
) -> None:
    EpisodeFactory(user=alice, started_at=frozen_now - timedelta(hours=3), symptoms=["weakness"])
    EpisodeFactory(user=alice, started_at=frozen_now - timedelta(hours=2), symptoms=["muscle_wasting"])
    analysed(alice)
    html = alice_web.get(URL).content.decode()
    red = html.split('id="red-flags"', 1)[1].split("</section>", 1)[0]
    assert "See a doctor soon" in red
    assert "sclerosis" not in red.lower()
    notes = html.split('id="reference-notes"', 1)[1].split("</section>", 1)[0]
    summary_sentence = notes.split("<details", 1)[0]
    assert "sclerosis" not in summary_sentence.lower()  # the plain sentence names no disease
    assert "Amyotrophic lateral sclerosis" in notes.split("<details", 1)[1]


@pytest.mark.parametrize("episodes", [100, 10_000])
def test_a_stale_big_diary_costs_the_same_few_queries_whatever_the_history(
    alice: User, frozen_now: datetime, episodes: int, django_assert_max_num_queries: Any, big_diaries: None
) -> None:
    diary_of(alice, episodes, now=frozen_now)
    EpisodeFactory(user=alice, started_at=frozen_now - timedelta(hours=1), symptoms=["weakness"])
    analysed(alice)
    Summary.objects.update(watermark=0)
    client = signed_in(alice)
    client.get(URL)  # the charts drawn and cached
    # Those of a current summary, the request and the change number, the bounded episode count,
    # and the red-flag episodes with their places, triggers and symptoms, and the weekly checks
    # with a yes; the treatments, the tests and the last weekly check (tracker.dashboard.clinical).
    with django_assert_max_num_queries(16):
        response = client.get(URL)
    assert "Red flags: see a doctor soon" in response.content.decode()
