import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from diary.models import CheckIn, Episode, FunctionCheck, Investigation, Profile, Treatment
from diary.services import episode_delete, sync_changes
from tests.factories import EpisodeFactory
from tests.tracker.account.account_data import fill_account
from tracker.account.export import VERSION, export_account
from tracker.account.services import account_erase
from tracker.models import AnalysisRequest

# What an import restores; shares, reports and the account's own dates are not part of it.
RESTORED = ("episodes", "checkins", "treatments", "investigations", "function_checks")


def export_of(user: User) -> dict[str, Any]:
    out = io.BytesIO()
    export_account(out, user=user)
    document: dict[str, Any] = json.loads(out.getvalue())
    return document


def write(tmp_path: Path, document: dict[str, Any] | str) -> Path:
    path = tmp_path / "export.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
    return path


def run_import(path: Path, user: str = "alice") -> str:
    out = io.StringIO()
    call_command("import_diary", str(path), user=user, stdout=out)
    return out.getvalue()


def refusal(path: Path, user: str = "alice") -> str:
    with pytest.raises(CommandError) as refused:
        run_import(path, user)
    return str(refused.value)


@pytest.fixture
def alices_export(alice: User, frozen_now: datetime) -> dict[str, Any]:
    fill_account(alice)
    return export_of(alice)


@pytest.fixture
def erased_export(alice: User, alices_export: dict[str, Any]) -> dict[str, Any]:
    """alice's export after she erased her account: its ids are free again."""
    account_erase(user=alice)
    return alices_export


def test_it_reproduces_every_record_after_an_erasure(
    alice: User, alices_export: dict[str, Any], tmp_path: Path
) -> None:
    path = write(tmp_path, alices_export)
    account_erase(user=alice)
    assert not User.objects.filter(username="alice").exists()

    said = run_import(path)

    assert "Imported 4 episodes and 2 check-ins into the new account 'alice'" in said
    assert "With 3 treatments, 2 tests and 2 function checks." in said
    assert "1 shares, 1 reports" in said  # named as not imported
    again = export_of(User.objects.get(username="alice"))
    for name in RESTORED:
        assert again[name] == alices_export[name]  # ids, instants, offsets, codes, versions, times
    assert again["profile"]["time_zone"] == "Pacific/Auckland"
    for key in ("display_name", "date_of_birth", "twitching_since", "family_history"):
        assert again["profile"][key] == alices_export["profile"][key] != ""
    assert again["shares"] == again["reports"] == []
    assert any(e["deleted_at"] for e in again["episodes"])
    assert any(c["deleted_at"] for c in again["checkins"])
    for name in ("treatments", "investigations", "function_checks"):
        assert any(row["deleted_at"] for row in again[name]), name


def test_it_gives_a_new_account_an_unusable_password(erased_export: dict[str, Any], tmp_path: Path) -> None:
    run_import(write(tmp_path, erased_export), user="carol")
    carol = User.objects.get(username="carol")
    assert not carol.has_usable_password()
    assert Episode.objects.filter(user=carol).count() == 4


def test_it_numbers_the_changes_so_that_a_sync_from_zero_sees_everything(
    alice: User, alices_export: dict[str, Any], tmp_path: Path
) -> None:
    account_erase(user=alice)
    run_import(write(tmp_path, alices_export))
    restored = User.objects.get(username="alice")
    seqs = sorted(
        seq
        for model in (Episode, CheckIn, Treatment, Investigation, FunctionCheck)
        for seq in model.objects.filter(user=restored).values_list("change_seq", flat=True)
    )
    assert seqs == list(range(1, 14))
    assert Profile.objects.get(user=restored).last_change_seq == 13
    pulled = sync_changes(user=restored, since=0, limit=100)
    assert len(pulled.episodes) + len(pulled.checkins) == 6


