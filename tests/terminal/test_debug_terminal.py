"""`stepprop debug` in a real terminal: the recorded script, stepped by keys, and `o` opening its twin."""

from __future__ import annotations

import os
import time
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
    term.wait_for("line 26  ·  8 of 18")
    term.wait_for("(4, 2) @ (2, 3) → (4, 3)")  # the card's rule, in the same frame or the next
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


def stepprop_processes_running(script: Path, tracer: bool = False) -> list[int]:
    """The ids of live processes (not zombies) whose command line names this script; with `tracer`, only the tracer
    running it (stepprop's own process names the script too, from the moment it starts)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_text().replace("\0", " ")
            if str(script) in cmdline and (not tracer or "tracer.py" in cmdline) and \
                    (proc / "stat").read_text().split(") ")[-1][0] != "Z":
                found.append(int(proc.name))
        except (OSError, ValueError):
            continue
    return found


def test_ctrl_c_while_the_script_runs_stops_with_one_line(spawn_app, tmp_path):
    # A copy of its own: other tests run forever.py at the same time, in other workers, and would be counted here.
    script = tmp_path / "forever_alone.py"
    script.write_text((SCRIPTS / "forever.py").read_text())
    term = spawn_app(["debug", str(script)], cols=250, rows=30)  # the "running" line, with its path, on one row
    term.wait_for("stepprop: running")
    deadline = time.monotonic() + 30
    while not stepprop_processes_running(script, tracer=True) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert stepprop_processes_running(script, tracer=True)  # the script is running when Ctrl-C comes
    term.press("ctrl+c")
    assert term.wait_exit() == 130
    screen = term.screen()
    assert "stepprop: stopped (Ctrl-C)" in screen
    assert "Traceback" not in screen and "KeyboardInterrupt" not in screen
    lines = [line for line in screen.splitlines() if line.strip()]
    # after the terminal's own echo of the key, ^C, one line, and nothing else since "running"
    assert lines[-1].removeprefix("^C") == "stepprop: stopped (Ctrl-C)" and lines[-2].startswith("stepprop: running")
    deadline = time.monotonic() + 10  # a killed process leaves /proc when the kernel is done with it: soon, not at once
    while stepprop_processes_running(script) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert stepprop_processes_running(script) == []  # the script did not run on alone


def test_escape_in_the_twin_goes_back_to_the_trace_and_its_data_folder_goes_at_exit(spawn_app, tmp_path,
                                                                                      monkeypatch):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))  # where the app makes its temporary folders
    term = spawn_app(["debug", str(SCRIPTS / "columns_vector.py")], cols=100, rows=30)
    term.wait_for("columns_vector.py: ran to the end")
    term.press("n", "n")
    term.wait_for("3 of 18")
    term.press("o")
    screen = term.wait_for("data your script's X, Y")
    assert "X.npy" not in screen
    term.wait_for("weights: your script's W1, b1, W2, b2", flat=True)
    term.wait_for("esc back to the trace")
    [folder] = temporary.glob("stepprop-twin-*")
    assert sorted(p.name for p in folder.iterdir()) == ["X.npy", "Y.npy"]
    term.press("escape")
    screen = term.wait_for("columns_vector.py: ran to the end")
    assert "3 of 18" in screen  # on the line it left from
    term.press("o")
    term.wait_for("data your script's X, Y")  # and the twin opens again
    term.press("escape")
    term.wait_for("columns_vector.py: ran to the end")
    term.press("q")
    assert term.wait_exit() == 0
    assert list(temporary.iterdir()) == []  # the twin's data went with the app


NOTEBOOKS = Path(__file__).resolve().parents[1] / "engine" / "notebooks"


def test_step_through_a_notebook_by_cell(spawn_app):
    term = spawn_app(["debug", str(NOTEBOOKS / "planar_backprop.ipynb")], cols=110, rows=34)
    term.wait_for("culprit: np.dot(dZ2, cache[\"A1\"])")
    term.wait_for("── cell 12 ──")  # the timeline marks where the cell begins
    term.wait_for("planar_backprop.ipynb: failed at cell 12, line 12")
    term.press("home")
    screen = term.wait_for("cell 6, line 1  ·  1 of")
    assert "→  1  X, Y = load_planar_dataset()" in screen
    term.press("q")
    assert term.wait_exit() == 1


def test_ctrl_c_stops_stepprop_even_when_its_parent_ignored_and_blocked_it(tmp_path):
    """A parent that ignores Ctrl-C, or holds it blocked (a test runner's worker can), hands that on to its
    children across exec; stepprop takes Ctrl-C back as its own, and stops."""
    import signal
    import subprocess
    import sys

    script = tmp_path / "forever_ignored.py"
    script.write_text((SCRIPTS / "forever.py").read_text())
    code = ("import signal, subprocess, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
            "signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}); "
            f"sys.exit(subprocess.call([sys.executable, '-m', 'tui', 'debug', {str(script)!r}]))")
    parent = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not stepprop_processes_running(script, tracer=True) and time.monotonic() < deadline:
        time.sleep(0.05)
    [app] = [pid for pid in stepprop_processes_running(script)
             if Path(f"/proc/{pid}/cmdline").read_text().split("\0")[1:3] == ["-m", "tui"]]
    os.kill(app, signal.SIGINT)
    try:
        _, err = parent.communicate(timeout=30)
    finally:  # whatever happened, nothing of this test runs on: the parent, the app and the script's tracer
        for pid in [parent.pid, *stepprop_processes_running(script)]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        parent.wait()
        parent.stderr.close()
    assert parent.returncode == 130 and err.strip().splitlines()[-1] == "stepprop: stopped (Ctrl-C)"
