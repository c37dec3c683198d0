"""The doctor's page (/s/<token>/) and its PDF: what it shows, when it opens, what it sends, what
it logs, and how it answers a stranger guessing tokens."""

import io
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django.utils.html import escape
from pypdf import PdfReader

from diary.models import Episode
from tests.factories import EpisodeFactory
from tests.tracker.reports.conftest import (  # noqa: F401  (the shared fixtures)
    FROM,
    FULL_FROM,
    FULL_TO,
    TO,
    diary,
    full_diary,
)
from tracker.analysis.summary import DISCLAIMER
from tracker.models import Share, ShareAccess
from tracker.reports.assembly import report_assemble
from tracker.reports.first_page import SELF_REPORTED, first_page
from tracker.shares.services import NewShare, share_create, share_revoke

# NOW (tests/conftest.py) is 2026-11-20 12:00 UTC; links made then expire 14 days later.
IN_RANGE = 4  # the diary fixture's episodes on 2026-11-01..14, local dates
INVALID_TEXT = "This link is no longer valid."


@pytest.fixture(autouse=True)
def _fresh_counters() -> None:
    cache.clear()  # the throttle's counters live in the cache, which outlives a test


@pytest.fixture
def link(alice: User, frozen_now: datetime, diary: list[Episode]) -> NewShare:  # noqa: F811
    return share_create(user=alice, date_from=FROM, date_to=TO)


def page(token: str, **meta: Any) -> Any:
    return Client().get(f"/s/{token}/", **meta)


def pdf(token: str) -> Any:
    return Client().get(f"/s/{token}/report.pdf")


def expired_token(alice: User) -> str:
    with time_machine.travel(timezone.now() - timedelta(days=3), tick=False):
        return share_create(user=alice, date_from=FROM, date_to=TO, expires_in_days=1).token


def revoked_token(alice: User) -> str:
    share, token = share_create(user=alice, date_from=FROM, date_to=TO)
    share_revoke(user=alice, share_id=share.id)
    return token


def assert_share_headers(response: Any) -> None:
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "no-store"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'none'"
    assert policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'none'"
    assert policy["base-uri"] == "'none'"


# --- What the doctor sees -------------------------------------------------------------------


def test_it_shows_the_period_the_statement_the_red_flag_and_each_episode_of_the_range(
    link: NewShare,
    diary: list[Episode],  # noqa: F811
) -> None:
    response = page(link.token)
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 Nov 2026 to 14 Nov 2026" in html
    assert DISCLAIMER in html
    flags = html.index('id="report-red-flags"')
    assert "weakness" in html[flags : html.index("</section>", flags)].lower()
    assert flags < html.index('id="report-summary"') < html.index('id="report-episodes"')  # red flags first
    in_range = {str(e.id) for e in diary if FROM <= e.local_started_at.date() <= TO}
    assert len(in_range) == IN_RANGE
    rows = {part.split('"', 1)[0] for part in html.split('<tr data-episode="')[1:]}
    assert rows == in_range
    assert f'href="/s/{link.token}/report.pdf"' in html


def test_it_inlines_each_chart_as_svg_the_csp_allows(link: NewShare) -> None:
    html = page(link.token).content.decode()
    # Each figure holds its picture twice: wide, and phone-sized (report.css shows one).
    assert 2 * html.count("<figure") == html.count('role="img" aria-labelledby="') >= 8
    assert 'role="img" aria-labelledby="per_week_title"' in html
    assert 'role="img" aria-labelledby="per_week_narrow_title"' in html
    # Presentation attributes only: the CSP refuses style attributes and <style> elements.
    assert "style=" not in html
    assert "<style" not in html
    assert "<script" not in html


def test_it_shows_notes_only_when_the_link_includes_them(alice: User, link: NewShare) -> None:
    assert "evil.example" not in page(link.token).content.decode()
    with_notes = share_create(user=alice, date_from=FROM, date_to=TO, include_notes=True)
    html = page(with_notes.token).content.decode()
    assert "=HYPERLINK(&quot;http://evil.example&quot;" in html  # escaped text, not markup


def test_it_shows_no_one_elses_diary(link: NewShare, bob: User) -> None:
    bobs = EpisodeFactory(user=bob, started_at=datetime(2026, 11, 3, 9, 0, tzinfo=UTC))
    html = page(link.token).content.decode()
    assert str(bobs.id) not in html
    assert "bob" not in html


