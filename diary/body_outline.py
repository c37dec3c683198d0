"""The body outline: where each body region and side is drawn, in three views (the face, the
body from the front, the body from the back). One geometry for every picture of the body: the
logging form makes its shapes clickable, the dashboard shades them by how often each twitched.

The drawing is only a picture. The logging form's real controls are its checkboxes (one per
region and side), which a keyboard and a screen reader use; a shape only toggles its checkbox.
So the SVG is `aria-hidden` where the checkboxes stand beside it, and carries a title and a
description where it is the content (the dashboard).

Front views show the person facing us: their right is on our left. The back view shows their
back: their left is on our left. Each view says which side is which in words ("your right",
"your left") under the figure, and its title says which way the person faces.

Every shape is large enough for a thumb and apart from the others (MIN_TARGET): on a phone the
logging form draws one view a row, so that each view is wide enough, the face too.
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

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """The shape's bounding box: left, top, right, bottom."""
        g = dict(self.geometry)
        if self.element == "rect":
            return g["x"], g["y"], g["x"] + g["width"], g["y"] + g["height"]
        return g["cx"] - g["rx"], g["cy"] - g["ry"], g["cx"] + g["rx"], g["cy"] + g["ry"]


@dataclass(frozen=True)
class View:
    key: str  # "face", "front", "back"
    title: str
    width: int
    height: int
    shapes: tuple[Shape, ...]
    outline: tuple[tuple[str, tuple[tuple[str, float], ...]], ...]  # drawn behind, not clickable
    left_on_screen: str  # which of the person's sides is on the viewer's left


Element = tuple[str, tuple[tuple[str, float], ...]]  # an element's name and its geometry
WIDTH = 200  # every view's width; the body views' height:
BODY_HEIGHT = 420
# Every shape is at least this many units wide and high, and no two shapes of a view share any
# of their bounding boxes: a view drawn 240 px wide or more (the pages' CSS gives each 15rem at
# least, one a row on a 360 px phone), each is a target of 24 CSS px or more that nothing else
# covers (WCAG 2.2, 2.5.8).
MIN_TARGET = 20


def _rect(x: float, y: float, w: float, h: float, r: float = 6) -> Element:
    return "rect", (("x", x), ("y", y), ("width", w), ("height", h), ("rx", r))


def _ellipse(cx: float, cy: float, rx: float, ry: float) -> Element:
    return "ellipse", (("cx", cx), ("cy", cy), ("rx", rx), ("ry", ry))


def _mirrored(make: Callable[..., Element], on_left: tuple[float, ...]) -> tuple[Element, Element]:
    """A shape drawn on the viewer's left, and its mirror image on the right."""
    element, geometry = make(*on_left)
    flipped = dict(geometry)
    if element == "rect":
        flipped["x"] = WIDTH - flipped["x"] - flipped["width"]
    else:
        flipped["cx"] = WIDTH - flipped["cx"]
    return (element, geometry), (element, tuple(flipped.items()))


def _pair(
    region: str, make: Callable[..., Element], on_left: tuple[float, ...], left_on_screen: str
) -> tuple[Shape, Shape]:
    """A sided region's two shapes: `on_left` is drawn on the viewer's left, its mirror on the right."""
    right_on_screen = RIGHT if left_on_screen == LEFT else LEFT
    drawn = _mirrored(make, on_left)
    return Shape(region, left_on_screen, *drawn[0]), Shape(region, right_on_screen, *drawn[1])


def _single(region: str, make: Callable[..., Element], *arguments: float) -> Shape:
    element, geometry = make(*arguments)
    return Shape(region, MIDLINE, element, geometry)


def _face() -> View:
    s = RIGHT  # facing us: their right on our left
    return View(
        key="face",
        title="Face, facing you",
        width=200,
        height=256,
        left_on_screen=s,
        outline=(_ellipse(100, 115, 86, 108),),
        shapes=(
            *_pair("forehead", _rect, (44, 26, 54, 36, 12), s),
            *_pair("eyelid", _ellipse, (68, 84, 21, 11), s),
            *_pair("cheek", _ellipse, (58, 124, 20, 18), s),
            *_pair("jaw", _ellipse, (40, 170, 12, 24), s),
            *_pair("mouth", _ellipse, (85, 158, 14, 10), s),
            _single("tongue", _ellipse, 100, 181, 14, 10),
            _single("chin", _ellipse, 100, 206, 26, 12),
        ),
    )


