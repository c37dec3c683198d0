"""Red flags: every episode with a red-flag symptom, and the eyelid rules of the sources
(eyelid twitching with a change in vision, twitching elsewhere in the face, or facial
weakness). Any of them raises a "see a doctor soon" notice that names the episodes.

The eyelid rules look at the person's whole local day, not one episode: people log an eyelid
twitch in the morning and the cheek or the facial weakness in the afternoon as separate
episodes. Two episodes on different local dates are never paired, however close in time.

Flags come in one order: by local date; within a day the symptom flags first, one per episode
by local start (then id), then the eyelid flags in the order of EYELID_RULES.

A weekly function check that answers yes to a warning sign (weakness, wasting, trouble
swallowing...; not cramps) raises the same notice. It names no episode, so it is listed apart
(`function_checks`), one entry per check by date, and `flags` keeps its shape: each names an
episode."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple

from diary.plain import FUNCTION_SIGN_SYMPTOMS, FUNCTION_WARNING_SIGNS, Diary, Episode, FunctionCheck

from .data import Reference
from .findings import EyelidFlag, EyelidRule, FunctionCheckFlag, RedFlag, RedFlags, SymptomFlag

NOTICE = (
    "See a doctor soon: some episodes came with symptoms, eyelid twitching came with other signs in the face or "
    "eyes, or a weekly function check answered yes to a warning sign, that call for a prompt medical check. This "
    "is not a diagnosis: the sources advise a check for these signs, and say that eyelid twitching is generally "
    "harmless unless it comes with such signs."
)
EYELID = "eyelid"


class EyelidRuleSpec(NamedTuple):
    rule: EyelidRule
    description: str
    symptoms: frozenset[str]  # symptom codes that are evidence for the rule
    other_face_regions: bool  # whether twitching in a face region other than the eyelid is evidence


EYELID_RULES: tuple[EyelidRuleSpec, ...] = (
    EyelidRuleSpec(
        "eyelid_with_vision_change", "Eyelid twitching with a change in vision", frozenset({"vision_change"}), False
    ),
    EyelidRuleSpec(
        "eyelid_with_facial_weakness", "Eyelid twitching with facial weakness", frozenset({"facial_weakness"}), False
    ),
    EyelidRuleSpec(
        "eyelid_with_twitching_elsewhere_in_face",
        "Eyelid twitching with twitching elsewhere in the face",
        frozenset({"facial_twitching_spread"}),
        True,
    ),
)
EVIDENCE_SYMPTOMS: frozenset[str] = frozenset().union(*(spec.symptoms for spec in EYELID_RULES))

# (local date, 0 for a symptom flag or 1 + the eyelid rule's index, local start, episode id)
Rank = tuple[date, int, datetime, str]


def red_flags(diary: Diary, reference: Reference) -> RedFlags:
    ranked: list[tuple[Rank, RedFlag]] = [
        *_symptom_flags(diary.episodes, reference),
        *_eyelid_flags(diary.episodes, reference),
    ]
    ranked.sort(key=lambda pair: pair[0])  # each rank is unique: no tie is left to the input order
    flags = [flag for _, flag in ranked]
    involved = sorted({episode_id for flag in flags for episode_id in flag["episode_ids"]})
    checks = function_check_flags(diary.function_checks, reference)
    return {
        "notice": NOTICE if flags or checks else None,
        "episodes": involved,
        "flags": flags,
        "function_checks": checks,
    }


def function_check_flags(checks: Sequence[FunctionCheck], reference: Reference) -> list[FunctionCheckFlag]:
    """The checks that answered yes to any warning sign, by date, each with those signs and the
    advice of the red-flag symptom each sign is (FUNCTION_SIGN_SYMPTOMS), as an episode's flag."""
    found: list[FunctionCheckFlag] = []
    for check in sorted(checks, key=lambda c: c.day):
        signs = [sign for sign in FUNCTION_WARNING_SIGNS if check.answer(sign) is True]
        if signs:
            symptoms = [reference.symptoms.get(FUNCTION_SIGN_SYMPTOMS[sign]) for sign in signs]
            advice = list(dict.fromkeys(symptom.advice for symptom in symptoms if symptom and symptom.advice))
            found.append({"date": check.day.isoformat(), "signs": signs, "advice": advice})
    return found


