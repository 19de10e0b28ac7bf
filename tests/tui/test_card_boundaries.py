"""The event card at exact sizes: when operands share the width, when the result stands beside them, how many
rows each matrix keeps, and that a resize redraws the card at once.

The question's network (4 → 3 → 3, m = 2) at event 1, Z1 = X @ W1 + b1: X (2, 4) draws 16 cells wide and W1,
b1 and Z1 24 each, with a one-cell gap between boxes. A matrix cut to r rows shows its first ⌈r/2⌉ rows, ⋮ and
its last ⌊r/2⌋, never fewer than the first and the last, and never a ⋮ for one row; the header takes 4 lines, 6
when there is room for two blank ones.
"""

from __future__ import annotations

import re

from card_app import OneCard
from pilot_helpers import card_text

from tui.session import Options

SPIRALS = Options(sizes=(2, 16, 3), dataset="spirals")  # X (300, 2), W1 (2, 16), b1 (1, 16)


def tops(app) -> list[str]:
    """Each line of the card holding box tops, the boxes' titles in order."""
    lines = card_text(app).splitlines()
    return [" ".join(re.findall(r"╭─ (\S+ \(.*?\)) ", line)) for line in lines if "╭─" in line]


def box_rows(app, name: str) -> list[str]:
    """The numbers inside the box called `name`, one string per row, ⋮ for the cut."""
    lines = card_text(app).splitlines()
    top = next(k for k, line in enumerate(lines) if f"╭─ {name} " in line)
    x = lines[top].index(f"╭─ {name} ")
    right = lines[top].index("╮", x)
    body = []
    for line in lines[top + 1:]:
        inside = line[x:right + 1]
        if inside.startswith("╰"):
            return body
        body.append(" ".join(inside.strip("│ ").split()))
    raise AssertionError(lines)



def boxes_closed(app) -> bool:
    """Every box the card draws has its four corners: none runs off an edge."""
    lines = card_text(app).splitlines()
    return (sum(line.count("╭") for line in lines) == sum(line.count("╮") for line in lines)
            == sum(line.count("╰") for line in lines) == sum(line.count("╯") for line in lines))


async def test_operands_wrap_onto_another_band_before_they_hide_columns():
    app = OneCard(74, 30, options=SPIRALS)  # W1 with 6 of its 16 columns is 52 cells: it cannot stand beside b1
    async with app.run_test(size=(80, 34)) as pilot:
        await pilot.pause()
        assert tops(app) == ["X (300, 2) W1 (2, 16)", "b1 (1, 16)", "Z1 (300, 16)"]
        assert box_rows(app, "W1") == ["0.274 -0.460 -0.918 … -0.933 0.459 -0.649",
                                       "0.726 0.083 -0.401 … 0.301 0.377 -0.222"]
        assert box_rows(app, "X")[-1] == "-0.389 0.921"  # rows cut: the first three, ⋮ and the last three
        assert box_rows(app, "X")[3] == "⋮ ⋮" and len(box_rows(app, "X")) == 7


async def test_a_band_too_narrow_for_every_column_keeps_the_first_and_last():
    app = OneCard(50, 30, options=SPIRALS)  # six columns of W1 take 52 cells: four, and the gap, take 38
    async with app.run_test(size=(56, 34)) as pilot:
        await pilot.pause()
        assert tops(app) == ["X (300, 2)", "W1 (2, 16)", "b1 (1, 16)", "Z1 (300, 16)"]
        assert box_rows(app, "W1") == ["0.274 -0.460 … 0.459 -0.649", "0.726 0.083 … 0.377 -0.222"]
        assert boxes_closed(app)


async def test_resizing_the_screen_redraws_the_card_at_its_new_width():
    app = OneCard(None, None, options=SPIRALS)
    async with app.run_test(size=(73, 30)) as pilot:
        await pilot.pause()
        assert tops(app) == ["X (300, 2) W1 (2, 16)", "b1 (1, 16)", "Z1 (300, 16)"]
        await pilot.resize_terminal(56, 30)  # too narrow for X and W1 side by side
        await pilot.pause()
        assert tops(app) == ["X (300, 2)", "W1 (2, 16)", "b1 (1, 16)", "Z1 (300, 16)"]
        assert all(len(line) == 56 for line in card_text(app).splitlines())
        await pilot.resize_terminal(73, 30)
        await pilot.pause()
        assert tops(app) == ["X (300, 2) W1 (2, 16)", "b1 (1, 16)", "Z1 (300, 16)"]


W1 = ["0.274 -0.460 -0.918", "-0.967 0.627 0.826", "0.213 0.459 0.087", "0.870 0.632 -0.995"]
Z1 = ["1.105 0.324 -0.541", "0.715 -0.933 0.459"]


async def test_rows_are_cut_only_as_far_as_the_height_needs_and_the_last_row_always_shows():
    # 74 wide: X, W1 and b1 in one band, Z1 below. Band + Z1 + header: 4 rows 6 + 4 + 4; first, ⋮, last 5 + 4 + 4.
    cut = "⋮ ⋮ ⋮"
    for height, w1 in [(14, W1), (13, [W1[0], cut, W1[3]])]:
        app = OneCard(74, height)
        async with app.run_test(size=(80, height + 4)) as pilot:
            await pilot.pause()
            assert tops(app) == ["X (2, 4) W1 (4, 3) b1 (1, 3)", "Z1 (2, 3)"], height
            assert box_rows(app, "W1") == w1, height
            assert box_rows(app, "Z1") == Z1, height  # two rows: a ⋮ would take the line the second one needs
            assert boxes_closed(app)


async def test_a_box_with_no_room_is_named_rather_than_cut():
    app = OneCard(74, 12)  # one line short of the 13 that event 1 needs at its fewest rows
    async with app.run_test(size=(80, 16)) as pilot:
        await pilot.pause()
        assert tops(app) == ["X (2, 4) W1 (4, 3) b1 (1, 3)"]
        assert "no room for Z1 (2, 3): a taller terminal shows it" in card_text(app)
        assert boxes_closed(app)


async def test_the_result_stands_beside_the_operands_when_only_that_fits():
    # 60 wide: X and W1 fill a band; b1 and Z1 fit in the next, so all four rows of W1 keep their place.
    app = OneCard(60, 14)
    async with app.run_test(size=(66, 18)) as pilot:
        await pilot.pause()
        assert tops(app) == ["X (2, 4) W1 (4, 3)", "b1 (1, 3) Z1 (2, 3)"]
        assert box_rows(app, "W1") == W1


async def test_boxes_that_fill_the_width_exactly_stand_in_one_band():
    # 16 + 1 + 24 + 1 + 24 + 1 + 24 = 91: all four side by side, and everything fits in 13 lines.
    app = OneCard(91, 13)
    async with app.run_test(size=(97, 17)) as pilot:
        await pilot.pause()
        assert tops(app) == ["X (2, 4) W1 (4, 3) b1 (1, 3) Z1 (2, 3)"]
        assert box_rows(app, "W1") == W1
        assert box_rows(app, "Z1") == Z1
    app = OneCard(90, 13)  # one cell less: Z1 goes below, and the matrices lose rows to fit
    async with app.run_test(size=(97, 17)) as pilot:
        await pilot.pause()
        assert tops(app) == ["X (2, 4) W1 (4, 3) b1 (1, 3)", "Z1 (2, 3)"]
        assert box_rows(app, "W1") == [W1[0], "⋮ ⋮ ⋮", W1[3]]
