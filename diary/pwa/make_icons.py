"""Draws the phone app's PNG icons (diary/static/diary/icons/) from the site's icon.

Browsers show diary/static/diary/icon.svg in a tab, but installing the app on Android asks the
manifest for PNGs of 192 and 512 pixels, and iOS's home screen for a 180-pixel apple-touch-icon.
This draws the SVG's two shapes (a rounded blue square, a white heartbeat-like line) again with
Pillow, from the same 64x64 coordinates, so that the PNGs can be made again whenever the SVG
changes:

    .venv/bin/python -m diary.pwa.make_icons

Each icon is drawn at four times its size and scaled down with LANCZOS, which smooths the
edges (Pillow draws shapes without anti-aliasing).
"""

from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

ICONS_DIR = Path(__file__).resolve().parent.parent / "static" / "diary" / "icons"

# icon.svg, in its own coordinates (tests/diary/test_pwa_icons.py checks the two agree):
# <rect width="64" height="64" rx="14" fill="#1f5fbf"/> and
# <path d="M8 34h12l5-14 8 26 6-18 4 6h13" stroke="#fff" stroke-width="5" round caps and joins>.
VIEWBOX = 64
CORNER_RADIUS = 14
BLUE = (0x1F, 0x5F, 0xBF)
WHITE = (0xFF, 0xFF, 0xFF)
LINE = ((8, 34), (20, 34), (25, 20), (33, 46), (39, 28), (43, 34), (56, 34))
LINE_WIDTH = 5
SUPERSAMPLE = 4

# A launcher cuts a maskable icon to its own shape (circle, squircle...): only the centred circle
# whose diameter is 80 % of the side is sure to show. At the SVG's scale the line's round ends
# reach 41 % of the side from the centre; drawn at 80 % of it they reach 33 %, inside that circle.
MASKABLE_LINE_SCALE = 0.8


@dataclass(frozen=True)
class Icon:
    file: str
    size: int
    # True: the SVG's rounded square with transparent corners ("any" icons). False: the whole
    # square is blue, for a platform that cuts its own shape (maskable, iOS's home screen).
    rounded: bool
    line_scale: float = 1.0


ICONS = (
    Icon("icon-192.png", 192, rounded=True),
    Icon("icon-512.png", 512, rounded=True),
    Icon("maskable-512.png", 512, rounded=False, line_scale=MASKABLE_LINE_SCALE),
    # iOS rounds the corners itself and shows transparent pixels as black: opaque, full bleed.
    Icon("apple-touch-icon-180.png", 180, rounded=False),
)


def draw(icon: Icon) -> Image.Image:
    side = icon.size * SUPERSAMPLE
    unit = side / VIEWBOX  # pixels per SVG unit
    if icon.rounded:
        # Transparent corners. (Pillow scales RGBA with premultiplied alpha: the half-covered
        # pixels of the edge stay blue, with no dark fringe from the transparent black.)
        image = Image.new("RGBA", (side, side))
        ImageDraw.Draw(image).rounded_rectangle((0, 0, side - 1, side - 1), radius=CORNER_RADIUS * unit, fill=BLUE)
    else:
        image = Image.new("RGB", (side, side), BLUE)
    _draw_line(ImageDraw.Draw(image), side=side, unit=unit * icon.line_scale)
    return image.resize((icon.size, icon.size), Image.Resampling.LANCZOS)


def _draw_line(canvas: ImageDraw.ImageDraw, *, side: int, unit: float) -> None:
    """The SVG's path, scaled about the icon's centre, with round caps and joins."""
    centre = VIEWBOX / 2
    # Pixel i covers [i, i + 1) of the SVG's continuous plane: its centre is at i + 0.5.
    points = [(side / 2 + (x - centre) * unit - 0.5, side / 2 + (y - centre) * unit - 0.5) for x, y in LINE]
    width = round(LINE_WIDTH * unit)
    canvas.line(points, fill=WHITE, width=width, joint="curve")
    radius = width / 2
    for x, y in points:  # round caps at the ends, and joins as round as the SVG's at each turn
        canvas.ellipse((x - radius, y - radius, x + radius, y + radius), fill=WHITE)


def main() -> None:
    ICONS_DIR.mkdir(parents=True, exist_ok=True)
    for icon in ICONS:
        path = ICONS_DIR / icon.file
        draw(icon).save(path, optimize=True)
        print(f"{path}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
