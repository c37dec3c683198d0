"""The report as a PDF for the appointment (fpdf2, pip alone).

Page 1 is the one-minute read of tracker.reports.first_page, drawn by tracker.reports.pdf_first_page
on one A4 page. Then the red flags with the sources' advice, every summary sentence with its
statistics, the charts (the SVG of tracker.reports.charts, the same the share page shows), the
check-ins as a compact table, every episode in a table whose header repeats on each page, and
the reference notes as an appendix at the end, material for the doctor that never sits beside
the red flags. Every page says "page N of M".

The font is DejaVu Sans, which matplotlib ships: fpdf2's built-in fonts are Latin-1 only, and a
name or a note in Greek, Cyrillic or with accents must print as typed. It covers the Latin,
Greek and Cyrillic scripts and many symbols, not Chinese, Japanese or Korean: such characters
are left out (fpdf2 warns), the rest of the cell prints.
"""

import io
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import matplotlib
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from diary.formatting import day_text, offset_text
from tracker.analysis.findings import ReferenceMatch
from tracker.reports import Progress
from tracker.reports.assembly import ReportCheckIn, ReportData
from tracker.reports.charts import Chart, report_charts
from tracker.reports.first_page import first_page
from tracker.reports.narrative import (
    EpisodeRow,
    characteristic_features,
    checkin_sentences,
    context_features,
    episode_rows,
    feature_name,
    feature_text,
    period_text,
    red_flag_lines,
    reference_sentence,
    source_text,
    summary_sentences,
)
from tracker.reports.pdf_first_page import draw_first_page, svg_size
from tracker.reports.pdf_table import draw_table

FONT = "DejaVu"
FONT_FOLDER = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
INK = (30, 30, 30)
GREY = (110, 110, 110)
RED = (170, 30, 30)
PALE = (238, 241, 245)
PALE_RED = (252, 236, 234)
LINE = 5.0  # mm between lines of body text
MM_PER_POINT = 25.4 / 72
ROWS_PER_PROGRESS_STEP = 250

# fontTools, which fpdf2 uses to keep only the glyphs a PDF needs, logs each step at INFO: one
# report would fill a worker's log with lines about its font tables.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)


