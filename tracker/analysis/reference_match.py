"""Which reference conditions describe features the user logged: the overlap, what is
missing, what speaks against, and the sources. Ordered by overlap; benign explanations
included. Material to discuss with a doctor: never a probability, never a verdict."""

from collections import Counter

from .data import Condition, Diary, Feature, Reference
from .findings import MatchedFeature, ReferenceMatch

NOTE = (
    "Features in your diary overlap what the sources describe for this. That is something to "
    "discuss with a doctor; it does not mean you have it, and many people with these features do not."
)


def reference_matches(diary: Diary, reference: Reference) -> list[ReferenceMatch]:
    logged = _logged_features(diary)
    matches = [_match(condition, logged) for condition in reference.conditions]
    return sorted((m for m in matches if m["matched_features"]), key=_overlap)


def _overlap(match: ReferenceMatch) -> tuple[int, int, str]:
    """Order by overlap only: typical features matched first, then all matched, then the name.
    Worked out here rather than kept in the match: the weights are never shown as a score."""
    matched = match["matched_features"]
    return (-sum(1 for f in matched if f["role"] == "typical"), -len(matched), match["name"])


def _logged_features(diary: Diary) -> Counter[tuple[str, str]]:
    """How many episodes logged each feature (a region, trigger or symptom appears at most
    once per episode, which the database guarantees). One counting pass per kind."""
    episodes = diary.episodes
    counts = {
        "region": Counter(region for e in episodes for region, _ in e.locations),
        "symptom": Counter(code for e in episodes for code in e.symptoms),
        "trigger": Counter(code for e in episodes for code in e.triggers),
        "pattern": Counter(e.pattern for e in episodes),
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
    matched = [_feature(f, logged) for f in supportive if (f.kind, f.code) in logged]
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
        "sources": [{"seed": seed, "supports": supports} for seed, supports in condition.sources],
        "note": NOTE,
    }
