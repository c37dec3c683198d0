"""Where: counts by region and side, focal or widespread, and how it spread over time."""

from collections import Counter
from datetime import date

from diary.plain import Diary

from .data import Reference
from .findings import Extent, Locations

NEW_WITHIN_DAYS = 30
FOCAL_SHARE = 0.75
WIDESPREAD_GROUPS = 3
GROUP_SHARE = 0.1


def locations(diary: Diary, reference: Reference) -> Locations:
    regions: Counter[str] = Counter()
    sides: Counter[tuple[str, str]] = Counter()
    first_seen: dict[str, date] = {}
    for episode in diary.episodes:
        for region, side in episode.locations:
            regions[region] += 1
            sides[(region, side)] += 1
            day = episode.local_date
            if region not in first_seen or day < first_seen[region]:
                first_seen[region] = day
    groups: Counter[str] = Counter()
    for region, count in regions.items():
        groups[reference.region_groups.get(region, "other")] += count
    new = _new_recently(diary, first_seen)
    return {
        "by_region": [
            {"region": r, "name": reference.region_names.get(r, r), "episodes": n} for r, n in regions.most_common()
        ],
        "by_side": [{"region": r, "side": s, "episodes": n} for (r, s), n in sides.most_common()],
        "by_group": dict(groups.most_common()),
        "extent": _extent(regions, groups),
        "first_seen": {r: d.isoformat() for r, d in sorted(first_seen.items(), key=lambda item: item[1])},
        "new_in_last_30_days": sorted(new),
        "new_recently": [
            {
                "region": r,
                "name": reference.region_names.get(r, r),
                "first_seen": first_seen[r].isoformat(),
                "episodes": regions[r],
            }
            for r in sorted(new, key=lambda r: (first_seen[r], r))
        ],
    }


def _new_recently(diary: Diary, first_seen: dict[str, date]) -> list[str]:
    """The places first logged in the last NEW_WITHIN_DAYS days, and never before the period.
    Only if the diary reaches back before that window: on day one everything is "new"."""
    earlier = diary.earlier
    known = earlier.regions if earlier else frozenset()
    days = [d.toordinal() for d in first_seen.values()] + ([earlier.since.toordinal()] if earlier else [])
    # Ordinals: 30 days before the calendar's first days is a number, not an OverflowError.
    cutoff = diary.end.toordinal() - (NEW_WITHIN_DAYS - 1)
    if not days or min(days) >= cutoff:
        return []
    return [r for r, d in first_seen.items() if d.toordinal() >= cutoff and r not in known]


def _extent(regions: Counter[str], groups: Counter[str]) -> Extent:
    total = sum(regions.values())
    if total == 0:
        return "none"
    if regions.most_common(1)[0][1] / total >= FOCAL_SHARE:
        return "focal"
    if sum(1 for n in groups.values() if n / total >= GROUP_SHARE) >= WIDESPREAD_GROUPS:
        return "widespread"
    return "multifocal"
