"""Filters for the report body and the dashboard (tracker/templates/tracker/reference_notes.html).

The charts are inlined as they are (tracker.charts draws them with presentation attributes,
which the CSP allows): no data: URL any more."""

from django import template

from tracker.analysis.findings import MatchedFeature
from tracker.reports.assembly import Names

register = template.Library()


@register.filter
def feature_name(feature: MatchedFeature, names: Names) -> str:
    """A reference feature as a reader says it: the region, symptom, trigger or pattern name."""
    lookups = {"region": names.region, "symptom": names.symptom, "trigger": names.trigger, "pattern": names.pattern}
    lookup = lookups.get(feature["kind"])
    return lookup(feature["code"]) if lookup else feature["code"]
