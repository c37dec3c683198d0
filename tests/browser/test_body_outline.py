"""The body drawing on a phone (WCAG 2.2, 2.5.8): at 360 px, every place is a target at least
24 by 24 CSS px, a tap on it ticks its own box (no other shape lies over its middle), and its
readable name is its checkbox's label; on the logging page and on the quick log."""

from typing import Any

from tests.browser.conftest import look_at
from tests.browser.test_quick_log import open_quick_log

PHONE = {"width": 360, "height": 780}
MINIMUM = 24  # CSS px, WCAG 2.2 success criterion 2.5.8 (Target Size, Minimum)

# Each shape's size, and its checkbox's label: the drawing may sit in a closed <details>, which
# is opened first (the page's layout is not what this test is about).
SHAPES = """() => {
  document.querySelectorAll("details:has(.body-outline)").forEach((details) => { details.open = true; });
  const form = document.querySelector("form.episode-form");
  return Array.from(form.querySelectorAll(".region[data-location]"), (shape) => {
    const box = shape.getBoundingClientRect();
    const input = form.querySelector(`input[name="locations"][value="${CSS.escape(shape.dataset.location)}"]`);
    const label = input && input.closest("label");
    return {
      location: shape.dataset.location,
      name: shape.dataset.name,
      label: label ? label.textContent.trim() : null,
      width: box.width,
      height: box.height,
    };
  });
}"""


def _check_the_drawing(page: Any) -> None:
    shapes = page.evaluate(SHAPES)
    assert len(shapes) == 42
    small = [
        f"{s['location']} {s['width']:.0f}x{s['height']:.0f}" for s in shapes if min(s["width"], s["height"]) < MINIMUM
    ]
    assert not small, f"targets under {MINIMUM} px at 360 px: {small}"
    unnamed = [(s["location"], s["name"], s["label"]) for s in shapes if not s["label"] or s["name"] != s["label"]]
    assert not unnamed, f"shapes whose name is not their checkbox's label: {unnamed}"
    form = page.locator("form.episode-form")
    for shape in shapes:
        box = form.locator(f'input[name="locations"][value="{shape["location"]}"]')
        # A click at the shape's middle, which Playwright refuses if another element is on top.
        form.locator(f'.region[data-location="{shape["location"]}"]').click()
        assert box.is_checked(), shape["location"]
    assert form.locator(".region.on").count() == 42


def test_it_gives_every_place_a_target_a_thumb_can_hit_on_the_logging_page(signed_in_page: Any) -> None:
    page = signed_in_page
    page.set_viewport_size(PHONE)
    page.goto("/log/")
    _check_the_drawing(page)
    look_at(page, "log-body")


def test_it_writes_the_sides_in_words_kept_apart_from_the_next_views(signed_in_page: Any) -> None:
    page = signed_in_page  # 1280 px wide: the three views side by side
    page.goto("/log/")
    labels = page.evaluate(
        """() => Array.from(document.querySelectorAll(".body-outline"), (svg) =>
          Array.from(svg.querySelectorAll(".side-label"), (text) => {
            const box = text.getBoundingClientRect();
            return {view: svg.dataset.view, text: text.textContent, left: box.left, right: box.right, top: box.top};
          }))"""
    )
    words = [[label["text"] for label in view] for view in labels]
    assert words == [["your right", "your left"], ["your right", "your left"], ["your left", "your right"]]
    front, back = labels[1], labels[2]
    assert front[0]["top"] == back[0]["top"]  # side by side, on one line
    assert back[0]["left"] - front[1]["right"] >= 96  # "your left" twice, but far apart


def test_it_gives_every_place_a_target_a_thumb_can_hit_on_the_quick_log(signed_in_page: Any) -> None:
    page = signed_in_page
    page.set_viewport_size(PHONE)
    open_quick_log(page)
    page.locator('#episode-form input[name="locations"]').first.wait_for(state="attached")
    _check_the_drawing(page)
