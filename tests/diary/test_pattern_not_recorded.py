"""A pattern the person did not choose is not recorded (issue 23, item 2): the API, the logging
page, the analysis, the reports and the export all keep "not said" apart from any pattern."""

import csv
import io
import json
import uuid
from datetime import date, datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle
from rest_framework.test import APIClient

from diary.models import Episode
from diary.services import LocationInput, episode_create, profile_update
from tests.api.conftest import assert_error
from tests.api.test_episodes import URL, body
from tests.diary.test_log_pages import LOG, only_episode, valid_form
from tests.tracker.account.test_import_diary import export_of
from tests.tracker.analysis.analysis_data import at, diary, episode
from tracker.account.services import account_erase
from tracker.analysis.frequency import frequency
from tracker.reports import FORMATS
from tracker.reports.assembly import report_assemble

QUALITY = "56823-8"  # the Observation component the pattern goes in (tracker.reports.fhir)


def test_the_api_takes_an_episode_without_a_pattern(as_alice: APIClient, frozen_now: datetime) -> None:
    without = body()
    del without["pattern"]
    response = as_alice.post(URL, without)
    assert response.status_code == 201
    assert response.json()["pattern"] is None
    assert Episode.objects.get().pattern is None


def test_the_api_takes_a_null_pattern_and_still_refuses_an_unknown_one(
    as_alice: APIClient, frozen_now: datetime
) -> None:
    assert as_alice.post(URL, body(pattern=None), format="json").json()["pattern"] is None
    assert_error(
        as_alice.post(URL, body(id=str(uuid.uuid4()), pattern="twitchy"), format="json"), 400, "invalid", "pattern"
    )
    assert_error(as_alice.post(URL, body(id=str(uuid.uuid4()), pattern=""), format="json"), 400, "invalid", "pattern")
    assert Episode.objects.count() == 1


def test_the_logging_page_chooses_no_pattern_and_saves_none(
    alice_web: Client, alice: User, frozen_now: datetime
) -> None:
    profile_update(user=alice, time_zone="Europe/Paris")  # the zone valid_form's time is in
    page = alice_web.get(LOG).content.decode()
    assert 'name="pattern"' in page
    assert 'name="pattern" value="single_twitch" checked' not in page
    assert " checked" not in page.split('name="pattern"', 1)[1].split("</fieldset>", 1)[0]
    response = alice_web.post(LOG, valid_form(pattern=""))
    assert response.status_code == 302, response.content.decode()
    episode = only_episode(alice)
    assert episode.pattern is None
    detail = alice_web.get(reverse("episode-detail", args=[episode.pk])).content.decode()
    assert "Not recorded" in detail


def test_the_analysis_counts_episodes_without_a_pattern_apart() -> None:
    episodes = [
        episode(1, at(0), pattern="single_twitch"),
        episode(2, at(1), pattern=None),
        episode(3, at(2), pattern=None),
    ]
    result = frequency(diary(episodes, days=7))
    assert result["patterns"] == {"single_twitch": 1}
    assert result["patterns_not_recorded"] == 2


@pytest.fixture
def unsaid(alice: User, frozen_now: datetime) -> Episode:
    return episode_create(
        user=alice,
        started_at=datetime(2026, 11, 10, 9, 0, tzinfo=frozen_now.tzinfo),
        duration_seconds=30,
        locations=[LocationInput("calf", "left")],
        intensity=3,
    )


def test_the_reports_say_nothing_made_up_of_it(alice: User, unsaid: Episode, frozen_now: datetime) -> None:
    report = report_assemble(
        user_id=alice.pk, date_from=date(2026, 11, 1), date_to=date(2026, 11, 14), include_notes=False, now=frozen_now
    )
    out = io.BytesIO()
    FORMATS["csv"].render(report, out)
    [row] = list(csv.DictReader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    assert row["pattern"] == ""
    out = io.BytesIO()
    FORMATS["fhir"].render(report, out)
    document = json.loads(out.getvalue())
    Bundle.model_validate(document)
    [observation] = [e["resource"] for e in document["entry"] if e["resource"]["resourceType"] == "Observation"]
    codes = [c["code"]["coding"][0]["code"] for c in observation["component"]]
    assert QUALITY not in codes


def test_an_export_with_no_pattern_imports_back(alice: User, unsaid: Episode, tmp_path: Path) -> None:
    document = export_of(alice)
    assert document["episodes"][0]["pattern"] is None
    account_erase(user=alice)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    call_command("import_diary", str(path), user="alice", stdout=io.StringIO())
    assert Episode.objects.get().pattern is None
