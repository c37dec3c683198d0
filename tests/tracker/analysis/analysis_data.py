"""Hand-built diaries for the analysis tests."""

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from diary.plain import CheckIn, Diary, Episode
from tracker.analysis.data import Condition, Feature, Reference, Source, Symptom

START = date(2026, 6, 1)


def episode(
    n: int,
    when: datetime,
    regions: Sequence[tuple[str, str]] = (("eyelid", "left"),),
    triggers: Sequence[str] = (),
    symptoms: Sequence[str] = (),
    intensity: int = 3,
    duration: int | None = 30,  # None: still going
    pattern: str | None = "intermittent_bursts",
) -> Episode:
    return Episode(
        id=f"e{n}",
        local_start=when,
        local_date=when.date(),
        duration_seconds=duration,
        intensity=intensity,
        pattern=pattern,
        locations=tuple(regions),
        triggers=tuple(triggers),
        symptoms=tuple(symptoms),
    )


def at(day: int, hour: float = 20.0) -> datetime:
    return datetime.combine(START + timedelta(days=day), datetime.min.time()) + timedelta(hours=hour)


def diary(episodes: Sequence[Episode], checkins: Sequence[CheckIn] = (), days: int = 120) -> Diary:
    return Diary(episodes=episodes, checkins=checkins, start=START, end=START + timedelta(days=days - 1))


REFERENCE = Reference(
    version="test",
    symptoms={
        "weakness": Symptom("weakness", "Muscle weakness", True, "See a doctor soon about weakness."),
        "vision_change": Symptom("vision_change", "Vision change", True, "See a doctor soon about vision."),
        "facial_weakness": Symptom("facial_weakness", "Facial weakness", True, "See a doctor soon."),
        "facial_twitching_spread": Symptom(
            "facial_twitching_spread", "Twitching spreading across the face", True, "See a doctor soon about the face."
        ),
        "cramp": Symptom("cramp", "Cramp", False),
        "dry_eye": Symptom("dry_eye", "Dry eye", False),
    },
    region_groups={
        "eyelid": "face",
        "forehead": "face",
        "cheek": "face",
        "mouth": "face",
        "chin": "face",
        "calf": "leg",
        "thigh": "leg",
        "hand": "arm",
        "chest": "trunk",
    },
    region_names={"eyelid": "Eyelid", "calf": "Calf"},
    trigger_names={"caffeine": "Caffeine", "exercise": "Exercise"},
    conditions=(
        Condition(
            "benign-fasciculation-syndrome",
            "Benign fasciculation syndrome",
            "benign",
            (
                Feature("region", "calf", "supporting"),
                Feature("trigger", "exercise", "typical"),
                Feature("symptom", "cramp", "typical"),
                Feature("symptom", "weakness", "against"),
            ),
            (Source("003_f617ebba62bb73a1.txt", "Diseases That Cause Muscle Twitches", "calves, exercise, cramps"),),
        ),
        Condition(
            "eyelid-twitching-lifestyle",
            "Eyelid twitching from caffeine, fatigue or stress",
            "benign",
            (
                Feature("region", "eyelid", "typical"),
                Feature("trigger", "caffeine", "typical"),
                Feature("trigger", "stress", "typical"),
                Feature("symptom", "vision_change", "against"),
            ),
            (Source("003_f617ebba62bb73a1.txt", "Diseases That Cause Muscle Twitches", "eyelid, caffeine"),),
        ),
        Condition(
            "amyotrophic-lateral-sclerosis",
            "Amyotrophic lateral sclerosis (ALS)",
            "motor_neuron",
            (Feature("symptom", "weakness", "typical"), Feature("symptom", "muscle_wasting", "typical")),
            (Source("003_f617ebba62bb73a1.txt", "Diseases That Cause Muscle Twitches", "weakness and muscle loss"),),
        ),
    ),
)