def test_it_imports_into_an_existing_empty_account_and_asks_for_its_analysis(
    alice: User, bob: User, alices_export: dict[str, Any], tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    account_erase(user=alice)
    with django_capture_on_commit_callbacks(execute=True):
        said = run_import(write(tmp_path, alices_export), user="bob")
    assert "into the account 'bob'" in said
    assert bob.has_usable_password()
    assert Episode.objects.filter(user=bob).count() == 4
    assert AnalysisRequest.objects.filter(user=bob).exists()  # the analysis was told (diary.changes)


def test_it_refuses_a_newer_version_and_writes_nothing(alices_export: dict[str, Any], tmp_path: Path) -> None:
    said = refusal(write(tmp_path, {**alices_export, "version": VERSION + 1}), user="carol")
    assert f"version: The file is format version {VERSION + 1}; this server reads versions up to {VERSION}." in said
    assert not User.objects.filter(username="carol").exists()


def test_it_refuses_another_format_and_invalid_json(alices_export: dict[str, Any], tmp_path: Path) -> None:
    assert "format:" in refusal(write(tmp_path, {**alices_export, "format": "other-diary"}), user="carol")
    assert "file: Not valid JSON" in refusal(write(tmp_path, '{"format": '), user="carol")
    assert not User.objects.filter(username="carol").exists()


@pytest.mark.parametrize(
    ("row", "change", "reason"),
    [
        (2, {"intensity": 11}, "episodes[2].intensity: Must be between 1 and 10."),
        (1, {"triggers": ["moonlight"]}, "episodes[1].triggers: Unknown trigger code(s): moonlight."),
        (3, {"symptoms": ["hiccups"]}, "episodes[3].symptoms: Unknown symptom code(s): hiccups."),
        (0, {"locations": [{"region": "wing", "side": "left"}]}, "episodes[0].locations: [0] Unknown region code(s)"),
        (3, {"started_at": "2026-11-05 sometime"}, "episodes[3].started_at: Must be an ISO 8601 date and time"),
        (1, {"started_at": "2026-11-05T21:00:00"}, "episodes[1].started_at: Must be an ISO 8601 date and time"),
        (2, {"utc_offset_minutes": 60}, "episodes[2].utc_offset_minutes: Does not match the UTC offset"),
        (1, {"version": 0}, "episodes[1].version: Must be a whole number from 1 to 2147483647."),
        (2, {"id": "not-a-uuid"}, "episodes[2].id: Must be a UUID."),
        # Numbers and instants the database cannot hold: refused, not an OverflowError.
        (1, {"version": 10**30}, "episodes[1].version: Must be a whole number from 1 to 2147483647."),
        (0, {"created_at": "0001-01-01T00:00:00+05:00"}, "episodes[0].created_at: Out of range in UTC."),
        (2, {"updated_at": "9999-12-31T23:59:59-05:00"}, "episodes[2].updated_at: Out of range in UTC."),
        # PostgreSQL text cannot hold NUL, nor UTF-8 a lone surrogate: the API refuses both too.
        (1, {"notes": "before\x00after"}, "episodes[1].notes: Must be text without NUL characters"),
        (1, {"notes": "\ud800"}, "episodes[1].notes: Must be text without NUL characters"),
    ],
)
def test_it_refuses_a_bad_episode_with_its_row_and_reason(
    erased_export: dict[str, Any], tmp_path: Path, row: int, change: dict[str, Any], reason: str
) -> None:
    erased_export["episodes"][row].update(change)
    said = refusal(write(tmp_path, erased_export), user="carol")
    assert reason in said
    assert said.count("\n") == 1  # that one problem, nothing else
    assert not User.objects.filter(username="carol").exists()


def test_it_refuses_a_bad_checkin_and_a_duplicate_id(erased_export: dict[str, Any], tmp_path: Path) -> None:
    erased_export["checkins"][1]["stress"] = 12
    erased_export["episodes"][3]["id"] = erased_export["episodes"][1]["id"]
    said = refusal(write(tmp_path, erased_export), user="carol")
    assert "checkins[1].stress: Must be between 0 and 10." in said
    assert "episodes[3].id: Duplicate id: episodes[1] has it too." in said
    assert not User.objects.filter(username="carol").exists()
    assert not Episode.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        "[" * 100_000,  # nested past the parser's recursion limit
        '{"format": "twitch-diary-export", "version": 1, "profile": {"time_zone": "UTC"}, "shares": 5}',
        '{"format": "twitch-diary-export", "version": 1, "profile": {"time_zone": "UTC"}, "reports": true}',
    ],
)
def test_it_refuses_a_crafted_file_rather_than_crashing(db: None, tmp_path: Path, raw: str) -> None:
    said = refusal(write(tmp_path, raw), user="carol")
    assert said.startswith("Nothing was imported:\n")
    assert not User.objects.filter(username="carol").exists()


