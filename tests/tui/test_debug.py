"""The debug view, driven by keys: step through a recorded script, ask the doctor, open the twin."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import engine.script
from tui.app import BackpropApp
from tui.debug import BACK, OPEN_TWIN, DebugApp, twin_options, twin_session
from tui.session import Options

from pilot_helpers import card_text, screen_text

SCRIPTS = Path(__file__).resolve().parents[1] / "engine" / "scripts"
_CACHE: dict = {}


def flat(text: str) -> str:
    """The text with its line breaks and runs of spaces as single spaces: wrapped sentences read whole."""
    return " ".join(text.split())


def debug_app(name: str, **limits) -> DebugApp:
    if name not in _CACHE:
        recording = engine.script.run(SCRIPTS / name, **limits)
        _CACHE[name] = (recording, *engine.script.trace(recording))
    return DebugApp(*_CACHE[name])


async def test_the_failing_line_is_shown_first_with_its_diagnosis():
    app = debug_app("question.py")
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.pause()
        screen, card = screen_text(app), card_text(app)
        assert "question.py: failed at line 43, in backProp(): ValueError" in screen
        assert "twin: 4 → 3 → 3, sigmoid → sigmoid, bce, rows layout, vector bias, lr 0.0001  (o opens it)" \
            in screen
        assert "error2 = A1_sig.T - error1" in card
        assert "(3, 4)ᵀ − (2, 4) → ✗ fails" in card
        assert "culprit: A1_sig.T - error1" in card
        assert "shapes:  A1_sig.T is (4, 3), error1 is (2, 4)" in card
        assert "neither is 1, so NumPy cannot stretch one to fit the other" in flat(card)
        assert "A1_sig (3, 4)" in card and "error1 (2, 4)" in card  # the failing frame's real operands
        assert " 43 error2   ✗ fails" in screen  # the timeline marks it
        assert "ValueError: operands could not be broadcast" in screen  # the script's own output, captured


async def test_stepping_through_the_lines_shows_each_shape_rule_and_the_engines_line():
    app = debug_app("question.py")
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.press("home")
        card = card_text(app)
        assert "the script  ·  line 6  ·  1 of 18" in card
        assert "X_train = np.asarray([[1,1,1,1] , [0,0,0,0]])" in card
        assert "your X_train (2, 4) is the engine's X" in flat(card)
        for _ in range(7):
            await pilot.press("n")
        card = card_text(app)
        assert "forwardProp()  ·  line 26  ·  8 of 18" in card
        assert "A1_dot = np.dot(X_trainT , w1)" in card
        assert "(4, 2) @ (2, 3) → (4, 3)   inner dims must match" in card
        assert "your A1_dot (4, 3) matches no engine event of its shape; the nearest is Z1 (2, 3)" in flat(card)
        assert "X_trainT (4, 2)" in card and "w1 (2, 3)" in card and "A1_dot (4, 3)" in card
        await pilot.press("p")
        assert "line 25  ·  7 of 18" in card_text(app) and "w1 = np.concatenate((w1 , b1) , axis=1)" in card_text(app)
        await pilot.press("end")
        assert "culprit: A1_sig.T - error1" in card_text(app)
        await pilot.press("n")  # past the end stays on the failing line
        assert "18 of 18" in card_text(app)


async def test_the_doctor_opens_on_the_failing_line_over_the_frames_arrays():
    app = debug_app("question.py")
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.press("d")
        await pilot.pause()
        screen = screen_text(app)
        assert "Shape doctor" in screen and "culprit: A1_sig.T - error1" in screen
        assert "A1_sig.T  (4, 3)" in screen and "error1  (2, 4)" in screen
        await pilot.press("escape")
        await pilot.press("home", "right", "right")
        await pilot.press("d")
        await pilot.pause()
        assert "✓ evaluates to shape (4, 2)" in screen_text(app)  # X_trainT = X_train.T over the recorded X_train


async def test_help_lists_the_debug_keys():
    app = debug_app("question.py")
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        screen = screen_text(app)
        assert "open the engine twin in stepprop's stepping view" in screen
        assert "shape doctor on this line" in screen


async def test_o_opens_the_twin_in_the_stepping_view(tmp_path):
    app = debug_app("question.py")
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.press("home", "n", "o")
        await pilot.pause()
    assert app.return_value == OPEN_TWIN and app.position == 1
    session = twin_session(app.twin, app.recording.script, tmp_path)
    assert session.options == Options(sizes=(4, 3, 3), hidden="sigmoid", output="sigmoid", loss="bce",
                                      layout="rows", bias="vector", lr=0.0001, dataset="question")
    stepping = BackpropApp(session=session, back=BACK)
    async with stepping.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = flat(screen_text(stepping))
        # question.py's w1 is (2, 3) with its bias column: no weight of it fits the twin, which says so
        assert "the twin of question.py: your script's X, Y (the question's); weights re-initialised (uniform, " \
               "seed 0): your w1 (2, 3) does not fit W1 (4, 3), and 3 more. esc goes back to the trace" in screen
        assert "esc back to the trace" in screen  # and the key bar says how
        await pilot.press("n", "n")
        assert "4 → 3 → 3  m = 2" in screen_text(stepping)
        assert "Z2 = A1 @ W2 + b2" in card_text(stepping)
        await pilot.press("escape")
        await pilot.pause()
    assert stepping.return_value == "back"


async def test_o_opens_a_twin_with_the_scripts_own_data_and_weights(tmp_path):
    app = debug_app("columns_vector.py")
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.pause()
        assert "weights: your script's W1, b1, W2, b2" in flat(screen_text(app))  # said before o is pressed
        await pilot.press("o")
        await pilot.pause()
    assert app.return_value == OPEN_TWIN
    session = twin_session(app.twin, app.recording.script, tmp_path)
    options = session.options
    assert (options.sizes, options.layout, options.hidden, options.lr) == ((3, 4, 2), "columns", "tanh", 0.1)
    first = {r.name: r.value for r in reversed(app.recording.records) if r.name in ("W1", "b1", "W2", "b2")}
    for key, P in session.net.params.items():  # the network starts where the script did, not from seed 0
        assert np.array_equal(P, first[key]), key
    stepping = BackpropApp(session=session, back=BACK)
    async with stepping.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = screen_text(stepping)
        assert "3 → 4 → 2  m = 5" in screen and "columns layout" in screen
        assert "data your script's X, Y" in screen and "X.npy" not in screen  # not the name of a file it never made
        assert "weights: your script's W1, b1, W2, b2" in flat(screen)
        assert "synthetic" not in screen  # the script's own X and Y, not stand-ins
        assert "Z1 = W1 @ X + b1" in card_text(stepping)
        await pilot.press("s")  # escape first leaves a field, as everywhere else in the app
        await pilot.press("escape")
        await pilot.pause()
        assert stepping.is_running and stepping.focused is None
        await pilot.press("escape")
        await pilot.pause()
    assert stepping.return_value == "back"


async def test_escape_goes_nowhere_in_the_app_opened_on_its_own():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running and "back to" not in screen_text(app)


async def test_a_loops_left_out_runs_are_noted_and_a_missing_twin_is_explained():
    app = debug_app("train_1000_epochs.py")
    async with app.run_test(size=(110, 60)) as pilot:
        await pilot.pause()
        assert "train_1000_epochs.py: ran to the end" in screen_text(app)
        await pilot.press("end")
        card = card_text(app)
        assert "line 32  ·  run 1000 of 1000" in card and "b2 -= lr * db2" in card
    app = debug_app("forever.py", timeout=1.0)
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.pause()
        assert re.search(r"forever.py: stopped after the 1 s time limit at line [78]\b", screen_text(app))
        await pilot.press("o")
        await pilot.pause()
        assert "no twin: no Y array" in screen_text(app)
    assert app.return_value is None


def test_twin_options_write_the_scripts_data_one_example_per_row(tmp_path):
    recording, events, twin, how = _CACHE.get("columns_vector.py") or (None, None, None, None)
    if twin is None:
        recording = engine.script.run(SCRIPTS / "columns_vector.py")
        _, twin, _ = engine.script.trace(recording)
    options = twin_options(twin, tmp_path)
    import numpy as np
    assert np.array_equal(np.load(options.data), twin.X.T) and np.load(options.targets).shape == (5, 2)


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_the_view_fits_small_and_large_terminals(size):
    app = debug_app("question.py")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = screen_text(app)
        assert "culprit: A1_sig.T - error1" in screen
        assert "o open in engine" in screen


async def test_a_big_array_shows_its_shape_and_says_its_numbers_were_not_kept(tmp_path):
    (tmp_path / "big.py").write_text("import numpy as np\nX = np.zeros((200, 100))\nW = np.ones((100, 2))\n"
                                     "Z = X @ W\n")
    recording = engine.script.run(tmp_path / "big.py")
    app = DebugApp(recording, *engine.script.trace(recording))
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.press("home")
        card = flat(card_text(app))
        assert "X = np.zeros((200, 100))" in card and "→ (200, 100)" in card
        assert "X has more than 10,000 numbers: only its shape was recorded" in card
        await pilot.press("end")
        card = card_text(app)
        assert "(200, 100) @ (100, 2) → (200, 2)" in card and "Z (200, 2)" in card


NOTEBOOKS = Path(__file__).resolve().parents[1] / "engine" / "notebooks"


async def test_a_notebook_is_stepped_by_cell_with_the_cells_source_beside_each_line():
    recording = engine.script.run(NOTEBOOKS / "planar_backprop.ipynb")
    app = DebugApp(recording, *engine.script.trace(recording))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen, card = screen_text(app), card_text(app)
        assert "planar_backprop.ipynb: failed at cell 12, line 12, in backward_propagation(): ValueError" in screen
        assert "backward_propagation()  ·  cell 12, line 12" in card
        assert "→ 12      dW2 = np.dot(dZ2, cache[\"A1\"]) / m" in card  # the cell's own source, the line marked
        assert "shapes:  dZ2 is (1, 40), cache[\"A1\"] is (4, 40)" in card
        assert "── cell 12 ──" in screen and "── cell 10 ──" in screen  # the timeline shows where cells begin
        await pilot.press("home")
        await pilot.pause()
        card = card_text(app)
        assert "the script  ·  cell 6, line 1  ·  1 of" in card
        assert "→  1  X, Y = load_planar_dataset()" in card


async def test_the_doctor_on_a_notebook_line_reads_the_arrays_in_its_dicts():
    recording = engine.script.run(NOTEBOOKS / "planar_backprop.ipynb")
    app = DebugApp(recording, *engine.script.trace(recording))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("d")
        await pilot.pause()
        screen = screen_text(app)
        assert "Shape doctor" in screen and 'culprit: np.dot(dZ2, cache["A1"])' in screen
        assert 'cache["A1"]  (4, 40)' in screen and "dZ2  (1, 40)" in screen


def test_the_twins_data_folder_is_removed_when_the_command_ends(tmp_path):
    """`o` writes the script's data for the stepping view; nothing of it is left in the temporary folder after."""
    import os
    import subprocess
    import sys

    code = ("import engine.script; from tui.debug import twin_options; "
            f"r = engine.script.run({str(SCRIPTS / 'columns_vector.py')!r}); "
            "o = twin_options(engine.script.trace(r)[1]); import pathlib; print(pathlib.Path(o.data).exists())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "TMPDIR": str(tmp_path)}, cwd=Path(__file__).resolve().parents[2])
    assert done.stdout.strip() == "True", done.stderr  # the folder was there while the command ran
    assert list(tmp_path.iterdir()) == []
