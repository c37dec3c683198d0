"""The diary's dates: the bounds every date a form, a filter or a range takes lies within (the
model's EARLIEST_DATE to LATEST_DATE), and the one rule for "the same day N years later" that a
report's range and a doctor's link share. Both apps read these; neither's API or pages own them."""

from datetime import date

from django.core.validators import MaxValueValidator, MinValueValidator

from diary.models import EARLIEST_DATE, LATEST_DATE

DATE_BOUNDS = [MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)]


def years_after(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 1 March in a year without it. The one
    rule for a link's range and a report's (tracker.reports.services): a doctor's link must not
    be refused for a range whose PDF is not."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return date(day.year + years, 3, 1)
