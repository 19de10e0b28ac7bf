"""Editing the network the way a person does: s and e, typing, enter, tab, escape; one field at a time."""

from __future__ import annotations

from pilot_helpers import card_text, screen_text, settle

from engine import activations, datasets, losses
from tui.app import BackpropApp
from tui.session import Options

# The order tab walks the choices in, starting from batch (where e puts the keys).
AFTER_BATCH = ("hidden", "output", "loss", "layout", "bias", "init", "detail", "dataset", "lr", "seed")
ALLOWED = {"hidden": activations.HIDDEN, "output": activations.OUTPUT, "loss": losses.NAMES,
           "layout": ("rows", "columns"), "bias": ("vector", "augmented"), "init": ("uniform", "xavier", "he")}


def summary(app) -> str:
    """The summary bar, however many lines it wraps onto."""
    region = app.query_one("#summary").region
    return " ".join(screen_text(app).splitlines()[region.y:region.bottom])


def message(app) -> str:
    return str(app.query_one("#message").render())


def editor(app) -> str:
    region = app.query_one("#editor").region
    return "\n".join(screen_text(app).splitlines()[region.y:region.bottom])


async def type_sizes(pilot, text: str, enter: bool = True) -> None:
    await pilot.press("s", *text)
    if enter:
        await pilot.press("enter")
    await settle(pilot)


async def type_field(pilot, field: str, text: str) -> None:
    """e, tab to the field, replace its text, enter."""
    await pilot.press("e")
    if field != "batch":
        await pilot.press(*["tab"] * (AFTER_BATCH.index(field) + 1))
    await pilot.press(*text, "enter")  # a field reached by a key or tab has its text selected: typing replaces it
    await settle(pilot)


async def choose(pilot, field: str, current: str, value: str, choices=None) -> None:
    """e, tab to the choice, open it, arrow down or up to the value, enter; then escape, to leave the field that
    enter moved on to."""
    choices = choices or ALLOWED[field]
    await pilot.press("e", *["tab"] * (AFTER_BATCH.index(field) + 1), "enter")
    moves = choices.index(value) - choices.index(current)
    await pilot.press(*(["down"] * moves if moves > 0 else ["up"] * -moves), "enter", "escape")
    await settle(pilot)


async def test_s_puts_the_keys_in_sizes_with_the_text_selected_so_typing_replaces_it():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await type_sizes(pilot, "4,5,3")
        assert "4 → 5 → 3" in summary(app)
        assert "4,5,3" in editor(app)
        await pilot.press("home")
        assert "W1 (4, 5)" in card_text(app) and "Z1 (2, 5)" in card_text(app)
        await pilot.press("n")  # enter gave the keys back: n steps, it does not type "4,5,3n"
        assert "event 2 of 16" in card_text(app)
        assert "4,5,3n" not in editor(app)


async def test_rerun_keeps_the_position_by_event_name():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"n" * 9)
        assert "dZ1 = dA1 * A1 * (1 - A1)" in card_text(app)
        await type_sizes(pilot, "4,6,3")
        assert "dZ1 = dA1 * A1 * (1 - A1)" in card_text(app) and "dZ1 (2, 6)" in card_text(app)


async def test_bad_sizes_are_explained_the_text_stays_to_fix_and_escape_brings_back_the_running_value():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        await type_sizes(pilot, "4,,x")
        assert "entry 2 of '4,,x' is empty" in message(app)
        assert "still showing the last good network" in message(app)
        assert "4 → 3 → 3" in summary(app)
        assert "event 2 of 16" in card_text(app) and "A1 (2, 3)" in card_text(app)
        assert "4,,x" in editor(app)  # nothing typed is lost while the keys are still there
        await pilot.press("escape")
        assert "4,3,3" in editor(app) and "4,,x" not in editor(app)
        assert not app.query_one("#message").display  # its cause is gone, so is the message
        await pilot.press("n")
        assert "Z2 = A1 @ W2 + b2" in card_text(app)


async def test_leftover_text_in_one_field_never_blocks_another_edit():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await type_sizes(pilot, "4,3,3n")
        assert "'3n'" in message(app)
        # tab from sizes to lr: leaving sizes puts back the running 4,3,3, and lr applies on its own
        await pilot.press(*["tab"] * (AFTER_BATCH.index("lr") + 2), *"0.1", "enter")
        await settle(pilot)
        assert "lr 0.1" in summary(app)
        assert "4,3,3n" not in editor(app) and "4,3,3" in editor(app)
        assert "'3n'" not in message(app)


