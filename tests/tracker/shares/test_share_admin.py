"""The Summary admin page: the findings rendered as the share page renders them (not JSON), in
the user's zone, and two actions (the PDF of the summary's range, a share link for it), for
those who may see health data only, every look recorded."""

from datetime import datetime
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from diary.models import Episode
from tests.conftest import signed_in
from tests.factories import UserFactory
from tests.tracker.reports.conftest import FROM, TO, diary  # noqa: F401  (the shared fixture)
from tracker.analysis.summary import DISCLAIMER
from tracker.models import ALL_TIME, AnalysisRequest, Share, Summary
from tracker.reports.body import summary_report
from tracker.reports.first_page import SELF_REPORTED, first_page
from tracker.shares.services import share_open
from tracker.summaries.services import range_key, summary_compute


@pytest.fixture
def helper(db: None) -> User:
    """Staff with every tracker permission but the health-data one."""
    user = UserFactory(username="helper", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="tracker"))
    return user


def computed(user: User, key: str) -> Summary:
    # Written by the services themselves, as in tests/diary/test_admin.py.
    AnalysisRequest.objects.get_or_create(user=user, range_key=key)
    summary = summary_compute(user_id=user.pk, key=key)
    assert summary is not None
    return summary


@pytest.fixture
def range_summary(alice: User, frozen_now: datetime, diary: list[Episode]) -> Summary:  # noqa: F811
    return computed(alice, range_key(FROM, TO))


@pytest.fixture
def all_time_summary(alice: User, frozen_now: datetime, diary: list[Episode]) -> Summary:  # noqa: F811
    return computed(alice, ALL_TIME)


def change_url(summary: Summary) -> str:
    return reverse("admin:tracker_summary_change", args=[summary.pk])


def pdf_url(summary: Summary) -> str:
    return reverse("admin:tracker_summary_pdf", args=[summary.pk])


def share_url(summary: Summary) -> str:
    return reverse("admin:tracker_summary_share", args=[summary.pk])


def test_it_renders_the_findings_readably_in_the_users_zone(
    operator: User,
    range_summary: Summary,
    diary: list[Episode],  # noqa: F811
) -> None:
    response = signed_in(operator).get(change_url(range_summary))
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026-11-01 to 2026-11-14" in html
    assert DISCLAIMER in html
    assert 'id="report-red-flags"' in html
    assert html.count("<tr data-episode=") == 4
    assert '"frequency"' not in html  # the stored JSON is not shown as such
    assert "&quot;svg&quot;" not in html  # nor the stored charts
    page = first_page(summary_report(range_summary))  # the same page 1 as the PDF's and the share page's
    assert html.index('id="first-page-title"') < html.index('id="report-red-flags"')
    for line in [page.period, SELF_REPORTED, *(line for section in page.sections for line in section.lines)]:
        assert escape(line) in html
    assert "&quot;frequency&quot;" not in html
    assert "Europe/Paris" in html
    assert "2026-11-20 13:00 (UTC+0100)" in html  # computed at 12:00 UTC, in Paris
    assert "tracker/report.css" in html
    assert f'action="{share_url(range_summary)}"' in html
    assert f'href="{pdf_url(range_summary)}"' in html


def test_it_records_the_look_as_every_health_data_page_does(operator: User, range_summary: Summary) -> None:
    signed_in(operator).get(change_url(range_summary))
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert (entry.actor, entry.object_repr) == (operator, "alice")
    assert entry.additional_data == {"model": "tracker.summary", "view": "change", "object_pk": str(range_summary.pk)}


def test_it_downloads_the_pdf_of_the_summarys_range(operator: User, range_summary: Summary) -> None:
    response = signed_in(operator).get(pdf_url(range_summary))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == 'attachment; filename="twitch-diary-2026-11-01-to-2026-11-14.pdf"'
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_repr="alice").count() == 1


def test_it_takes_an_all_time_summary_from_the_first_episode_to_today(
    operator: User, all_time_summary: Summary
) -> None:
    # The diary fixture's first episode is at 23:30 on 31 October in Paris; today is 20 November.
    response = signed_in(operator).get(pdf_url(all_time_summary))
    assert response["Content-Disposition"] == 'attachment; filename="twitch-diary-2026-10-31-to-2026-11-20.pdf"'


def test_it_creates_a_share_link_shown_once_in_a_message(
    operator: User, alice: User, range_summary: Summary, frozen_now: datetime
) -> None:
    response = signed_in(operator).post(share_url(range_summary))
    assert response.status_code == 200
    share = Share.objects.get()
    assert (share.user, share.date_from, share.date_to, share.include_notes) == (alice, FROM, TO, False)
    messages = [str(message) for message in response.context["messages"]]
    assert len(messages) == 1
    token = messages[0].rsplit("/s/", 1)[1].rstrip("/")
    assert share_open(token=token) == share
    assert Client().get(f"/s/{token}/").status_code == 200
    # Shown in this answer, kept nowhere for the next page.
    assert signed_in(operator).get(change_url(range_summary)).context["messages"].__len__() == 0


def test_it_only_creates_links_on_a_post(operator: User, range_summary: Summary) -> None:
    assert signed_in(operator).get(share_url(range_summary)).status_code == 405
    assert not Share.objects.exists()


@pytest.mark.parametrize("action", [change_url, pdf_url, share_url])
def test_staff_without_the_health_data_permission_get_nothing(
    helper: User, range_summary: Summary, action: Any
) -> None:
    client = signed_in(helper)
    response = client.post(action(range_summary)) if action is share_url else client.get(action(range_summary))
    assert response.status_code == 403
    assert not Share.objects.exists()
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_it_takes_the_add_share_permission_to_create_a_link(range_summary: Summary) -> None:
    reader = UserFactory(username="reader", is_staff=True)
    reader.user_permissions.set(
        Permission.objects.filter(
            codename__in=["view_health_data", "view_summary"], content_type__app_label__in=["diary", "tracker"]
        )
    )
    client = signed_in(reader)
    assert client.get(change_url(range_summary)).status_code == 200
    assert client.post(share_url(range_summary)).status_code == 403
    assert not Share.objects.exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(range_summary: Summary) -> None:
    for url in (change_url(range_summary), pdf_url(range_summary)):
        response = Client().get(url)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
