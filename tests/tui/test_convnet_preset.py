"""The small convnet on shapes, opened as a preset: its data follow, every layout key works, and the card shows the
convolution's events."""

from __future__ import annotations

import pytest

from tests.tui.pilot_helpers import card_text, screen_text, settle
from tui.app import BackpropApp
from tui.session import Options


def message(app) -> str:
    return str(app.query_one("#message").content)


def summary(app) -> str:
    region = app.query_one("#summary").region
    return " ".join(screen_text(app).splitlines()[region.y:region.bottom])


async def test_the_convnet_preset_opens_with_the_shapes_data():
    app = BackpropApp()
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.press("a", "tab", "enter")
        await pilot.pause()
        await pilot.press("end", "up", "enter")  # the last preset before custom
        await settle(pilot)
        assert "preset small convnet on shapes: data is now shapes (images (1, 8, 8), 4 outputs), 200 examples, " \
               "batch 32" in message(app)
        assert "conv 4@3×3 → relu → pool 2 → flat → 4 → softmax" in summary(app)
        await pilot.press("home", "n")
        card = card_text(app)
        assert "x_cols1 = x_pad1[:, k1, i1, j1].transpose(1, 2, 0).reshape(9, -1)" in card
        assert "(9, 2048)" in card


async def test_dense_layers_on_images_are_refused_inline_and_the_network_stays():
    app = BackpropApp(Options(layers="conv 4 3 pad 1, relu, maxpool 2, flatten, linear 4, softmax", dataset="shapes",
                              output="softmax", loss="ce", batch=16))
    async with app.run_test(size=(120, 34)) as pilot:
        await settle(pilot)
        assert app.session.net.layers.startswith("conv 4 3 pad 1")
        await pilot.press("a", *"linear 4, softmax", "enter")
        await settle(pilot)
        assert "layers not changed: shapes (images (1, 8, 8), 4 outputs): dense layers do not read images; press a " \
               "and choose the preset small convnet on shapes" in message(app)
        assert app.session.net.layers.startswith("conv 4 3 pad 1")


def test_own_images_come_from_the_command_line(tmp_path):
    import numpy as np

    from tui.cli.arguments import options_from, parser
    from tui.session import Session
    path = tmp_path / "images.npz"
    rng = np.random.default_rng(0)
    np.savez(path, X=rng.normal(size=(10, 8, 8, 3)), y=np.arange(10) % 3)
    args = parser().parse_args(["--data", str(path), "--layers", "conv 2 3 pad 1, relu, flatten, linear 3, softmax",
                                "--layout", "channels_last", "--batch", "5"])
    session = Session.start(options_from(args))
    assert session.net.inputs == (3, 8, 8) and session.X.shape == (5, 8, 8, 3)
    assert session.data.describe() == "images.npz (images (3, 8, 8), 3 outputs)"
    np.savez(path, X=rng.normal(size=(10, 64)), y=np.arange(10) % 3)
    args = parser().parse_args(["--data", str(path), "--layers", "conv 2 3 pad 1, relu, flatten, linear 3, softmax"])
    with pytest.raises(ValueError, match=r"X has shape \(10, 64\), 2 dimensions; expected 4, \(m, C, H, W\) or "
                                         r"\(m, H, W, C\)"):
        Session.start(options_from(args))
