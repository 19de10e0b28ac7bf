"""`stepprop debug` in a real terminal: the recorded script, stepped by keys, and `o` opening its twin."""

from __future__ import annotations

from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[1] / "engine" / "scripts"


def test_step_through_the_questions_script_then_open_its_twin(spawn_app):
    term = spawn_app(["debug", str(SCRIPTS / "question.py")], cols=100, rows=30)
    screen = term.wait_for("culprit: A1_sig.T - error1")
    assert "question.py: failed at line 43, in backProp(): ValueError" in screen
    assert "shapes:  A1_sig.T is (4, 3), error1 is (2, 4)" in screen
    term.press("home")
    term.wait_for("line 6  ·  1 of 18")
    term.press(*["n"] * 7)
    screen = term.wait_for("line 26  ·  8 of 18")
    assert "(4, 2) @ (2, 3) → (4, 3)" in screen
    term.press("o")
    term.wait_for("4 → 3 → 3  m = 2")  # the normal stepping view, on the twin
    term.wait_for("o open in engine", gone=True)
    term.wait_for("Z1 = X @ W1 + b1")
    term.press("n")
    term.wait_for("A1 = sigmoid(Z1)")
    term.press("q")
    assert term.wait_exit() == 1  # the script itself failed


def test_a_script_that_runs_to_the_end_exits_0(spawn_app):
    term = spawn_app(["debug", str(SCRIPTS / "rows_vector.py")], cols=80, rows=24)
    term.wait_for("rows_vector.py: ran to the end")
    term.press("end")
    term.wait_for("b2 = b2 - lr * db2")
    term.press("q")
    assert term.wait_exit() == 0


NOTEBOOKS = Path(__file__).resolve().parents[1] / "engine" / "notebooks"


def test_step_through_a_notebook_by_cell(spawn_app):
    term = spawn_app(["debug", str(NOTEBOOKS / "planar_backprop.ipynb")], cols=110, rows=34)
    term.wait_for("culprit: np.dot(dZ2, cache[\"A1\"])")
    screen = term.wait_for("── cell 12 ──")  # the timeline marks where the cell begins
    assert "planar_backprop.ipynb: failed at cell 12, line 12" in screen
    term.press("home")
    screen = term.wait_for("cell 6, line 1  ·  1 of")
    assert "→  1  X, Y = load_planar_dataset()" in screen
    term.press("q")
    assert term.wait_exit() == 1