async def test_softmax_brings_its_loss_and_a_refusal_puts_the_choice_back():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await choose(pilot, "output", "sigmoid", "softmax")
        # The question's labels are not one-hot: refused, and the editor shows the network that runs.
        assert "output not changed" in message(app) and "choose data spirals or synthetic first" in message(app)
        assert "output='" not in message(app)  # said as the app says it, not as Python arguments
        assert "sigmoid → sigmoid  bce" in summary(app)
        row = editor(app)
        assert "softmax" not in row and "sigmoid" in row.split("output")[1][:20]
        await choose(pilot, "dataset", "question", "spirals", ("question", "xor", "spirals", "synthetic"))
        assert "2 → 3 → 3" in summary(app) and "data spirals" in summary(app)
        await choose(pilot, "output", "sigmoid", "softmax")
        assert "sigmoid → softmax  ce" in summary(app)
        assert "loss is now ce" in message(app)


async def test_choosing_columns_layout_transposes_every_shape():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await choose(pilot, "layout", "rows", "columns")
        card = card_text(app)
        assert "Z1 = W1 @ X + b1" in card
        assert "W1 (3, 4)" in card and "X (4, 2)" in card and "b1 (3, 1)" in card
        assert "columns layout" in summary(app)
        await pilot.press("n")  # the choice gave the keys back too
        assert "event 2 of 16" in card_text(app)


async def test_augmented_bias_on_db2_shows_dW2_and_says_why():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"n" * 7)
        assert "db2 = " in card_text(app)
        await choose(pilot, "bias", "vector", "augmented")
        assert "dW2 = " in card_text(app)
        assert "db2 is not part of this network's step" in message(app)


async def test_sizes_that_do_not_fit_switch_to_synthetic_data_and_one_choice_goes_back():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await type_sizes(pilot, "5,4,2")
        assert "do not fit question (4 inputs, 3 outputs)" in message(app)
        assert "data synthetic 5→2" in summary(app) and "X (4, 5)" in card_text(app)
        await choose(pilot, "dataset", "synthetic", "question",
                     (*datasets.NAMED, "synthetic"))
        assert "4 → 4 → 3" in summary(app) and "data question" in summary(app)  # the hidden size stays


async def test_batch_draws_a_fresh_shuffled_batch_each_step_and_says_so():
    app = BackpropApp(Options(dataset="spirals", output="softmax", loss="ce"))
    async with app.run_test(size=(120, 30)) as pilot:
        await type_field(pilot, "batch", "32")
        assert "m = 32" in summary(app) and "batch 32 of 300, shuffled" in summary(app)
        first = app.session.X.copy()
        await pilot.press("t")
        await settle(pilot)
        assert not (app.session.X == first).all()  # a new batch, not the first 32 rows again
        labels = app.session.Y.argmax(axis=1)
        assert len(set(labels.tolist())) > 1  # spirals are stored class by class; a shuffled batch mixes them
        await type_field(pilot, "batch", "301")
        assert "batch: expected a whole number from 1 to 300" in message(app)
        assert "m = 32" in summary(app)


async def test_init_is_a_choice_and_the_summary_names_it():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await choose(pilot, "init", "uniform", "he")
        assert "he init" in summary(app)
        assert app.session.net.init == "he"


async def test_big_network_steps_through_every_event_with_truncated_panels():
    app = BackpropApp(Options(sizes=(784, 128, 10), batch=64, dataset="synthetic"))
    async with app.run_test(size=(100, 30)) as pilot:
        assert "784 → 128 → 10" in summary(app)
        assert "X (64, 784)" in card_text(app) and "W1 (784, 128)" in card_text(app)
        assert "…" in card_text(app) and "⋮" in card_text(app)
        await pilot.press(*"n" * (len(app.session.plan) - 1))
        assert "b2 = b2 - lr * db2" in card_text(app)
        await pilot.press("home", "right_square_bracket", "right_square_bracket", "n")
        assert "dW2 (128, 10)" in card_text(app)


def test_one_column_of_class_labels_becomes_one_hot_for_softmax():
    X = datasets.spirals(3, 30)[0]
    labels = datasets.spirals(3, 30)[1].argmax(axis=1)
    data = datasets.for_output(datasets.Data("labels.csv", X, labels.reshape(-1, 1).astype(float)), "softmax")
    assert data.Y.shape == (30, 3) and (data.Y.argmax(axis=1) == labels).all() and (data.Y.sum(axis=1) == 1).all()
    same = datasets.Data("labels.csv", X, labels.reshape(-1, 1).astype(float))
    assert datasets.for_output(same, "sigmoid").Y.shape == (30, 1)
