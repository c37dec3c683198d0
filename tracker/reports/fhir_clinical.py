"""What the person tried, the tests done and the weekly function checks in the FHIR Bundle
(tracker.reports.fhir says how each maps, and where its codes were checked)."""

import uuid

from diary.formatting import location_text
from diary.models import InvestigationKind, Limb, TreatmentKind
from tracker.reports.assembly import Names, ReportData, ReportFunctionCheck, ReportInvestigation, ReportTreatment
from tracker.reports.fhir_codes import (
    ABSENT_CODE,
    ABSENT_PROFILE,
    CATEGORY,
    CODE,
    FUNCTION_CHECK_SYSTEM,
    INVESTIGATION_CATEGORIES,
    INVESTIGATION_SYSTEM,
    LIMB_CODES,
    LOCATION_QUALIFIER,
    MEDICATION_KINDS,
    NAMESPACE,
    PROFILE,
    SIGN_NAMES,
    SIGN_SYSTEM,
    SNOMED,
    STATEMENT_CATEGORY,
    TREATMENT_KIND_SYSTEM,
    TREATMENT_SYSTEM,
    V2_0074,
    Json,
    laterality,
)


def clinical_entries(report: ReportData, patient_url: str) -> list[Json]:
    """The Bundle's entries for the treatments, investigations and function checks of the
    range (live ones only: the assembly reads no tombstone)."""
    records = report.clinical_records
    entries = [
        {"fullUrl": f"urn:uuid:{treatment.id}", "resource": treatment_resource(treatment, patient_url)}
        for treatment in records.treatments
    ]
    entries += [
        {"fullUrl": f"urn:uuid:{test.id}", "resource": diagnostic_report(test, patient_url)}
        for test in records.investigations
    ]
    for check in records.function_checks:
        for number, (sign, yes) in enumerate(check.answers):
            entry_id = uuid.uuid5(NAMESPACE, f"function-check/{check.id}/{sign}")
            resource = sign_observation(report.names, check, sign, yes, patient_url, with_notes=number == 0)
            entries.append({"fullUrl": f"urn:uuid:{entry_id}", "resource": resource})
    return entries


def treatment_resource(treatment: ReportTreatment, patient_url: str) -> Json:
    """A MedicationStatement for a medication or a supplement, else a Procedure; both over the
    days it went on (no end while it still goes on)."""
    period = {"start": treatment.started_on.isoformat()}
    if treatment.stopped_on is not None:
        period["end"] = treatment.stopped_on.isoformat()
    kind = TreatmentKind(treatment.kind).label if treatment.kind in TreatmentKind.values else treatment.kind
    common: Json = {
        "identifier": [{"system": TREATMENT_SYSTEM, "value": treatment.id}],
        "subject": {"reference": patient_url},
    }
    notes = [{"text": treatment.notes}] if treatment.notes else []
    if treatment.kind in MEDICATION_KINDS:
        return _medication_statement(treatment, common, period, kind, notes, patient_url)
    return _procedure(treatment, common, period, kind, notes, patient_url)


def _medication_statement(
    treatment: ReportTreatment, common: Json, period: Json, kind: str, notes: list[Json], patient_url: str
) -> Json:
    statement: Json = {
        "resourceType": "MedicationStatement",
        **common,
        "status": "active" if treatment.stopped_on is None else "completed",
        "category": {
            "coding": [{"system": STATEMENT_CATEGORY, "code": "patientspecified", "display": "Patient Specified"}],
            "text": kind,
        },
        "medicationCodeableConcept": {"text": treatment.name},
        "effectivePeriod": period,
        "informationSource": {"reference": patient_url},
    }
    if treatment.dose:
        statement["dosage"] = [{"text": treatment.dose}]
    if notes:
        statement["note"] = notes
    return statement


def _procedure(
    treatment: ReportTreatment, common: Json, period: Json, kind: str, notes: list[Json], patient_url: str
) -> Json:
    procedure: Json = {
        "resourceType": "Procedure",
        **common,
        "status": "in-progress" if treatment.stopped_on is None else "completed",
        "category": {
            "coding": [{"system": TREATMENT_KIND_SYSTEM, "code": treatment.kind, "display": kind}],
            "text": kind,
        },
        "code": {"text": treatment.name},
        "performedPeriod": period,
        "recorder": {"reference": patient_url},
    }
    if treatment.dose:  # Procedure has no dosage: how much or how often goes in a note
        notes = [{"text": f"Dose: {treatment.dose}"}, *notes]
    if notes:
        procedure["note"] = notes
    return procedure


def diagnostic_report(test: ReportInvestigation, patient_url: str) -> Json:
    category: Json = {"text": dict(InvestigationKind.choices).get(test.kind, test.kind)}
    if (coded := INVESTIGATION_CATEGORIES.get(test.kind)) is not None:
        code, display = coded
        category = {"coding": [{"system": V2_0074, "code": code, "display": display}], "text": display}
    resource: Json = {
        "resourceType": "DiagnosticReport",
        "identifier": [{"system": INVESTIGATION_SYSTEM, "value": test.id}],
        "status": "final",
        "category": [category],
        "code": {"text": test.name},
        "subject": {"reference": patient_url},
        "effectiveDateTime": test.done_on.isoformat(),
    }
    if test.result:
        resource["conclusion"] = test.result
    return resource


def sign_observation(
    names: Names, check: ReportFunctionCheck, sign: str, yes: bool, patient_url: str, *, with_notes: bool
) -> Json:
    """One answered sign: a yes as the IG's SymptomObservation, a no as its
    SymptomAbsentObservation (a no is information: "no weakness in 12 weekly checks")."""
    name = SIGN_NAMES.get(sign, sign)
    resource: Json = {
        "resourceType": "Observation",
        "meta": {"profile": [PROFILE if yes else ABSENT_PROFILE]},
        "identifier": [{"system": FUNCTION_CHECK_SYSTEM, "value": f"{check.id}/{sign}"}],
        "status": "final",
        "category": [CATEGORY],
        "code": CODE if yes else ABSENT_CODE,
        "subject": {"reference": patient_url},
        "effectiveDateTime": check.date.isoformat(),
        "performer": [{"reference": patient_url}],
        "valueCodeableConcept": {"coding": [{"system": SIGN_SYSTEM, "code": sign, "display": name}], "text": name},
    }
    if sign == "weakness" and yes and check.weakness_where:
        resource["bodySite"] = limb_site(names, check.weakness_where)
    if with_notes and check.notes:  # the check's notes once, on its first answer
        resource["note"] = [{"text": check.notes}]
    return resource


def limb_site(names: Names, places: tuple[tuple[str, str], ...]) -> Json:
    """Where a weakness is, as an episode's body site: the text naming each place, a SNOMED code
    when every place is the same limb, the laterality of all of them."""
    limbs = dict(Limb.choices)
    texts = [location_text(limbs.get(limb, limb), names.side(side)) for limb, side in places]
    site: Json = {
        "extension": [
            *({"url": LOCATION_QUALIFIER, "valueString": text} for text in texts),
            *laterality({side for _, side in places}),
        ],
        "text": ", ".join(texts),
    }
    kinds = {limb for limb, _ in places}
    if len(kinds) == 1 and (code := LIMB_CODES.get(next(iter(kinds)))):
        site["coding"] = [{"system": SNOMED, "code": code}]
    return site
