"""The FHIR Bundle's treatments (MedicationStatement or Procedure), investigations
(DiagnosticReport) and function checks (one Observation per answered sign: a yes as the HL7
Symptoms IG's SymptomObservation, a no as its SymptomAbsentObservation)."""

import io
import json
from datetime import date, datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.diagnosticreport import DiagnosticReport
from fhir.resources.R4B.medicationstatement import MedicationStatement
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.procedure import Procedure

from diary.models import Episode
from diary.services.clinical import INVESTIGATIONS, TREATMENTS, record_create, record_delete
from diary.services.function_checks import function_check_delete, function_check_upsert
from tests.tracker.reports.conftest import FROM, TO
from tracker.reports import FORMATS
from tracker.reports.assembly import report_assemble

Json = dict[str, Any]
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
SYMPTOMS_IG = "http://hl7.org/fhir/uv/symptoms/StructureDefinition"
LATERALITY = "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-laterality-qualifier"


def _treatment(user: User, name: str, kind: str, started: date, stopped: date | None = None, **more: Any) -> str:
    values = {"name": name, "kind": kind, "started_on": started, "stopped_on": stopped, **more}
    created = record_create(TREATMENTS, user=user, values=values)
    assert created.record is not None
    return str(created.record.id)


def _test(user: User, name: str, kind: str, done: date, **more: Any) -> str:
    created = record_create(INVESTIGATIONS, user=user, values={"name": name, "kind": kind, "done_on": done, **more})
    assert created.record is not None
    return str(created.record.id)


@pytest.fixture
def clinical(alice: User, bob: User, diary: list[Episode], frozen_now: datetime) -> dict[str, str]:
    """alice's treatments, tests and checks on both sides of the range (1-14 November), one of
    each deleted within it, and one of bob's; by a name for the test to find."""
    made = {
        "magnesium": _treatment(
            alice, "Magnesium", "supplement", date(2026, 10, 1), date(2026, 11, 5), dose="300 mg", notes="Helps?"
        ),
        "propranolol": _treatment(alice, "Propranolol", "medication", date(2026, 11, 10), dose="10 mg"),
        "no_coffee": _treatment(alice, "No caffeine", "lifestyle", date(2026, 10, 20), date(2026, 11, 1)),
        "physio": _treatment(alice, "Physiotherapy", "therapy", date(2026, 11, 12), dose="twice a week"),
        "zinc": _treatment(alice, "Zinc", "supplement", date(2026, 9, 1), date(2026, 10, 31)),  # ended before
        "later": _treatment(alice, "Yoga", "other", date(2026, 11, 15)),  # starts after
        "emg": _test(alice, "EMG of both legs", "emg", date(2026, 11, 4), result="Normal", notes="Dr Lee"),
        "ncs": _test(alice, "Nerve conduction", "nerve_conduction", date(2026, 11, 4)),
        "blood": _test(alice, "CK and B12", "blood", date(2026, 11, 6), result="CK 180 U/L"),
        "mri": _test(alice, "MRI of the spine", "mri", date(2026, 11, 14)),
        "other": _test(alice, "Grip strength", "other", date(2026, 11, 1)),
        "old_test": _test(alice, "Thyroid", "blood", date(2026, 10, 31)),  # before
    }
    gone = record_create(TREATMENTS, user=alice, values={"name": "Gone", "kind": "medication", "started_on": FROM})
    assert gone.record is not None
    record_delete(record=gone.record)
    gone_test = record_create(INVESTIGATIONS, user=alice, values={"name": "Gone", "kind": "mri", "done_on": FROM})
    assert gone_test.record is not None
    record_delete(record=gone_test.record)
    weak, _ = function_check_upsert(
        user=alice,
        date=date(2026, 11, 8),
        weakness=True,
        weakness_where=[{"limb": "hand", "side": "left"}, {"limb": "hand", "side": "right"}],
        wasting=False,
        cramps=True,
        notes="Grip weak",
    )
    fine, _ = function_check_upsert(user=alice, date=date(2026, 11, 1), weakness=False, breathing=False)
    deleted, _ = function_check_upsert(user=alice, date=date(2026, 11, 11), swallowing=True)
    function_check_delete(check=deleted)
    function_check_upsert(user=alice, date=date(2026, 11, 15), weakness=True)  # after
    function_check_upsert(user=bob, date=date(2026, 11, 8), speech=True)
    _treatment(bob, "Bob's magnesium", "supplement", date(2026, 11, 2))
    return {**made, "weak": str(weak.id), "fine": str(fine.id)}


