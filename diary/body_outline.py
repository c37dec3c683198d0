"""The body outline: where each body region and side is drawn, in three views (the face, the
body from the front, the body from the back). One geometry for every picture of the body: the
logging form makes its shapes clickable, the dashboard shades them by how often each twitched.

The drawing is only a picture. The logging form's real controls are its checkboxes (one per
region and side), which a keyboard and a screen reader use; a shape only toggles its checkbox.
So the SVG is `aria-hidden` where the checkboxes stand beside it, and carries a title and a
description where it is the content (the dashboard).

Front views show the person facing us: their right is on our left. The back view shows their
back: their left is on our left. Each view prints which side is which.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

LEFT, RIGHT, MIDLINE, BOTH = "left", "right", "midline", "both"


@dataclass(frozen=True)
class Shape:
    """One region on one side, as drawn in one view."""

    region: str  # a BodyRegion code
    side: str  # left, right or midline (never both: "both" is the two shapes together)
    element: str  # "rect" or "ellipse"
    geometry: tuple[tuple[str, float], ...]  # the element's position and size attributes

    @property
    def key(self) -> str:
        """The form value of this location: "calf:left", "tongue:midline"."""
        return f"{self.region}:{self.side}"


@dataclass(frozen=True)
class View:
    key: str  # "face", "front", "back"
    title: str
    width: int
    height: int
    shapes: tuple[Shape, ...]
    outline: tuple[tuple[str, tuple[tuple[str, float], ...]], ...]  # drawn behind, not clickable
    left_on_screen: str  # which of the person's sides is on the viewer's left


def _rect(x: float, y: float, w: float, h: float, r: float = 6) -> tuple[str, tuple[tuple[str, float], ...]]:
    return "rect", (("x", x), ("y", y), ("width", w), ("height", h), ("rx", r))


def _ellipse(cx: float, cy: float, rx: float, ry: float) -> tuple[str, tuple[tuple[str, float], ...]]:
    return "ellipse", (("cx", cx), ("cy", cy), ("rx", rx), ("ry", ry))


def _pair(
    region: str,
    make: Callable[..., tuple[str, tuple[tuple[str, float], ...]]],
    on_left: tuple[float, ...],
    on_right: tuple[float, ...],
    left_on_screen: str,
) -> tuple[Shape, Shape]:
    """A sided region's two shapes: `on_left` is drawn on the viewer's left."""
    right_on_screen = RIGHT if left_on_screen == LEFT else LEFT
    shapes = []
    for side, arguments in ((left_on_screen, on_left), (right_on_screen, on_right)):
        element, geometry = make(*arguments)
        shapes.append(Shape(region, side, element, geometry))
    return shapes[0], shapes[1]


def _single(region: str, make: Callable[..., tuple[str, tuple[tuple[str, float], ...]]], *arguments: float) -> Shape:
    element, geometry = make(*arguments)
    return Shape(region, MIDLINE, element, geometry)


def _face() -> View:
    s = RIGHT  # facing us: their right on our left
    return View(
        key="face",
        title="Face",
        width=200,
        height=240,
        left_on_screen=s,
        outline=(_ellipse(100, 115, 86, 108),),
        shapes=(
            *_pair("forehead", _rect, (44, 26, 54, 36, 12), (102, 26, 54, 36, 12), s),
            *_pair("eyelid", _ellipse, (68, 84, 21, 10), (132, 84, 21, 10), s),
            *_pair("cheek", _ellipse, (58, 124, 20, 18), (142, 124, 20, 18), s),
            *_pair("jaw", _ellipse, (40, 166, 12, 24), (160, 166, 12, 24), s),
            *_pair("mouth", _ellipse, (86, 158, 14, 9), (114, 158, 14, 9), s),
            _single("tongue", _ellipse, 100, 178, 12, 6),
            _single("chin", _ellipse, 100, 204, 26, 12),
        ),
    )


def _front() -> View:
    s = RIGHT
    return View(
        key="front",
        title="Body, front",
        width=200,
        height=400,
        left_on_screen=s,
        outline=(_ellipse(100, 30, 22, 25),),
        shapes=(
            *_pair("neck", _rect, (87, 54, 12, 18, 3), (101, 54, 12, 18, 3), s),
            *_pair("shoulder", _ellipse, (60, 82, 17, 11), (140, 82, 17, 11), s),
            *_pair("chest", _rect, (70, 76, 29, 50), (101, 76, 29, 50), s),
            *_pair("abdomen", _rect, (72, 128, 27, 52), (101, 128, 27, 52), s),
            *_pair("upper_arm", _rect, (41, 95, 18, 56, 8), (141, 95, 18, 56, 8), s),
            *_pair("forearm", _rect, (33, 154, 16, 56, 7), (151, 154, 16, 56, 7), s),
            *_pair("hand", _ellipse, (37, 225, 10, 14), (163, 225, 10, 14), s),
            *_pair("thigh", _rect, (72, 184, 26, 82, 10), (102, 184, 26, 82, 10), s),
            *_pair("knee", _ellipse, (85, 279, 12, 10), (115, 279, 12, 10), s),
            *_pair("shin", _rect, (76, 292, 18, 72, 8), (106, 292, 18, 72, 8), s),
            *_pair("foot", _ellipse, (82, 379, 14, 8), (118, 379, 14, 8), s),
        ),
    )


def _back() -> View:
    s = LEFT  # their back to us: their left on our left
    return View(
        key="back",
        title="Body, back",
        width=200,
        height=400,
        left_on_screen=s,
        outline=(
            _ellipse(100, 30, 22, 25),
            _rect(87, 54, 26, 18, 3),
            _rect(41, 80, 18, 72, 8),
            _rect(141, 80, 18, 72, 8),
            _rect(33, 154, 16, 56, 7),
            _rect(151, 154, 16, 56, 7),
            _rect(72, 222, 26, 58, 10),
            _rect(102, 222, 26, 58, 10),
            _ellipse(82, 379, 14, 8),
            _ellipse(118, 379, 14, 8),
        ),
        shapes=(
            *_pair("upper_back", _rect, (70, 76, 29, 56), (101, 76, 29, 56), s),
            *_pair("lower_back", _rect, (72, 134, 27, 46), (101, 134, 27, 46), s),
            *_pair("buttock", _ellipse, (85, 200, 14, 17), (115, 200, 14, 17), s),
            *_pair("calf", _rect, (76, 288, 18, 76, 8), (106, 288, 18, 76, 8), s),
        ),
    )


VIEWS: tuple[View, ...] = (_face(), _front(), _back())


def shape_keys() -> list[str]:
    """Every drawn location's form value, in drawing order."""
    return [shape.key for view in VIEWS for shape in view.shapes]


