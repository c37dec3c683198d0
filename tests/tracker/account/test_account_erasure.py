from collections import defaultdict
from datetime import date, datetime
from typing import Any

import pytest
from auditlog.models import LogEntry as AuditLogEntry
from django.apps import apps
from django.contrib.admin.models import CHANGE
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import models
from django.test import Client
from rest_framework.test import APIClient

from diary.models import CheckIn, Episode, FunctionCheck, Investigation, Treatment
from diary.services import diary_access_record, diary_erase
from tests.api.conftest import assert_error, client_for
from tests.tracker.account.account_data import Account, fill_account
from tracker.account import services as accounts
from tracker.account.services import ERASED
from tracker.models import ALL_TIME, Report, Summary
from tracker.reports.services import report_build, report_claim, report_create
from tracker.storage import reports_storage
from tracker.summaries.services import analysis_request, summary_compute

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's


def rows_of(user_id: int) -> dict[str, int]:
    """Every row that belongs to the user, table by table: rows with a foreign key (or one-to-one)
    to the user, and rows with one to those rows (locations, tag links, share accesses), found
    by walking every model Django knows, the automatic many-to-many tables included."""
    owned: dict[type[models.Model], set[Any]] = defaultdict(set)
    every_model = apps.get_models(include_auto_created=True)
    for model in every_model:
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is User:
                owned[model] |= set(model._default_manager.filter(**{field.name: user_id}).values_list("pk", flat=True))
    owned[User] = set(User.objects.filter(pk=user_id).values_list("pk", flat=True))
    found = {model._meta.label: len(pks) for model, pks in owned.items() if pks}
    for model in every_model:
        for field in model._meta.concrete_fields:
            parent = field.related_model
            if field.is_relation and parent is not User and owned.get(parent):  # type: ignore[call-overload]
                count = model._default_manager.filter(**{f"{field.name}__in": owned[parent]}).count()  # type: ignore[index]
                if count:
                    found[f"{model._meta.label}.{field.name}"] = count
    return found


def sessions_of(user: User) -> int:
    return sum(str(s.get_decoded().get("_auth_user_id")) == str(user.pk) for s in Session.objects.all())


@pytest.fixture
def alices_account(alice: User, frozen_now: datetime) -> Account:
    account = fill_account(alice)
    analysis_request(user_id=alice.pk)
    summary_compute(user_id=alice.pk, key=ALL_TIME)
    Client().force_login(alice)  # a browser session
    staff = User.objects.create_user("dr-admin", password="x", is_staff=True)
    diary_access_record(actor=staff, owners=[alice], model=Episode, view="changelist")  # about alice
    diary_access_record(actor=alice, owners=[alice], model=Episode, view="changelist")  # alice as the actor
    AdminLogEntry.objects.create(
        user_id=staff.pk,
        content_type_id=ContentType.objects.get_for_model(Episode).pk,
        object_id=str(account.episodes[-1].id),
        object_repr=str(account.episodes[-1]),
        action_flag=CHANGE,
    )
    for record in (account.treatments[0], account.investigations[1], account.function_checks[0]):
        AdminLogEntry.objects.create(  # an admin's soft delete of one of her records of each new kind
            user_id=staff.pk,
            content_type_id=ContentType.objects.get_for_model(record).pk,
            object_id=str(record.pk),
            object_repr=str(record),
            action_flag=CHANGE,
        )
    for actor in (staff, alice):  # an admin's change of alice's account; alice's own
        AdminLogEntry.objects.create(
            user_id=actor.pk,
            content_type_id=ContentType.objects.get_for_model(User).pk,
            object_id=str(alice.pk),
            object_repr="alice",
            action_flag=CHANGE,
        )
    return account


@pytest.fixture
def bobs_account(bob: User, frozen_now: datetime) -> Account:
    account = fill_account(bob)
    Client().force_login(bob)
    return account


