"""Sequence and attention networks in the app: their presets and data, both layouts, training, the refusals, and the
pictures on the card (‖dh_t‖ through time, attention's heatmap)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from engine.through_time import gradient_norms
from tests.tui.pilot_helpers import card_text, screen_text, settle
from tui.app import BackpropApp
from tui.cli.arguments import options_from, parser
from tui.session import Options, Session
from tui.widgets.sparkline import bars

PICKER = ("question 4-3-3", "makemore MLP", "layernorm + dropout", "rnn remembers", "lstm remembers", "tiny GPT",
          "small convnet on shapes", "custom")


def message(app) -> str:
    return str(app.query_one("#message").content)


def summary(app) -> str:
    region = app.query_one("#summary").region
    return " ".join(screen_text(app).splitlines()[region.y:region.bottom])


async def pick(pilot, label: str) -> None:
    """a, tab to the preset picker, open it, arrow down from the first preset to `label`, enter."""
    await pilot.press("a", "tab", "enter")
    await pilot.pause()
    await pilot.press("home", *["down"] * PICKER.index(label), "enter")
    await settle(pilot)


async def go_to(pilot, name: str) -> None:
    """Step with n until the event `name` is the current one (at most a whole step's worth of keys)."""
    for _ in range(len(pilot.app.session.plan)):
        if pilot.app.session.current.name == name:
            return
        await pilot.press("n")
    raise AssertionError(f"no event {name} in the step")


async def test_the_rnn_preset_opens_the_remember_task_and_T_trains_it():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pick(pilot, "rnn remembers")
        assert "preset rnn remembers: data is now remember (sequences of 16 steps of 4, 4 outputs at the last step), " \
               "64 examples, loss ce, init xavier" in message(app)
        assert "(16, 4) → rnn 32 → last → 4 → softmax" in summary(app) and "data remember" in summary(app)
        assert "X (64, 16, 4)" not in card_text(app)  # the card starts at the first event, the first time step's
        assert "z0 = X[:, 0, :] @ Wx1 + b1" in card_text(app)
        before = float(re.search(r"loss (\d+\.\d+)", summary(app)).group(1))
        await pilot.press("T")
        await settle(pilot)
        after = float(re.search(r"loss (\d+\.\d+)", summary(app)).group(1))
        assert "step 100" in summary(app) and after < before
        # one answer per sequence, the first symbol, read from the last hidden state
        A = app.session.events[app.session.index_of("L") - 1].value
        assert A.shape == app.session.Y.shape == (64, 4)
        right = np.mean(A.argmax(-1) == app.session.X[:, 0, :].argmax(-1))
        assert f"accuracy {right:.0%}" in screen_text(app)


async def test_the_lstm_preset_steps_through_its_gates_in_the_columns_layout():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pick(pilot, "lstm remembers")
        await pilot.press("e", *["tab"] * 4, "enter")  # e, then tab from batch to the layout choice
        await pilot.pause()
        await pilot.press("down", "enter", "escape")
        await settle(pilot)
        assert "columns layout" in summary(app)
        assert app.session.X.shape == (4, 64, 16)  # (n_x, m, T_x), as deeplearning.ai writes it
        assert app.session.Y.shape == (4, 64)  # one answer per sequence: (n_y, m)
        assert "(16, 4) → lstm 32 → last → 4 → softmax" in summary(app)
        await go_to(pilot, "a0")
        assert "a0 = Wx1 @ X[:, :, 0] + b1" in card_text(app)  # the time step's column slice, weights on the left
        await pilot.press("n")
        assert "i0 = sigmoid(a0[:32])" in card_text(app)
        assert "i0 (32, 64)" in card_text(app)  # a gate of H rows and m columns


async def test_words_are_character_sequences_for_a_recurrent_stack_typed_in_the_layers_line():
    app = BackpropApp(Options(dataset="words", output="softmax", loss="ce", batch=32))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("a", *"embedding 27 8, rnn 16, linear 27, softmax", "enter")
        await settle(pilot)
        assert "layers not changed" not in message(app)
        assert "data words, batch 32 of 756" in summary(app)
        assert app.session.X.shape == (32, 16) and app.session.Y.shape == (32, 16, 27)
        assert "16 → emb 27×8 → rnn 16 → 27 → softmax" in summary(app)
        await pilot.press("T")
        await settle(pilot)
        assert "step 100" in summary(app)


async def test_a_recurrent_layer_on_data_without_time_steps_is_refused_inline_and_nothing_changes():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("a", *"rnn 8, linear 3, sigmoid", "enter")
        await settle(pilot)
        assert "layers not changed: item 1 'rnn 8' reads sequences, data (m, T, D) or ids (m, T), and question " \
               "(4 inputs, 3 outputs) has examples of shape (4,); choose data remember, reverse, sort, words or a " \
               "text file" in " ".join(message(app).split())
        assert "4 → 3 → 3" in summary(app) and app.session.net.layers == "linear 3, sigmoid, linear 3, sigmoid"
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pick(pilot, "rnn remembers")
        await pilot.press("escape", "a", "ctrl+u", *"linear 4, softmax", "enter")
        await settle(pilot)
        assert "dense layers do not read sequences; press a and choose the preset rnn remembers" in message(app)
        assert app.session.net.layers == "rnn 32, last, linear 4, softmax"


async def test_the_tiny_gpt_preset_reads_words_causally_and_draws_each_heads_weights():
    app = BackpropApp()
    async with app.run_test(size=(160, 45)) as pilot:
        await pick(pilot, "tiny GPT")
        assert "preset tiny GPT: data is now words (sequences of 8 ids, 27 outputs at every step), 756 examples, " \
               "batch 32" in message(app)
        assert "8 → emb 27×16 → pos 8 → block 16×2 → ln → 27 → softmax" in summary(app)
        await go_to(pilot, "P2")
        card = card_text(app)
        assert "P2 as a heatmap: queries down, keys across; example 0" in card
        assert "P2[0, 0] head 1" in card and "P2[0, 1] head 2" in card
        assert "P2 (32, 2, 8, 8)  example 0 of 32" in card  # the numbers are still there, a box for each head
        assert "╭─ P2[0, 0] ─" in card and "╭─ P2[0, 1] ─" in card
        rows = card.splitlines()
        top = next(k for k, row in enumerate(rows) if "P2[0, 0] head 1" in row)
        # causal: query t sees keys 0..t, so row t of the first head has 7 − t masked keys, drawn "·"
        assert [rows[top + 1 + t].count("·") for t in range(8)] == [14, 12, 10, 8, 6, 4, 2, 0]
        await pilot.press(".")  # the next example: the heads' boxes and their heatmap follow it together
        await settle(pilot)
        card = card_text(app)
        assert "P2 (32, 2, 8, 8)  example 1 of 32" in card and "example 1" in card.split("as a heatmap")[1]
        assert "P2[1, 0] head 1" in card and "╭─ P2[1, 0] ─" in card
        await go_to(pilot, "dP2")
        assert "dP2 as a heatmap" in card_text(app) and "dP2[1, 1] head 2" in card_text(app)  # example 1 kept


async def test_the_card_of_a_backward_time_step_draws_dh_t_through_time():
    app = BackpropApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pick(pilot, "rnn remembers")
        await pilot.press("right_square_bracket", "right_square_bracket")  # the loss, then backward
        await go_to(pilot, "dh15")
        norms = gradient_norms(app.session.events)
        assert len(norms) == 16
        kept = norms[0] / max(norms)
        assert f"‖dh_t‖ {bars(norms)}  t 0→15  t 0: {kept:.0e} of max" in card_text(app)
        assert kept < 0.005 and bars(norms)[0] == "▁" and bars(norms)[-1] == "█"  # about a thousandth reaches t = 0
        assert "‖dc_t‖" not in card_text(app)  # an rnn has no cell
        await go_to(pilot, "dz3")
        assert f"‖dh_t‖ {bars(norms)}" in card_text(app)
        await pilot.press("home")
        assert "‖dh_t‖" not in card_text(app)  # forward: no gradients yet


async def test_the_lstms_cell_keeps_the_gradient_the_rnn_loses_and_the_card_shows_both_lines():
    app = BackpropApp()
    async with app.run_test(size=(120, 34)) as pilot:
        await pick(pilot, "lstm remembers")
        await pilot.press("right_square_bracket", "right_square_bracket")
        await go_to(pilot, "dc3")
        dh, dc = gradient_norms(app.session.events), gradient_norms(app.session.events, "dc")
        text = card_text(app)
        assert f"‖dh_t‖ {bars(dh)}  t 0→15  t 0 has {dh[0] / max(dh):.1e} of the largest  log scale" in text
        assert f"‖dc_t‖ {bars(dc)}  t 0→15  t 0 has {dc[0] / max(dc):.1e} of the largest  log scale" in text
        assert bars(dc)[0] in "▄▅▆"  # the cell keeps a few hundredths back to t = 0, where an rnn's is ▁


def test_a_text_file_is_read_as_text_sequences_for_a_sequence_stack(tmp_path):
    path = tmp_path / "poem.txt"
    path.write_text("the cat sat on the mat. the dog sat on the log.\n" * 4)
    args = parser().parse_args(["--data", str(path), "--layers", "embedding 15 8, lstm 16, linear 15, softmax"])
    session = Session.start(options_from(args))
    assert session.data.describe() == "poem.txt, 15 characters (sequences of 16 ids, 15 outputs at every step)"
    assert session.X.shape == (11, 16) and session.Y.shape == (11, 16, 15)
    args = parser().parse_args(["--data", str(path), "--layers", "embedding 27 8, lstm 16, linear 27, softmax"])
    with pytest.raises(ValueError, match="has 15; write 'linear 15'"):
        options_from(args)


@pytest.mark.parametrize("name", ("reverse", "sort"))
def test_the_symbol_tasks_open_from_the_command_line_for_a_transformer(name):
    args = parser().parse_args(["--dataset", name, "--layers", "embedding 10 16, position 6 16, transformer 16 2, "
                                "layernorm, linear 10, softmax", "--init", "xavier"])
    session = Session.start(options_from(args))
    X, Y = session.X, session.Y
    expected = X[:, ::-1] if name == "reverse" else np.sort(X, axis=1)
    assert X.shape == (256, 6) and (Y.argmax(-1) == expected).all()
