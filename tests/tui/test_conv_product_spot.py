"""The convolution's product on the card: one output position followed from its row of W_col and its column of
x_cols, marked in all three boxes, with the line saying which entry it is and where the reshape puts it."""

from __future__ import annotations

import re

import numpy as np
import pytest
from pilot_helpers import card_text, settle

from tui.app import BackpropApp
from tui.session import Options

CONVNET = dict(layers="conv 4 3 pad 1, relu, maxpool 2, flatten, linear 4, softmax", dataset="shapes",
               output="softmax", loss="ce", batch=32)
NUMBER = re.compile(r"-?\d+\.\d+")


def marked(app) -> list[str]:
    """The numbers the card draws reversed, line by line."""
    card = app.query_one("#card").region
    return [segment.text.strip() for y, strip in enumerate(app.screen._compositor.render_strips())
            if card.y <= y < card.bottom for segment in strip
            if segment.style is not None and segment.style.reverse and NUMBER.fullmatch(segment.text.strip())]


async def to(pilot, formula: str) -> None:
    await pilot.press("home")
    while pilot.app.session.current.formula != formula:
        await pilot.press("n")


def value(app, name: str) -> np.ndarray:
    return next(e.value for e in app.session.events if e.name == name)


async def test_one_output_position_is_its_filter_row_times_its_window_column():
    app = BackpropApp(Options(**CONVNET))
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await to(pilot, "res1 = W_col1 @ x_cols1")
        card = card_text(app)
        assert ("res1[0, 1] = W_col1[0, :] · x_cols1[:, 1]   filter 0 on window 1 → output [1, 0, 0, 0]") in card
        W_col, x_cols, res = (value(app, n) for n in ("W_col1", "x_cols1", "res1"))
        shown = [0, 1, 2, 6, 7, 8]  # W_col1's 9 columns, 3 first and 3 last around the gap
        assert marked(app) == [f"{v:.3f}" for v in W_col[0, shown]] + [f"{v:.3f}" for v in x_cols[:, 1]] + \
            [f"{res[0, 1]:.3f}"]
        # what the line says is so: the entry is that dot product, and after the bias it is the output named
        assert res[0, 1] == pytest.approx(W_col[0] @ x_cols[:, 1])
        assert value(app, "Z1")[1, 0, 0, 0] == value(app, "out1")[0, 1]


async def test_with_the_channels_last_the_window_is_a_row_of_x_cols():
    app = BackpropApp(Options(**CONVNET, layout="channels_last"))
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await to(pilot, "res1 = x_cols1 @ W_col1")
        assert ("res1[1, 0] = x_cols1[1, :] · W_col1[:, 0]   filter 0 on window 1 → output [0, 0, 1, 0]") \
            in card_text(app)
        x_cols, res = value(app, "x_cols1"), value(app, "res1")
        assert f"{res[1, 0]:.3f}" in marked(app) and f"{x_cols[1, 8]:.3f}" in marked(app)
        assert value(app, "Z1")[0, 0, 1, 0] == value(app, "out1")[1, 0]


async def test_at_80_by_24_the_line_stays_and_other_products_mark_nothing():
    app = BackpropApp(Options(**CONVNET))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await to(pilot, "res1 = W_col1 @ x_cols1")
        assert "res1[0, 1] = W_col1[0, :] · x_cols1[:, 1]" in card_text(app)
        await pilot.press("n")
        assert marked(app) == [] and "W_col1[0, :]" not in card_text(app)