def _symptom_flags(episodes: Sequence[Episode], reference: Reference) -> list[tuple[Rank, SymptomFlag]]:
    red = {code: symptom for code, symptom in reference.symptoms.items() if symptom.red_flag}
    ranked: list[tuple[Rank, SymptomFlag]] = []
    for episode in (e for e in episodes if e.symptoms):  # most episodes have none: skip them cheaply
        codes = sorted({code for code in episode.symptoms if code in red})
        if not codes:
            continue
        flag: SymptomFlag = {
            "episode_id": episode.id,
            "started_at": episode.local_start.isoformat(),
            "date": episode.local_date.isoformat(),
            "episode_ids": [episode.id],
            "rule": "red_flag_symptom",
            "symptoms": codes,
            "advice": [red[code].advice for code in codes],
        }
        ranked.append(((episode.local_date, 0, episode.local_start, episode.id), flag))
    return ranked


# (episode, code): the episode twitched at the eyelid (code "eyelid") or at another face region
# (its code), or logged one of the EVIDENCE_SYMPTOMS (its code); none of those is a region code.
Evidence = tuple[Episode, str]


def _eyelid_flags(episodes: Sequence[Episode], reference: Reference) -> list[tuple[Rank, EyelidFlag]]:
    other_face = frozenset(r for r, group in reference.region_groups.items() if group == "face" and r != EYELID)
    wanted = [spec.symptoms | other_face if spec.other_face_regions else spec.symptoms for spec in EYELID_RULES]
    by_day = _evidence_by_day(episodes, other_face | {EYELID})
    return [pair for same_day in by_day.values() for pair in _day_flags(same_day, wanted)]


def _evidence_by_day(episodes: Sequence[Episode], face: frozenset[str]) -> dict[date, list[Evidence]]:
    """The evidence on each local day with an eyelid episode. Two flat passes over the diary (its
    locations, then its symptoms) keep only the (episode, code) pairs that can count, and only
    they are grouped by day. A set or a record built per episode instead measured 1.6 to 1.8 times
    slower on 100,000 episodes: this is the step whose cost grows with the diary."""
    found = [(e, region) for e in episodes for region, _ in e.locations if region in face]
    days = {e.local_date for e, code in found if code == EYELID}
    if not days:
        return {}
    found += [(e, code) for e in episodes if e.symptoms for code in e.symptoms if code in EVIDENCE_SYMPTOMS]
    by_day: defaultdict[date, list[Evidence]] = defaultdict(list)
    for e, code in found:
        if e.local_date in days:
            by_day[e.local_date].append((e, code))
    return by_day


def _day_flags(same_day: list[Evidence], wanted: list[frozenset[str]]) -> list[tuple[Rank, EyelidFlag]]:
    """One flag per eyelid rule with evidence anywhere in this local day. A day of eyelid
    twitches alone has none: the sources call a lone eyelid twitch generally harmless."""
    same_day.sort(key=lambda pair: (pair[0].local_start, pair[0].id))  # one episode's pairs end up together
    first = next(e for e, code in same_day if code == EYELID)
    ranked: list[tuple[Rank, EyelidFlag]] = []
    for index, (spec, codes) in enumerate(zip(EYELID_RULES, wanted, strict=True)):
        matched = {code for _, code in same_day if code in codes}
        if not matched:
            continue
        # In start order, each episode once: dict keys keep the place where they first came.
        involved = dict.fromkeys(e.id for e, code in same_day if code == EYELID or code in codes)
        flag: EyelidFlag = {
            "episode_id": first.id,
            "started_at": first.local_start.isoformat(),
            "date": first.local_date.isoformat(),
            "episode_ids": list(involved),
            "rule": spec.rule,
            "description": spec.description,
            "symptoms": sorted(matched),
        }
        ranked.append(((first.local_date, 1 + index, first.local_start, first.id), flag))
    return ranked