def render(user: User, *, include_notes: bool = False) -> bytes:
    report = report_assemble(user_id=user.pk, date_from=FROM, date_to=TO, include_notes=include_notes)
    out = io.BytesIO()
    FORMATS["fhir"].render(report, out)
    return out.getvalue()


def by_identifier(raw: bytes, system: str) -> dict[str, Json]:
    found = {}
    for entry in json.loads(raw)["entry"]:
        for identifier in entry["resource"].get("identifier", []):
            if identifier["system"] == system:
                found[identifier["value"]] = entry["resource"]
    return found


def test_it_writes_every_kind_into_a_bundle_fhir_resources_reads(alice: User, clinical: dict[str, str]) -> None:
    bundle = Bundle.model_validate_json(render(alice, include_notes=True))
    assert bundle.entry is not None
    kinds = [type(entry.resource).__name__ for entry in bundle.entry]
    assert kinds.count("MedicationStatement") == 2
    assert kinds.count("Procedure") == 2
    assert kinds.count("DiagnosticReport") == 5
    assert kinds.count("Observation") == 4 + 3 + 2  # the episodes, then the check of the 8th's, then the 1st's
    assert len({entry.fullUrl for entry in bundle.entry}) == len(bundle.entry)
    for entry in bundle.entry:
        resource = entry.resource
        if isinstance(resource, MedicationStatement | Procedure | DiagnosticReport):
            assert entry.fullUrl == f"urn:uuid:{resource.identifier[0].value}"


def test_it_keeps_the_records_of_the_range_and_never_a_deleted_one(alice: User, clinical: dict[str, str]) -> None:
    raw = render(alice)
    treatments = by_identifier(raw, "urn:twitch-diary:treatment")
    assert set(treatments) == {clinical[name] for name in ("magnesium", "propranolol", "no_coffee", "physio")}
    tests = by_identifier(raw, "urn:twitch-diary:investigation")
    assert set(tests) == {clinical[name] for name in ("emg", "ncs", "blood", "mri", "other")}
    checks = by_identifier(raw, "urn:twitch-diary:function-check")
    assert set(checks) == {
        f"{clinical['weak']}/weakness",
        f"{clinical['weak']}/wasting",
        f"{clinical['weak']}/cramps",
        f"{clinical['fine']}/weakness",
        f"{clinical['fine']}/breathing",
    }
    for absent in (b"Gone", b"Zinc", b"Yoga", b"Thyroid", b"Bob", b"swallowing", b"speech"):
        assert absent not in raw


def test_it_writes_a_medication_or_supplement_as_a_medication_statement(alice: User, clinical: dict[str, str]) -> None:
    treatments = by_identifier(render(alice, include_notes=True), "urn:twitch-diary:treatment")
    magnesium, propranolol = treatments[clinical["magnesium"]], treatments[clinical["propranolol"]]
    assert magnesium["resourceType"] == propranolol["resourceType"] == "MedicationStatement"
    assert magnesium["medicationCodeableConcept"] == {"text": "Magnesium"}
    assert magnesium["dosage"] == [{"text": "300 mg"}]
    assert magnesium["effectivePeriod"] == {"start": "2026-10-01", "end": "2026-11-05"}
    assert (magnesium["status"], propranolol["status"]) == ("completed", "active")
    assert propranolol["effectivePeriod"] == {"start": "2026-11-10"}  # still going: no end
    assert magnesium["note"] == [{"text": "Helps?"}]
    assert magnesium["category"]["coding"][0]["code"] == "patientspecified"
    assert magnesium["subject"] == magnesium["informationSource"]


def test_it_writes_another_kind_of_treatment_as_a_procedure(alice: User, clinical: dict[str, str]) -> None:
    treatments = by_identifier(render(alice), "urn:twitch-diary:treatment")
    no_coffee, physio = treatments[clinical["no_coffee"]], treatments[clinical["physio"]]
    assert no_coffee["resourceType"] == physio["resourceType"] == "Procedure"
    assert (no_coffee["code"], no_coffee["status"]) == ({"text": "No caffeine"}, "completed")
    assert no_coffee["performedPeriod"] == {"start": "2026-10-20", "end": "2026-11-01"}
    assert (physio["status"], physio["performedPeriod"]) == ("in-progress", {"start": "2026-11-12"})
    assert physio["category"]["coding"][0]["code"] == "therapy"
    assert physio["note"] == [{"text": "Dose: twice a week"}]  # a Procedure has no dosage
    parsed = Procedure.model_validate(physio)
    assert parsed.performedPeriod is not None
    assert parsed.performedPeriod.end is None


