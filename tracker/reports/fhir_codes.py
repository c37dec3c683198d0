"""The FHIR export's code systems, codes and shared pieces (tracker.reports.fhir, whose docstring
says where each code was checked, and tracker.reports.fhir_clinical)."""

import uuid
from typing import Any

from diary.models import TreatmentKind

Json = dict[str, Any]

# The project's own identifier and code systems. Stable URNs: a record system that imports two
# reports of the same diary recognises the same person and the same episodes.
SYSTEM = "urn:twitch-diary"
USER_SYSTEM = f"{SYSTEM}:user"
EPISODE_SYSTEM = f"{SYSTEM}:episode"
REPORT_SYSTEM = f"{SYSTEM}:report"
TRIGGER_SYSTEM = f"{SYSTEM}:trigger"
PATTERN_SYSTEM = f"{SYSTEM}:pattern"
OBSERVATION_SYSTEM = f"{SYSTEM}:observation"
TREATMENT_SYSTEM = f"{SYSTEM}:treatment"
TREATMENT_KIND_SYSTEM = f"{SYSTEM}:treatment-kind"
INVESTIGATION_SYSTEM = f"{SYSTEM}:investigation"
FUNCTION_CHECK_SYSTEM = f"{SYSTEM}:function-check"  # one identifier a check's sign: "<check id>/<sign>"
SIGN_SYSTEM = f"{SYSTEM}:function-sign"
# uuid5 namespace for the Patient's and the Bundle's ids: the same user and report give the same
# urn:uuid each time, so two exports of one diary are recognisably about one person.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://twitch-diary.invalid/fhir")

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
SYMPTOMS_IG = "http://hl7.org/fhir/uv/symptoms"
PROFILE = f"{SYMPTOMS_IG}/StructureDefinition/SymptomObservation"
ABSENT_PROFILE = f"{SYMPTOMS_IG}/StructureDefinition/SymptomAbsentObservation"
V2_0074 = "http://terminology.hl7.org/CodeSystem/v2-0074"
STATEMENT_CATEGORY = "http://terminology.hl7.org/CodeSystem/medication-statement-category"
LOCATION_QUALIFIER = f"{SYMPTOMS_IG}/StructureDefinition/LocationQualifier"
SCALE_INFORMATION = f"{SYMPTOMS_IG}/StructureDefinition/AssessmentScaleInformation"
SUPPORTING_INFO = "http://hl7.org/fhir/StructureDefinition/workflow-supportingInfo"
LATERALITY = "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-laterality-qualifier"

CATEGORY: Json = {
    "coding": [{"system": f"{SYMPTOMS_IG}/CodeSystem/SymptomTemporary", "code": "symptom", "display": "Symptom"}]
}
CODE: Json = {"coding": [{"system": LOINC, "code": "75325-1", "display": "Symptom"}], "text": "Symptom"}
VALUE: Json = {"text": "Muscle twitching (fasciculation)"}
ABSENT_CODE: Json = {
    "coding": [{"system": LOINC, "code": "111551-8", "display": "Symptom absent"}],
    "text": "Symptom absent",
}
SEVERITY_CODE: Json = {"coding": [{"system": LOINC, "code": "64750-3", "display": "Severity of symptoms"}]}
TRIGGER_CODE: Json = {"coding": [{"system": LOINC, "code": "100752-5", "display": "Exacerbating factors - Reported"}]}
QUALITY_CODE: Json = {"coding": [{"system": LOINC, "code": "56823-8", "display": "Problem quality or description"}]}
INTENSITY_CODE: Json = {
    "coding": [{"system": OBSERVATION_SYSTEM, "code": "intensity", "display": "Intensity (1-10)"}],
    "text": "Intensity on the diary's scale from 1 (faint) to 10 (strongest)",
}
SCALE: Json = {"url": SCALE_INFORMATION, "valueCodeableConcept": {"text": "Twitch diary intensity, 1 to 10"}}

# The diary's 1-10 intensity banded the way 0-10 numeric rating scales usually are (1-3 mild,
# 4-6 moderate, 7-10 severe). The band is what the IG's severity binding can say; the number
# itself travels in the component's text and in the intensity component beside it.
SEVERITY_BANDS = (
    (3, "255604002", "Mild"),
    (6, "6736007", "Moderate"),
    (10, "24484000", "Severe"),
)
LATERALITY_CODES = {
    "left": ("7771000", "Left"),
    "right": ("24028007", "Right"),
    "both": ("51440002", "Right and left"),
}
REGION_CODES = {  # region code -> SNOMED CT body structure
    "eyelid": "80243003",
    "forehead": "52795006",
    "cheek": "60819002",
    "mouth": "123851003",
    "tongue": "21974007",
    "jaw": "661005",
    "neck": "45048000",
    "shoulder": "16982005",
    "upper_arm": "40983000",
    "forearm": "14975008",
    "hand": "85562004",
    "chest": "51185008",
    "abdomen": "818983003",
    "lower_back": "37822005",
    "buttock": "46862004",
    "thigh": "68367000",
    "knee": "72696002",
    "foot": "56459004",
}
EPISODES_PER_PROGRESS_STEP = 250

# Treatments taken (a MedicationStatement); the other kinds are things done (a Procedure).
MEDICATION_KINDS = frozenset({TreatmentKind.MEDICATION, TreatmentKind.SUPPLEMENT})
INVESTIGATION_CATEGORIES = {  # investigation kind -> HL7 v2 table 0074
    "emg": ("EN", "Electroneuro (EEG, EMG,EP,PSG)"),
    "nerve_conduction": ("EN", "Electroneuro (EEG, EMG,EP,PSG)"),
    "blood": ("LAB", "Laboratory"),
    "mri": ("NMR", "Nuclear Magnetic Resonance"),
}
# A function check's signs as a reader says them (the symptom a yes reports, a no denies).
SIGN_NAMES = {
    "weakness": "Muscle weakness",
    "wasting": "Muscle wasting (muscles looking thinner)",
    "swallowing": "Difficulty swallowing",
    "speech": "Difficulty speaking",
    "breathing": "Difficulty breathing",
    "balance": "Trouble with balance",
    "numbness_tingling": "Numbness or tingling",
    "vision_hearing": "A change in vision or hearing",
    "cramps": "Muscle cramps",
}
LIMB_CODES = {"arm": "53120007", "leg": "61685007", "hand": "85562004", "face": "89545001"}


def laterality(sides: set[str]) -> list[Json]:
    lateral = {"left", "right"} & sides | ({"left", "right"} if "both" in sides else set())
    if not lateral:
        return []
    code, display = LATERALITY_CODES[lateral.pop() if len(lateral) == 1 else "both"]
    concept = {"coding": [{"system": SNOMED, "code": code, "display": display}], "text": display}
    return [{"url": LATERALITY, "valueCodeableConcept": concept}]