def test_it_serves_the_pdf_of_the_range(link: NewShare, tmp_path: Any) -> None:
    response = pdf(link.token)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="twitch-diary-2026-11-01-to-2026-11-14.pdf"'
    assert response.content.startswith(b"%PDF")
    (tmp_path / "share.pdf").write_bytes(response.content)
    assert len(PdfReader(tmp_path / "share.pdf").pages) >= 1
    assert_share_headers(response)


# --- When it opens ----------------------------------------------------------------------------


def test_it_opens_until_it_expires(link: NewShare) -> None:
    expires_at = link.share.expires_at
    with time_machine.travel(expires_at - timedelta(seconds=1), tick=False):
        assert page(link.token).status_code == 200
        assert pdf(link.token).status_code == 200
    with time_machine.travel(expires_at, tick=False):
        for response in (page(link.token), pdf(link.token)):
            assert response.status_code == 404
            assert INVALID_TEXT in response.content.decode()


def test_it_stops_opening_right_after_it_is_revoked(alice: User, link: NewShare) -> None:
    assert page(link.token).status_code == 200
    share_revoke(user=alice, share_id=link.share.id)
    for response in (page(link.token), pdf(link.token)):
        assert response.status_code == 404
        assert INVALID_TEXT in response.content.decode()


def test_it_answers_unknown_expired_revoked_and_malformed_tokens_alike(alice: User, link: NewShare) -> None:
    tokens = {
        "unknown": secrets.token_urlsafe(32),
        "expired": expired_token(alice),
        "revoked": revoked_token(alice),
        "malformed": "not*a$token" + "x" * 80,
    }
    answers = {name: page(token) for name, token in tokens.items()}
    statuses = {name: response.status_code for name, response in answers.items()}
    bodies = {response.content for response in answers.values()}
    assert statuses == dict.fromkeys(tokens, 404)
    assert len(bodies) == 1
    assert INVALID_TEXT in bodies.pop().decode()
    for response in answers.values():
        assert_share_headers(response)
        assert response["Content-Type"] == "text/html; charset=utf-8"


