"""The body outline of diary/body_outline.py, shaded by the episodes felt in each place: the
dashboard's picture of where it twitched, with a legend of the episodes each shade stands for."""

import math
from collections.abc import Callable

from django.utils.html import format_html

from diary.body_outline import TITLE_HEIGHT, VIEWS, Shape, View, render_view, sides_drawn, view_title
from tracker.reports import drawing
from tracker.reports.charts.base import Chart, ChartInput, svg_key
from tracker.reports.drawing import Layout

SHADES = ("#eef1f4", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")  # none, then fifths of the most
OUTLINE_GAP = 40  # wide enough that one view's "your left" is not read with the next one's
LEGEND_TEXT = 13  # user units: the wide picture is shown at its natural size or larger
NARROW_LEGEND_TEXT = 16  # the narrow picture is about 420 units shown in about 310 px: 16 shows as 12 px
Placed = list[tuple[View, int, int]]
LegendDrawer = Callable[[int], str]  # the legend for a most of episodes


def body_counts(data: ChartInput) -> dict[tuple[str, str], int]:
    """Episodes per region and side drawn ("both" counts on each side)."""
    counts: dict[tuple[str, str], int] = {}
    for item in data.findings["locations"]["by_side"]:
        for side in sides_drawn(item["region"], item["side"]):
            counts[item["region"], side] = counts.get((item["region"], side), 0) + item["episodes"]
    return counts


def body_chart(data: ChartInput, layout: Layout = drawing.WIDE) -> Chart:
    """The three views side by side in one picture (on a phone: the face with the legend beside
    it, the two bodies below), each region and side shaded by its episodes, with a legend.
    Presentation attributes only: the page's CSP refuses style attributes."""
    counts = body_counts(data)
    most = max(counts.values(), default=0)
    placed, width, height, legend = _narrow_places() if layout.narrow else _wide_places()
    size = NARROW_LEGEND_TEXT if layout.narrow else 14
    parts = [_shaded_view(view, counts, most, x=x, y=y, title_size=size) for view, x, y in placed]
    parts.append(legend(most))
    title = "Where it twitched"
    caption = (
        "The face and the body from the front, both facing you, and the body from the back, each place shaded "
        "by how many episodes were felt there: the darker, the more. An episode felt on both sides shades both."
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" class="body-heat body-heat-{layout.name}" '
        f"{drawing.labelled(svg_key('body', layout), title, caption)}{''.join(parts)}</svg>"
    )
    rows = tuple(
        (data.names.location(item["region"], item["side"]), str(item["episodes"]))
        for item in data.findings["locations"]["by_side"]
    )
    return Chart("body", title, caption, svg, ("Location", "Episodes"), rows)


def _wide_places() -> tuple[Placed, int, int, LegendDrawer]:
    placed, x = [], 0
    for view in VIEWS:
        placed.append((view, x, 0))
        x += view.width + OUTLINE_GAP
    height = TITLE_HEIGHT + max(view.height for view in VIEWS)
    return placed, x - OUTLINE_GAP, height + 44, lambda most: legend_row(most, y=height + 14)


def _narrow_places() -> tuple[Placed, int, int, LegendDrawer]:
    """The first view (the face) on top, the legend beside it; the others in a row below."""
    first, *others = VIEWS
    placed: Placed = [(first, 0, 0)]
    x, top = 0, TITLE_HEIGHT + first.height + OUTLINE_GAP
    for view in others:
        placed.append((view, x, top))
        x += view.width + OUTLINE_GAP
    width = max(x - OUTLINE_GAP, first.width + 180)
    height = top + TITLE_HEIGHT + max(view.height for view in others)
    return placed, width, height, lambda most: legend_column(most, x=first.width + OUTLINE_GAP, y=10)


def shade(count: int, most: int) -> str:
    return SHADES[0] if not count or not most else SHADES[min(5, math.ceil(5 * count / most))]


def _shaded_view(view: View, counts: dict[tuple[str, str], int], most: int, *, x: int, y: int, title_size: int) -> str:
    """The view drawn at (x, y), its title on top and the figure TITLE_HEIGHT below."""

    def attributes(shape: Shape) -> dict[str, object]:
        count = counts.get((shape.region, shape.side), 0)
        return {"fill": shade(count, most), "stroke": "#6b7785", "stroke-width": 1, "data-episodes": count}

    frame = {"class": "body-heat-view", "x": x, "y": y + TITLE_HEIGHT, "width": view.width, "height": view.height}
    figure = render_view(view, shape_attributes=attributes, svg_attributes=frame)
    return str(view_title(view, x=x, y=y, size=title_size)) + str(figure)


# The legend


def legend_bins(most: int) -> list[tuple[str, str]]:
    """The shades in use, each with the whole numbers of episodes it stands for: "0", then "1",
    "2-3"... A place with c episodes takes the shade ceil(5c / most), so a small diary leaves
    some shades out (a most of 2: "0", "1", "2") and no two bins share a number."""
    steps = [(SHADES[0], "0")]
    for step, colour in enumerate(SHADES[1:], start=1):
        low, high = most * (step - 1) // 5 + 1, most * step // 5
        if low <= high:
            steps.append((colour, str(low) if low == high else f"{low}-{high}"))
    return steps


def _swatch(x: int, y: int, colour: str, label: str, size: int) -> str:
    return str(
        format_html(
            '<rect x="{}" y="{}" width="22" height="{}" fill="{}" stroke="#6b7785"/>'
            '<text x="{}" y="{}" font-size="{}" fill="#222222">{}</text>',
            x, y, size + 3, colour, x + 28, y + size, size, label,
        )
    )  # fmt: skip


def legend_row(most: int, *, y: int) -> str:
    parts: list[str] = [
        format_html('<text x="0" y="{}" font-size="{}" fill="#222222">Episodes:</text>', y + 13, LEGEND_TEXT)
    ]
    bins = enumerate(legend_bins(most))
    parts += [_swatch(80 + i * 90, y, colour, label, LEGEND_TEXT) for i, (colour, label) in bins]
    return "".join(parts)


def legend_column(most: int, *, x: int, y: int) -> str:
    size = NARROW_LEGEND_TEXT
    parts: list[str] = [
        format_html('<text x="{}" y="{}" font-size="{}" fill="#222222">Episodes:</text>', x, y + size, size)
    ]
    bins = enumerate(legend_bins(most), start=1)
    parts += [_swatch(x, y + i * (size + 12), colour, label, size) for i, (colour, label) in bins]
    return "".join(parts)
