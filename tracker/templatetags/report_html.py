"""Filters for the report body and the dashboard (tracker/templates/tracker/reference_notes.html):
the report's narrative (tracker.reports.narrative), so that a page words a finding as the PDF does.

The charts are inlined as they are (tracker.reports.charts draws them with presentation attributes,
which the CSP allows): no data: URL any more."""

from collections.abc import Sequence

from django import template

from tracker.analysis.findings import MatchedFeature, ReferenceMatch, ReferenceSource
from tracker.reports import narrative
from tracker.reports.assembly import Names

register = template.Library()


@register.filter
def feature_name(feature: MatchedFeature, names: Names) -> str:
    return narrative.feature_name(feature, names)


@register.filter
def feature_text(feature: MatchedFeature, names: Names) -> str:
    return narrative.feature_text(feature, names)


@register.filter
def characteristic_features(features: Sequence[MatchedFeature]) -> list[MatchedFeature]:
    return narrative.characteristic_features(features)


@register.filter
def context_features(features: Sequence[MatchedFeature]) -> list[MatchedFeature]:
    return narrative.context_features(features)


@register.filter
def reference_sentence(matches: Sequence[ReferenceMatch]) -> str:
    return narrative.reference_sentence(matches)


@register.filter
def source_text(source: ReferenceSource) -> str:
    return narrative.source_text(source)
