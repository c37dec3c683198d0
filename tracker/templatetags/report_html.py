"""Filters for tracker/templates/tracker/report_body.html."""

import base64

from django import template

from tracker.analysis.findings import MatchedFeature
from tracker.reports.assembly import Names

register = template.Library()


@register.filter
def svg_data_uri(svg: str) -> str:
    """A chart's SVG as a data: URL for an <img>. matplotlib styles its shapes with style
    attributes and a <style> element, which a page's CSP without 'unsafe-inline' (every page of
    ours) refuses in inline SVG: the chart would lose its colours. Inside an image the SVG is its
    own document, styled as drawn, and can run nothing."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


@register.filter
def feature_name(feature: MatchedFeature, names: Names) -> str:
    """A reference feature as a reader says it: the region, symptom, trigger or pattern name."""
    lookups = {"region": names.region, "symptom": names.symptom, "trigger": names.trigger, "pattern": names.pattern}
    lookup = lookups.get(feature["kind"])
    return lookup(feature["code"]) if lookup else feature["code"]
