"""The admin: diary data (episodes, check-ins, profiles and what tracker computes from them) is
for superusers and staff granted diary.view_health_data only; reference data stays with the
ordinary model permissions."""

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diary.admin import HealthDataAdmin
from diary.models import DeviceToken, Episode, Profile
from diary.services import profile_update
from diary.services.clinical import INVESTIGATIONS, TREATMENTS, record_create
from diary.services.function_checks import function_check_upsert
from tests.conftest import signed_in
from tests.factories import EpisodeFactory, UserFactory, make_checkin
from tracker.models import ALL_TIME, AnalysisRequest, AnalysisRun, Summary
from tracker.summaries.services import summary_compute

NOTE = "PLANTED-NOTE left eyelid after the third coffee"
# Every admin that shows a user's diary, or what is computed from it.
DIARY_DATA = [
    "diary.episode",
    "diary.checkin",
    "diary.profile",
    "diary.treatment",
    "diary.investigation",
    "diary.functioncheck",
    "tracker.summary",
    "tracker.analysisrun",
    "tracker.analysisrequest",
]


@pytest.fixture
def helper(db: None) -> User:
    """Staff with every model's "view" permission in the three apps, and nothing more."""
    user = UserFactory(username="helper", is_staff=True)
    views = Permission.objects.filter(
        content_type__app_label__in=["conditions", "diary", "tracker"], codename__startswith="view_"
    ).exclude(codename="view_health_data")
    user.user_permissions.set(views)
    return user


@pytest.fixture
def alices_diary(alice: User, frozen_now: datetime) -> dict[str, str]:
    """One row of alice's in every diary-data model, by model label: the primary key to open."""
    episode = EpisodeFactory(user=alice, notes=NOTE)
    make_checkin(alice, notes=NOTE)
    treatment = record_create(
        TREATMENTS,
        user=alice,
        values={"name": "Magnesium", "kind": "supplement", "started_on": date(2026, 11, 1), "notes": NOTE},
    ).record
    test = record_create(
        INVESTIGATIONS, user=alice, values={"name": "EMG", "kind": "emg", "done_on": date(2026, 11, 3), "notes": NOTE}
    ).record
    check, _ = function_check_upsert(user=alice, date=date(2026, 11, 2), weakness=False, notes=NOTE)
    assert treatment is not None
    assert test is not None
    # The request, a run and the summary, written by the services themselves (not through
    # Celery, which on PostgreSQL and Redis would hand the run to a worker).
    AnalysisRequest.objects.create(user=alice, range_key=ALL_TIME)
    summary_compute(user_id=alice.pk, key=ALL_TIME)
    return {
        "diary.episode": str(episode.pk),
        "diary.checkin": str(alice.checkins.get().pk),
        "diary.profile": str(alice.pk),
        "diary.treatment": str(treatment.pk),
        "diary.investigation": str(test.pk),
        "diary.functioncheck": str(check.pk),
        "tracker.summary": str(Summary.objects.get(user=alice).pk),
        "tracker.analysisrun": str(AnalysisRun.objects.get(user=alice).pk),
        "tracker.analysisrequest": str(AnalysisRequest.objects.get(user=alice).pk),
    }


def changelist(label: str) -> str:
    return reverse("admin:{}_{}_changelist".format(*label.split(".")))


def change(label: str, pk: str) -> str:
    return reverse("admin:{}_{}_change".format(*label.split(".")), args=[pk])


@pytest.mark.parametrize(
    "url",
    [
        "/admin/diary/episode/",
        "/admin/diary/episode/?state=deleted&pattern=single_twitch&symptoms__red_flag__exact=1",
        "/admin/diary/checkin/?state=live",
        "/admin/diary/treatment/?state=deleted&kind=supplement",
        "/admin/diary/investigation/?state=live&kind=emg",
        "/admin/diary/functioncheck/?weakness__exact=0",
        "/admin/diary/profile/",
        "/admin/tracker/summary/",
        "/admin/tracker/analysisrun/?outcome=stored",
        "/admin/tracker/analysisrequest/",
        "/admin/conditions/condition/?category=benign",
        "/admin/conditions/symptom/?red_flag__exact=1",
        "/admin/conditions/bodyregion/",
        "/admin/conditions/trigger/",
        "/admin/conditions/conditionfeature/?role=against",
    ],
)
def test_it_lists_every_model_with_its_filters(operator: User, alices_diary: dict[str, str], url: str) -> None:
    assert signed_in(operator).get(url).status_code == 200