# Drawn in both body views: in front as places, behind as the outline around the back's places.
HEAD = _ellipse(100, 28, 22, 24)
UPPER_ARM, FOREARM, HAND = (40, 103, 20, 50, 8), (33, 156, 20, 54, 8), (42, 225, 11, 13)
SHOULDER, FOOT = (56, 87, 13, 13), (83, 378, 15, 10)


def _front() -> View:
    s = RIGHT
    return View(
        key="front",
        title="Front, facing you",
        width=200,
        height=BODY_HEIGHT,
        left_on_screen=s,
        outline=(HEAD,),
        shapes=(
            *_pair("neck", _rect, (79, 54, 20, 20, 4), s),
            *_pair("shoulder", _ellipse, SHOULDER, s),
            *_pair("chest", _rect, (71, 77, 28, 50), s),
            *_pair("abdomen", _rect, (72, 130, 27, 52), s),
            *_pair("upper_arm", _rect, UPPER_ARM, s),
            *_pair("forearm", _rect, FOREARM, s),
            *_pair("hand", _ellipse, HAND, s),
            *_pair("thigh", _rect, (72, 185, 26, 80, 10), s),
            *_pair("knee", _ellipse, (85, 279, 12, 11), s),
            *_pair("shin", _rect, (75, 293, 20, 70, 8), s),
            *_pair("foot", _ellipse, FOOT, s),
        ),
    )


def _back() -> View:
    s = LEFT  # their back to us: their left on our left
    limbs = ((_ellipse, SHOULDER), (_rect, UPPER_ARM), (_rect, FOREARM), (_ellipse, HAND), (_ellipse, FOOT))
    return View(
        key="back",
        title="Back, from behind",
        width=200,
        height=BODY_HEIGHT,
        left_on_screen=s,
        outline=(
            HEAD,
            _rect(79, 54, 42, 20, 4),
            *(shape for make, arguments in limbs for shape in _mirrored(make, arguments)),
            *_mirrored(_rect, (72, 222, 26, 62, 10)),  # thighs and the backs of the knees
        ),
        shapes=(
            *_pair("upper_back", _rect, (71, 77, 28, 56), s),
            *_pair("lower_back", _rect, (72, 136, 27, 46), s),
            *_pair("buttock", _ellipse, (85, 202, 14, 17), s),
            *_pair("calf", _rect, (75, 288, 20, 76, 8), s),
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


TITLE_HEIGHT = 26  # a line above a view, for its title where the page does not print it


def view_title(view: View, *, x: float, y: float = 0, size: int = 14) -> SafeString:
    """The view's title, centred over it when it is drawn at `x`, TITLE_HEIGHT below `y` (the
    dashboard's and the share page's picture of the three views)."""
    return format_html(
        '<text x="{}" y="{}" font-size="{}" font-weight="bold" text-anchor="middle" fill="#222222">{}</text>',
        _g(x + view.width / 2),
        _g(y + 16),
        size,
        view.title,
    )


def _side_labels(view: View) -> SafeString:
    """Which of the person's sides is where, in words under the figure: "your right | your
    left", kept together in the middle, so that two views side by side never read as one run of
    sides from edge to edge (as "R ... L L ... R" in the corners did)."""
    words = {LEFT: "your left", RIGHT: "your right"}
    on_left = words[view.left_on_screen]
    on_right = words[RIGHT if view.left_on_screen == LEFT else LEFT]
    middle, y = view.width / 2, view.height - 8
    return format_html(
        '<text class="side-label" x="{}" y="{}" font-size="13" text-anchor="end">{}</text>'
        '<line class="side-rule" x1="{}" y1="{}" x2="{}" y2="{}" stroke="#6b7785"/>'
        '<text class="side-label" x="{}" y="{}" font-size="13">{}</text>',
        _g(middle - 6),
        y,
        on_left,
        _g(middle),
        y - 13,
        _g(middle),
        y + 3,
        _g(middle + 6),
        y,
        on_right,
    )
