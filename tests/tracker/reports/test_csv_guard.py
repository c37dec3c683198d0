import pytest

from tracker.reports.csv import neutralised


@pytest.mark.parametrize(
    "cell",
    [
        '=HYPERLINK("http://evil.example")',
        "+1+cmd",
        "-2+3",
        "@SUM(A1)",
        "\t=1+1",
        "\r=1+1",
        '   =HYPERLINK("http://evil.example")',
        " \t +1",
        "\uff1d1+1",  # full-width =
        "\uff0b1",  # full-width +
        "\uff0d1",  # full-width -
        "\uff20SUM(A1)",  # full-width @
        "  \uff1dcmd",
        "\u3000=1",  # ideographic space, then =
    ],
)
def test_it_prefixes_a_cell_whose_first_non_space_character_starts_a_formula(cell: str) -> None:
    assert neutralised(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["", "   ", "headache after coffee", "12", "a=b", "left:front"])
def test_it_leaves_a_plain_cell_as_it_is(cell: str) -> None:
    assert neutralised(cell) == cell