def test_it_refuses_a_malformed_token_without_reading_the_database(db: None, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        assert page("x" * 300).status_code == 404


# --- What it sends and logs -------------------------------------------------------------------


def test_it_sends_the_share_headers_on_the_page(link: NewShare) -> None:
    response = page(link.token)
    assert response.status_code == 200
    assert_share_headers(response)


def test_it_serves_the_address_without_its_slash_with_the_same_headers_not_a_redirect(link: NewShare) -> None:
    response = Client().get(f"/s/{link.token}")
    assert response.status_code == 200
    assert_share_headers(response)
    refused = Client().get("/s/not-a-token")
    assert refused.status_code == 404
    assert_share_headers(refused)


def test_it_writes_one_access_row_per_view_and_download(link: NewShare, frozen_now: datetime) -> None:
    agent = "Mozilla/5.0 " + "x" * 400
    page(link.token, HTTP_USER_AGENT=agent, REMOTE_ADDR="203.0.113.9")
    assert ShareAccess.objects.count() == 1
    access = ShareAccess.objects.get()
    assert (access.share_id, access.what, access.at) == (link.share.id, "page", frozen_now)
    assert access.client_address == "203.0.113.9"
    assert access.user_agent == agent[:300]
    pdf(link.token)
    assert list(ShareAccess.objects.order_by("at", "id").values_list("what", flat=True)) == ["page", "pdf"]


def test_it_logs_no_access_for_a_token_that_opens_nothing(alice: User, link: NewShare) -> None:
    for token in (secrets.token_urlsafe(32), revoked_token(alice), expired_token(alice)):
        page(token)
        pdf(token)
    assert not ShareAccess.objects.exists()


def test_it_logs_the_client_address(link: NewShare, settings: Any) -> None:
    Client(REMOTE_ADDR="2001:db8:1:2:3:4:5:6").get(f"/s/{link.token}/")
    assert ShareAccess.objects.get().client_address == "2001:db8:1:2::/64"


def test_it_takes_only_get(link: NewShare) -> None:
    response = Client().post(f"/s/{link.token}/")
    assert response.status_code == 405
    assert_share_headers(response)
    assert not ShareAccess.objects.exists()


# --- Guessing ---------------------------------------------------------------------------------


def test_it_refuses_fifty_guesses_then_throttles_the_client(link: NewShare, settings: Any) -> None:
    settings.SECRET_THROTTLE_RATES = {**settings.SECRET_THROTTLE_RATES, "share_address": "50/10m"}
    guesses = [page(secrets.token_urlsafe(32)) for _ in range(50)]
    assert [response.status_code for response in guesses] == [404] * 50
    throttled = page(link.token)  # even the right token, from this address, now
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert_share_headers(throttled)
    assert pdf(link.token).status_code == 429
    assert Client(REMOTE_ADDR="198.51.100.7").get(f"/s/{link.token}/").status_code == 200  # another address
    assert ShareAccess.objects.count() == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        assert page(link.token).status_code == 200  # a new window


def test_it_answers_503_when_the_counters_cache_is_down(link: NewShare, cache_down: None) -> None:
    response = page(link.token)
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert_share_headers(response)
    assert not ShareAccess.objects.exists()


def test_it_is_one_share_lookup_whatever_the_token(link: NewShare, alice: User, django_assert_num_queries: Any) -> None:
    for token in (secrets.token_urlsafe(32), revoked_token(alice), expired_token(alice)):
        with django_assert_num_queries(1):
            assert page(token).status_code == 404
    assert Share.objects.count() == 3


def test_it_shows_an_empty_range_plainly(alice: User, frozen_now: datetime) -> None:
    empty = share_create(user=alice, date_from=FROM, date_to=TO)
    response = page(empty.token)
    assert response.status_code == 200
    html = response.content.decode()
    assert "No episodes in this period." in html
    assert "<tr data-episode=" not in html
    assert 'id="report-red-flags"' not in html
    assert ShareAccess.objects.count() == 1


def test_it_shows_an_episode_still_going_as_still_going(alice: User, link: NewShare, frozen_now: datetime) -> None:
    going = EpisodeFactory(
        user=alice, started_at=datetime(2026, 11, 9, 8, 0, tzinfo=UTC), ongoing=True, duration_seconds=None
    )
    html = page(link.token).content.decode()
    row = html.split(f'<tr data-episode="{going.id}"', 1)[1].split("</tr>", 1)[0]
    assert "<td>still going</td>" in row
    assert "(1 still going)" in html


def test_it_never_names_the_account_on_the_page_or_in_the_pdf(alice: User, link: NewShare) -> None:
    # A user name is often a real name or an e-mail address: the doctor sees neither (issue 22).
    User.objects.filter(pk=alice.pk).update(username="jane.roe@example.org")
    shown = page(link.token)
    assert shown.status_code == 200
    assert "jane.roe" not in shown.content.decode()
    assert "<title>Twitch diary summary," in shown.content.decode()
    document = PdfReader(io.BytesIO(pdf(link.token).content))
    text = " ".join(p.extract_text() for p in document.pages)
    assert "jane.roe" not in text
    assert "Twitch diary summary" in text
    assert "jane.roe" not in str(document.metadata)


def test_it_shows_page_one_first_as_the_pdf_prints_it(full_diary: User) -> None:  # noqa: F811
    link = share_create(user=full_diary, date_from=FULL_FROM, date_to=FULL_TO)
    html = page(link.token).content.decode()
    expected = first_page(report_assemble(user_id=full_diary.pk, date_from=FULL_FROM, date_to=FULL_TO))
    assert expected.who == "Anna Example, born 3 Mar 1985"
    top = html[html.index('id="first-page-title"') : html.index('id="report-episodes"')]
    for text in (expected.who, expected.period, SELF_REPORTED, expected.footnote):
        assert escape(text) in top
    for section in expected.sections:
        assert escape(section.title) in top
        for line in section.lines:
            assert escape(line) in top
    lines = {section.key: " ".join(section.lines) for section in expected.sections}
    assert "Twitching since 15 Jun 2026" in lines["since"]
    assert "New in the last 30 days: Tongue (first logged 20 Nov 2026, 1 episode)." in lines["where"]
    assert "Fri 20 Nov 2026, 18:00 (UTC+01:00): Muscle weakness" in lines["red_flags"]
    assert "Weakness: no in " in lines["checks"]
    assert "a week before" in lines["tried"]
    assert "times as many episodes (between " in lines["triggers"]
    assert 'id="chart-body"' in top  # the body map, and the weekly chart, in page 1
    assert top.index('id="chart-per_week"') < top.index('class="first-page-sections"')
    assert html.count('id="chart-per_week"') == 1
    page_one = top[: top.index("</section>")]
    assert "rate ratio" not in page_one
    assert "p &lt;" not in page_one
    assert html.index(f'href="/s/{link.token}/report.pdf"') < html.index('id="first-page-title"')
