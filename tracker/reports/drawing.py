"""Drawing a chart's picture: matplotlib's Figure API with the SVG canvas (never pyplot, whose
global figures and state a worker building several reports at once must not share), and the
figure turned into one accessible <svg role="img"> that a page's CSP accepts (presentation
attributes only) and that fpdf2 draws as it looks on screen (text as paths). What each chart
shows is tracker.reports.charts'."""

import io
import re
from dataclasses import dataclass
from html import escape
from typing import Any

from matplotlib.axes import Axes
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from matplotlib.typing import RcKeyType

WIDTH_INCHES = 7.0


@dataclass(frozen=True)
class Layout:
    """A chart's size and the size of its text. WIDE is the PDF's page width, and the page's
    at its natural size. NARROW is for a phone: drawn at about the width it is shown at 360 CSS
    px (3.2 in is 307 px), so that a point of text stays a point and 9 pt shows as 12 px; drawn
    7 in wide and shrunk to fit, the same 7 pt labels showed about 4 px high."""

    name: str  # "wide" or "narrow"; a narrow chart's SVG ids and class carry it
    width: float  # inches
    tick: float  # tick labels, in points
    label: float  # axis labels and other text, in points
    dates: int  # at most this many date labels along an axis

    @property
    def narrow(self) -> bool:
        return self.name == "narrow"


WIDE = Layout("wide", WIDTH_INCHES, tick=7, label=9, dates=10)
NARROW = Layout("narrow", 3.2, tick=9, label=9, dates=4)

RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 9,
}


def whole_counts() -> MaxNLocator:
    """Ticks for an axis of episodes: whole numbers, or a diary of two episodes reads 0.5. The
    steps of matplotlib's own locator otherwise (10 is ticked 0, 5, 10, not 0, 2, 4, 6...)."""
    return MaxNLocator(nbins="auto", steps=[1, 2, 2.5, 5, 10], integer=True)


def new_figure(*, height: float, width: float = WIDTH_INCHES) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasSVG(figure)
    axes = figure.add_subplot()
    return figure, axes


ID = re.compile(r'(\bid="|xlink:href="#|href="#|url\(#)([^")]+)')


def svg_of(figure: Figure, key: str, title: str, description: str) -> str:
    """The figure as one <svg role="img"> element named by its title and described by its
    caption, styled with presentation attributes only (see presentation_attributes).

    matplotlib names glyphs and clip paths the same way in every figure ("DejaVuSans-31"):
    prefixed with the chart's key, so that several charts inlined in one HTML page never point
    at each other's definitions. An underscore joins them: fpdf2 reads a clip-path reference as
    word characters only."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.DOTALL)
    text = ID.sub(lambda m: f"{m.group(1)}{key}_{m.group(2)}", text).strip()
    text = presentation_attributes(text)
    root_end = text.index(">") + 1
    return f"{text[: root_end - 1]} {labelled(key, title, description)}{text[root_end:]}"


def labelled(key: str, title: str, description: str) -> str:
    """The root's accessible name and description, and the <title> and <desc> they point at
    (ending the root's opening tag)."""
    return (
        f'role="img" aria-labelledby="{key}_title" aria-describedby="{key}_desc">'
        f'<title id="{key}_title">{escape(title)}</title><desc id="{key}_desc">{escape(description)}</desc>'
    )


# Styles as presentation attributes

# The SVG properties that are also presentation attributes, which a page's CSP without
# 'unsafe-inline' leaves alone (it refuses style attributes and <style> elements).
PRESENTATION = frozenset(
    {
        "clip-path", "clip-rule", "color", "display", "fill", "fill-opacity", "fill-rule", "font-family",
        "font-size", "font-style", "font-weight", "opacity", "stroke", "stroke-dasharray",
        "stroke-dashoffset", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-opacity",
        "stroke-width", "text-anchor", "visibility",
    }
)  # fmt: skip
STYLE_ATTRIBUTE = re.compile(r'(<[a-zA-Z][^<>]*?)\s+style="([^"]*)"')
STYLE_ELEMENT = re.compile(r"\s*<style[^>]*>(.*?)</style>", re.DOTALL)
UNIVERSAL_RULE = re.compile(r"\*\s*\{([^}]*)\}")


def declarations(style: str) -> list[tuple[str, str]]:
    """ "fill: #fff; stroke-width: 0.8" as [("fill", "#fff"), ("stroke-width", "0.8")]: the
    presentation properties only, in their order (a property given twice: the last wins)."""
    found: dict[str, str] = {}
    for declaration in style.split(";"):
        name, colon, value = declaration.partition(":")
        name, value = name.strip().lower(), value.strip()
        if colon and name in PRESENTATION and value:
            found[name] = value
    return list(found.items())


def presentation_attributes(svg: str) -> str:
    """matplotlib's SVG with its style attributes turned into presentation attributes, and its
    <style> element (one universal rule: the line joins and caps) dropped, its declarations
    set on the root instead, where they inherit alike. An attribute the element has already is
    left as it is."""
    inherited = "".join(m.group(1) for s in STYLE_ELEMENT.findall(svg) for m in UNIVERSAL_RULE.finditer(s))
    svg = STYLE_ELEMENT.sub("", svg)
    svg = re.sub(r"\s*<defs>\s*</defs>", "", svg)
    svg = STYLE_ATTRIBUTE.sub(lambda m: m.group(1) + _attributes(m.group(1), m.group(2)), svg)
    root_end = svg.index(">")
    return svg[:root_end] + _attributes(svg[:root_end], inherited) + svg[root_end:]


def _attributes(tag: str, style: str) -> str:
    return "".join(
        f' {name}="{escape(value)}"' for name, value in declarations(style) if not re.search(rf"\s{name}=", tag)
    )