def test_it_erases_every_row_session_and_file_of_the_user(alices_account: Account, bobs_account: Account) -> None:
    alice, bob = alices_account.user, bobs_account.user
    alice_id, bob_rows = alice.pk, rows_of(bob.pk)
    before = rows_of(alice_id)
    # The walk reaches every table the account has rows in, or it proves nothing.
    assert {
        "diary.Episode",
        "diary.CheckIn",
        "diary.Treatment",
        "diary.Investigation",
        "diary.FunctionCheck",
        "diary.Profile",
        "diary.DeviceToken",
        "tracker.Summary",
        "tracker.AnalysisRequest",
        "tracker.AnalysisRun",
        "tracker.Report",
        "tracker.Share",
        "auditlog.LogEntry",
        "admin.LogEntry",
        "diary.EpisodeLocation.episode",
        "diary.Episode_triggers.episode",
        "diary.Episode_symptoms.episode",
        "tracker.ShareAccess.share",
    } <= set(before)
    assert sessions_of(alice) == 1
    storage = reports_storage()
    assert storage.exists(alices_account.report.file_name)

    response = client_for(alice).delete("/api/v1/account/", {"password": PASSWORD}, format="json")

    assert response.status_code == 204
    assert rows_of(alice_id) == {}
    assert sessions_of(alice) == 0
    assert not storage.exists(alices_account.report.file_name)
    assert "alice" not in {entry.object_repr for entry in AuditLogEntry.objects.all()}
    assert all(
        "alice" not in e.object_repr and str(alices_account.episodes[-1].id) not in e.object_repr
        for e in AdminLogEntry.objects.all()
    )
    assert AuditLogEntry.objects.filter(actor__username="dr-admin").count() == 1  # who looked stays known
    assert AdminLogEntry.objects.filter(user__username="dr-admin").count() == 5
    reprs = {entry.object_repr for entry in AdminLogEntry.objects.all()}
    assert reprs == {ERASED}  # "Magnesium from 2026-10-01", "EMG of both legs on ...": gone
    # bob keeps everything
    assert rows_of(bob.pk) == bob_rows
    assert sessions_of(bob) == 1
    assert storage.exists(bobs_account.report.file_name)


def test_a_wrong_or_missing_password_erases_nothing(alices_account: Account) -> None:
    alice = alices_account.user
    client = client_for(alice)  # its token is one of alice's rows
    before = rows_of(alice.pk)
    assert_error(client.delete("/api/v1/account/", {"password": "guess"}, format="json"), 400, "invalid", "password")
    assert_error(client.delete("/api/v1/account/", {}, format="json"), 400, "invalid", "password")
    assert rows_of(alice.pk) == before
    assert reports_storage().exists(alices_account.report.file_name)


def test_bob_cannot_erase_alice(alices_account: Account, bobs_account: Account) -> None:
    """The account erased is the caller's: alice's password from bob's client is a wrong one."""
    alice, bob = alices_account.user, bobs_account.user
    as_bob = client_for(bob)
    before = rows_of(alice.pk)
    assert_error(
        as_bob.delete("/api/v1/account/", {"password": "alice's own"}, format="json"), 400, "invalid", "password"
    )
    assert as_bob.delete("/api/v1/account/", {"password": PASSWORD}, format="json").status_code == 204
    assert not User.objects.filter(pk=bob.pk).exists()
    assert rows_of(alice.pk) == before


def test_it_throttles_password_tries_like_sign_in(alices_account: Account) -> None:
    cache.clear()
    client = client_for(alices_account.user)
    for _ in range(10):
        assert client.delete("/api/v1/account/", {"password": "guess"}, format="json").status_code == 400
    assert_error(client.delete("/api/v1/account/", {"password": PASSWORD}, format="json"), 429, "throttled")
    assert User.objects.filter(pk=alices_account.user.pk).exists()
    assert Summary.objects.filter(user=alices_account.user).exists()


def test_an_anonymous_caller_gets_401(alices_account: Account) -> None:
    assert_error(
        APIClient().delete("/api/v1/account/", {"password": PASSWORD}, format="json"), 401, "not_authenticated"
    )
    assert User.objects.filter(pk=alices_account.user.pk).exists()


def test_it_deletes_the_file_of_a_report_that_finishes_building_during_the_erasure(
    alice: User, frozen_now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker may mark a report ready while the erasure runs (the erasure does a lot before it
    deletes the rows): its file must go with the rows, not stay behind with nothing pointing to it."""
    report = report_create(user=alice, format="csv", date_from=date(2026, 11, 1), date_to=date(2026, 11, 14))
    end_sessions = accounts.sessions_end

    def a_worker_finishes_meanwhile(*, user: User) -> None:
        claim = report_claim(report_id=report.pk)
        assert claim is not None
        assert report_build(report_id=report.pk, claim=claim) == "ready"
        end_sessions(user=user)

    monkeypatch.setattr(accounts, "sessions_end", a_worker_finishes_meanwhile)

    accounts.account_erase(user=alice)

    assert not Report.objects.exists()
    assert reports_storage().listdir("")[1] == []  # no file left behind


def test_erasing_the_diary_alone_removes_every_kind_of_record(alices_account: Account, bobs_account: Account) -> None:
    """diary_erase (the account stays): no treatment, test or function check is left either,
    tombstones included; bob's are untouched."""
    alice, bob = alices_account.user, bobs_account.user
    models = (Episode, CheckIn, Treatment, Investigation, FunctionCheck)
    bobs = {model: model.objects.filter(user=bob).count() for model in models}
    diary_erase(user=alice)
    assert {model: model.objects.filter(user=alice).count() for model in models} == dict.fromkeys(models, 0)
    assert {model: model.objects.filter(user=bob).count() for model in models} == bobs
    assert bobs[Treatment] == 3
