import dataclasses
import io
import json
import time
import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient

from diary.models import Episode
from diary.services import LocationInput, profile_update
from tests.factories import EpisodeFactory
from tests.tracker.reports.conftest import FROM, TO
from tracker.reports import FORMATS
from tracker.reports.assembly import ReportData, report_assemble

GENERATED = datetime(2026, 11, 15, 9, 0, tzinfo=UTC)
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
LOCATION_QUALIFIER = "http://hl7.org/fhir/uv/symptoms/StructureDefinition/LocationQualifier"
LATERALITY = "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-laterality-qualifier"
SUPPORTING_INFO = "http://hl7.org/fhir/StructureDefinition/workflow-supportingInfo"

Json = dict[str, Any]


def assemble(alice: User, *, include_notes: bool = False, date_from: date = FROM, date_to: date = TO) -> ReportData:
    return report_assemble(
        user_id=alice.pk, date_from=date_from, date_to=date_to, include_notes=include_notes, now=GENERATED
    )


def render(report: ReportData) -> bytes:
    out = io.BytesIO()
    FORMATS["fhir"].render(report, out)
    return out.getvalue()


def observations(raw: bytes) -> dict[str, Json]:
    """The Observations by the episode id in their identifier."""
    entries = json.loads(raw)["entry"]
    found = {}
    for entry in entries:
        resource = entry["resource"]
        if resource["resourceType"] == "Observation":
            [identifier] = resource["identifier"]
            assert identifier["system"] == "urn:twitch-diary:episode"
            found[identifier["value"]] = resource
    return found


def components(resource: Json, loinc: str) -> list[Json]:
    return [c for c in resource["component"] if c["code"]["coding"][0]["code"] == loinc]


def extensions(element: Json, url: str) -> list[Json]:
    return [e for e in element.get("extension", []) if e["url"] == url]


def test_it_writes_a_bundle_that_fhir_resources_reads_with_one_observation_per_episode(
    alice: User, diary: list[Episode]
) -> None:
    report = assemble(alice)
    bundle = Bundle.model_validate_json(render(report))
    assert bundle.type == "collection"
    assert bundle.timestamp == GENERATED
    assert bundle.identifier is not None
    assert bundle.identifier.system == "urn:twitch-diary:report"
    assert bundle.entry is not None
    patient, *rest = [entry.resource for entry in bundle.entry]
    assert isinstance(patient, Patient)
    assert all(isinstance(resource, Observation) for resource in rest)
    assert [r.identifier[0].value for r in rest] == [e.id for e in report.episodes] == [str(e.id) for e in diary[1:5]]
    assert [entry.fullUrl for entry in bundle.entry[1:]] == [f"urn:uuid:{e.id}" for e in report.episodes]


def test_it_follows_the_symptom_observation_profile(alice: User, diary: list[Episode]) -> None:
    raw = render(assemble(alice))
    patient_url = json.loads(raw)["entry"][0]["fullUrl"]
    assert patient_url.startswith("urn:uuid:")
    for resource in observations(raw).values():
        assert resource["meta"]["profile"] == ["http://hl7.org/fhir/uv/symptoms/StructureDefinition/SymptomObservation"]
        assert resource["status"] == "final"
        assert resource["category"][0]["coding"][0] == {
            "system": "http://hl7.org/fhir/uv/symptoms/CodeSystem/SymptomTemporary",
            "code": "symptom",
            "display": "Symptom",
        }
        assert resource["code"]["coding"] == [{"system": LOINC, "code": "75325-1", "display": "Symptom"}]
        assert resource["valueCodeableConcept"] == {"text": "Muscle twitching (fasciculation)"}
        assert resource["subject"] == {"reference": patient_url}
        assert resource["performer"] == [{"reference": patient_url}]


