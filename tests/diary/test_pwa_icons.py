"""The phone app's PNG icons (diary/static/diary/icons/) and the script that draws them from the
site's icon.svg (diary/pwa/make_icons.py)."""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from django.contrib.staticfiles import finders
from PIL import Image, ImageChops

from diary.pages import pwa
from diary.pwa import make_icons
from diary.pwa.make_icons import ICONS, Icon

SVG = "{http://www.w3.org/2000/svg}"
BLUE = make_icons.BLUE


def committed(icon: Icon) -> Image.Image:
    image = Image.open(make_icons.ICONS_DIR / icon.file)
    image.load()
    return image


def icon_named(file: str) -> Icon:
    return next(icon for icon in ICONS if icon.file == file)


def svg_points(path: str) -> list[tuple[float, float]]:
    """The corners of an SVG path made of M, h and l commands (what icon.svg uses)."""
    points: list[tuple[float, float]] = []
    for command, numbers in re.findall(r"([MhlL])([^MhlL]*)", path):
        values = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", numbers)]
        if command == "h":
            points += [(points[-1][0] + dx, points[-1][1]) for dx in values]
            continue
        for dx, dy in zip(values[::2], values[1::2], strict=True):
            points.append((points[-1][0] + dx, points[-1][1] + dy) if command == "l" else (dx, dy))
    return points


def test_it_draws_the_shapes_of_the_svg() -> None:
    found = finders.find("diary/icon.svg")
    assert isinstance(found, str)
    svg = ET.parse(found).getroot()
    rect, path = svg.find(f"{SVG}rect"), svg.find(f"{SVG}path")
    assert rect is not None
    assert path is not None
    side = make_icons.VIEWBOX
    assert svg.get("viewBox") == f"0 0 {side} {side}"
    assert (rect.get("width"), rect.get("height")) == (str(side), str(side))
    assert rect.get("rx") == str(make_icons.CORNER_RADIUS)
    assert rect.get("fill") == "#{:02x}{:02x}{:02x}".format(*BLUE) == pwa.THEME_COLOUR
    assert svg_points(path.get("d", "")) == [(float(x), float(y)) for x, y in make_icons.LINE]
    assert path.get("stroke") == "#fff"
    assert path.get("stroke-width") == str(make_icons.LINE_WIDTH)
    assert path.get("stroke-linecap") == path.get("stroke-linejoin") == "round"


def test_it_draws_the_icons_the_pages_name() -> None:
    named = {name: size for name, size, _ in pwa.ICONS} | {pwa.APPLE_TOUCH_ICON: 180}
    drawn = {f"diary/icons/{icon.file}": icon.size for icon in ICONS}
    assert drawn == named
    for name, _, purpose in pwa.ICONS:
        icon = icon_named(name.removeprefix("diary/icons/"))
        assert icon.rounded == (purpose == "any")  # a maskable icon is cut by the launcher


@pytest.mark.parametrize("icon", ICONS, ids=lambda icon: icon.file)
def test_the_committed_icons_are_what_the_script_draws(icon: Icon) -> None:
    # Fails when icon.svg's shapes or the script changed and `python -m diary.pwa.make_icons`
    # was not run again.
    drawn, kept = make_icons.draw(icon), committed(icon)
    assert (kept.mode, kept.size) == (drawn.mode, drawn.size)
    assert ImageChops.difference(kept, drawn).getbbox() is None


@pytest.mark.parametrize("file", ["icon-192.png", "icon-512.png"])
def test_the_any_icons_are_the_rounded_square_with_transparent_corners(file: str) -> None:
    pixels = np.asarray(committed(icon_named(file)))
    last = len(pixels) - 1
    for y, x in [(0, 0), (0, last), (last, 0), (last, last)]:
        assert pixels[y, x, 3] == 0
    middle = len(pixels) // 2
    for y, x in [(0, middle), (middle, 0), (last, middle), (middle, last)]:  # the straight edges
        assert tuple(pixels[y, x]) == (*BLUE, 255)


@pytest.mark.parametrize("file", ["maskable-512.png", "apple-touch-icon-180.png"])
def test_the_icons_a_platform_cuts_itself_are_opaque_to_the_edge(file: str) -> None:
    image = committed(icon_named(file))
    assert image.mode == "RGB"  # iOS shows transparency as black
    pixels = np.asarray(image)
    last = len(pixels) - 1
    for y, x in [(0, 0), (0, last), (last, 0), (last, last)]:
        assert tuple(pixels[y, x]) == BLUE


def test_the_maskable_icons_line_stays_inside_the_safe_zone() -> None:
    # A launcher may show only the centred circle whose diameter is 80 % of the side.
    pixels = np.asarray(committed(icon_named("maskable-512.png")))
    side = len(pixels)
    ys, xs = np.nonzero(pixels[:, :, 0] > BLUE[0] + 8)  # any trace of the white line
    assert len(xs) > side  # the line is there
    distances = np.hypot(xs + 0.5 - side / 2, ys + 0.5 - side / 2)
    assert distances.max() <= 0.4 * side


def test_the_icons_are_kept_small() -> None:
    # Written with optimize=True; each is downloaded at install and kept by the service worker.
    for icon in ICONS:
        assert Path(make_icons.ICONS_DIR / icon.file).stat().st_size < 32 * 1024, icon.file
