"""Which reference conditions describe features the user logged: the overlap, what is
missing, what speaks against, and the sources. Ordered by overlap; benign explanations
included. Material to discuss with a doctor: never a probability, never a verdict."""

from collections import Counter
from typing import Any

from .data import Condition, Diary, Feature, Reference

NOTE = (
    "Features in your diary overlap what the sources describe for this. That is something to "
    "discuss with a doctor; it does not mean you have it, and many people with these features do not."
)


def reference_matches(diary: Diary, reference: Reference) -> list[dict[str, Any]]:
    logged = _logged_features(diary)
    matches = [_match(condition, logged) for condition in reference.conditions]
    overlapping = [m for m in matches if m["matched_features"]]
    # Order by overlap only (typical features first); the weights are never shown as a score.
    return sorted(overlapping, key=lambda m: (-m["_typical"], -len(m["matched_features"]), m["name"]))


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


def _feature(feature: Feature, logged: Counter[tuple[str, str]]) -> dict[str, Any]:
    return {
        "kind": feature.kind,
        "code": feature.code,
        "role": feature.role,
        "note": feature.note,
        "episodes": logged.get((feature.kind, feature.code), 0),
    }


def _match(condition: Condition, logged: Counter[tuple[str, str]]) -> dict[str, Any]:
    supportive = [f for f in condition.features if f.role != "against"]
    matched = [_feature(f, logged) for f in supportive if (f.kind, f.code) in logged]
    result = {
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
        "_typical": sum(1 for f in matched if f["role"] == "typical"),
    }
    return result
