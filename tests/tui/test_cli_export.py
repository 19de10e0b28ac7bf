"""`stepprop export` and `stepprop trace`: the app's network and data, written out; the app itself unchanged."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
import types

import numpy as np
import pytest

from engine import Network, datasets, export
from tui.cli.main import main


def load(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_export_writes_a_script_that_runs(tmp_path, capsys):
    path = tmp_path / "net.py"
    assert main(["export", "-o", str(path), "--steps", "50"]) == 0
    assert capsys.readouterr().out == ""
    assert path.read_text(encoding="utf-8") == export.script(Network(), *datasets.question(), 0.5, steps=50)
    done = subprocess.run([sys.executable, "-I", "-W", "error", str(path)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    losses = [float(line.split()[-1]) for line in done.stdout.splitlines()]
    assert losses[0] == pytest.approx(2.3514919, abs=1e-6) and losses[-1] < losses[0]


def test_without_steps_the_command_and_the_apps_export_train_the_steps_the_help_names(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    named = int(re.search(r"--steps STEPS\s+training steps the script runs \(default (\d+)\)",
                          capsys.readouterr().out).group(1))
    path = tmp_path / "net.py"
    assert main(["export", "-o", str(path)]) == 0
    text = path.read_text(encoding="utf-8")
    assert f"STEPS = {named}\n" in text and f"Run it to train {named} steps" in text
    assert text == export.script(Network(), *datasets.question(), 0.5)  # what the app's x writes


def test_export_prints_to_stdout_in_the_chosen_layout(capsys):
    assert main(["export", "--sizes", "4,5,3", "--layout", "columns"]) == 0
    out = capsys.readouterr().out
    assert "Z1 = W1 @ X + b1  # (5, 4) @ (4, 2) + (5, 1) -> (5, 2)" in out
    compile(out, "exported.py", "exec")


def test_every_option_reaches_the_script(tmp_path):
    path = tmp_path / "xor.py"
    assert main(["export", "--sizes", "2,4,1", "--hidden", "tanh", "--loss", "mse", "--bias", "augmented",
                 "--init", "xavier", "--seed", "3", "--lr", "0.1", "--dataset", "xor", "--batch", "3",
                 "-o", str(path)]) == 0
    script = load(path)
    net = Network(sizes=(2, 4, 1), hidden="tanh", loss="mse", bias="augmented", init="xavier", seed=3)
    X, Y = datasets.xor()
    assert np.array_equal(script.X, X) and np.array_equal(script.Y, Y)  # the whole data; batches are the app's
    assert script.LR == 0.1
    assert all(np.array_equal(script.init_params()[k], P) for k, P in net.params.items())
    assert script.loss(X, Y, script.init_params()) == pytest.approx(net.loss(X, Y), abs=1e-12)


def test_sizes_that_do_not_fit_the_data_are_refused_naming_sizes_that_fit(capsys):
    assert main(["export", "--sizes", "3,5,2"]) == 2
    assert capsys.readouterr().err == ("stepprop: sizes 3,5,2 do not fit question (4 inputs, 3 outputs); "
                                       "sizes that fit: 4,5,3\n")


def test_synthetic_data_takes_its_shape_from_the_sizes(tmp_path):
    path = tmp_path / "synthetic.py"
    assert main(["export", "--dataset", "synthetic", "--sizes", "3,2", "--output", "identity", "--loss", "mse",
                 "-o", str(path)]) == 0
    X, Y = datasets.synthetic(3, 2, datasets.SYNTHETIC_M, seed=0, kind="real")
    script = load(path)
    assert np.array_equal(script.X, X) and np.array_equal(script.Y, Y)


@pytest.mark.parametrize("argv, sizes", [(["--dataset", "xor"], [2, 3, 1]), (["--dataset", "spirals"], [2, 16, 3])])
def test_without_sizes_the_inputs_and_outputs_follow_the_data(argv, sizes, capsys):
    assert main(["trace", "--format", "json", *argv]) == 0
    assert json.loads(capsys.readouterr().out)["network"]["sizes"] == sizes


def test_your_own_csv_files_set_the_sizes_and_are_never_replaced(tmp_path, capsys):
    (tmp_path / "X.csv").write_text("0,0\n0,1\n1,0\n1,1\n")
    (tmp_path / "Y.csv").write_text("0\n1\n1\n0\n")
    files = ["--data", str(tmp_path / "X.csv"), "--targets", str(tmp_path / "Y.csv")]
    assert main(["trace", "--format", "json", *files]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out)["network"]["sizes"] == [2, 3, 1] and "synthetic" not in out.err
    assert main(["trace", *files, "--sizes", "4,3,3"]) == 2
    assert "do not fit X.csv (2 inputs, 1 output); sizes that fit: 2,3,1" in capsys.readouterr().err


def test_class_labels_in_one_column_become_one_hot_for_softmax(tmp_path, capsys):
    (tmp_path / "X.csv").write_text("0,0\n0,1\n1,0\n1,1\n")
    (tmp_path / "labels.csv").write_text("0\n1\n2\n1\n")
    assert main(["trace", "--format", "json", "--data", str(tmp_path / "X.csv"), "--targets",
                 str(tmp_path / "labels.csv"), "--output", "softmax", "--loss", "ce"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["network"]["sizes"] == [2, 3, 3]


def test_trace_prints_json(capsys):
    assert main(["trace", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["network"]["sizes"] == [4, 3, 3]
    assert [e["name"] for e in doc["events"]] == [p.name for p in Network().plan]


def test_trace_writes_markdown_by_default(tmp_path, capsys):
    path = tmp_path / "step.md"
    assert main(["trace", "--layout", "columns", "-o", str(path)]) == 0
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# One training step of a 4 → 3 → 3 network") and "`Z1 = W1 @ X + b1`" in text
    assert f"wrote {path}" in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["export", "--steps", "0"], "steps must be a whole number >= 1; got 0"),
    (["export", "--steps", "many"], "argument --steps: invalid int value: 'many'"),
    (["trace", "--format", "xml"], "argument --format: invalid choice: 'xml'"),
    (["export", "--bogus"], "unrecognized arguments: --bogus"),
    (["trace", "--output", "softmax", "--loss", "bce"], "pairs only with loss 'ce'"),
    (["export", "--sizes", "4,,3"], "entry 2 of '4,,3' is empty"),
    (["trace", "--batch", "9"], "batch: expected a whole number from 1 to 2 (the examples in the data); got 9"),
    (["trace", "--batch", "-1"], "batch: expected a whole number >= 1; got -1"),
    (["trace", "--batch", "two"], "batch: expected a whole number >= 1; got 'two'"),
    (["export", "--data", "X.csv"], "--data and --targets go together"),
])
def test_bad_options_exit_2_with_a_message(argv, message, capsys):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("stepprop: ") and message in captured.err


def test_an_unwritable_file_exits_2_saying_why_in_words(tmp_path, capsys):
    assert main(["export", "-o", str(tmp_path / "missing" / "net.py")]) == 2
    assert capsys.readouterr().err == f"stepprop: {tmp_path / 'missing' / 'net.py'}: no such file or directory\n"
    assert main(["export", "-o", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"stepprop: {tmp_path}: is a directory\n"


@pytest.mark.parametrize("argv", [["--hidden", "swish"], ["--bogus"], ["--seed", "x"]])
def test_a_bad_app_option_is_one_line(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("stepprop: ") and err.count("\n") == 1 and "(see stepprop --help)" in err


def test_an_unknown_command_names_the_real_ones(capsys):
    assert main(["foo"]) == 2
    assert capsys.readouterr().err == ("stepprop: unknown command 'foo'; the commands are export, trace, debug, exercise, serve, "
                                       "or none to open the app (see stepprop --help)\n")


@pytest.mark.parametrize("argv", [[], ["--seed", "2", "--layout", "columns"], ["--exercise", "--layout", "columns"]])
def test_without_a_command_the_app_starts_as_before(argv, monkeypatch):
    started = []

    class FakeApp:
        def __init__(self, options, session, exercise=False):
            self.options = options
            self.exercise = exercise
            assert session.options.layout == options.layout  # the session main() checked the options with

        def run(self):
            started.append((self.options, self.exercise))

    monkeypatch.setitem(sys.modules, "tui.app", types.SimpleNamespace(BackpropApp=FakeApp))
    assert main(argv) == 0
    assert len(started) == 1 and started[0][0].layout == ("columns" if argv else "rows")
    assert started[0][1] == ("--exercise" in argv)
