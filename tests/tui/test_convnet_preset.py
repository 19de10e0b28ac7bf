"""The small convnet on shapes, opened as a preset: its data follow, every layout key works, and the card shows the
convolution's events."""

from __future__ import annotations

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