def test_it_refuses_a_checkin_note_with_a_nul_character(erased_export: dict[str, Any], tmp_path: Path) -> None:
    erased_export["checkins"][0]["notes"] = "\x00"
    said = refusal(write(tmp_path, erased_export), user="carol")
    assert "checkins[0].notes: Must be text without NUL characters" in said
    assert not User.objects.filter(username="carol").exists()


def test_it_refuses_ids_that_another_account_holds(alices_export: dict[str, Any], tmp_path: Path) -> None:
    """alice still has her diary: the same file into carol's account would steal her ids."""
    said = refusal(write(tmp_path, alices_export), user="carol")
    assert f"episodes[0].id: The id {alices_export['episodes'][0]['id']} is already used by another account." in said
    assert "checkins[0].id: The id" in said
    for name in ("treatments", "investigations", "function_checks"):
        assert f"{name}[0].id: The id {alices_export[name][0]['id']} is already used by another account." in said
    assert not User.objects.filter(username="carol").exists()


def test_it_refuses_an_account_that_has_records_even_deleted_ones(
    bob: User, erased_export: dict[str, Any], tmp_path: Path
) -> None:
    Profile.objects.create(user=bob, time_zone="Europe/Paris")
    tombstone = episode_delete(episode=EpisodeFactory(user=bob))
    said = refusal(write(tmp_path, erased_export), user="bob")
    assert "account: bob already has episodes, check-ins, treatments, tests or function checks" in said
    assert list(Episode.objects.filter(user=bob)) == [tombstone]
    assert Profile.objects.get(user=bob).time_zone == "Europe/Paris"  # the zone was not changed either


def test_it_brings_back_an_episode_still_going_as_still_going(
    alice: User, frozen_now: datetime, tmp_path: Path
) -> None:
    going = EpisodeFactory(user=alice, started_at=frozen_now, ongoing=True, duration_seconds=None)
    exported = export_of(alice)
    [row] = exported["episodes"]
    assert (row["ongoing"], row["duration_seconds"]) == (True, None)
    account_erase(user=alice)
    run_import(write(tmp_path, exported))
    restored = Episode.objects.get(pk=going.pk)
    assert (restored.ongoing, restored.duration_seconds) == (True, None)


def test_it_reads_a_version_1_file_whose_episodes_have_all_ended(erased_export: dict[str, Any], tmp_path: Path) -> None:
    """Version 1 had no `ongoing`: every episode in such a file has its duration."""
    for row in erased_export["episodes"]:
        del row["ongoing"]
    run_import(write(tmp_path, {**erased_export, "version": 1}), user="carol")
    assert set(Episode.objects.filter(user__username="carol").values_list("ongoing", flat=True)) == {False}


def test_it_refuses_an_episode_still_going_with_a_duration(erased_export: dict[str, Any], tmp_path: Path) -> None:
    erased_export["episodes"][2]["ongoing"] = True
    said = refusal(write(tmp_path, erased_export), user="carol")
    assert "episodes[2].duration_seconds: Must be null while the episode is still going" in said
    assert not User.objects.filter(username="carol").exists()