def test_it_shows_an_episode_read_only(operator: User, alices_diary: dict[str, str]) -> None:
    client = signed_in(operator)
    page = client.get(change("diary.episode", alices_diary["diary.episode"]))
    assert page.status_code == 200
    assert NOTE.encode() in page.content
    assert b'name="_save"' not in page.content
    assert client.get(reverse("admin:diary_episode_add")).status_code == 403


def test_its_delete_action_soft_deletes_through_the_service(operator: User, alice: User, frozen_now: datetime) -> None:
    episode = EpisodeFactory(user=alice)
    response = signed_in(operator).post(
        reverse("admin:diary_episode_changelist"), {"action": "soft_delete", "_selected_action": [str(episode.id)]}
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.deleted_at == frozen_now
    assert episode.version == 2


def test_it_edits_a_condition_and_the_reference_version_follows(operator: User) -> None:
    from conditions.models import Condition
    from conditions.reference import reference_version

    before = reference_version()
    condition = Condition.objects.get(slug="hypothyroidism")
    page = signed_in(operator).get(reverse("admin:conditions_condition_change", args=[condition.pk]))
    assert page.status_code == 200
    Condition.objects.filter(pk=condition.pk).update(summary=condition.summary + " Edited.")
    assert reference_version() != before


def test_a_non_staff_user_cannot_open_the_admin(alice: User) -> None:
    assert signed_in(alice).get("/admin/diary/episode/").status_code == 302
    assert not Episode.objects.exists()


@pytest.mark.parametrize("label", DIARY_DATA)
def test_it_refuses_diary_data_to_staff_with_only_view_permissions(
    helper: User, alices_diary: dict[str, str], label: str
) -> None:
    client = signed_in(helper)
    assert client.get(changelist(label)).status_code == 403
    assert client.get(change(label, alices_diary[label])).status_code == 403


def test_it_leaves_diary_data_off_the_index_for_staff_with_only_view_permissions(helper: User) -> None:
    client = signed_in(helper)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert b"/admin/conditions/condition/" in index.content  # reference data: still theirs to see
    assert b"/admin/diary/" not in index.content
    assert b"/admin/tracker/" not in index.content
    assert client.get(reverse("admin:app_list", args=["diary"])).status_code == 404


def test_it_opens_diary_data_to_staff_granted_the_health_data_permission(
    helper: User, alices_diary: dict[str, str]
) -> None:
    helper.user_permissions.add(Permission.objects.get(codename="view_health_data"))
    client = signed_in(helper)
    assert b"/admin/diary/episode/" in client.get(reverse("admin:index")).content
    for label in DIARY_DATA:
        assert client.get(changelist(label)).status_code == 200, label
        assert client.get(change(label, alices_diary[label])).status_code == 200, label


def test_it_keeps_reference_data_editable_by_staff_with_model_permissions(helper: User) -> None:
    from conditions.models import Condition

    helper.user_permissions.add(Permission.objects.get(codename="change_condition"))
    condition = Condition.objects.get(slug="hypothyroidism")
    page = signed_in(helper).get(reverse("admin:conditions_condition_change", args=[condition.pk]))
    assert page.status_code == 200
    assert b'name="_save"' in page.content


@pytest.mark.parametrize(
    "label", ["diary.episode", "diary.checkin", "diary.treatment", "diary.investigation", "diary.functioncheck"]
)
def test_it_finds_nothing_when_searching_for_a_notes_text(
    operator: User, alices_diary: dict[str, str], label: str
) -> None:
    client = signed_in(operator)
    by_note = client.get(changelist(label), {"q": "third coffee"})
    assert by_note.status_code == 200
    assert by_note.context["cl"].result_count == 0
    by_name = client.get(changelist(label), {"q": "alice"})
    assert by_name.context["cl"].result_count == 1
    assert b"third coffee" not in by_name.content  # nor is a note a list column


def test_it_guards_every_admin_of_diary_and_tracker_models() -> None:
    # A model added later to either app gets the same rule, or this fails.
    for model in [*apps.get_app_config("diary").get_models(), *apps.get_app_config("tracker").get_models()]:
        if admin.site.is_registered(model):
            assert isinstance(admin.site.get_model_admin(model), HealthDataAdmin), model


def test_it_keeps_device_tokens_out_of_the_admin() -> None:
    # Tokens are secrets; knox's own AuthToken admin stays unregistered while DeviceToken
    # replaces that model (KNOX_TOKEN_MODEL).
    assert not admin.site.is_registered(DeviceToken)


# --- The access log: who looked at whose diary ------------------------------------------------


def accesses() -> list[tuple[str, str, str, str]]:
    """(viewer, whose diary, model, view) of every record, oldest first."""
    return [
        (entry.actor.username, entry.object_repr, entry.additional_data["model"], entry.additional_data["view"])
        for entry in LogEntry.objects.select_related("actor").order_by("pk")
    ]


def test_it_records_a_superuser_opening_alices_episode(
    operator: User, alice: User, alices_diary: dict[str, str]
) -> None:
    assert signed_in(operator).get(change("diary.episode", alices_diary["diary.episode"])).status_code == 200
    entry = LogEntry.objects.get()
    assert entry.action == LogEntry.Action.ACCESS
    assert entry.actor == operator
    assert (entry.content_type.model_class(), entry.object_id, entry.object_repr) == (User, alice.pk, "alice")
    assert entry.additional_data == {
        "model": "diary.episode",
        "view": "change",
        "object_pk": alices_diary["diary.episode"],
    }
    assert entry.timestamp is not None


def test_it_records_one_access_per_owner_on_a_list_page(
    operator: User, alice: User, bob: User, frozen_now: datetime
) -> None:
    for user, count in [(alice, 3), (bob, 2)]:
        for day in range(count):
            EpisodeFactory(user=user, started_at=datetime(2026, 11, 2 + day, 9, tzinfo=UTC))
    response = signed_in(operator).get(changelist("diary.episode"), {"state": "live", "p": "1"})
    assert response.status_code == 200
    assert sorted(accesses()) == [
        ("operator", "alice", "diary.episode", "changelist"),
        ("operator", "bob", "diary.episode", "changelist"),
    ]
    for entry in LogEntry.objects.all():  # the page number is not a filter
        assert (entry.additional_data["filters"], entry.additional_data["searched"]) == (["state"], False)


@pytest.mark.parametrize("label", DIARY_DATA)
def test_it_records_every_diary_data_page_it_shows(operator: User, alices_diary: dict[str, str], label: str) -> None:
    client = signed_in(operator)
    assert client.get(changelist(label)).status_code == 200
    assert client.get(change(label, alices_diary[label])).status_code == 200
    assert accesses() == [("operator", "alice", label, "changelist"), ("operator", "alice", label, "change")]
    assert LogEntry.objects.order_by("pk").last().additional_data["object_pk"] == alices_diary[label]


@pytest.mark.parametrize("label", ["diary.treatment", "diary.investigation", "diary.functioncheck"])
def test_its_delete_action_soft_deletes_the_new_records_through_their_services(
    operator: User, alices_diary: dict[str, str], label: str
) -> None:
    response = signed_in(operator).post(
        changelist(label), {"action": "soft_delete", "_selected_action": [alices_diary[label]]}
    )
    assert response.status_code == 302
    record = apps.get_model(label).objects.get(pk=alices_diary[label])
    assert record.deleted_at is not None
    assert record.version == 2


def test_it_records_history_and_delete_confirmation_pages(
    operator: User, alice: User, alices_diary: dict[str, str]
) -> None:
    client = signed_in(operator)
    assert client.get(reverse("admin:diary_profile_history", args=[alice.pk])).status_code == 200
    assert client.get(reverse("admin:diary_profile_delete", args=[alice.pk])).status_code == 200
    assert accesses() == [
        ("operator", "alice", "diary.profile", "history"),
        ("operator", "alice", "diary.profile", "delete"),
    ]


def test_it_records_nothing_for_pages_it_does_not_show(
    operator: User, helper: User, alices_diary: dict[str, str]
) -> None:
    assert signed_in(helper).get(change("diary.episode", alices_diary["diary.episode"])).status_code == 403
    missing = change("diary.episode", "6f1c1a43-9a53-4e39-8d1e-0d6f6f4f2f10")
    assert signed_in(operator).get(missing).status_code == 302
    assert not LogEntry.objects.exists()


def test_it_keeps_health_data_out_of_the_access_log(operator: User, alice: User, alices_diary: dict[str, str]) -> None:
    client = signed_in(operator)
    for label in DIARY_DATA:
        assert client.get(change(label, alices_diary[label])).status_code == 200
    assert client.get(changelist("diary.episode"), {"q": "third coffee"}).status_code == 200  # shows no row
    client.get(changelist("diary.episode"), {"pattern": "intermittent_bursts", "intensity": "3", "q": "ali"})
    entries = list(LogEntry.objects.order_by("pk").values())
    assert len(entries) == len(DIARY_DATA) + 1
    assert entries[-1]["additional_data"] == {
        "model": "diary.episode",
        "view": "changelist",
        "filters": ["intensity", "pattern"],  # the filters' names, not their values
        "searched": True,  # that a search narrowed the list, not its term
    }
    everything = json.dumps(entries, default=str)
    for health_data in ["PLANTED-NOTE", "third coffee", "eyelid", "intermittent", 'ali"', "2026-11-02"]:
        assert health_data not in everything
    assert all(entry["serialized_data"] is None and entry["changes"] is None for entry in entries)


def test_it_records_a_list_page_in_queries_that_do_not_grow_with_its_owners(
    operator: User, alice: User, frozen_now: datetime, django_assert_max_num_queries: Any
) -> None:
    client = signed_in(operator)
    EpisodeFactory(user=alice)
    client.get(changelist("diary.episode"))  # warms caches (content types, reference data)
    with CaptureQueriesContext(connection) as one_owner:
        client.get(changelist("diary.episode"))
    for n in range(30):
        owner = UserFactory(username=f"owner{n}")
        EpisodeFactory(user=owner)
        EpisodeFactory(user=owner, started_at=datetime(2026, 11, 3, 9, tzinfo=UTC))
    recorded = LogEntry.objects.count()
    with django_assert_max_num_queries(len(one_owner)):
        assert client.get(changelist("diary.episode")).status_code == 200
    assert LogEntry.objects.count() - recorded == 31  # one per owner, not one per row


def test_it_shows_the_access_log_read_only_to_superusers(
    operator: User, helper: User, alices_diary: dict[str, str]
) -> None:
    client = signed_in(operator)
    client.get(change("diary.episode", alices_diary["diary.episode"]))
    entry = LogEntry.objects.get()
    log = client.get(reverse("admin:auditlog_logentry_changelist"), {"q": "alice"})
    assert log.status_code == 200
    assert log.context["cl"].result_count == 1
    for shown in [b"operator", b"alice", f"diary.episode change {alices_diary['diary.episode']}".encode()]:
        assert shown in log.content
    detail = client.get(reverse("admin:auditlog_logentry_change", args=[entry.pk]))
    assert detail.status_code == 200
    assert b'name="_save"' not in detail.content
    assert client.get(reverse("admin:auditlog_logentry_add")).status_code == 403
    assert client.post(reverse("admin:auditlog_logentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert signed_in(helper).get(reverse("admin:auditlog_logentry_changelist")).status_code == 403
    assert LogEntry.objects.get() == entry


def test_it_shows_the_clinical_profile_read_only_and_only_with_the_health_data_permission(
    operator: User, helper: User, alice: User, frozen_now: datetime
) -> None:
    profile_update(user=alice, display_name="Alice Martin", date_of_birth=date(1980, 4, 2), family_history=NOTE)
    url = change("diary.profile", str(alice.pk))
    assert signed_in(helper).get(url).status_code == 403
    assert NOTE.encode() not in signed_in(helper).get(changelist("diary.profile")).content
    page = signed_in(operator).get(url)
    assert page.status_code == 200
    assert b"Alice Martin" in page.content
    assert NOTE.encode() in page.content
    assert b'name="family_history"' not in page.content  # shown, not editable
    assert NOTE.encode() not in signed_in(operator).get(changelist("diary.profile")).content  # not a column
    # Saving the time zone keeps the clinical profile as it was.
    signed_in(operator).post(url, {"time_zone": "Europe/Paris"})
    profile = Profile.objects.get(pk=alice.pk)
    assert (profile.time_zone, profile.display_name, profile.family_history) == ("Europe/Paris", "Alice Martin", NOTE)
