"""What the user suspected: how often each trigger was tagged."""

from collections import Counter
from typing import Any

from .data import Diary, Reference


def tagged_triggers(diary: Diary, reference: Reference) -> dict[str, Any]:
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
            for code, n in counts.most_common()
        ],
    }
