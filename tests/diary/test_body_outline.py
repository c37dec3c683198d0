"""The body outline's geometry: every region and side drawn once, each shape a target a thumb
can hit on a phone and apart from every other, and the sides written out the right way round."""

from itertools import combinations

import pytest

from conditions.reference import read_reference_file
from diary.body_outline import LEFT, MIDLINE, MIN_TARGET, RIGHT, VIEWS, View, render_view


def test_it_draws_every_region_and_side_of_the_reference_data_once() -> None:
    drawn = [shape.key for view in VIEWS for shape in view.shapes]
    expected = [
        f"{region['code']}:{side}"
        for region in read_reference_file()["regions"]
        for side in ((LEFT, RIGHT) if region["has_sides"] else (MIDLINE,))
    ]
    assert sorted(drawn) == sorted(expected)
    assert len(set(drawn)) == len(drawn)


@pytest.mark.parametrize("view", VIEWS, ids=lambda view: view.key)
def test_every_shape_is_a_target_large_enough_inside_its_view(view: View) -> None:
    for shape in view.shapes:
        left, top, right, bottom = shape.bounds
        assert min(right - left, bottom - top) >= MIN_TARGET, shape.key
        assert 0 <= left < right <= view.width, shape.key
        assert 0 <= top < bottom <= view.height - 24, shape.key  # clear of the side labels


@pytest.mark.parametrize("view", VIEWS, ids=lambda view: view.key)
def test_no_shape_lies_over_another(view: View) -> None:
    for one, other in combinations(view.shapes, 2):
        a, b = one.bounds, other.bounds
        apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
        assert apart, f"{one.key} and {other.key} overlap"


def test_the_sides_are_mirror_images_at_the_same_height() -> None:
    for view in VIEWS:
        sided = {shape.key: shape.bounds for shape in view.shapes if shape.side != MIDLINE}
        for key, (left, top, right, bottom) in sided.items():
            region, side = key.split(":")
            mirror = sided[f"{region}:{RIGHT if side == LEFT else LEFT}"]
            assert mirror == (view.width - right, top, view.width - left, bottom), key


@pytest.mark.parametrize(
    ("key", "first", "second"),
    [("face", "your right", "your left"), ("front", "your right", "your left"), ("back", "your left", "your right")],
)
def test_it_writes_out_which_side_is_which_on_the_viewers_left_first(key: str, first: str, second: str) -> None:
    [view] = [view for view in VIEWS if view.key == key]
    svg = str(render_view(view, shape_attributes=lambda shape: {}))
    assert f'text-anchor="end">{first}</text>' in svg  # the left half of the picture
    assert svg.index(first) < svg.index(second)
    for shape in view.shapes:  # and the shapes agree: the person's right drawn on the left side
        on_left = shape.bounds[2] <= view.width / 2
        if shape.side != MIDLINE:
            assert (shape.side == first.removeprefix("your ")) == on_left, shape.key
