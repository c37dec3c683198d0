import copy
import re
import xml.etree.ElementTree as ElementTree
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth.models import User

from diary.models import Episode
from tests.factories import EpisodeFactory
from tests.tracker.reports.conftest import FROM, TO, significant_caffeine
from tracker.analysis.aggregates import chart_aggregates
from tracker.reports.assembly import report_assemble
from tracker.reports.charts import ChartInput, body_chart, dashboard_charts, legend_bins, report_charts
from tracker.reports.charts.body import shade
from tracker.reports.drawing import declarations, presentation_attributes

SVG = "{http://www.w3.org/2000/svg}svg"


def test_it_draws_the_charts_that_have_something_to_show(alice: User, diary: list[Episode]) -> None:
    charts = report_charts(report_assemble(user_id=alice.pk, date_from=FROM, date_to=TO))
    # One check-in: no association could be tested, so no forest plot.
    assert [c.key for c in charts] == ["per_week", "calendar", "time_of_day", "locations"]
    assert all(c.title and c.caption and c.rows for c in charts)


def test_it_draws_nothing_for_a_period_without_episodes(alice: User, diary: list[Episode]) -> None:
    assert (
        report_charts(report_assemble(user_id=alice.pk, date_from=date(2026, 12, 1), date_to=TO.replace(month=12)))
        == []
    )


def test_it_makes_each_chart_one_svg_element_with_its_own_ids(alice: User, diary: list[Episode]) -> None:
    charts = report_charts(report_assemble(user_id=alice.pk, date_from=FROM, date_to=TO))
    seen: set[str] = set()
    for chart in charts:
        assert chart.svg.startswith("<svg ")
        assert chart.svg.endswith("</svg>")
        assert ElementTree.fromstring(chart.svg).tag == SVG  # well formed, no prolog
        ids = re.findall(r'\bid="([^"]+)"', chart.svg)
        assert ids
        assert all(i.startswith(f"{chart.key}_") for i in ids)
        assert not seen & set(ids)
        seen |= set(ids)
        # Every reference points at an id of the same chart.
        assert set(re.findall(r'(?:href="#|url\(#)([^")]+)', chart.svg)) <= set(ids)


