"""The charts of places and factors: episodes by location, and the forest plot of the
associations with the check-ins' factors."""

import textwrap

from matplotlib.axes import Axes
from matplotlib.ticker import FixedLocator, NullLocator
from matplotlib.transforms import blended_transform_factory

from tracker.analysis.findings import AssociationTested, Findings
from tracker.reports import drawing
from tracker.reports.charts.base import ACCENT, BAR, MUTED, Chart, ChartInput, chart_of
from tracker.reports.drawing import Layout

# Locations

MAX_LOCATIONS = 12


def locations_chart(data: ChartInput, layout: Layout = drawing.WIDE) -> Chart:
    """Bars per region and side, most frequent first (an episode in two places counts in each)."""
    names = data.names
    by_side = data.findings["locations"]["by_side"]
    shown = by_side[:MAX_LOCATIONS]
    figure, axes = drawing.new_figure(height=0.4 + 0.22 * max(len(shown), 3), width=layout.width)
    positions = list(range(len(shown)))
    axes.barh(positions, [item["episodes"] for item in shown], color=BAR, height=0.7)
    axes.set_yticks(positions)
    # 8 pt on the wide picture, as the PDF had it; the phone's tick size on the narrow one.
    labels = [names.location(item["region"], item["side"]) for item in shown]
    axes.set_yticklabels(labels, fontsize=layout.tick if layout.narrow else 8)
    axes.invert_yaxis()
    axes.xaxis.set_major_locator(drawing.whole_counts())
    axes.set_xlabel("episodes")
    caption = "Episodes by place and side; an episode felt in two places counts in each."
    if len(by_side) > MAX_LOCATIONS:
        caption += f" The {MAX_LOCATIONS} most frequent of {len(by_side)} are shown."
    rows = tuple((names.location(item["region"], item["side"]), str(item["episodes"])) for item in by_side)
    return chart_of("locations", "Locations", caption, figure, (("Location", "Episodes"), rows), layout)


# Associations


def tested_associations(findings: Findings) -> list[AssociationTested]:
    return [a for a in findings["associations"] if a["status"] == "ok"]


def association_label(association: AssociationTested) -> str:
    """ "3 or more cups of caffeine", "... (the day before)": the factor with its lag."""
    label = association["label"][0].upper() + association["label"][1:]
    return f"{label} (the day before)" if association["lag_days"] else label


def associations_chart(data: ChartInput, layout: Layout = drawing.WIDE) -> Chart | None:
    """A forest plot: each tested rate ratio with its interval, on a log scale, 1 marked. On a
    phone each factor's name is printed above its line, where the page's width is left for it."""
    tested = tested_associations(data.findings)
    if not tested:
        return None
    per_row = 0.6 if layout.narrow else 0.3
    figure, axes = drawing.new_figure(height=0.5 + per_row * max(len(tested), 3), width=layout.width)
    positions = list(range(len(tested)))
    for y, association in zip(positions, tested, strict=True):
        colour = ACCENT if association["significant"] else "#333333"
        axes.plot([association["ci_low"], association["ci_high"]], [y, y], color=colour, linewidth=1.4)
        axes.plot([association["rate_ratio"]], [y], marker="s", color=colour, markersize=5)
    axes.axvline(1.0, color=MUTED, linewidth=1, linestyle="--")
    _rate_ratio_axis(axes, tested, layout)
    labels = [association_label(a) for a in tested]
    if layout.narrow:
        _labels_above(axes, labels, layout)
    else:
        axes.set_yticks(positions)
        axes.set_yticklabels(labels, fontsize=8)
    axes.invert_yaxis()
    caption = (
        "Each line is a rate ratio of episodes on days with the factor against days without it, adjusted for "
        "the other factors, with its interval; red ones are significant (the interval excludes 1)."
    )
    rows = tuple(
        (
            association_label(a),
            f"{a['rate_ratio']:.2f}",
            f"{a['ci_low']:.2f} to {a['ci_high']:.2f}",
            f"{a['interval_level']:.1%}",
            "yes" if a["significant"] else "no",
        )
        for a in tested
    )
    table = (("Factor", "Rate ratio", "Interval", "Level", "Significant"), rows)
    return chart_of("associations", "Associations with check-in factors", caption, figure, table, layout)


def _rate_ratio_axis(axes: Axes, tested: list[AssociationTested], layout: Layout) -> None:
    axes.set_xscale("log")
    low = min(min(a["ci_low"] for a in tested), 0.5)
    high = max(max(a["ci_high"] for a in tested), 2.0)
    axes.set_xlim(low / 1.15, high * 1.15)
    ticks = [t for t in (0.1, 0.2, 0.25, 0.5, 1, 2, 4, 5, 10) if low / 1.15 <= t <= high * 1.15]
    axes.xaxis.set_major_locator(FixedLocator(ticks))
    axes.xaxis.set_minor_locator(NullLocator())
    axes.set_xticklabels([f"{t:g}" for t in ticks], fontsize=layout.tick)
    axes.set_xlabel("rate ratio (log scale; 1 = no difference)", fontsize=layout.label)


def _labels_above(axes: Axes, labels: list[str], layout: Layout) -> None:
    """Each label over its line, from the left edge (wrapped to the phone's width)."""
    axes.set_yticks([])
    axes.spines["left"].set_visible(False)
    axes.set_ylim(-0.9, len(labels) - 0.5)  # inverted by the caller: the first on top
    edge = blended_transform_factory(axes.transAxes, axes.transData)
    for y, label in enumerate(labels):
        text = textwrap.fill(label, 38)
        axes.text(0, y - 0.2, text, transform=edge, fontsize=layout.tick, va="bottom", ha="left", color="#1d2330")
