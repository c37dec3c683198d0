"""Red flags: every episode with a red-flag symptom, and the eyelid rules of the sources
(eyelid twitching with a change in vision, twitching elsewhere in the face, or facial
weakness). Any of them raises a "see a doctor soon" notice that names the episodes."""

from .data import Diary, Episode, Reference
from .findings import EyelidFlag, EyelidRule, RedFlag, RedFlags, SymptomFlag

NOTICE = (
    "See a doctor soon: some episodes came with symptoms that need a prompt medical check. "
    "This is not a diagnosis; it is what the sources advise for these symptoms."
)
EYELID_RULES: tuple[tuple[EyelidRule, str, set[str]], ...] = (
    ("eyelid_with_vision_change", "Eyelid twitching with a change in vision", {"vision_change"}),
    ("eyelid_with_facial_weakness", "Eyelid twitching with facial weakness", {"facial_weakness"}),
    (
        "eyelid_with_twitching_elsewhere_in_face",
        "Eyelid twitching with twitching elsewhere in the face",
        {"facial_twitching_spread"},
    ),
)


def red_flags(diary: Diary, reference: Reference) -> RedFlags:
    flags: list[RedFlag] = []
    for episode in diary.episodes:
        if episode.symptoms:
            flags.extend(_symptom_flags(episode, reference))
        if len(episode.locations) > 1 or episode.symptoms:  # a lone, symptom-free twitch raises nothing
            flags.extend(_eyelid_flags(episode, reference))
    return {"notice": NOTICE if flags else None, "episodes": sorted({f["episode_id"] for f in flags}), "flags": flags}


def _symptom_flags(episode: Episode, reference: Reference) -> list[SymptomFlag]:
    red = [
        reference.symptoms[c] for c in episode.symptoms if c in reference.symptoms and reference.symptoms[c].red_flag
    ]
    if not red:
        return []
    return [
        {
            "episode_id": episode.id,
            "started_at": episode.local_start.isoformat(),
            "rule": "red_flag_symptom",
            "symptoms": sorted(s.code for s in red),
            "advice": [s.advice for s in sorted(red, key=lambda s: s.code)],
        }
    ]


def _eyelid_flags(episode: Episode, reference: Reference) -> list[EyelidFlag]:
    regions = {region for region, _ in episode.locations}
    if "eyelid" not in regions:
        return []
    other_face = {r for r in regions if r != "eyelid" and reference.region_groups.get(r) == "face"}
    flags: list[EyelidFlag] = []
    for rule, text, symptoms in EYELID_RULES:
        matched = sorted(symptoms & set(episode.symptoms))
        if rule == "eyelid_with_twitching_elsewhere_in_face" and other_face:
            matched = sorted({*matched, *other_face})
        if matched:
            flags.append(
                {
                    "episode_id": episode.id,
                    "started_at": episode.local_start.isoformat(),
                    "rule": rule,
                    "description": text,
                    "symptoms": matched,
                }
            )
    return flags