def test_it_gives_each_chart_its_data_as_a_table(alice: User, diary: list[Episode]) -> None:
    charts = {c.key: c for c in report_charts(report_assemble(user_id=alice.pk, date_from=FROM, date_to=TO))}
    weeks = charts["per_week"]
    assert weeks.headers == ("Week starting", "Episodes")
    # 1 November 2026 is a Sunday: its week starts on 26 October; 14 November ends the third week.
    assert weeks.rows == (("2026-10-26", "1"), ("2026-11-02", "2"), ("2026-11-09", "1"))
    assert charts["calendar"].rows == (
        ("2026-11-01", "1"),
        ("2026-11-05", "1"),
        ("2026-11-07", "1"),
        ("2026-11-14", "1"),
    )
    # A row per hour, a column per weekday (Monday first), in each episode's local time.
    grid = {row[0]: row[1:] for row in charts["time_of_day"].rows}
    assert charts["time_of_day"].headers == ("Hour", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    assert grid["00:00-00:59"] == ("0", "0", "0", "0", "0", "0", "1")  # Sunday 1 November, 00:30
    assert grid["20:00-20:59"][3] == "1"  # Thursday 5 November
    assert grid["09:00-09:59"][5] == grid["23:00-23:59"][5] == "1"  # Saturdays 7 and 14 November
    assert sum(int(n) for row in grid.values() for n in row) == 4
    assert ("Eyelid (left)", "3") in charts["locations"].rows


def test_it_draws_a_forest_plot_of_the_tested_associations(alice: User, diary: list[Episode]) -> None:
    report = report_assemble(user_id=alice.pk, date_from=FROM, date_to=TO)
    tested = significant_caffeine(lag_days=0)
    findings = copy.deepcopy(report.findings)
    findings["associations"] = [
        tested,
        {**tested, "lag_days": 1, "significant": False, "rate_ratio": 0.9, "ci_low": 0.6},
    ]
    report.__dict__["findings"] = findings
    [forest] = [c for c in report_charts(report) if c.key == "associations"]
    assert forest.rows == (
        ("3 or more cups of caffeine", "1.65", "1.20 to 2.27", "99.7%", "yes"),
        ("3 or more cups of caffeine (the day before)", "0.90", "0.60 to 2.27", "99.7%", "no"),
    )
    assert "<svg " in forest.svg


def test_it_turns_style_attributes_into_presentation_attributes() -> None:
    svg = (
        '<svg width="10pt" viewBox="0 0 10 10"><defs><style type="text/css">*{stroke-linejoin: round; '
        'stroke-linecap: butt}</style></defs><path d="M 0 0" style="fill: #ffffff; stroke-dasharray: 5.5,2.4; '
        'behavior: url(x)"/><path fill="red" style="fill: blue; opacity: 0.5"/></svg>'
    )
    assert presentation_attributes(svg) == (
        '<svg width="10pt" viewBox="0 0 10 10" stroke-linejoin="round" stroke-linecap="butt">'
        '<path d="M 0 0" fill="#ffffff" stroke-dasharray="5.5,2.4"/><path fill="red" opacity="0.5"/></svg>'
    )


def test_it_reads_only_presentation_properties_from_a_style() -> None:
    assert declarations(" FILL : #000 ; stroke-width:0.8;; position: fixed; fill-opacity:") == [
        ("fill", "#000"),
        ("stroke-width", "0.8"),
    ]


def test_it_draws_every_chart_without_a_style(alice: User, diary: list[Episode]) -> None:
    for chart in report_charts(report_assemble(user_id=alice.pk, date_from=FROM, date_to=TO)):
        assert "style" not in chart.svg
        root = ElementTree.fromstring(chart.svg)
        assert root.get("role") == "img"
        assert root.get("aria-labelledby") == f"{chart.key}_title"
        assert root.findtext("{http://www.w3.org/2000/svg}title") == chart.title
        assert root.findtext("{http://www.w3.org/2000/svg}desc") == chart.caption


NUMBER = re.compile(r"\u2212?\d+(\.\d+)?")  # matplotlib writes a minus as U+2212


def tick_labels(svg: str) -> list[str]:
    """The numbers printed at the ticks of a chart's axes and colour bars: matplotlib draws text
    as paths and writes each label beside its path as a comment."""
    labels = re.findall(r'<g id="\w+?_[xy]tick_\d+">.*?<!-- (.*?) -->', svg, re.DOTALL)
    return [label for label in labels if NUMBER.fullmatch(label)]


@pytest.mark.parametrize("count", [1, 2, 3])
def test_it_counts_episodes_in_whole_numbers_on_every_axis(alice: User, count: int) -> None:
    # A new diary: every count is at most 3, where matplotlib would tick 0.25 or 0.5 episodes.
    for _ in range(count):
        EpisodeFactory(user=alice, started_at=datetime(2026, 11, 5, 9, 0, tzinfo=UTC))
    report = report_assemble(user_id=alice.pk, date_from=FROM, date_to=TO)
    charts = {c.key: c.svg for c in report_charts(report)}
    data = ChartInput(chart_aggregates(report.diary, calendar_days=None), report.findings, report.names)
    charts |= {f"{c.key} on a phone": c.narrow_svg for c in dashboard_charts(data) if c.key != "body"}
    assert len(charts) == 7
    for key, svg in charts.items():
        labels = tick_labels(svg)
        assert labels, key
        assert all(re.fullmatch(r"\d+", label) for label in labels), (key, labels)


def test_it_leaves_rate_ratios_on_their_own_ticks(alice: User, diary: list[Episode]) -> None:
    report = report_assemble(user_id=alice.pk, date_from=FROM, date_to=TO)
    findings = copy.deepcopy(report.findings)
    findings["associations"] = [significant_caffeine(lag_days=0)]
    report.__dict__["findings"] = findings
    [forest] = [c for c in report_charts(report) if c.key == "associations"]
    assert tick_labels(forest.svg) == ["0.5", "1", "2"]


@pytest.mark.parametrize(
    ("count", "legend"), [(1, ["0", "1"]), (3, ["0", "1", "2", "3"]), (12, ["0", "1-2", "3-4", "5-7", "8-9", "10-12"])]
)
def test_it_labels_each_shade_of_the_body_with_the_episodes_it_stands_for(
    alice: User, count: int, legend: list[str]
) -> None:
    for _ in range(count):
        EpisodeFactory(user=alice, started_at=datetime(2026, 11, 5, 9, 0, tzinfo=UTC))
    report = report_assemble(user_id=alice.pk, date_from=FROM, date_to=TO)
    body = body_chart(ChartInput(chart_aggregates(report.diary, calendar_days=None), report.findings, report.names))
    assert body.svg.split("Episodes:</text>", 1)[1].count("<rect") == len(legend)
    assert re.findall(r">([^<>]+)</text>", body.svg.split("Episodes:</text>", 1)[1]) == legend


@pytest.mark.parametrize(
    ("most", "labels"),
    [
        (1, ["0", "1"]),
        (2, ["0", "1", "2"]),
        (3, ["0", "1", "2", "3"]),
        (5, ["0", "1", "2", "3", "4", "5"]),
        (134, ["0", "1-26", "27-53", "54-80", "81-107", "108-134"]),
    ],
)
def test_it_bins_the_body_legend_in_distinct_whole_numbers(most: int, labels: list[str]) -> None:
    assert [label for _, label in legend_bins(most)] == labels


def _counts(label: str) -> range:
    low, _, high = label.partition("-")
    return range(int(low), int(high or low) + 1)


@pytest.mark.parametrize("most", range(1, 60))
def test_it_gives_each_count_the_legends_shade_for_it(most: int) -> None:
    """Every count from 0 to the most is in exactly one bin, whose shade is the count's own."""
    bins = legend_bins(most)
    covered = [count for _, label in bins for count in _counts(label)]
    assert covered == list(range(most + 1))
    for colour, label in bins:
        assert {shade(count, most) for count in _counts(label)} == {colour}


def dashboard_input(alice: User) -> ChartInput:
    report = report_assemble(user_id=alice.pk, date_from=FROM, date_to=TO)
    findings = copy.deepcopy(report.findings)
    findings["associations"] = [significant_caffeine(lag_days=0)]
    return ChartInput(chart_aggregates(report.diary, calendar_days=None), findings, report.names)


FONT_SCALE = re.compile(r"scale\(([\d.]+) -[\d.]+\)")  # a text drawn as paths: its size in points / 100


def test_it_draws_each_dashboard_chart_again_for_a_phone(alice: User, diary: list[Episode]) -> None:
    charts = dashboard_charts(dashboard_input(alice))
    assert [c.key for c in charts] == ["per_week", "calendar", "time_of_day", "body", "associations"]
    for chart in charts:
        root = ElementTree.fromstring(chart.narrow_svg)
        assert root.get("aria-labelledby") == f"{chart.key}_narrow_title"
        assert root.findtext("{http://www.w3.org/2000/svg}title") == chart.title
        assert "style" not in chart.narrow_svg
        ids = re.findall(r'\bid="([^"]+)"', chart.narrow_svg)
        assert all(i.startswith(f"{chart.key}_narrow_") for i in ids)
        assert not set(ids) & set(re.findall(r'\bid="([^"]+)"', chart.svg))


def test_it_draws_a_phones_text_at_the_size_it_is_shown(alice: User, diary: list[Episode]) -> None:
    """3.2 in wide (307 CSS px, about the width a 360 px screen gives a chart): text of 9 pt or
    more shows at 12 px or more. The wide charts' ticks stay the PDF's 7 pt."""
    charts = {c.key: c for c in dashboard_charts(dashboard_input(alice))}
    for key in ("per_week", "calendar", "time_of_day", "associations"):
        narrow = ElementTree.fromstring(charts[key].narrow_svg)
        assert float(narrow.get("width", "").removesuffix("pt")) <= 3.2 * 72
        assert min(100 * float(s) for s in FONT_SCALE.findall(charts[key].narrow_svg)) >= 9, key
        assert round(min(100 * float(s) for s in FONT_SCALE.findall(charts[key].svg)), 6) == 7, key
    body = ElementTree.fromstring(charts["body"].narrow_svg)
    width = float(body.get("viewBox", "").split()[2])
    assert 16 * 307 / width >= 11  # its text, at 16 units, shows at 11 px or more
    texts = [t for t in body.iter("{http://www.w3.org/2000/svg}text") if t.get("class") != "side-label"]
    assert {int(t.get("font-size", 0)) for t in texts if t.get("font-size")} == {16}  # side labels: CSS sizes them


def test_it_says_when_a_phones_calendar_leaves_weeks_out(alice: User, diary: list[Episode]) -> None:
    data = dashboard_input(alice)
    assert dashboard_charts(data)[1].narrow_note == ""  # three weeks: all shown
    start = (data.end - timedelta(days=166)).isoformat()
    long = ChartInput({**data.aggregates, "calendar_from": start, "days": [1] * 167}, data.findings, data.names)
    [calendar] = [c for c in dashboard_charts(long) if c.key == "calendar"]
    assert calendar.narrow_note == "On a small screen the picture shows the last 12 weeks; the table has every day."
    assert len(calendar.rows) == 167
    assert calendar.narrow_note in calendar.narrow_svg
    assert calendar.narrow_note not in calendar.svg
