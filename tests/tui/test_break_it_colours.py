"""Break it: a fix that gives the right values is drawn in the same green as the right line above it."""

from __future__ import annotations

import pytest
from pilot_helpers import screen_text

from tui.app import BackpropApp
from tui.session import Options


def colour_of(app, text: str, nth: int = 0, after: str = "") -> tuple:
    """The foreground colours of the cells of the nth place where `text` is on screen, just after `after`."""
    strips = app.screen._compositor.render_strips()
    found = []
    for strip in strips:
        cells = [(ch, seg.style) for seg in strip for ch in seg.text]
        row = "".join(ch for ch, _ in cells)
        at = row.find(after + text)
        while at >= 0:
            start = at + len(after)
            found.append(tuple({style.color for _, style in cells[start:start + len(text)]}))
            at = row.find(after + text, at + 1)
    return found[nth]


@pytest.mark.parametrize("layout, formula", [("rows", "dW2 = A1.T @ dZ2"), ("columns", "dW2 = dZ2 @ A1.T")])
async def test_a_fix_giving_the_right_values_is_green_like_the_right_line(layout, formula):
    app = BackpropApp(Options(layout=layout))
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.press(*["n"] * 6, "b")  # dW2, then break it
        await pilot.pause()
        shown = screen_text(app)
        assert f"fix: {formula}  right values" in shown
        green = colour_of(app, formula, after="Break it: the right line is ")
        assert len(green) == 1, green  # the right line is one colour
        labels = shown.count("right values")
        assert labels == 3
        for k in range(labels):
            assert colour_of(app, "right values", k) == green
        assert colour_of(app, "fix: ")[0] not in green  # the fix's own words are not the label's colour
