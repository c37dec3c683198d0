"""Short texts for times and durations, shared by the diary's pages and the tracker's reports
(which import them from here: imports flow tracker -> diary, never back)."""

from datetime import date, datetime

STILL_GOING = "still going"


def day_text(day: date) -> str:
    """6 Dec 2026: the one date style of every sentence a person or a doctor reads, whatever
    their locale's order of day and month."""
    return f"{day.day} {day:%b %Y}"


def offset_text(minutes: int) -> str:
    """+01:00, -03:30, +00:00."""
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"


def duration_text(seconds: int | None) -> str:
    """45 s, 10 min, 2 min 30 s, 1 h 5 min; "still going" for an episode without a duration yet."""
    if seconds is None:
        return STILL_GOING
    if seconds < 60:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    if minutes >= 60:
        hours, minutes = divmod(minutes, 60)
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def still_going_text(local_start: datetime, today: date) -> str:
    """ "still going since 15:04", on the clock the episode started by; with its day when that
    is not `today` ("still going since Thu 19 Nov, 15:04"), and its year when another one."""
    if local_start.date() == today:
        return f"{STILL_GOING} since {local_start:%H:%M}"
    year = f" {local_start.year}" if local_start.year != today.year else ""
    return f"{STILL_GOING} since {local_start:%a} {local_start.day} {local_start:%b}{year}, {local_start:%H:%M}"


def location_text(region: str, side: str) -> str:
    """Where, as a reader says it: "Calf (left)", "Tongue (midline)", from the region's and the
    side's names."""
    return f"{region} ({side.lower()})"