def test_it_reads_a_file_without_a_clinical_profile_as_blank(erased_export: dict[str, Any], tmp_path: Path) -> None:
    """Before version 3 the profile had no clinical fields."""
    for key in ("display_name", "date_of_birth", "twitching_since", "family_history"):
        del erased_export["profile"][key]
    run_import(write(tmp_path, {**erased_export, "version": 2}), user="carol")
    profile = Profile.objects.get(user__username="carol")
    assert (profile.display_name, profile.date_of_birth, profile.twitching_since, profile.family_history) == (
        "",
        None,
        None,
        "",
    )


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"date_of_birth": "2026-02-30"}, "profile.date_of_birth: Must be a date (YYYY-MM-DD)."),
        ({"date_of_birth": "2030-01-01"}, "profile.date_of_birth: The date of birth cannot be in the future"),
        ({"twitching_since": "1970-01-01"}, "profile.twitching_since: The twitching cannot have started before"),
        ({"display_name": ["Alice"]}, "profile.display_name: Must be text."),
        ({"family_history": "\x00"}, "profile.family_history: Must be text without NUL characters"),
        ({"family_history": "x" * 2001}, "profile.family_history: Keep the family history to 2000 characters"),
    ],
)
def test_it_refuses_a_bad_clinical_profile_and_writes_nothing(
    erased_export: dict[str, Any], tmp_path: Path, change: dict[str, Any], reason: str
) -> None:
    erased_export["profile"].update(change)
    said = refusal(write(tmp_path, erased_export), user="carol")
    assert reason in said
    assert not User.objects.filter(username="carol").exists()


# --- Treatments, investigations and function checks (version 4) -------------------------------


@pytest.mark.parametrize(
    ("kind", "row", "change", "reason"),
    [
        ("treatments", 0, {"kind": "voodoo"}, "treatments[0].kind: Must be one of: medication, supplement"),
        ("treatments", 2, {"started_on": "2030-01-01"}, "treatments[2].started_on: Cannot be in the future"),
        ("treatments", 0, {"started_on": 20261001}, "treatments[0].started_on: Must be a date (YYYY-MM-DD)."),
        ("treatments", 0, {"started_on": "2026-02-30"}, "treatments[0].started_on: Must be a date (YYYY-MM-DD)."),
        ("treatments", 0, {"stopped_on": "2026-09-01"}, "treatments[0].stopped_on: Cannot be before the start"),
        ("treatments", 1, {"name": 5}, "treatments[1].name: Must be text."),
        ("treatments", 1, {"name": "   "}, "treatments[1].name: Must not be empty."),
        ("treatments", 0, {"dose": None}, "treatments[0].dose: Must be text."),
        ("treatments", 0, {"version": 0}, "treatments[0].version: Must be a whole number from 1 to 2147483647."),
        ("treatments", 2, {"id": "not-a-uuid"}, "treatments[2].id: Must be a UUID."),
        ("investigations", 1, {"kind": "xray"}, "investigations[1].kind: Must be one of: emg, nerve_conduction"),
        ("investigations", 1, {"done_on": "2099-01-01"}, "investigations[1].done_on: Cannot be in the future"),
        ("investigations", 1, {"done_on": None}, "investigations[1].done_on: Required (YYYY-MM-DD)."),
        ("investigations", 1, {"result": ["normal"]}, "investigations[1].result: Must be text."),
        ("investigations", 0, {"notes": "\x00"}, "investigations[0].notes: Must be text without NUL characters"),
        ("investigations", 0, {"updated_at": "yesterday"}, "investigations[0].updated_at: Must be an ISO 8601"),
        ("function_checks", 0, {"weakness": "maybe"}, 'function_checks[0].weakness: Must be "yes", "no" or null.'),
        ("function_checks", 0, {"cramps": True}, 'function_checks[0].cramps: Must be "yes", "no" or null.'),
        ("function_checks", 0, {"speech": ["yes"]}, 'function_checks[0].speech: Must be "yes", "no" or null.'),
        ("function_checks", 0, {"weakness": "no"}, "function_checks[0].weakness_where: Say where only when"),
        ("function_checks", 0, {"weakness_where": "left hand"}, "function_checks[0].weakness_where: Must be a list"),
        (
            "function_checks",
            0,
            {"weakness_where": [{"limb": "tail", "side": "left"}]},
            "function_checks[0].weakness_where: A limb is one of: arm, leg, hand, face.",
        ),
        ("function_checks", 1, {"date": "2030-01-01"}, "function_checks[1].date: Cannot be after tomorrow"),
        ("function_checks", 1, {"date": None}, "function_checks[1].date: Must be a date (YYYY-MM-DD)."),
        ("function_checks", 0, {"notes": 5}, "function_checks[0].notes:"),
    ],
)
def test_it_refuses_a_bad_treatment_investigation_or_function_check_with_its_row_and_reason(
    erased_export: dict[str, Any], tmp_path: Path, kind: str, row: int, change: dict[str, Any], reason: str
) -> None:
    erased_export[kind][row].update(change)
    said = refusal(write(tmp_path, erased_export), user="carol")
    assert reason in said
    assert said.count("\n") == 1  # that one problem, nothing else
    assert not User.objects.filter(username="carol").exists()
    assert not Treatment.objects.exists()
    assert not FunctionCheck.objects.exists()


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"treatments": {"name": "Magnesium"}}, "treatments: Must be a list."),
        ({"investigations": [5]}, "investigations[0]: Must be an object."),
        ({"function_checks": "none"}, "function_checks: Must be a list."),
    ],
)
def test_it_refuses_lists_of_the_wrong_shape(
    erased_export: dict[str, Any], tmp_path: Path, change: dict[str, Any], reason: str
) -> None:
    said = refusal(write(tmp_path, {**erased_export, **change}), user="carol")
    assert reason in said
    assert not User.objects.filter(username="carol").exists()


