"""Share links through the API (GET|POST /api/v1/shares/, DELETE /api/v1/shares/{id}/) and the
services behind it: the link is shown once and stored hashed, bad input is a 400 by field,
another user's link is a 404, the list costs the same few queries whatever it holds."""

import hashlib
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from tests.api.conftest import assert_error
from tracker.models import Share, ShareAccess
from tracker.reports.services import report_create
from tracker.shares.services import share_access_record, share_create, share_open, share_revoke

FROM, TO = date(2026, 11, 1), date(2026, 11, 14)


BODY = {"date_from": "2026-11-01", "date_to": "2026-11-14", "label": "Dr Martin"}


def create(client: APIClient, **changes: Any) -> Any:
    return client.post("/api/v1/shares/", {**BODY, **changes}, format="json")


def listed(client: APIClient) -> list[dict[str, Any]]:
    response = client.get("/api/v1/shares/")
    assert response.status_code == 200, response.content
    results: list[dict[str, Any]] = response.json()["results"]
    return results


# --- Creating -----------------------------------------------------------------------------------


def test_it_creates_a_link_shown_once_and_stores_only_its_hash(as_alice: APIClient, frozen_now: datetime) -> None:
    response = create(as_alice)
    assert response.status_code == 201, response.content
    body = response.json()
    prefix = "http://testserver/s/"
    assert body["url"].startswith(prefix)
    assert body["url"].endswith("/")
    token = body["url"][len(prefix) : -1]
    assert len(token) >= 43  # token_urlsafe(32): 256 bits
    share = Share.objects.get()
    assert share.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Share.objects.values().get())
    assert body["status"] == "active"
    assert body["date_from"] == "2026-11-01"
    assert body["date_to"] == "2026-11-14"
    assert body["label"] == "Dr Martin"
    assert body["include_notes"] is False
    assert body["expires_at"] == "2026-12-04T12:00:00Z"  # 14 days by default
    assert body["accesses"] == []
    assert "token_hash" not in body
    assert share_open(token=token) == share


def test_it_never_lists_the_link_or_its_hash(as_alice: APIClient) -> None:
    token = create(as_alice).json()["url"].rsplit("/", 2)[1]
    share = Share.objects.get()
    text = as_alice.get("/api/v1/shares/").content.decode()
    assert token not in text
    assert share.token_hash not in text
    assert '"url"' not in text


def test_it_makes_a_new_token_each_time(alice: User) -> None:
    tokens = {share_create(user=alice, date_from=FROM, date_to=TO).token for _ in range(5)}
    assert len(tokens) == 5


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"date_from": "2026-11-15"}, "date_to"),  # from after to
        ({"date_from": "2021-11-14"}, "date_to"),  # five years and a day
        ({"expires_in_days": 0}, "expires_in_days"),
        ({"expires_in_days": 91}, "expires_in_days"),
        ({"expires_in_days": "soon"}, "expires_in_days"),
        ({"expires_in_days": "14"}, "expires_in_days"),  # text, not a number
        ({"label": 0}, "label"),
        ({"include_notes": 1}, "include_notes"),
        ({"label": "x" * 101}, "label"),
        ({"date_from": "2026-02-30"}, "date_from"),
        ({"date_from": "1899-12-31"}, "date_from"),
        ({"date_to": None}, "date_to"),
        ({"include_notes": "perhaps"}, "include_notes"),
    ],
)
def test_it_refuses_bad_input_by_field(as_alice: APIClient, changes: dict[str, Any], field: str) -> None:
    assert_error(create(as_alice, **changes), 400, "invalid", field)
    assert not Share.objects.exists()


def test_it_takes_a_range_of_just_under_five_years_and_ninety_days(as_alice: APIClient) -> None:
    response = create(as_alice, date_from="2021-11-15", expires_in_days=90)
    assert response.status_code == 201, response.content


def test_it_bounds_a_range_from_29_february_as_a_report_does(alice: User, as_alice: APIClient) -> None:
    """One rule for both: the doctor's link to a range must not be refused where its PDF is not."""
    bounds = {"date_from": date(2020, 2, 29), "date_to": date(2025, 2, 28)}
    report_create(user=alice, format="pdf", **bounds)  # a report of it is taken
    assert create(as_alice, **{name: str(day) for name, day in bounds.items()}).status_code == 201
    assert_error(create(as_alice, date_from="2020-02-29", date_to="2025-03-01"), 400, "invalid", "date_to")


def test_its_service_refuses_what_the_api_refuses(alice: User) -> None:
    with pytest.raises(ValidationError) as refused:
        share_create(user=alice, date_from=TO, date_to=FROM, expires_in_days=91, label="x" * 101)
    assert set(refused.value.message_dict) == {"date_to", "expires_in_days", "label"}