def test_it_writes_an_investigation_as_a_diagnostic_report(alice: User, clinical: dict[str, str]) -> None:
    tests = by_identifier(render(alice, include_notes=True), "urn:twitch-diary:investigation")
    emg = tests[clinical["emg"]]
    assert emg["resourceType"] == "DiagnosticReport"
    assert (emg["status"], emg["code"], emg["effectiveDateTime"], emg["conclusion"]) == (
        "final",
        {"text": "EMG of both legs"},
        "2026-11-04",
        "Normal",
    )
    assert "note" not in emg  # R4's DiagnosticReport has none
    categories = {name: tests[clinical[name]]["category"][0] for name in ("emg", "ncs", "blood", "mri", "other")}
    coded = {name: c["coding"][0]["code"] for name, c in categories.items() if "coding" in c}
    assert coded == {"emg": "EN", "ncs": "EN", "blood": "LAB", "mri": "NMR"}
    assert {c["coding"][0]["system"] for name, c in categories.items() if "coding" in c} == {
        "http://terminology.hl7.org/CodeSystem/v2-0074"
    }
    assert categories["other"] == {"text": "Other"}
    assert "conclusion" not in tests[clinical["mri"]]  # no result, no empty one
    DiagnosticReport.model_validate(emg)


def test_it_writes_each_answered_sign_as_present_or_absent(alice: User, clinical: dict[str, str]) -> None:
    checks = by_identifier(render(alice), "urn:twitch-diary:function-check")
    weakness, wasting = checks[f"{clinical['weak']}/weakness"], checks[f"{clinical['weak']}/wasting"]
    assert weakness["meta"]["profile"] == [f"{SYMPTOMS_IG}/SymptomObservation"]
    assert weakness["code"]["coding"] == [{"system": LOINC, "code": "75325-1", "display": "Symptom"}]
    assert weakness["valueCodeableConcept"]["text"] == "Muscle weakness"
    assert weakness["effectiveDateTime"] == "2026-11-08"
    assert wasting["meta"]["profile"] == [f"{SYMPTOMS_IG}/SymptomAbsentObservation"]
    assert wasting["code"]["coding"] == [{"system": LOINC, "code": "111551-8", "display": "Symptom absent"}]
    assert wasting["valueCodeableConcept"]["text"] == "Muscle wasting (muscles looking thinner)"
    no_weakness = checks[f"{clinical['fine']}/weakness"]
    assert (no_weakness["code"]["coding"][0]["code"], no_weakness["valueCodeableConcept"]["text"]) == (
        "111551-8",
        "Muscle weakness",
    )
    assert no_weakness["effectiveDateTime"] == "2026-11-01"
    for resource in checks.values():
        parsed = Observation.model_validate(resource)
        assert parsed.status == "final"


def test_it_says_where_a_weakness_is_with_its_sides(alice: User, clinical: dict[str, str]) -> None:
    checks = by_identifier(render(alice), "urn:twitch-diary:function-check")
    site = checks[f"{clinical['weak']}/weakness"]["bodySite"]
    assert site["text"] == "Hand (left), Hand (right)"
    assert site["coding"] == [{"system": SNOMED, "code": "85562004"}]  # one limb: coded
    [laterality] = [e for e in site["extension"] if e["url"] == LATERALITY]
    assert laterality["valueCodeableConcept"]["coding"][0]["code"] == "51440002"  # right and left
    assert "bodySite" not in checks[f"{clinical['weak']}/cramps"]


def test_it_sends_a_checks_notes_once_and_only_when_the_report_includes_them(
    alice: User, clinical: dict[str, str]
) -> None:
    assert b"Grip weak" not in render(alice)
    assert b"Helps?" not in render(alice)
    checks = by_identifier(render(alice, include_notes=True), "urn:twitch-diary:function-check")
    noted = [key for key, resource in checks.items() if "note" in resource]
    assert noted == [f"{clinical['weak']}/weakness"]
