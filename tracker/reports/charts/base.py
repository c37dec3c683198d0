"""What every chart is drawn from (ChartInput) and what it becomes (Chart), and the helpers the
chart modules share."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from matplotlib.figure import Figure

from tracker.analysis.aggregates import ChartAggregates
from tracker.analysis.findings import Findings
from tracker.reports import drawing
from tracker.reports.assembly import Names
from tracker.reports.drawing import Layout

BAR = "#3b6ea5"
MUTED = "#9aa5b1"
ACCENT = "#c0392b"
WEEKDAY_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Chart:
    key: str  # "per_week", "calendar", "time_of_day", "locations", "body", "associations"
    title: str
    caption: str  # one or two plain sentences shown under the chart
    svg: str  # one inline <svg role="img"> with <title> and <desc>, no prolog, no style, ids unique per chart
    headers: tuple[str, ...]  # the chart's data as a table (for screen readers)
    rows: tuple[tuple[str, ...], ...]
    # The dashboard's phone-sized picture (drawing.NARROW; ids end "_narrow"), shown instead of
    # `svg` on a small screen, and what it leaves out of the caption's picture ("" when nothing).
    narrow_svg: str = ""
    narrow_note: str = ""


@dataclass(frozen=True)
class ChartInput:
    """What every chart is drawn from: a few hundred numbers, whatever the diary's size."""

    aggregates: ChartAggregates
    findings: Findings
    names: Names

    @property
    def end(self) -> date:
        return date.fromisoformat(self.aggregates["end"])


Builder = Callable[[ChartInput, Layout], "Chart | None"]


def svg_key(key: str, layout: Layout) -> str:
    """The prefix of a chart's SVG ids: both pictures of a chart sit in one page."""
    return f"{key}_narrow" if layout.narrow else key


def chart_of(
    key: str,
    title: str,
    caption: str,
    figure: Figure,
    table: tuple[tuple[str, ...], tuple[tuple[str, ...], ...]],
    layout: Layout,
    note: str = "",
) -> Chart:
    """The figure drawn as the chart's SVG, described by its caption (and the narrow picture's note)."""
    description = f"{caption} {note}" if note else caption
    svg = drawing.svg_of(figure, svg_key(key, layout), title, description)
    return Chart(key, title, caption, svg, *table, narrow_note=note)