# --- Listing ------------------------------------------------------------------------------------


def test_it_lists_each_link_with_its_status_and_access_log_newest_first(
    alice: User, as_alice: APIClient, frozen_now: datetime
) -> None:
    earlier = frozen_now - timedelta(hours=1)
    active = share_create(user=alice, date_from=FROM, date_to=TO, label="active", now=earlier).share
    revoked = share_create(user=alice, date_from=FROM, date_to=TO, label="revoked").share
    share_revoke(user=alice, share_id=revoked.id)
    expired = share_create(
        user=alice, date_from=FROM, date_to=TO, label="expired", expires_in_days=1, now=frozen_now - timedelta(days=2)
    ).share
    for minutes, what in [(1, "page"), (3, "pdf"), (2, "page")]:
        share_access_record(
            share=active,
            what=what,
            client_address="203.0.113.9",
            user_agent="Firefox",
            now=frozen_now + timedelta(minutes=minutes),
        )
    items = {item["label"]: item for item in listed(as_alice)}
    assert {label: item["status"] for label, item in items.items()} == {
        "active": "active",
        "revoked": "revoked",
        "expired": "expired",
    }
    assert items["revoked"]["revoked_at"] == "2026-11-20T12:00:00Z"
    assert items["active"]["access_count"] == 3
    assert items["active"]["accesses"] == [
        {"at": "2026-11-20T12:03:00Z", "what": "pdf", "client_address": "203.0.113.9", "user_agent": "Firefox"},
        {"at": "2026-11-20T12:02:00Z", "what": "page", "client_address": "203.0.113.9", "user_agent": "Firefox"},
        {"at": "2026-11-20T12:01:00Z", "what": "page", "client_address": "203.0.113.9", "user_agent": "Firefox"},
    ]
    assert items["expired"]["accesses"] == []
    assert str(expired.id) == items["expired"]["id"]
    assert [item["label"] for item in listed(as_alice)] == ["revoked", "active", "expired"]  # newest first


def _links_with_accesses(user: User, count: int) -> None:
    for number in range(count):
        share = share_create(user=user, date_from=FROM, date_to=TO, label=f"link {number}").share
        ShareAccess.objects.bulk_create(ShareAccess(share=share, what="page") for _ in range(3))


@pytest.mark.parametrize("links", [1, 20])
def test_it_lists_in_the_same_number_of_queries_whatever_it_holds(
    alice: User, as_alice: APIClient, links: int, django_assert_max_num_queries: Any
) -> None:
    _links_with_accesses(alice, links)
    # The token's user, the page of links with their counts, their accesses: 3, plus the
    # token's own bookkeeping (knox).
    with django_assert_max_num_queries(4):
        items = listed(as_alice)
    assert len(items) == links
    assert all(len(item["accesses"]) == 3 for item in items)


# --- Revoking and other users -------------------------------------------------------------------


def test_it_revokes_a_link_at_once(alice: User, as_alice: APIClient, frozen_now: datetime) -> None:
    share, token = share_create(user=alice, date_from=FROM, date_to=TO)
    response = as_alice.delete(f"/api/v1/shares/{share.id}/")
    assert response.status_code == 204
    assert share_open(token=token) is None
    share.refresh_from_db()
    assert share.revoked_at == frozen_now
    assert as_alice.delete(f"/api/v1/shares/{share.id}/").status_code == 204  # again: no change


def test_bob_can_neither_see_nor_revoke_alices_links(alice: User, as_bob: APIClient) -> None:
    share, token = share_create(user=alice, date_from=FROM, date_to=TO)
    assert listed(as_bob) == []
    assert_error(as_bob.delete(f"/api/v1/shares/{share.id}/"), 404, "not_found")
    assert share_open(token=token) == share
    share.refresh_from_db()
    assert share.revoked_at is None


def test_an_unknown_link_is_a_404(as_alice: APIClient) -> None:
    assert_error(as_alice.delete("/api/v1/shares/6f1c1a43-9a53-4e39-8d1e-0d6f6f4f2f10/"), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/shares/"),
        ("post", "/api/v1/shares/"),
        ("delete", "/api/v1/shares/6f1c1a43-9a53-4e39-8d1e-0d6f6f4f2f10/"),
    ],
)
def test_anonymous_gets_401(anonymous: APIClient, method: str, path: str) -> None:
    assert_error(getattr(anonymous, method)(path, BODY, format="json"), 401, "not_authenticated")
    assert not Share.objects.exists()