def test_it_gives_each_episode_its_period_at_the_offset_it_was_logged_with(alice: User, diary: list[Episode]) -> None:
    travelling = EpisodeFactory(
        user=alice, started_at=datetime(2026, 11, 10, 15, 0, tzinfo=UTC), utc_offset_minutes=-300, duration_seconds=90
    )
    raw = render(assemble(alice))
    by_id = observations(raw)
    assert by_id[str(diary[2].id)]["effectivePeriod"] == {
        "start": "2026-11-05T20:00:00+01:00",
        "end": "2026-11-05T20:10:00+01:00",
    }
    assert by_id[str(travelling.id)]["effectivePeriod"] == {
        "start": "2026-11-10T10:00:00-05:00",
        "end": "2026-11-10T10:01:30-05:00",
    }
    # The same instants as the diary's, once read back as FHIR.
    parsed = {o.identifier[0].value: o for o in _parsed_observations(raw)}
    for episode in [*diary[1:5], travelling]:
        period = parsed[str(episode.id)].effectivePeriod
        assert period.start == episode.started_at
        assert (period.end - period.start).total_seconds() == episode.duration_seconds


def test_it_gives_each_place_with_its_side(alice: User, diary: list[Episode]) -> None:
    at = datetime(2026, 11, 9, 8, 0, tzinfo=UTC)
    tongue = EpisodeFactory(user=alice, started_at=at, locations=[LocationInput("tongue", "midline")])
    calves = EpisodeFactory(user=alice, started_at=at, locations=[LocationInput("calf", "both")])
    left_face = EpisodeFactory(
        user=alice, started_at=at, locations=[LocationInput("eyelid", "left"), LocationInput("cheek", "left")]
    )
    by_id = observations(render(assemble(alice)))

    eyelid = by_id[str(diary[1].id)]["bodySite"]  # the factory's default place
    assert eyelid["coding"] == [{"system": SNOMED, "code": "80243003"}]
    assert eyelid["text"] == "Eyelid (left)"
    assert [e["valueString"] for e in extensions(eyelid, LOCATION_QUALIFIER)] == ["Eyelid (left)"]
    assert _laterality(eyelid) == "7771000"

    busy = by_id[str(diary[2].id)]["bodySite"]  # calf left and thigh right: no one code says both
    assert "coding" not in busy
    assert busy["text"] == "Calf (left), Thigh (right)"
    assert [e["valueString"] for e in extensions(busy, LOCATION_QUALIFIER)] == ["Calf (left)", "Thigh (right)"]
    assert _laterality(busy) == "51440002"

    midline = by_id[str(tongue.id)]["bodySite"]
    assert midline["coding"] == [{"system": SNOMED, "code": "21974007"}]
    assert midline["text"] == "Tongue (midline)"
    assert extensions(midline, LATERALITY) == []

    both_calves = by_id[str(calves.id)]["bodySite"]
    assert "coding" not in both_calves  # no verified code for the calf: text only
    assert both_calves["text"] == "Calf (both sides)"
    assert _laterality(both_calves) == "51440002"

    face = by_id[str(left_face.id)]["bodySite"]  # two places, one side: the side is still left
    assert "coding" not in face
    assert _laterality(face) == "7771000"


def test_it_gives_the_severity_as_the_ig_codes_it_and_the_number(alice: User, diary: list[Episode]) -> None:
    EpisodeFactory(user=alice, started_at=datetime(2026, 11, 9, 8, 0, tzinfo=UTC), intensity=4)
    report = assemble(alice)
    by_id = observations(render(report))
    bands = {"255604002": range(1, 4), "6736007": range(4, 7), "24484000": range(7, 11)}
    seen = set()
    for episode in report.episodes:
        resource = by_id[episode.id]
        [severity] = components(resource, "64750-3")
        [coding] = severity["valueCodeableConcept"]["coding"]
        assert coding["system"] == SNOMED
        assert episode.intensity in bands[coding["code"]]
        assert severity["valueCodeableConcept"]["text"].startswith(f"{episode.intensity} of 10 (")
        [number] = [c for c in resource["component"] if c["code"]["coding"][0]["code"] == "intensity"]
        assert number["valueInteger"] == episode.intensity
        seen.add(coding["code"])
    assert seen == {"255604002", "6736007", "24484000"}  # 3 (default), 4 and 7


