"""What the user suspected: how often each trigger was tagged."""

from collections import Counter

from diary.plain import Diary

from .data import Reference
from .findings import Triggers


def tagged_triggers(diary: Diary, reference: Reference) -> Triggers:
    counts = Counter(code for e in diary.episodes for code in set(e.triggers))
    total = len(diary.episodes)
    return {
        "episodes_with_a_trigger": sum(1 for e in diary.episodes if e.triggers),
        "by_trigger": [
            {
                "trigger": code,
                "name": reference.trigger_names.get(code, code),
                "episodes": n,
                "share": round(n / total, 3) if total else 0.0,
            }
            # Most tagged first, ties by code: the same diary lists them in the same order in
            # every process (a set's order changes with Python's string-hash seed).
            for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        ],
    }
