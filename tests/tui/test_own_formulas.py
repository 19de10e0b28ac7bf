"""The app's own formulas are right in its own doctor and in write it yourself, at every event of every network
shape it can build: layouts, biases, output and loss pairs (fused and not), one and two layers. Driven by keys."""

from __future__ import annotations

import itertools

import pytest
from textual import events
from pilot_helpers import screen_text, settle

from tui.app import BackpropApp
from tui.session import Options

PAIRS = (("sigmoid", "bce"), ("softmax", "ce"), ("identity", "mse"),  # fused into dZ = (A - Y) / m
         ("sigmoid", "ce"), ("sigmoid", "mse"))  # not fused: dA, then dZ through the activation's derivative
NETWORKS = [Options(sizes=sizes, output=output, loss=loss, layout=layout, bias=bias, dataset="synthetic")
            for layout, bias, (output, loss), sizes in itertools.product(
                ("rows", "columns"), ("vector", "augmented"), PAIRS, ((4, 3), (4, 3, 3)))]


def flat(app) -> str:
    return " ".join(screen_text(app).split())


async def paste(pilot, text: str) -> None:
    """Paste a line into the focused field as a terminal's bracketed paste does: one event, not a key per letter."""
    pilot.app.post_message(events.Paste(text))


async def doctor_verdict(pilot, line: str | None = None) -> str:
    """Open the doctor on the event shown (d diagnoses the line it opens with), or paste another line and enter."""
    await pilot.press("d")
    if line is not None:
        await pilot.press("ctrl+a", "ctrl+k")
        await paste(pilot, line)
        await pilot.press("enter")
    await pilot.pause()
    text = flat(pilot.app)
    await pilot.press("escape")
    return text


@pytest.mark.parametrize("options", NETWORKS, ids=lambda o: "-".join(
    (o.layout, o.bias, o.output, o.loss, "x".join(map(str, o.sizes)))))
async def test_every_shown_formula_is_right_in_the_doctor_and_in_write_it_yourself(options):
    app = BackpropApp(options)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        written = []  # the forward, loss and backward lines, in order, as the cards show them
        for k, event in enumerate(app.session.events):
            lines = [None]
            if event.phase == "update":  # W1 = W1 - lr * dW1 and W1 -= lr * dW1 agree
                lines.append(event.formula.replace(f"{event.name} = {event.name} - ", f"{event.name} -= "))
            else:
                written.append(event.formula)
            for line in lines:
                text = await doctor_verdict(pilot, line)
                said = f"{line or event.formula} gives {event.shape} and the engine's values of {event.name}."
                assert "✓ evaluates to shape" in text and "right values" in text and said in text, (
                    f"event {k + 1}, {line or event.formula}: {text}")
            await pilot.press("n")

        await pilot.press("w", "a")
        await pilot.pause()
        for line in written:
            name = line.split(" = ")[0]
            assert f"write {name} = ?" in flat(app)
            await paste(pilot, line)
            await pilot.press("enter")
            await settle(pilot)
            if line is not written[-1]:  # the last right line moves on to the score
                assert f"✓ {name} is right" in flat(app), f"{line}: {flat(app)}"
        assert f"Score of step 0: {len(written)} events, {len(written)} right first time" in flat(app)