def test_it_gives_triggers_as_exacerbating_factors_and_the_rest_of_the_episode(
    alice: User, diary: list[Episode]
) -> None:
    by_id = observations(render(assemble(alice)))
    busy = by_id[str(diary[2].id)]
    triggers = components(busy, "100752-5")
    assert sorted(c["valueCodeableConcept"]["text"] for c in triggers) == ["Caffeine", "Exercise"]
    assert [c["code"]["coding"][0]["display"] for c in triggers] == ["Exacerbating factors - Reported"] * 2
    [pattern] = components(busy, "56823-8")
    assert pattern["valueCodeableConcept"]["text"] == "Continuous rippling"
    assert [e["valueReference"] for e in extensions(busy, SUPPORTING_INFO)] == [
        {"type": "Observation", "display": "Muscle weakness"}
    ]

    plain = by_id[str(diary[1].id)]  # no trigger, no accompanying symptom: nothing said of them
    assert components(plain, "100752-5") == []
    assert "extension" not in plain


def test_it_names_no_one_in_the_patient_until_the_person_sets_a_display_name(alice: User, diary: list[Episode]) -> None:
    raw = render(assemble(alice))
    patient = json.loads(raw)["entry"][0]["resource"]
    assert patient == {
        "resourceType": "Patient",
        "identifier": [{"system": "urn:twitch-diary:user", "value": str(alice.pk)}],
    }
    assert b"alice" not in raw  # the user name is often a real name: it is not sent


def test_it_gives_the_patient_the_display_name_and_date_of_birth_the_person_set(
    alice: User, diary: list[Episode]
) -> None:
    profile_update(user=alice, display_name="  A. Martin ", date_of_birth=date(1980, 5, 17))
    raw = render(assemble(alice))
    patient = json.loads(raw)["entry"][0]["resource"]
    assert patient["name"] == [{"text": "A. Martin"}]
    assert patient["birthDate"] == "1980-05-17"
    assert b"alice" not in raw  # still never the user name
    [parsed, *_] = [entry.resource for entry in Bundle.model_validate_json(raw).entry or []]
    assert isinstance(parsed, Patient)
    assert parsed.birthDate == date(1980, 5, 17)


def test_it_gives_the_patient_each_of_them_only_when_set(alice: User, diary: list[Episode]) -> None:
    profile_update(user=alice, date_of_birth=date(1980, 5, 17))
    patient = json.loads(render(assemble(alice)))["entry"][0]["resource"]
    assert (patient.get("name"), patient["birthDate"]) == (None, "1980-05-17")

    profile_update(user=alice, display_name="A. Martin", date_of_birth=None)
    patient = json.loads(render(assemble(alice)))["entry"][0]["resource"]
    assert (patient["name"], patient.get("birthDate")) == ([{"text": "A. Martin"}], None)


def test_it_gives_each_episode_the_onset_and_the_diary_s_first_entry_as_a_note(
    alice: User, diary: list[Episode]
) -> None:
    profile_update(user=alice, twitching_since=date(2026, 6, 1))
    raw = render(assemble(alice))
    Bundle.model_validate_json(raw)
    since = {
        "text": "Twitching since 2026-06-01 (onset as reported by the patient; may predate the diary). "
        "Diary's first entry: 2026-10-31."  # the episode at 23:30 in Paris the day before the range
    }
    assert [resource["note"] for resource in observations(raw).values()] == [[since]] * 4
    with_notes = observations(render(assemble(alice, include_notes=True)))
    assert with_notes[str(diary[2].id)]["note"] == [since, {"text": '=HYPERLINK("http://evil.example","click")'}]


def test_it_says_only_the_first_entry_when_no_onset_is_set(alice: User, diary: list[Episode]) -> None:
    report = assemble(alice, date_from=date(2026, 10, 1))  # the diary starts within this range
    assert report.first_entry == date(2026, 10, 31)
    for resource in observations(render(report)).values():
        assert resource["note"] == [{"text": "Diary's first entry: 2026-10-31."}]
        assert "Twitching since" not in json.dumps(resource)


