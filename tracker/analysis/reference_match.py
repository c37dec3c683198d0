"""Which reference conditions the diary gives real grounds to mention to a doctor: material to
discuss, never a probability, never a verdict.

A condition is listed only when the diary shows at least MIN_CHARACTERISTIC of the symptoms or
triggers its sources describe as characteristic of it (role "typical"): weakness with wasting
for ALS, exercise and cramps for benign fasciculation, caffeine and stress for eyelid twitching.
A body place or a twitch pattern never counts, since nearly every condition twitches somewhere
and in some pattern; a place that a condition is named after (the eyelid) is a precondition
instead: eyelid twitching is not listed for a diary with no eyelid episode. At most
MAX_LISTED, benign explanations first when nothing in the diary speaks against them, then by
how many characteristic features match. The ordering is never shown as a score."""

from collections import Counter

from diary.plain import Diary

from .data import Condition, Feature, Reference
from .findings import MatchedFeature, ReferenceMatch

MIN_CHARACTERISTIC = 2
MAX_LISTED = 5
COUNTED_KINDS = frozenset({"symptom", "trigger"})

NOTE = (
    "Some features in the diary are among those the sources describe for this. That is material to discuss "
    "with a doctor; it does not mean having it, and many people with these features do not."
)


def reference_matches(diary: Diary, reference: Reference) -> list[ReferenceMatch]:
    logged = _logged_features(diary)
    listed = [_match(condition, logged) for condition in reference.conditions if _has_grounds(condition, logged)]
    return sorted(listed, key=_order)[:MAX_LISTED]


def characteristic(feature: Feature | MatchedFeature) -> bool:
    """Whether a feature counts towards listing its condition."""
    kind, role = (feature.kind, feature.role) if isinstance(feature, Feature) else (feature["kind"], feature["role"])
    return role == "typical" and kind in COUNTED_KINDS


def _has_grounds(condition: Condition, logged: Counter[tuple[str, str]]) -> bool:
    places = [f for f in condition.features if f.role == "typical" and f.kind == "region"]
    if places and not any((f.kind, f.code) in logged for f in places):
        return False
    counted = sum(1 for f in condition.features if characteristic(f) and (f.kind, f.code) in logged)
    return counted >= MIN_CHARACTERISTIC


def _order(match: ReferenceMatch) -> tuple[bool, bool, int, int, str]:
    """Benign explanations with nothing against them first, then by characteristic features
    matched, then by those not recorded (fewer first), then by name. Places and patterns play no
    part: they do not rank a condition any more than they list it."""
    return (
        bool(match["against_features"]),
        not match["benign"],
        -sum(1 for f in match["matched_features"] if characteristic(f)),
        sum(1 for f in match["missing_features"] if characteristic(f)),
        match["name"],
    )


def _logged_features(diary: Diary) -> Counter[tuple[str, str]]:
    """How many episodes logged each feature (a region, trigger or symptom appears at most
    once per episode, which the database guarantees). One counting pass per kind."""
    episodes = diary.episodes
    counts = {
        "region": Counter(region for e in episodes for region, _ in e.locations),
        "symptom": Counter(code for e in episodes for code in e.symptoms),
        "trigger": Counter(code for e in episodes for code in e.triggers),
        "pattern": Counter(e.pattern for e in episodes if e.pattern is not None),
    }
    return Counter({(kind, code): n for kind, found in counts.items() for code, n in found.items()})


def _feature(feature: Feature, logged: Counter[tuple[str, str]]) -> MatchedFeature:
    return {
        "kind": feature.kind,
        "code": feature.code,
        "role": feature.role,
        "note": feature.note,
        "episodes": logged.get((feature.kind, feature.code), 0),
    }


def _match(condition: Condition, logged: Counter[tuple[str, str]]) -> ReferenceMatch:
    supportive = [f for f in condition.features if f.role != "against"]
    # What counts first: a reader sees the grounds before the context.
    matched = sorted(
        (_feature(f, logged) for f in supportive if (f.kind, f.code) in logged), key=lambda f: not characteristic(f)
    )
    return {
        "slug": condition.slug,
        "name": condition.name,
        "category": condition.category,
        "benign": condition.category == "benign",
        "matched_features": matched,
        "missing_features": [_feature(f, logged) for f in supportive if (f.kind, f.code) not in logged],
        "against_features": [
            _feature(f, logged) for f in condition.features if f.role == "against" and (f.kind, f.code) in logged
        ],
        "sources": [
            {"seed": source.seed, "title": source.title, "supports": source.supports} for source in condition.sources
        ],
        "note": NOTE,
    }
