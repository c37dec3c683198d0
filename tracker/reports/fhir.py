"""The report as a FHIR R4 Bundle (`type: collection`): one Patient without real-world identifiers
and one Observation per episode, following the HL7 Symptoms IG's SymptomObservation profile
(hl7.fhir.uv.symptoms 1.0.0, STU 1; source github.com/HL7/fhir-symptoms-ig,
input/fsh/SymptomObservation.fsh); then what the person tried, the tests done and the weekly
function checks of the range (docs/reports.md, "The FHIR Bundle"):

- a treatment of kind medication or supplement as a MedicationStatement (the name as the
  medication's text, the dose as the dosage's text, active while it goes on), any other kind
  (lifestyle change, therapy, other) as a Procedure (in-progress while it goes on); either
  over its days (a Period of dates), kept when it overlaps the range;
- an investigation as a DiagnosticReport (status final, the name as the code's text, the result
  as the conclusion; R4's DiagnosticReport has no note, so an investigation's notes stay out);
- each answered sign of a function check as its own Observation on the check's date: a yes as a
  SymptomObservation, a no as the IG's SymptomAbsentObservation (LOINC 111551-8 "Symptom
  absent", the sign as the value: input/fsh/SymptomAbsentObservation.fsh). A sign not answered
  gives nothing. The Bundle is validated with `fhir.resources` (R4B) before a
byte is written, so a file that reaches a doctor's record system always parses.

Who and since when, as the PDF's page 1 says them in words:

- the Patient carries the display name (`name.text`) and the date of birth (`birthDate`) only
  when the person set them for their reports; never the user name;
- the onset (Profile.twitching_since, which may predate the diary) and the diary's first entry go
  in a `note` on each episode's Observation, first among its notes, and only when known. Checked
  in the IG's source (github.com/HL7/fhir-symptoms-ig): SymptomObservation.fsh has no component
  slice or extension for the date of onset (its `speedOfOnset` slice, LOINC 99495-4, is the
  *rate* of onset, a CodeableConcept; `clinicalCourse`, LOINC 89261-2, the character of the
  course); the logical model's `timing.onset` (SymptomLogicalModel.fsh) is mapped to no element
  in mappings/SymptomLogicalModel_SymptomObservation.fsh. The profile marks `note` as
  should-support for the patient's description of the symptom, so a note is the IG's own place
  for it, where a component with a code of our choosing would be structure the IG does not
  define. (A Condition with `onsetDateTime` would say "a problem on the list", which the diary
  does not claim.) The note is sent whether or not the report includes notes: that switch
  is for the person's free-text notes, and page 1 shows the onset either way.

Codes used, and where each was checked (a code not found in a source is sent as text only):

- LOINC 75325-1 "Symptom" (Observation.code), 64750-3 "Severity of symptoms", 100752-5
  "Exacerbating factors - Reported", 56823-8 "Problem quality or description": the IG's
  SymptomObservation.fsh (the fixed code and the component slices' codes).
- http://hl7.org/fhir/uv/symptoms/CodeSystem/SymptomTemporary#symptom (category): the IG's
  category[symptomCode] slice; the code system is defined in its Terminology.fsh and takes its
  URL from the IG's canonical (sushi-config.yaml).
- SNOMED CT 255604002 Mild, 6736007 Moderate, 24484000 Severe (severity): 6736007 and 24484000
  in the IG's examples (ShortnessOfBreath.fsh, Oncology.fsh), all three in DICOM CID severity
  sets (github.com/bvdh/dicom-terminology-in-fhir); the IG binds severity to descendants of
  272141005 "Severities".
- SNOMED CT 7771000 Left, 24028007 Right, 51440002 Right and left (laterality): mCODE's
  LateralityQualifierVS, the value set of its LateralityQualifier extension used here (mCODE's
  FSH source, found with the code search); the same three codes in several national IGs.
- SNOMED CT body structures (REGION_CODES below): 51185008 Thoracic structure, 818983003
  Abdomen, 37822005 Structure of back of abdominopelvic segment of trunk (the IG's index page
  and examples); the others from DICOM CID 4 "Anatomic Region" / CID 4031 "Common Anatomic
  Region" (bvdh/dicom-terminology-in-fhir). Calf, shin, chin and upper back were not found with
  a code that means the same region: text only. These codings carry no display (the sources give
  DICOM code meanings, not SNOMED terms); the text names the place.
- LOINC 111551-8 "Symptom absent": the IG's SymptomAbsentObservation.fsh (its fixed code).
- HL7 v2 table 0074 (Diagnostic Service Section ID, http://terminology.hl7.org/CodeSystem/v2-0074)
  for an investigation's category: EN "Electroneuro (EEG, EMG,EP,PSG)" (EMG, nerve conduction),
  LAB "Laboratory" (blood test), NMR "Nuclear Magnetic Resonance" (MRI); another test: text only.
- medication-statement-category#patientspecified (FHIR R4's MedicationStatement.category codes):
  the person, not a prescriber, recorded it.
- SNOMED CT limbs for where a weakness is (LIMB_CODES): 53120007 Upper limb (the FHIR spec's
  bodysite example, "Arm"), 61685007 Lower limb, 85562004 Hand (as REGION_CODES), 89545001 Face
  (DICOM CID 4); with the laterality as for an episode.
- The symptom itself (fasciculation / muscle twitch): no SNOMED CT code could be verified in the
  sources at hand, so valueCodeableConcept carries text only, as the IG allows ("systems ... may
  only be able to return symptom information as narrative text in the Observation.value").

Extensions: the IG's LocationQualifier (bodySite, a string per logged location),
AssessmentScaleInformation (severity component: which scale the number comes from),
workflow-supportingInfo (associated symptoms, as the IG's associatedSymptomOrCondition slice);
mCODE's mcode-laterality-qualifier (bodySite, SNOMED laterality; the Symptoms IG defines no coded
laterality of its own)."""