def sides_drawn(region: str, side: str) -> list[str]:
    """The shapes' sides that picture a logged location: both sides for "both"."""
    return [LEFT, RIGHT] if side == BOTH else [side]


def _attributes(pairs: Mapping[str, object]) -> SafeString:
    return format_html_join(" ", '{}="{}"', ((name, value) for name, value in pairs.items()))


def _g(value: float) -> str:
    return f"{value:g}"


def render_view(
    view: View,
    *,
    shape_attributes: Callable[[Shape], Mapping[str, object]],
    svg_attributes: Mapping[str, object] | None = None,
    title: str = "",
    description: str = "",
) -> SafeString:
    """The view as one inline <svg>. `shape_attributes` gives each shape's extra attributes
    (a class, a data attribute, a fill): presentation attributes, never `style`, which the
    site's Content-Security-Policy refuses inline. With a title, the picture is an image with
    that accessible name (and description); without one it is hidden from assistive
    technology, for use beside the real controls."""
    root: dict[str, object] = {
        "viewBox": f"0 0 {view.width} {view.height}",
        "class": f"body-outline body-outline-{view.key}",
        "data-view": view.key,
        **(svg_attributes or {}),
    }
    if title:
        root.update({"role": "img", "aria-labelledby": f"outline-{view.key}-title"})
    else:
        root.update({"aria-hidden": "true", "focusable": "false"})
    parts = [format_html("<svg {}>", _attributes(root))]
    if title:
        parts.append(format_html('<title id="outline-{}-title">{}</title>', view.key, title))
        if description:
            parts.append(format_html("<desc>{}</desc>", description))
    for element, geometry in view.outline:
        parts.append(format_html('<{} class="outline" {}/>', element, _geometry(geometry)))
    for shape in view.shapes:
        extra = _attributes(shape_attributes(shape))
        parts.append(format_html("<{} {} {}/>", shape.element, _geometry(shape.geometry), extra))
    parts.append(_side_labels(view))
    parts.append(format_html("</{}>", "svg"))
    return format_html_join("", "{}", ((part,) for part in parts))  # each part is already escaped


def _geometry(geometry: tuple[tuple[str, float], ...]) -> SafeString:
    return format_html_join(" ", '{}="{}"', ((name, _g(value)) for name, value in geometry))


def _side_labels(view: View) -> SafeString:
    """ "R" and "L" at the bottom corners: which of the person's sides is where."""
    left_text = "R" if view.left_on_screen == RIGHT else "L"
    right_text = "L" if left_text == "R" else "R"
    y = view.height - 6
    return format_html(
        '<text class="side-label" x="6" y="{}">{}</text>'
        '<text class="side-label" x="{}" y="{}" text-anchor="end">{}</text>',
        y,
        left_text,
        view.width - 6,
        y,
        right_text,
    )