class ReportPDF(FPDF):
    def __init__(self, report: ReportData) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.report = report
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(auto=True, margin=18)
        self.add_font(FONT, "", FONT_FOLDER / "DejaVuSans.ttf")
        self.add_font(FONT, "B", FONT_FOLDER / "DejaVuSans-Bold.ttf")
        self.add_font(FONT, "I", FONT_FOLDER / "DejaVuSans-Oblique.ttf")
        self.set_title(f"Twitch diary, {report.date_from} to {report.date_to}")
        self.set_creator("Twitch diary")
        self.set_creation_date(report.generated_at)

    def footer(self) -> None:
        """Who and which period on every page, so that a loose page is still placed."""
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(*GREY)
        report = self.report
        left = f"Twitch diary summary, {period_text(report)}. Not a diagnosis."
        self.cell(self.epw * 0.75, 5, left, new_x=XPos.RIGHT, new_y=YPos.TOP)
        self.cell(self.epw * 0.25, 5, f"page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(*INK)

    # Building blocks

    def heading(self, text: str, *, size: float = 13, colour: tuple[int, int, int] = INK) -> None:
        self.set_font(FONT, "B", size)
        self.set_text_color(*colour)
        self.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)
        self.ln(1.5)

    def paragraph(self, text: str, *, size: float = 10, style: str = "", indent: float = 0) -> None:
        self.set_font(FONT, style, size)
        self.set_x(self.l_margin + indent)
        self.multi_cell(self.epw - indent, LINE * size / 10, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def bullets(self, items: Sequence[str], *, size: float = 10, indent: float = 0) -> None:
        for item in items:
            self.set_font(FONT, "", size)
            self.set_x(self.l_margin + indent)
            self.cell(4, LINE * size / 10, "•")
            self.multi_cell(
                self.epw - indent - 4, LINE * size / 10, item, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
            self.ln(0.8)

    def boxed(self, text: str, *, fill: tuple[int, int, int], size: float = 9.5, style: str = "") -> None:
        self.set_font(FONT, style, size)
        self.set_fill_color(*fill)
        self.multi_cell(0, LINE * size / 10, text, fill=True, padding=2, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def room_left(self) -> float:
        return self.page_break_trigger - self.get_y()


def render(report: ReportData, out: BinaryIO, progress: Progress) -> None:
    pdf = ReportPDF(report)
    pdf.add_page()
    page = first_page(report, phone_charts=True)  # the analysis (computed on first use): its own step
    progress(20)
    draw_first_page(pdf, page, font=FONT, generated=_generated(report))
    if report.episodes:
        charts = report_charts(report, first_page=False)
        progress(40)
        _details(pdf, report, [*page.charts[:1], *charts])
    _checkins(pdf, report)
    progress(50)
    if report.episodes:
        _episode_table(pdf, report, progress)
        _reference_notes(pdf, report)
    pdf.output(out)
    progress(100)


def _generated(report: ReportData) -> str:
    generated = report.generated_at
    offset = generated.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    return f"{generated:%Y-%m-%d %H:%M} {offset_text(minutes)} ({report.time_zone})"


def _details(pdf: ReportPDF, report: ReportData, charts: Sequence[Chart]) -> None:
    """Page 2 on: the red flags with the sources' advice, the summary's every sentence with its
    statistics, then the charts."""
    pdf.add_page()
    lines = red_flag_lines(report)
    if lines:
        pdf.heading(f"Red flags ({len(lines)})", colour=RED)
        notice = report.findings["red_flags"]["notice"]
        if notice:
            pdf.boxed(notice, fill=PALE_RED, style="B")
            pdf.ln(1.5)
        for line in lines:
            pdf.paragraph(f"{line.when}: {line.what}", style="B", size=9.5)
            pdf.bullets(line.advice, size=9, indent=4)
        pdf.ln(2)
    pdf.heading("In more detail")
    pdf.bullets(summary_sentences(report), size=9)
    pdf.ln(2)
    _charts(pdf, charts)


def _charts(pdf: ReportPDF, charts: Sequence[Chart]) -> None:
    pdf.heading("Charts")
    for chart in charts:
        natural_width, natural_height = svg_size(chart.svg)
        width = min(pdf.epw, natural_width * MM_PER_POINT)
        height = width * natural_height / natural_width
        if pdf.room_left() < height + 22:
            pdf.add_page()
        pdf.heading(chart.title, size=11)
        # fpdf2 paints an SVG shape without a fill of its own (matplotlib's text) in the current
        # fill colour, where SVG means black.
        pdf.set_fill_color(0, 0, 0)
        pdf.image(io.BytesIO(chart.svg.encode()), x=pdf.l_margin, w=width, h=height)
        pdf.set_text_color(*GREY)
        pdf.paragraph(chart.caption, size=8.5)
        pdf.set_text_color(*INK)
        pdf.ln(4)


def _reference_notes(pdf: ReportPDF, report: ReportData) -> None:
    """The appendix: material for the doctor, after everything the diary records."""
    pdf.add_page(orientation="portrait")
    pdf.heading("Appendix: reference notes")
    matches = report.findings["reference_matches"]
    pdf.paragraph(reference_sentence(matches), size=9.5)
    pdf.ln(1)
    pdf.paragraph(
        "A condition is listed only when the diary shows two or more of the symptoms or triggers the sources "
        "describe as characteristic of it; a body place or a twitch pattern alone never counts. At most five, "
        "usually harmless explanations first. Sharing features does not mean having a condition.",
        size=9,
        style="I",
    )
    pdf.ln(2)
    for match in matches:
        _reference_match(pdf, report, match)


def _reference_match(pdf: ReportPDF, report: ReportData, match: ReferenceMatch) -> None:
    if pdf.room_left() < 30:
        pdf.add_page()
    pdf.paragraph(f"{match['name']}{' (usually harmless)' if match['benign'] else ''}", size=10.5, style="B")
    names = report.names
    for title, features in (
        ("In the diary, characteristic of it", characteristic_features(match["matched_features"])),
        ("Also in the diary", context_features(match["matched_features"])),
        ("In the diary, described as pointing away from it", match["against_features"]),
    ):
        if features:
            pdf.paragraph(f"{title}:", size=9)
            pdf.bullets([feature_text(f, names) for f in features], size=9, indent=4)
    if match["missing_features"]:
        missing = ", ".join(feature_name(f, names) for f in match["missing_features"])
        pdf.paragraph(f"Described, not recorded: {missing}.", size=9)
    for source in match["sources"]:
        pdf.paragraph(f"Source: {source_text(source)}: {source['supports']}", size=8.5)
    pdf.set_text_color(*GREY)
    pdf.paragraph(match["note"], size=8.5, style="I")
    pdf.set_text_color(*INK)
    pdf.ln(3)


CHECKIN_COLUMNS: tuple[tuple[str, float], ...] = (
    ("Date", 26),
    ("Caffeine (cups)", 24),
    ("Sleep (hours)", 22),
    ("Stress (of 10)", 22),
    ("Exercise (min)", 24),
    ("Alcohol (units)", 24),
    ("Twitching", 20),
)


def _checkins(pdf: ReportPDF, report: ReportData) -> None:
    """The daily check-ins as a compact table, one line a day, under their averages."""
    if not report.checkins:
        return
    if pdf.room_left() < 40:
        pdf.add_page()
    pdf.ln(2)
    pdf.heading("Daily check-ins")
    pdf.paragraph(" ".join(checkin_sentences(report)), size=9)
    pdf.ln(1)
    draw_table(
        pdf,
        headers=[title for title, _ in CHECKIN_COLUMNS],
        widths=[width * pdf.epw / sum(w for _, w in CHECKIN_COLUMNS) for _, width in CHECKIN_COLUMNS],
        rows=[_checkin_cells(checkin) for checkin in report.checkins],
        font=FONT,
        size=8,
    )


def _checkin_cells(checkin: ReportCheckIn) -> list[str]:
    values = (
        checkin.caffeine_cups,
        checkin.sleep_hours,
        checkin.stress,
        checkin.exercise_minutes,
        checkin.alcohol_units,
    )
    cells = ["" if value is None else f"{value:g}" for value in values]
    twitching = {True: "yes", False: "no", None: ""}[checkin.twitching_today]
    return [day_text(checkin.date), *cells, twitching]


# Widths in mm, measured on the widest usual values at 7.5 pt ("2026-11-05 20:00 +01:00" is
# 34.5 mm, "13 min 27 s" 15.6, "Continuous rippling" 25.8, the header "Intensity" 13.3; 2 mm of
# padding each) so that most rows take one line: a first layout that wrapped them gave 179 pages
# for 5,000 episodes. With notes the table
# pages turn to landscape and the notes get the extra width.
TABLE_COLUMNS: tuple[tuple[str, float], ...] = (
    ("Local date and time", 37),
    ("Duration", 18),
    ("Where (side)", 30),
    ("Intensity", 15.5),
    ("Pattern", 28),
    ("Triggers", 28),
    ("Symptoms", 23.5),
)
NOTES_COLUMN = ("Notes", 87)


def _episode_table(pdf: ReportPDF, report: ReportData, progress: Progress) -> None:
    if report.include_notes:
        pdf.add_page(orientation="landscape")  # the notes get the width
    elif pdf.room_left() < 70:
        pdf.add_page()
    else:
        pdf.ln(4)  # below the check-ins: a page of a few lines there looked forgotten
    count = len(report.episodes)
    pdf.heading("The one episode" if count == 1 else f"All {count:,} episodes, oldest first")
    pdf.paragraph("Times are local, with their offset from UTC. Intensity on the diary's scale of 1 to 10.", size=8.5)
    pdf.ln(1)
    columns = list(TABLE_COLUMNS) + ([NOTES_COLUMN] if report.include_notes else [])
    total = sum(width for _, width in columns)
    rows = [_cells(row, report.include_notes) for row in episode_rows(report)]

    def on_row(number: int) -> None:
        if number % ROWS_PER_PROGRESS_STEP == 0:
            progress(50 + 45 * number // len(rows))

    draw_table(
        pdf,
        headers=[title for title, _ in columns],
        widths=[width * pdf.epw / total for _, width in columns],
        rows=rows,
        font=FONT,
        on_row=on_row,
    )


def _cells(row: EpisodeRow, notes: bool) -> list[str]:
    cells = [row.when, row.duration, row.where, row.intensity, row.pattern, row.triggers, row.symptoms]
    return [*cells, row.notes] if notes else cells
