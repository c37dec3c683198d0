"""Pages that carry someone's diary are never kept by a browser's or a proxy's cache (issue 22,
finding 7): every answer to a signed-in person without its own Cache-Control says
`private, no-store`; a page that sets its own (the share page, the quick log's shell) keeps it."""

from datetime import datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.factories import EpisodeFactory, make_checkin
from tracker.shares.services import share_create


@pytest.mark.parametrize(
    "url",
    ["/settings/export/", "/history/", "/dashboard/", "/checkin/", "/checkin/2026-11-02/", "/reports/", "/settings/"],
)
def test_it_keeps_a_signed_in_page_out_of_every_cache(
    alice: User, alice_web: Client, frozen_now: datetime, url: str
) -> None:
    make_checkin(alice)
    response = alice_web.get(url)
    assert response.status_code == 200, url
    assert response["Cache-Control"] == "private, no-store", url


def test_it_keeps_an_episode_page_out_of_every_cache(alice: User, alice_web: Client, frozen_now: datetime) -> None:
    episode = EpisodeFactory(user=alice, notes="private words")
    response = alice_web.get(f"/episodes/{episode.id}/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_it_keeps_the_headers_a_page_sets_itself(alice: User, alice_web: Client, frozen_now: datetime) -> None:
    _, token = share_create(user=alice, date_from=datetime(2026, 11, 1).date(), date_to=datetime(2026, 11, 14).date())
    assert alice_web.get(f"/s/{token}/")["Cache-Control"] == "no-store"  # the share page's own
    assert "no-cache" in alice_web.get("/quick/")["Cache-Control"]  # the PWA shell's own


def test_it_adds_nothing_to_a_stranger_s_page(db: None) -> None:
    assert not Client().get("/accounts/signup/").has_header("Cache-Control")