def test_it_refuses_duplicates_a_create_would_refuse(erased_export: dict[str, Any], tmp_path: Path) -> None:
    """Two live treatments of one name over the same days, the same test twice on one day, two
    checks on one date: each would have been refused by the services, so by the import too."""
    no_coffee = erased_export["treatments"][2]
    no_coffee.update(name=" magnesium ", started_on="2026-11-01")
    emg = erased_export["investigations"][1]
    erased_export["investigations"].append({**emg, "id": "6f1c1a43-9a53-4e39-8d1e-0d6f6f4f2f10"})
    erased_export["function_checks"][1]["date"] = erased_export["function_checks"][0]["date"]
    said = refusal(write(tmp_path, erased_export), user="carol")
    assert "function_checks[1].date: Duplicate date: function_checks[0] has it too." in said
    assert not User.objects.filter(username="carol").exists()
    erased_export["function_checks"][1]["date"] = "2026-11-15"
    said = refusal(write(tmp_path, erased_export), user="carol")
    assert "treatments[2].started_on: The same treatment as treatments[0], entered twice." in said
    assert "investigations[2].done_on: The same test as investigations[1], entered twice." in said
    assert not User.objects.filter(username="carol").exists()


def test_importing_the_same_file_twice_changes_nothing(erased_export: dict[str, Any], tmp_path: Path) -> None:
    path = write(tmp_path, erased_export)
    run_import(path, user="carol")
    carol = User.objects.get(username="carol")
    before = export_of(carol)
    said = refusal(path, user="carol")
    assert "account: carol already has" in said
    after = export_of(carol)
    for name in RESTORED:
        assert after[name] == before[name] == erased_export[name]
    assert Profile.objects.get(user=carol).last_change_seq == 13


def test_it_reads_a_version_3_file_that_has_no_treatments_tests_or_checks(
    erased_export: dict[str, Any], tmp_path: Path
) -> None:
    for name in ("treatments", "investigations", "function_checks"):
        del erased_export[name]
    said = run_import(write(tmp_path, {**erased_export, "version": 3}), user="carol")
    assert "Imported 4 episodes and 2 check-ins" in said
    assert "treatments" not in said
    assert not Treatment.objects.exists()
    assert not Investigation.objects.exists()
    assert not FunctionCheck.objects.exists()


def test_it_keeps_a_function_checks_answers_as_stored(erased_export: dict[str, Any], tmp_path: Path) -> None:
    run_import(write(tmp_path, erased_export), user="carol")
    weak = FunctionCheck.objects.get(user__username="carol", date="2026-11-08")
    assert (weak.weakness, weak.wasting, weak.cramps, weak.speech) == (True, False, True, None)
    assert weak.weakness_where == [{"limb": "hand", "side": "left"}]
    assert str(weak.id) == erased_export["function_checks"][0]["id"]
