"""Page 1 of the PDF (tracker.reports.first_page drawn with fpdf2), on one A4 page: the heading,
who and which period, the two pictures side by side, then each section as a label on the left
and its lines on the right, the weekly checks in two columns. Measured on a 3-month diary with
treatments, tests and nine signs checked, the text ends about 70 mm above the footer at 8.5 pt,
so the sizes here leave room for longer names and results; nothing is smaller than 8 pt."""

import io
import re

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from tracker.reports.charts import Chart
from tracker.reports.first_page import FirstPage, Section

INK = (30, 30, 30)
GREY = (110, 110, 110)
RED = (170, 30, 30)
PALE = (238, 241, 245)
LABEL_WIDTH = 34.0  # mm: "Weekly function checks" at 8.5 pt bold, on two lines
TEXT = 8.5  # pt
LINE = 3.9  # mm between lines at TEXT
MM_PER_POINT = 25.4 / 72
CHART_HEIGHT = 60.0  # mm: both pictures at this height, side by side


def draw_first_page(pdf: FPDF, page: FirstPage, *, font: str, generated: str) -> None:
    pdf.set_text_color(*INK)
    pdf.set_font(font, "B", 15)
    pdf.cell(0, 7, page.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(font, "B", 10.5)
    if page.who:
        pdf.cell(0, 5.5, page.who, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(font, "", 9.5)
    pdf.cell(0, 5, f"Period: {page.period}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*GREY)
    pdf.set_font(font, "", 8)
    pdf.cell(0, 4, f"Generated {generated}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)
    pdf.ln(1)
    pdf.set_font(font, "B", 9.5)
    pdf.set_fill_color(*PALE)
    pdf.cell(0, 6, page.self_reported, fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    _pictures(pdf, page.charts)
    for section in page.sections:
        _section(pdf, section, font=font)
    if page.footnote:
        pdf.ln(1)
        pdf.set_text_color(*GREY)
        pdf.set_font(font, "I", 8)
        pdf.multi_cell(0, 3.6, page.footnote, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(*INK)


def _pictures(pdf: FPDF, charts: list[Chart]) -> None:
    """The weekly chart (its phone-sized picture, whose text stays readable at this size) and the
    body map, side by side at one height."""
    if not charts:
        return
    top, x = pdf.get_y(), pdf.l_margin
    for chart in charts:
        svg = (chart.narrow_svg or chart.svg) if chart.key == "per_week" else printable_body(chart.svg)
        width, height = svg_size(svg)
        shown = min(CHART_HEIGHT * width / height, pdf.epw - (x - pdf.l_margin))
        # fpdf2 paints an SVG shape without a fill of its own (matplotlib's text) in the current
        # fill colour, where SVG means black.
        pdf.set_fill_color(0, 0, 0)
        pdf.image(io.BytesIO(svg.encode()), x=x, y=top, w=shown, h=shown * height / width)
        x += shown + 4
    pdf.set_y(top + CHART_HEIGHT + 2)


INNER_SVG = re.compile(r'<svg [^>]*?\bx="([-\d.]+)" y="([-\d.]+)"[^>]*>')


SIDE_LABEL_SIZE = re.compile(r'(<text class="side-label"[^>]*?)font-size="13"')


def printable_body(svg: str) -> str:
    """The body map as fpdf2 draws it: each view's inner <svg> (drawn at its own size) becomes a
    group moved to its place, which fpdf2 reads where it skips a nested <svg>; and the outline,
    which the pages' style sheet leaves unfilled, is given that as attributes (fpdf2 would fill
    it black)."""
    head, _, body = svg.partition(">")
    body = INNER_SVG.sub(r'<g transform="translate(\1 \2)">', body)
    inner, _, tail = body.rpartition("</svg>")
    inner = inner.replace("</svg>", "</g>").replace('class="outline"', 'class="outline" fill="none" stroke="#9aa5b1"')
    # The sides are what a doctor looks for: their labels at 18 units rather than the page's 13
    # (about 6 pt here rather than 4.5; wider would run into the next view).
    inner = SIDE_LABEL_SIZE.sub(r'\1font-size="18"', inner)
    inner = inner.replace('class="side-label"', 'class="side-label" fill="#444444"')
    return f"{head}>{inner}</svg>{tail}"


def svg_size(svg: str) -> tuple[float, float]:
    """Width and height in points (or user units), from the viewBox the SVG has."""
    start = svg.index('viewBox="') + len('viewBox="')
    _, _, width, height = (float(n) for n in svg[start : svg.index('"', start)].split())
    return width, height


def _section(pdf: FPDF, section: Section, *, font: str) -> None:
    top = pdf.get_y() + 0.8
    pdf.set_y(top)
    pdf.set_text_color(*(RED if section.alert else INK))
    pdf.set_font(font, "B", TEXT)
    pdf.multi_cell(LABEL_WIDTH - 2, LINE, section.title, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    below_label = pdf.get_y()
    pdf.set_y(top)
    pdf.set_font(font, "B" if section.alert else "", TEXT)
    left, width = pdf.l_margin + LABEL_WIDTH, pdf.epw - LABEL_WIDTH
    if section.key == "checks" and len(section.lines) > 2:
        _two_columns(pdf, section.lines, left=left, width=width)
    else:
        for line in section.lines:
            pdf.set_x(left)
            pdf.multi_cell(width, LINE, line, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)
    pdf.set_y(max(pdf.get_y(), below_label))
    pdf.set_draw_color(220, 220, 220)
    pdf.line(pdf.l_margin, pdf.get_y() + 0.6, pdf.l_margin + pdf.epw, pdf.get_y() + 0.6)


def _two_columns(pdf: FPDF, lines: list[str], *, left: float, width: float) -> None:
    half = (len(lines) + 1) // 2
    top = pdf.get_y()
    bottom = top
    for column, part in enumerate((lines[:half], lines[half:])):
        pdf.set_y(top)
        for line in part:
            pdf.set_x(left + column * width / 2)
            pdf.multi_cell(width / 2 - 2, LINE, line, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        bottom = max(bottom, pdf.get_y())
    pdf.set_y(bottom)
