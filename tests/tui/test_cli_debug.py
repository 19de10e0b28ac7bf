"""`stepprop debug`: stepprop's options before the script, the script's own after it, and an exit status to match."""

from __future__ import annotations

from pathlib import Path

from tui.cli.main import main

SCRIPTS = Path(__file__).resolve().parents[1] / "engine" / "scripts"


def test_report_of_a_failing_script_exits_1(capsys):
    assert main(["debug", "--report", str(SCRIPTS / "question.py")]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("stepprop debug question.py: failed at line 43, in backProp(): ValueError")
    assert "   26  A1_dot    (4, 3)  A1_dot = np.dot(X_trainT , w1)" in out
    assert "culprit: A1_sig.T - error1" in out
    assert "stepprop: question.py failed at line 43" in err


def test_report_of_a_script_that_runs_to_the_end_exits_0(capsys):
    assert main(["debug", "--report", str(SCRIPTS / "rows_vector.py")]) == 0
    out, err = capsys.readouterr()
    assert "rows_vector.py: ran to the end" in out and "loss 0.71" in out
    assert "twin network: 2 → 3 → 1, sigmoid → sigmoid, bce, rows layout, vector bias, lr 0.5" in out
    assert "\n  weights: your script's W1, b1, W2, b2\n" in out


def test_the_time_limit_is_named_when_it_stops_a_script(capsys):
    assert main(["debug", "--report", "--timeout", "1", str(SCRIPTS / "forever.py")]) == 1
    out, err = capsys.readouterr()
    assert "stopped after the 1 s time limit" in out
    assert "stepprop: forever.py stopped after the 1 s time limit" in err


def test_the_memory_limit_is_named_when_it_stops_a_script(capsys):
    assert main(["debug", "--report", "--memory", "256", str(SCRIPTS / "too_much_memory.py")]) == 1
    assert "stopped by the 256 MB memory limit at line 5" in capsys.readouterr().err


def test_what_follows_the_script_is_its_own_argv(capsys):
    assert main(["debug", "--report", str(SCRIPTS / "hidden_from_argv.py"), "5"]) == 0
    assert "W1     (3, 5)" in capsys.readouterr().out
    # An option after the script is the script's: here int("--timeout") fails inside it.
    assert main(["debug", "--report", str(SCRIPTS / "hidden_from_argv.py"), "--timeout", "3"]) == 1
    out = capsys.readouterr().out
    assert "ValueError: invalid literal for int() with base 10: '--timeout'" in out


def test_bad_debug_options_exit_2_with_a_message(capsys):
    assert main(["debug", "--timeout", "soon", str(SCRIPTS / "question.py")]) == 2
    assert "argument --timeout: invalid float value: 'soon'" in capsys.readouterr().err
    assert main(["debug", "--report", "missing.py"]) == 2
    assert "stepprop: no such script: missing.py; expected the path of a Python file" in capsys.readouterr().err
    assert main(["debug"]) == 2
    assert "the following arguments are required: SCRIPT.py" in capsys.readouterr().err


def test_help_lists_the_debug_command(capsys):
    try:
        main(["--help"])
    except SystemExit:
        pass
    assert "stepprop debug [options]" in capsys.readouterr().out


def test_the_twins_data_folder_goes_when_the_twin_fails_too(monkeypatch, tmp_path):
    import sys
    import tempfile
    import types

    import pytest

    import engine.script
    from tui.cli import debug

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    made = []

    class Trace:  # the trace, where a person presses o
        def __init__(self, *args):
            self.position = 0

        def run(self):
            return debug.OPEN_TWIN

    class Broken:  # the twin's stepping view, failing once its data is written
        def __init__(self, session, back):
            made.extend(tmp_path.glob("stepprop-twin-*/*.npy"))

        def run(self):
            raise RuntimeError("the twin broke")

    monkeypatch.setattr(debug, "DebugApp", Trace)
    monkeypatch.setitem(sys.modules, "tui.app", types.SimpleNamespace(BackpropApp=Broken))
    recording = engine.script.run(SCRIPTS / "columns_vector.py")
    with pytest.raises(RuntimeError, match="the twin broke"):
        debug.step_through(recording, *engine.script.trace(recording))
    assert sorted(p.name for p in made) == ["X.npy", "Y.npy"]
    assert list(tmp_path.iterdir()) == []


NOTEBOOKS = Path(__file__).resolve().parents[1] / "engine" / "notebooks"


def test_a_notebook_is_reported_by_cell(capsys):
    assert main(["debug", "--report", str(NOTEBOOKS / "planar_backprop.ipynb")]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("stepprop debug planar_backprop.ipynb: failed at cell 12, line 12, in "
                          "backward_propagation(): ValueError")
    assert "stepprop: planar_backprop.ipynb failed at cell 12, line 12" in err


def test_a_bad_notebook_gets_one_line_and_no_traceback(capsys):
    for name, message in (("broken.ipynb", "is not a notebook: invalid JSON at line 3, column 1"),
                          ("old_format.ipynb", "is nbformat 3; stepprop reads nbformat 4 and later"),
                          ("only_markdown.ipynb", "has no code cells to run")):
        assert main(["debug", "--report", str(NOTEBOOKS / name)]) == 2
        out, err = capsys.readouterr()
        assert out == "" and f"stepprop: {name} {message}" in err and "Traceback" not in err
        assert err.strip().splitlines()[-1].startswith(f"stepprop: {name}")