import json
import uuid
from datetime import datetime, timedelta
from typing import BinaryIO

from fhir.resources.R4B.bundle import Bundle

from tracker.reports import Progress
from tracker.reports.assembly import Names, ReportData, ReportEpisode
from tracker.reports.fhir_clinical import clinical_entries
from tracker.reports.fhir_codes import (
    CATEGORY,
    CODE,
    EPISODE_SYSTEM,
    EPISODES_PER_PROGRESS_STEP,
    INTENSITY_CODE,
    LOCATION_QUALIFIER,
    NAMESPACE,
    PATTERN_SYSTEM,
    PROFILE,
    QUALITY_CODE,
    REGION_CODES,
    REPORT_SYSTEM,
    SCALE,
    SEVERITY_BANDS,
    SEVERITY_CODE,
    SNOMED,
    SUPPORTING_INFO,
    TRIGGER_CODE,
    TRIGGER_SYSTEM,
    USER_SYSTEM,
    VALUE,
    Json,
    laterality,
)


def render(report: ReportData, out: BinaryIO, progress: Progress) -> None:
    patient_url = f"urn:uuid:{uuid.uuid5(NAMESPACE, f'user/{report.user_id}')}"
    entries = [{"fullUrl": patient_url, "resource": patient(report)}]
    total = len(report.episodes) or 1
    since = onset_note(report)
    for number, episode in enumerate(report.episodes, start=1):
        resource = observation(report, episode, patient_url, since)
        entries.append({"fullUrl": f"urn:uuid:{episode.id}", "resource": resource})
        if number % EPISODES_PER_PROGRESS_STEP == 0:
            progress(80 * number // total)  # validation below takes the rest
    entries.extend(clinical_entries(report, patient_url))
    bundle = {
        "resourceType": "Bundle",
        "identifier": {"system": REPORT_SYSTEM, "value": str(uuid.uuid5(NAMESPACE, _report_key(report)))},
        "type": "collection",
        "timestamp": _instant(report.generated_at),
        "entry": entries,
    }
    # Refuse to write what fhir.resources would not read back (a ValidationError fails the build
    # with the element's path, rather than handing a doctor's system a broken file).
    Bundle.model_validate(bundle)
    progress(90)
    out.write(json.dumps(bundle, ensure_ascii=False, separators=(",", ":")).encode())
    progress(100)


def patient(report: ReportData) -> Json:
    """The diary's user id, plus the display name (as `name.text`) and the date of birth only
    when the person set them for their reports. Never the user name (often a real name or an
    e-mail address), no address and no other real-world identifier."""
    person = report.person
    resource: Json = {"resourceType": "Patient", "identifier": [{"system": USER_SYSTEM, "value": str(report.user_id)}]}
    if person.display_name:
        resource["name"] = [{"text": person.display_name}]
    if person.date_of_birth is not None:
        resource["birthDate"] = person.date_of_birth.isoformat()
    return resource


def onset_note(report: ReportData) -> list[Json]:
    """Since when, as a note (the module docstring says why not a component): the onset the
    person gave and the diary's first entry, each only when known; nothing when neither is.
    ISO dates, read the same way in any record system's language."""
    parts = []
    if (onset := report.person.twitching_since) is not None:
        parts.append(f"Twitching since {onset.isoformat()} (onset as reported by the patient; may predate the diary).")
    if (first := report.first_entry) is not None:
        parts.append(f"Diary's first entry: {first.isoformat()}.")
    return [{"text": " ".join(parts)}] if parts else []


def observation(report: ReportData, episode: ReportEpisode, patient_url: str, since: list[Json]) -> Json:
    """One episode as a SymptomObservation; `since` is the onset note (onset_note), made once per
    Bundle."""
    names = report.names
    resource: Json = {
        "resourceType": "Observation",
        "meta": {"profile": [PROFILE]},
        "identifier": [{"system": EPISODE_SYSTEM, "value": episode.id}],
        "status": "preliminary" if episode.ongoing else "final",
        "category": [CATEGORY],
        "code": CODE,
        "subject": {"reference": patient_url},
        "effectivePeriod": effective_period(episode),
        "performer": [{"reference": patient_url}],
        "valueCodeableConcept": VALUE,
        "bodySite": body_site(names, episode.locations),
        "component": components(names, episode),
    }
    if episode.symptoms:
        resource["extension"] = [_associated(names.symptom(code)) for code in episode.symptoms]
    notes = [*since, *([{"text": episode.notes}] if report.include_notes and episode.notes else [])]
    if notes:
        resource["note"] = notes
    return resource


def effective_period(episode: ReportEpisode) -> Json:
    """From the start to the end; an episode still going has a start and no end (FHIR's Period:
    an end left out means none was known yet), and its Observation is `preliminary` until then."""
    period = {"start": episode.local_start.isoformat()}
    if episode.duration_seconds is not None:
        period["end"] = (episode.local_start + timedelta(seconds=episode.duration_seconds)).isoformat()
    return period


def body_site(names: Names, locations: tuple[tuple[str, str], ...]) -> Json:
    """bodySite is 0..1 and an episode may name several places. One CodeableConcept for all of
    them: a SNOMED code only when every location is the same region (codings in one concept must
    mean the same thing), the text naming each place, one IG LocationQualifier string per place
    (the IG's logical model: a location's qualifiers are strings), and one coded laterality for
    the whole episode (left, right, or "right and left" when both sides are involved). A midline
    place adds no coded laterality: its text says "midline"."""
    regions = {region for region, _ in locations}
    site: Json = {
        "extension": [
            *({"url": LOCATION_QUALIFIER, "valueString": names.location(region, side)} for region, side in locations),
            *laterality({side for _, side in locations}),
        ],
        "text": ", ".join(names.location(region, side) for region, side in locations),
    }
    if len(regions) == 1 and (code := REGION_CODES.get(next(iter(regions)))):
        site["coding"] = [{"system": SNOMED, "code": code}]
    return site


def quality(names: Names, pattern: str | None) -> list[Json]:
    """The pattern as the quality component; none when the person did not say (nothing made up)."""
    if pattern is None:
        return []
    name = names.pattern(pattern)
    coding = {"system": PATTERN_SYSTEM, "code": pattern, "display": name}
    return [{"code": QUALITY_CODE, "valueCodeableConcept": {"coding": [coding], "text": name}}]


def components(names: Names, episode: ReportEpisode) -> list[Json]:
    return [
        *quality(names, episode.pattern),
        severity(episode.intensity),
        {"code": INTENSITY_CODE, "valueInteger": episode.intensity},
        *(
            {
                "code": TRIGGER_CODE,
                "valueCodeableConcept": {
                    "coding": [{"system": TRIGGER_SYSTEM, "code": code, "display": names.trigger(code)}],
                    "text": names.trigger(code),
                },
            }
            for code in episode.triggers
        ),
    ]


def severity(intensity: int) -> Json:
    code, display = next((code, display) for top, code, display in SEVERITY_BANDS if intensity <= top)
    return {
        "extension": [SCALE],
        "code": SEVERITY_CODE,
        "valueCodeableConcept": {
            "coding": [{"system": SNOMED, "code": code, "display": display}],
            "text": f"{intensity} of 10 ({display.lower()})",
        },
    }


def _associated(name: str) -> Json:
    """An accompanying symptom as the IG links one (workflow-supportingInfo), by name: the diary
    records it as part of this episode, not as a symptom observation of its own, so the reference
    has no target to point to, only its type and what it says."""
    return {"url": SUPPORTING_INFO, "valueReference": {"type": "Observation", "display": name}}


def _report_key(report: ReportData) -> str:
    return f"report/{report.user_id}/{report.date_from}/{report.date_to}/{report.generated_at.isoformat()}"


def _instant(moment: datetime) -> str:
    return moment.isoformat()
