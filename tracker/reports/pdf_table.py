"""The episode table of the PDF: every episode, one row each, cells wrapped, the header repeated
on each page.

Drawn line by line with `FPDF.text` rather than with fpdf2's `table()`: measured on a year of
5,000 episodes, `table()` took about 25 s (it lays out every cell twice through `multi_cell`,
measuring each character each time), and this takes about a second. The words of a diary repeat
(the same places, patterns, triggers), so each word's width is measured once and kept.

A row taller than a whole page (a long note) is split across pages; any shorter row that does
not fit moves whole to the next page, so a row is never cut at the page's edge.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from fpdf import FPDF

LINE_HEIGHT = 3.5  # mm, for 7.5 pt text
PAD_X, PAD_Y = 1.0, 0.9  # mm, inside each cell
HEADER_FILL = (225, 231, 238)
ROW_FILL = (246, 247, 249)
RULE = (205, 210, 216)


@dataclass
class TextWrapper:
    """Greedy word wrap with the current font's widths, words cached."""

    pdf: FPDF
    widths: dict[str, float] = field(default_factory=dict)

    def width(self, word: str) -> float:
        found = self.widths.get(word)
        if found is None:
            found = self.widths[word] = self.pdf.get_string_width(word)
        return found

    def lines(self, text: str, room: float) -> list[str]:
        lines: list[str] = []
        for paragraph in text.split("\n"):
            lines += self._paragraph(paragraph, room)
        return lines or [""]

    def _paragraph(self, text: str, room: float) -> list[str]:
        space = self.width(" ")
        lines: list[str] = []
        current: list[str] = []
        used = 0.0
        for word in text.split():
            width = self.width(word)
            if width > room:  # a word wider than the column (a long link): broken anywhere
                if current:
                    lines.append(" ".join(current))
                pieces = self._broken(word, room)
                lines += pieces[:-1]
                current, used = [pieces[-1]], self.width(pieces[-1])
            elif current and used + space + width > room:
                lines.append(" ".join(current))
                current, used = [word], width
            else:
                used += width + (space if current else 0)
                current.append(word)
        if current or not lines:
            lines.append(" ".join(current))
        return lines

    def _broken(self, word: str, room: float) -> list[str]:
        pieces, piece = [], ""
        for character in word:
            if piece and self.pdf.get_string_width(piece + character) > room:
                pieces.append(piece)
                piece = ""
            piece += character
        return [*pieces, piece]


def draw_table(
    pdf: FPDF,
    *,
    headers: Sequence[str],
    widths: Sequence[float],
    rows: Sequence[Sequence[str]],
    font: str,
    size: float = 7.5,
    on_row: Callable[[int], None] = lambda number: None,
) -> None:
    """Draw the rows from the current position on; `on_row(number)` after each row."""
    table = _Table(pdf, headers=headers, widths=widths, font=font, size=size)
    table.header()
    for number, row in enumerate(rows, start=1):
        table.row(row, fill=ROW_FILL if number % 2 == 0 else None)
        on_row(number)


class _Table:
    def __init__(self, pdf: FPDF, *, headers: Sequence[str], widths: Sequence[float], font: str, size: float):
        self.pdf, self.headers, self.widths, self.font, self.size = pdf, headers, widths, font, size
        self.regular, self.bold = TextWrapper(pdf), TextWrapper(pdf)  # one width cache per face
        self.page_top = 0.0  # where rows start below the header on this page

    def header(self) -> None:
        self.pdf.set_font(self.font, "B", self.size)
        columns = self._wrapped(self.bold, self.headers)
        self._paint(columns, max(len(lines) for lines in columns), HEADER_FILL)
        self.page_top = self.pdf.get_y()

    def row(self, cells: Sequence[str], *, fill: tuple[int, int, int] | None) -> None:
        pdf = self.pdf
        pdf.set_font(self.font, "", self.size)
        columns = self._wrapped(self.regular, cells)
        remaining, done = max(len(lines) for lines in columns), 0
        while remaining:
            fits = int((pdf.page_break_trigger - pdf.get_y() - 2 * PAD_Y) // LINE_HEIGHT)
            on_fresh_page = pdf.get_y() <= self.page_top
            if fits < remaining and not on_fresh_page and (fits < 1 or remaining <= self._lines_per_page()):
                self._new_page()  # the row fits whole on the next page
                continue
            count = min(remaining, max(fits, 1))  # on a fresh page: as much as fits, the rest after
            self._paint([lines[done : done + count] for lines in columns], count, fill)
            done, remaining = done + count, remaining - count
            if remaining:
                self._new_page()

    def _lines_per_page(self) -> int:
        return int((self.pdf.page_break_trigger - self.page_top - 2 * PAD_Y) // LINE_HEIGHT)

    def _new_page(self) -> None:
        self.pdf.add_page(same=True)  # the orientation the table started in
        self.header()
        self.pdf.set_font(self.font, "", self.size)

    def _wrapped(self, wrapper: TextWrapper, cells: Sequence[str]) -> list[list[str]]:
        return [wrapper.lines(text, width - 2 * PAD_X) for text, width in zip(cells, self.widths, strict=True)]

    def _paint(self, columns: list[list[str]], count: int, fill: tuple[int, int, int] | None) -> None:
        pdf, widths = self.pdf, self.widths
        top, left, total = pdf.get_y(), pdf.l_margin, sum(widths)
        height = count * LINE_HEIGHT + 2 * PAD_Y
        if fill is not None:
            pdf.set_fill_color(*fill)
            pdf.rect(left, top, total, height, style="F")
        x = left
        baseline = top + PAD_Y + LINE_HEIGHT * 0.75
        for lines, width in zip(columns, widths, strict=True):
            for index, line in enumerate(lines):
                if line:
                    pdf.text(x + PAD_X, baseline + index * LINE_HEIGHT, line)
            x += width
        pdf.set_draw_color(*RULE)
        pdf.line(left, top + height, left + total, top + height)
        pdf.set_y(top + height)