def test_it_keeps_the_patient_id_across_reports_of_one_diary(alice: User, bob: User, diary: list[Episode]) -> None:
    first, again = render(assemble(alice)), render(assemble(alice, date_to=date(2026, 11, 30)))
    other = render(assemble(bob))
    assert json.loads(first)["entry"][0]["fullUrl"] == json.loads(again)["entry"][0]["fullUrl"]
    assert json.loads(first)["entry"][0]["fullUrl"] != json.loads(other)["entry"][0]["fullUrl"]


def test_it_writes_a_valid_bundle_with_only_the_patient_for_an_empty_range(alice: User, diary: list[Episode]) -> None:
    raw = render(assemble(alice, date_from=date(2026, 12, 1), date_to=date(2026, 12, 31)))
    bundle = Bundle.model_validate_json(raw)
    assert bundle.entry is not None
    assert [type(entry.resource) for entry in bundle.entry] == [Patient]


def test_it_sends_notes_only_when_the_report_includes_them(alice: User, diary: list[Episode]) -> None:
    first_entry = {"text": "Diary's first entry: 2026-10-31."}  # always said: not one of the person's notes
    without = render(assemble(alice))
    assert all(resource["note"] == [first_entry] for resource in observations(without).values())
    assert b"HYPERLINK" not in without

    with_notes = observations(render(assemble(alice, include_notes=True)))
    assert with_notes[str(diary[2].id)]["note"] == [first_entry, {"text": '=HYPERLINK("http://evil.example","click")'}]
    assert with_notes[str(diary[1].id)]["note"] == [first_entry]  # an episode without notes gets no empty one


def test_it_renders_without_a_query_and_reports_progress(
    alice: User,
    diary: list[Episode],
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    report = assemble(alice)
    # Read on first use, as the findings are: part of the assembly (three queries), not of the rendering.
    assert report.clinical_records.treatments == []
    seen: list[int] = []
    with django_assert_num_queries(0):
        FORMATS["fhir"].render(report, io.BytesIO(), seen.append)
    assert seen == sorted(seen)
    assert seen[-1] == 100


@pytest.mark.parametrize("count", [1000])
def test_it_renders_a_thousand_episodes(alice: User, diary: list[Episode], count: int) -> None:
    report = assemble(alice)
    template = report.episodes[1]  # the busy one: two places, triggers, a symptom
    many = [dataclasses.replace(template, id=str(uuid.uuid4())) for _ in range(count)]
    report = dataclasses.replace(report, episodes=many)
    started = time.perf_counter()
    raw = render(report)
    elapsed = time.perf_counter() - started
    print(f"\nFHIR Bundle of {count} episodes: {elapsed:.2f} s, {len(raw) / 1e6:.1f} MB")
    assert set(observations(raw)) == {episode.id for episode in many}


def _parsed_observations(raw: bytes) -> list[Observation]:
    bundle = Bundle.model_validate_json(raw)
    assert bundle.entry is not None
    return [entry.resource for entry in bundle.entry if isinstance(entry.resource, Observation)]


def _laterality(site: Json) -> str:
    [extension] = extensions(site, LATERALITY)
    [coding] = extension["valueCodeableConcept"]["coding"]
    assert coding["system"] == SNOMED
    return str(coding["code"])


def test_an_episode_still_going_has_a_start_and_no_end_and_is_preliminary(
    alice: User, diary: list[Episode], still_going: Episode
) -> None:
    raw = render(assemble(alice))
    resource = observations(raw)[str(still_going.id)]
    assert resource["effectivePeriod"] == {"start": "2026-11-10T07:30:00+01:00"}
    assert resource["status"] == "preliminary"  # its duration is still to come
    assert {o["status"] for key, o in observations(raw).items() if key != str(still_going.id)} == {"final"}
    [parsed] = [o for o in _parsed_observations(raw) if o.identifier[0].value == str(still_going.id)]
    assert (parsed.effectivePeriod.start, parsed.effectivePeriod.end) == (still_going.started_at, None)
