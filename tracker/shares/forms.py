"""The share link's form on the reports page: a range chosen as a report's is
(tracker.reports.forms.RangeForm), a label, a lifetime, and whether the doctor sees the notes."""

from django import forms

from tracker.reports.forms import RangeForm
from tracker.shares.services import DEFAULT_EXPIRES_IN_DAYS, MAX_EXPIRES_IN_DAYS, MAX_LABEL_LENGTH


class ShareForm(RangeForm):
    prefix = "share"

    label = forms.CharField(
        label="Label (for you, e.g. the doctor's name)", required=False, max_length=MAX_LABEL_LENGTH
    )
    expires_in_days = forms.IntegerField(
        label="Valid for (days)", min_value=1, max_value=MAX_EXPIRES_IN_DAYS, initial=DEFAULT_EXPIRES_IN_DAYS
    )
    include_notes = forms.BooleanField(label="Show my notes to the doctor", required=False)

    field_order = ["label", "range", "date_from", "date_to", "expires_in_days", "include_notes"]
