"""A learner's own script: run under limits, every line's arrays recorded, the failing operation found and diagnosed."""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys
import runpy
from pathlib import Path

import numpy as np
import pytest

import engine
import engine.script
from engine.script import Twin

SCRIPTS = Path(__file__).with_name("scripts")
_CACHE: dict = {}


def traced(name: str, argv: tuple[str, ...] = (), **limits):
    """(recording, events, twin, how) for a script in tests/engine/scripts, each script run once per session."""
    key = (name, argv, tuple(sorted(limits.items())))
    if key not in _CACHE:
        recording = engine.script.run(SCRIPTS / name, list(argv), **limits)
        _CACHE[key] = (recording, *engine.script.trace(recording))
    return _CACHE[key]


def line_of(name: str, text: str) -> int:
    lines = (SCRIPTS / name).read_text().splitlines()
    return next(i for i, line in enumerate(lines, start=1) if text in line)


# ---- the question's script -----------------------------------------------------------------------------------


def test_the_question_fails_at_error2_with_the_culprit_both_shapes_and_words():
    recording, events, twin, how = traced("question.py")
    assert recording.status == "error" and not recording.ok
    failing = events[-1]
    assert failing.failing and all(not e.failing for e in events[:-1])
    d = failing.diagnosis
    assert d.line == line_of("question.py", "error2 = A1_sig.T - error1") and d.scope == "backProp"
    assert d.statement == "error2 = A1_sig.T - error1" and d.target == "error2"
    assert d.operation == "A1_sig.T - error1"  # PEP 657's column range, not the whole line
    assert d.culprit == "A1_sig.T - error1"
    assert d.shapes == [("A1_sig.T", (4, 3)), ("error1", (2, 4))]
    assert d.error == "ValueError: operands could not be broadcast together with shapes (4,3) (2,4)"
    assert "(4, 3) and (2, 4)" in d.explanation and "neither is 1" in d.explanation
    assert recording.message.startswith(f"failed at line {d.line}, in backProp(): ValueError")


def test_the_question_twin_is_the_questions_network():
    recording, events, twin, how = traced("question.py")
    X, Y = engine.datasets.question()
    assert twin == Twin(sizes=(4, 3, 3), hidden="sigmoid", output="sigmoid", loss="bce", layout="rows",
                        bias="vector", lr=0.0001, X=twin.X, Y=twin.Y, reasons=twin.reasons)
    assert np.array_equal(twin.X, X) and np.array_equal(twin.Y, Y)
    assert twin.describe() == "4 → 3 → 3, sigmoid → sigmoid, bce, rows layout, vector bias, lr 0.0001"
    assert twin.reasons[0] == ("4 inputs and 2 examples from X_train (2, 4), 3 outputs from Y_train (2, 3): "
                               "examples as rows")
    assert twin.reasons[1] == "3 hidden units from w1 (2, 3)"
    net = engine.Network(**twin.network)
    assert [e.name for e in twin.events()] == [p.name for p in net.plan]
    errors = engine.gradient_check(net, twin.X, twin.Y)
    assert max(errors.values()) < 1e-6


def test_the_question_report_shows_every_arrays_shape_by_line():
    recording, events, twin, how = traced("question.py")
    text = engine.script.report(recording, events, twin, how)
    expected = [("X_train", "(2, 4)"), ("Y_train", "(2, 3)"), ("X_trainT", "(4, 2)"), ("Y_trainT", "(3, 2)"),
                ("w1", "(2, 2)"), ("b1", "(2, 1)"), ("w1", "(2, 3)"), ("A1_dot", "(4, 3)"), ("s", "(4, 3)"),
                ("A1_sig", "(3, 4)"), ("w2", "(4, 1)"), ("b2", "(4, 1)"), ("w2", "(4, 2)"), ("A2_dot", "(3, 2)"),
                ("s", "(3, 2)"), ("A2_sig", "(3, 2)"), ("error1", "(2, 4)")]
    rows = re.findall(r"^\s+(\d+)  (\S+)\s+(\(.*?\))  (.*)$", text, flags=re.M)
    assert [(name, shape) for _, name, shape, _ in rows] == expected
    by_name = {name: (int(line), code) for line, name, _, code in rows}
    assert by_name["A1_dot"] == (line_of("question.py", "A1_dot = np.dot"), "A1_dot = np.dot(X_trainT , w1)")
    assert "failing line" in text and "culprit: A1_sig.T - error1" in text
    assert "shapes: A1_sig.T is (4, 3), error1 is (2, 4)" in text
    assert "twin network: 4 → 3 → 3, sigmoid → sigmoid, bce, rows layout, vector bias, lr 0.0001" in text
    assert "your A1_dot (4, 3) matches no engine event of its shape; the nearest is Z1 (2, 3)" in text
    assert "the script's output:" in text and "ValueError: operands could not be broadcast" in text


def test_events_follow_the_engines_protocol_with_the_real_operands():
    recording, events, twin, how = traced("question.py")
    dot = next(e for e in events if e.name == "A1_dot")
    for attribute in ("index", "phase", "layer", "name", "formula", "term", "rule", "shape", "value", "arrays",
                      "operands", "shape_rule", "marks"):
        assert hasattr(dot, attribute)
    assert dot.phase == "forwardProp()" and dot.formula == "A1_dot = np.dot(X_trainT , w1)"
    assert dot.operands == (("X_trainT", (4, 2)), ("w1", (2, 3)))
    assert dot.shape_rule == "(4, 2) @ (2, 3) → (4, 3)"
    assert dot.marks == {0: {1: "inner"}, 1: {0: "inner"}}
    assert np.array_equal(dot.value, dot.arrays[0] @ dot.arrays[1])  # the recorded operands made the result
    s = next(e for e in events if e.name == "s")  # inside sigmoid(z): the argument is the operand
    assert s.phase == "sigmoid()" and s.operands == (("z", (4, 3)),) and np.allclose(s.value, 1 / (1 + np.exp(
        -s.arrays[0])))
    assert [e.index for e in events] == list(range(len(events)))


def test_only_the_scripts_own_lines_are_traced():
    recording, events, twin, how = traced("question.py")
    count = len(recording.source.splitlines())
    assert all(1 <= r.line <= count for r in recording.records)
    assert {r.scope for r in recording.records} <= {"<module>", "forwardProp", "backProp", "sigmoid"}


def test_output_is_captured():
    recording, *_ = traced("question.py")
    assert recording.stdout.count("[[") == 2  # print(A1_sig) and print(error1)
    assert "error2 = A1_sig.T - error1" in recording.stderr and "~~~~~~~~~^~~~~~~~" in recording.stderr


# ---- learner-style scripts ----------------------------------------------------------------------------------

# name: (runs to the end, failing statement, culprit, culprit's operand shapes, twin sizes, layout, bias)
SCRIPTS_EXPECTED = {
    "rows_vector.py": (True, None, None, None, (2, 3, 1), "rows", "vector"),
    "columns_vector.py": (True, None, None, None, (3, 4, 2), "columns", "vector"),
    "rows_ones_column.py": (True, None, None, None, (4, 3, 3), "rows", "augmented"),
    "train_1000_epochs.py": (True, None, None, None, (2, 4, 1), "rows", "vector"),
    "hidden_from_argv.py": (True, None, None, None, (3, 3, 1), "rows", "vector"),
    "softmax_classes.py": (True, None, None, None, (4, 5, 3), "rows", "vector"),
    "question.py": (False, "error2 = A1_sig.T - error1", "A1_sig.T - error1", [("A1_sig.T", (4, 3)),
                                                                                ("error1", (2, 4))],
                    (4, 3, 3), "rows", "vector"),
    "columns_ones_row.py": (False, "A2 = 1 / (1 + np.exp(-(W2 @ A1)))", "W2 @ A1", [("W2", (1, 4)), ("A1", (3, 4))],
                            (2, 3, 1), "columns", "augmented"),
    "line_continuation.py": (False, "dW2 = A1 @ dZ2", "A1 @ dZ2", [("A1", (6, 3)), ("dZ2", (6, 2))],
                             (4, 3, 2), "rows", "vector"),
    "one_line_function.py": (False, "return A @ W + b", "A @ W", [("A", (5, 3)), ("W", (2, 3))], (4, 3, 2),
                             "rows", "vector"),
    "missing_transpose.py": (False, "dW2 = dZ2 @ A1", "dZ2 @ A1", [("dZ2", (2, 10)), ("A1", (5, 10))], (3, 5, 2),
                             "columns", "vector"),
    "bias_column_vector.py": (False, "z1 = X.dot(W1) + b1", "X.dot(W1) + b1", None, (2, 3, 1), "rows", "vector"),
}


@pytest.mark.parametrize("name", sorted(SCRIPTS_EXPECTED))
def test_learner_scripts_are_traced_and_diagnosed(name):
    ends, statement, culprit, shapes, sizes, layout, bias = SCRIPTS_EXPECTED[name]
    recording, events, twin, how = traced(name)
    assert recording.ok == ends, recording.message
    assert events and all(e.shape == tuple(e.value.shape) for e in events if not e.failing)
    if ends:
        assert recording.exit_code == 0 and not any(e.failing for e in events)
    else:
        d = events[-1].diagnosis
        assert d.statement == statement and d.culprit == culprit
        assert d.line == line_of(name, statement[:9])
        if shapes is not None:
            assert d.shapes == shapes
        assert d.explanation
    assert twin is not None, how
    assert (twin.sizes, twin.layout, twin.bias) == (sizes, layout, bias)


def test_half_run_to_the_end_and_half_fail():
    ends = [v[0] for v in SCRIPTS_EXPECTED.values()]
    assert len(ends) >= 12 and ends.count(True) == ends.count(False)


def test_a_matrix_product_without_its_transpose_gets_the_fix_that_runs():
    recording, events, twin, how = traced("missing_transpose.py")
    d = events[-1].diagnosis
    assert "4 columns" not in d.explanation and "10 columns on the left but 5 rows on the right" in d.explanation
    assert d.suggestions[0] == "dW2 = dZ2 @ A1.T"
    assert events[-1].twin.event.name == "dW2"  # the engine's own dW2 = dZ2 @ A1.T, beside the failing line


def test_a_line_continuation_is_located_across_its_lines():
    recording, events, twin, how = traced("line_continuation.py")
    f = recording.failure
    first = line_of("line_continuation.py", "dW2 = A1 @")
    assert (f.line, f.end_line) == (first, first + 1)  # PEP 657: the operation spans both lines


def test_a_one_line_function_is_located_inside_the_function():
    recording, events, twin, how = traced("one_line_function.py")
    d = events[-1].diagnosis
    assert d.scope == "layer" and d.line == 4 and events[-1].phase == "layer()"
    assert d.suggestions[0] == "A @ W.T + b"


def test_the_failing_script_ran_once(tmp_path):
    script = tmp_path / "counts.py"
    log = tmp_path / "runs.txt"
    script.write_text("import sys\nimport numpy as np\nopen(sys.argv[1], 'a').write('ran\\n')\n"
                      "A = np.ones((3, 4))\nB = np.ones((2, 4))\nC = A - B\n")
    recording = engine.script.run(script, [str(log)])
    assert recording.failure.line == 6 and events_culprit(recording) == "A - B"
    assert log.read_text() == "ran\n"  # the failing operation was found without running anything again


def events_culprit(recording) -> str:
    return engine.script.build(recording)[-1].diagnosis.culprit


# ---- loops, limits, arguments ------------------------------------------------------------------------------


def test_a_thousand_epochs_record_the_first_and_last_runs_of_each_line_in_a_few_kb():
    recording, events, twin, how = traced("train_1000_epochs.py")
    line = line_of("train_1000_epochs.py", "dW1 = X.T @ dZ1")
    assert recording.runs[line] == 1000
    assert [e.run for e in events if e.line == line] == [1, 2, 3, 998, 999, 1000]
    assert recording.size < 1_000_000
    text = engine.script.report(recording, events, twin, how)
    assert "lines 20–32 ran 1000 times; the runs between the first 3 and the last 3 are not recorded" in text
    # The last recorded W1 is the script's own final W1.
    with contextlib.redirect_stdout(io.StringIO()):
        final = runpy.run_path(str(SCRIPTS / "train_1000_epochs.py"))
    last_W1 = [e for e in events if e.name == "W1"][-1]
    assert last_W1.run == 1000 and np.array_equal(last_W1.value, final["W1"])
    assert recording.stdout.splitlines()[-1] == f"final loss {final['loss']:.4f}"


def test_a_script_that_never_ends_is_stopped_by_the_time_limit():
    recording, events, twin, how = traced("forever.py", timeout=1.0)
    assert recording.status == "timeout" and not recording.ok
    loop = line_of("forever.py", "while loss > 0")  # the limit lands in the loop: on its test or its body
    assert recording.message in (f"stopped after the 1 s time limit at line {loop}",
                                 f"stopped after the 1 s time limit at line {loop + 1}")
    assert [e.name for e in events[:2]] == ["X", "W"] and not any(e.failing for e in events)
    assert twin is None and how.startswith("no twin: no Y array")


def test_the_memory_limit_stops_a_script_and_says_so():
    recording, events, twin, how = traced("too_much_memory.py", memory_mb=256)
    assert recording.status == "memory"
    assert recording.message.startswith("stopped by the 256 MB memory limit at line 5")


def test_the_scripts_own_arguments_reach_it():
    recording, events, twin, how = traced("hidden_from_argv.py", ("5",))
    assert recording.ok and recording.stdout == "hidden 5 output (8, 1)\n"
    assert twin.sizes == (3, 5, 1) and twin.hidden == "relu"
    assert next(e for e in events if e.name == "W1").shape == (3, 5)


def test_sys_exit_with_a_code_is_not_running_to_the_end(tmp_path):
    (tmp_path / "quits.py").write_text("import sys\nimport numpy as np\nA = np.zeros(3)\nsys.exit(3)\n")
    (tmp_path / "done.py").write_text("import sys\nimport numpy as np\nA = np.zeros(3)\nsys.exit(0)\n")
    quits = engine.script.run(tmp_path / "quits.py")
    assert (quits.status, quits.message, [r.name for r in quits.records]) == ("exit", "exited with status 3", ["A"])
    assert engine.script.run(tmp_path / "done.py").ok


def test_bad_arguments_are_refused_before_anything_runs(tmp_path):
    with pytest.raises(ValueError, match="no such script: nowhere.py; expected the path of a Python file"):
        engine.script.run("nowhere.py")
    script = tmp_path / "s.py"
    script.write_text("x = 1\n")
    with pytest.raises(ValueError, match="time limit must be a number of seconds > 0; got 0"):
        engine.script.run(script, timeout=0)
    with pytest.raises(ValueError, match="memory limit must be a whole number of MB >= 64; got 10"):
        engine.script.run(script, memory_mb=10)


# ---- the twin beside each line ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["rows_vector.py", "columns_vector.py"])
def test_each_textbook_line_is_the_engine_event_of_its_name(name):
    recording, events, twin, how = traced(name)
    engine_names = {e.name for e in twin.events()}
    named = [e for e in events if e.name in engine_names]
    assert len(named) >= 12
    for e in named:
        assert e.twin.how == "shape" and e.twin.event.name == e.name, (e.name, e.twin_sentence)
        assert e.twin.event.shape == e.shape and e.layer == e.twin.event.layer


def test_a_ones_column_is_the_engines_augmented_input_value_for_value():
    recording, events, twin, how = traced("rows_ones_column.py")
    X_b = next(e for e in events if e.name == "X_b")
    assert X_b.twin.how == "value" and X_b.twin.event.name == "X_aug"
    assert X_b.twin_sentence.startswith("your X_b (2, 5) is the engine's X_aug = np.hstack")


def test_a_line_that_matches_nothing_names_the_nearest_engine_event():
    recording, events, twin, how = traced("question.py")
    A1_sig = next(e for e in events if e.name == "A1_sig")
    assert A1_sig.twin.how == "nearest" and A1_sig.twin.event.name == "A1"
    assert A1_sig.twin_sentence == ("your A1_sig (3, 4) matches no engine event of its shape; the nearest is "
                                    "A1 (2, 3) = sigmoid(Z1)")
    A2_sig = next(e for e in events if e.name == "A2_sig")
    assert A2_sig.twin.how == "transposed" and A2_sig.twin.event.name == "A2"


def test_the_script_package_imports_no_ui():
    code = ("import sys, engine.script\n"
            f"r = engine.script.run({str(SCRIPTS / 'question.py')!r})\n"
            "engine.script.report(r, *engine.script.trace(r))\n"
            "loaded = sorted(n for n in sys.modules if n.split('.')[0] in ('textual', 'rich', 'tui'))\n"
            "assert not loaded, loaded\nprint('ok')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_the_script_runs_as_python_would_run_it(tmp_path):
    (tmp_path / "helper.py").write_text("VALUE = 7\n")
    (tmp_path / "looks.py").write_text(
        "import sys\nimport helper\n"
        "print(__name__, sys.argv[1:], helper.VALUE)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('engine', 'tui', 'textual')))\n")
    recording = engine.script.run(tmp_path / "looks.py", ["a", "--b"])
    assert recording.ok and recording.stderr == ""
    assert recording.stdout == "__main__ ['a', '--b'] 7\n[]\n"  # its own folder on sys.path; no stepprop loaded


def test_the_readme_shows_the_report_as_it_is():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    block = readme.split("$ stepprop debug --report question.py\n", 1)[1].split("```", 1)[0]
    recording, events, twin, how = traced("question.py")
    real = [line.rstrip() for line in engine.script.report(recording, events, twin, how).splitlines()]
    shown = [line for line in block.splitlines() if line.strip() not in ("", "...")]
    assert len(shown) >= 12 and all(line in real for line in shown), [line for line in shown if line not in real]


def test_a_syntax_error_is_reported_as_python_would_before_anything_runs(tmp_path):
    (tmp_path / "typo.py").write_text("import numpy as np\nX = np.ones((2, 3))\nY = X @@ X\n")
    recording = engine.script.run(tmp_path / "typo.py")
    assert recording.status == "error" and recording.records == []
    assert recording.message == "failed at line 3, in the script: SyntaxError: invalid syntax"
    assert recording.stderr.endswith("    Y = X @@ X\n           ^\nSyntaxError: invalid syntax\n")


def test_data_too_big_to_record_still_gets_a_twin_of_the_same_shapes(tmp_path):
    (tmp_path / "big.py").write_text(
        "import numpy as np\nrng = np.random.default_rng(0)\nX = rng.random((2000, 20))\n"
        "Y = (rng.random((2000, 1)) > 0.5) * 1.0\nW1 = rng.standard_normal((20, 8))\n"
        "W2 = rng.standard_normal((8, 1))\nA1 = np.tanh(X @ W1)\n")
    recording = engine.script.run(tmp_path / "big.py")
    events, twin, how = engine.script.trace(recording)
    X = next(e for e in events if e.name == "X")
    assert X.shape == (2000, 20) and not X.recorded
    assert (twin.sizes, twin.layout, twin.hidden, twin.X.shape) == ((20, 8, 1), "rows", "tanh", (2000, 20))
    assert "the twin uses synthetic real data of the same shapes" in how  # no sigmoid: a real-valued output


def test_arrays_of_objects_or_text_are_recorded_by_shape_only(tmp_path):
    (tmp_path / "mixed.py").write_text("import numpy as np\nnames = np.array(['a', 'b'])\n"
                                       "boxes = np.array([{}, []], dtype=object)\nW = np.eye(2)\n")
    recording = engine.script.run(tmp_path / "mixed.py")
    events = engine.script.build(recording)
    assert [(e.name, e.shape, e.recorded) for e in events] == [("names", (2,), False), ("boxes", (2,), False),
                                                               ("W", (2, 2), True)]
    assert events[1].dtype == "|O" and np.array_equal(events[2].value, np.eye(2))


def test_a_logistic_written_out_without_the_word_sigmoid_gets_a_sigmoid_twin(tmp_path):
    script = tmp_path / "squash.py"
    script.write_text(
        "import numpy as np\n"
        "X = np.array([[0., 0.], [0., 1.], [1., 0.], [1., 1.]])\n"
        "Y = np.array([[0.], [1.], [1.], [0.]])\n"
        "W1 = np.full((2, 3), 0.1)\nW2 = np.full((3, 1), 0.2)\n"
        "def squash(z):\n    return 1 / (1 + np.exp(-z))\n"
        "A1 = squash(X @ W1)\nA2 = squash(A1 @ W2)\n"
        "cost = -np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))\n")
    assert "sigmoid" not in script.read_text()
    recording = engine.script.run(script)
    events, twin, how = engine.script.trace(recording)
    assert recording.ok and twin is not None, how
    assert (twin.sizes, twin.hidden, twin.output, twin.loss) == ((2, 3, 1), "sigmoid", "sigmoid", "bce")


def test_a_script_stopped_by_memory_error_still_gets_its_failing_line_diagnosed(tmp_path):
    script = tmp_path / "outer.py"
    script.write_text("import numpy as np\nA = np.ones((4, 20_000))\nP = A.T @ A\nprint('never')\n")
    recording = engine.script.run(script, memory_mb=256)  # A.T @ A is 20,000 x 20,000: 3.2 GB
    events, twin, how = engine.script.trace(recording)
    assert recording.status == "memory" and recording.message.startswith("stopped by the 256 MB memory limit")
    failing = events[-1]
    assert failing.failing and failing.diagnosis is not None
    d = failing.diagnosis
    assert (d.line, d.statement, d.operation) == (3, "P = A.T @ A", "A.T @ A")
    assert d.error.startswith("MemoryError") and ("A", (4, 20000)) in d.shapes
    assert "A is (4, 20000)" in d.explanation


def test_the_classic_bug_gets_labelled_fixes_and_none_that_slices_the_weights(tmp_path):
    script = tmp_path / "bug.py"
    script.write_text("import numpy as np\nnp.random.seed(0)\nX = np.array([[1., 1, 1, 1], [0, 0, 0, 0]])\n"
                      "Y = np.array([[1.], [0.]])\nW1 = np.random.rand(4, 3)\nb1 = np.zeros((1, 3))\n"
                      "W2 = np.random.rand(3, 1)\nb2 = np.zeros((1, 1))\nZ1 = np.dot(W1, X) + b1\n")
    recording = engine.script.run(script)
    events, twin, how = engine.script.trace(recording)
    d = events[-1].diagnosis
    assert d.labelled[0] == "Z1 = np.dot(X, W1) + b1 (right shape only)"  # the twin's Z1 is (2, 3)
    assert all(label == "right shape only" for label in d.labels)
    assert not any("W1[" in line for line in d.suggestions)
    text = engine.script.report(recording, events, twin, how)
    assert "fixes that run: Z1 = np.dot(X, W1) + b1 (right shape only)" in text


def test_a_fault_on_an_earlier_line_is_traced_to_where_the_odd_operand_got_its_shape(tmp_path):
    script = tmp_path / "cache_key.py"
    script.write_text(
        "import numpy as np\nnp.random.seed(0)\nX = np.random.rand(4, 5)\nY = (np.random.rand(1, 5) > 0.5) * 1.0\n"
        "W1 = np.random.rand(3, 4)\nW2 = np.random.rand(1, 3)\nA1 = np.tanh(W1 @ X)\n"
        "A2 = 1 / (1 + np.exp(-(W2 @ A1)))\ncache = {'A1': A1, 'A2': A2}\nA2 = cache['A1']\ndZ2 = A2 - Y\n"
        "dW2 = dZ2 @ A1.T / 5\nW2 -= 0.5 * dW2\n")
    recording = engine.script.run(script)
    events, twin, how = engine.script.trace(recording)
    d = events[-1].diagnosis
    assert d.line == 13 and d.odd == ("dW2", (1, 3)) and d.made_at == (12, "dW2 = dZ2 @ A1.T / 5")
    assert d.explanation.startswith("dW2 is (3, 3), but W2 -= 0.5 * dW2 and the rest need (1, 3). dW2 got its "
                                    "shape at line 12: dW2 = dZ2 @ A1.T / 5")
    text = engine.script.report(recording, events, twin, how)
    assert "  look first at line 12: dW2 = dZ2 @ A1.T / 5\n  rewrites of this line that run:" in text


def test_the_twin_starts_from_the_scripts_own_weights_where_they_fit():
    recording, events, twin, how = traced("rows_vector.py")
    namespace = runpy.run_path(str(SCRIPTS / "rows_vector.py"), run_name="not_main")  # the script's own run
    np.random.seed(0)  # rows_vector.py seeds and then draws W1 and W2 before any update
    W1, W2 = np.random.randn(2, 3), np.random.randn(3, 1)
    assert np.array_equal(twin.params["W1"], W1) and np.array_equal(twin.params["W2"], W2)
    assert set(twin.params) == {"W1", "b1", "W2", "b2"} and twin.weights == "weights: your script's W1, b1, W2, b2"
    net = engine.Network(**twin.network)
    net.start_from(twin.params)
    Z1 = next(net.step(twin.X, twin.Y, twin.lr)).value
    assert np.allclose(Z1, namespace["Z1"])  # the twin's first event is the script's own Z1


def test_weights_that_do_not_fit_are_drawn_anew_and_the_twin_says_which():
    _, _, twin, _ = traced("question.py")  # w1 is (2, 3), its bias a column: nothing fits W1 (4, 3)
    assert twin.params == {}
    assert twin.weights == ("weights re-initialised (uniform, seed 0): your w1 (2, 3) does not fit W1 (4, 3), "
                            "and 3 more")
    _, _, twin, _ = traced("line_continuation.py")  # W1, W2 but no b by name
    assert set(twin.params) == {"W1", "W2"}
    assert twin.weights == ("weights: your script's W1, W2; b1, b2 re-initialised (uniform, seed 0): no array of "
                            "your script is b1 or b2 by its name")


def test_start_from_takes_copies_of_the_right_shapes_only():
    net = engine.Network()
    W1 = np.arange(12.0).reshape(4, 3)
    net.start_from({"W1": W1})
    W1[0, 0] = 99.0  # the caller's array changes; the network's does not
    assert net.params["W1"][0, 0] == 0.0 and not net.params["W1"].flags.writeable
    assert np.array_equal(net.params["b1"], engine.Network().params["b1"])  # the rest as the seed drew them
    with pytest.raises(ValueError, match=r"W2 must have shape \(3, 3\); got \(3, 4\)"):
        net.start_from({"W2": np.zeros((3, 4))})
    with pytest.raises(ValueError, match="no parameter 'W3'; the parameters are W1, b1, W2, b2"):
        net.start_from({"W3": np.zeros((3, 3))})
    assert net.params["W1"][0, 0] == 0.0  # a refused call changes nothing


# ---- fixes ranked by the script's later lines --------------------------------------------------------------------


def test_without_a_twin_a_fix_that_breaks_a_later_line_comes_after_those_with_which_every_later_line_runs():
    """The forum's dZ1 over the course test's (7, 9) Z1: turning the product around makes dZ1 (7, 9), the shape its
    role suggests, and then dW1 = 1/m * np.dot(dZ1, X.T) on the next line cannot run."""
    recording, *_ = traced("cache_z1.py")
    events = engine.script.build(recording, None)  # no twin: nothing knows dZ1's shape or values
    d = events[-1].diagnosis
    assert d.line == line_of("cache_z1.py", "dZ1 = np.multiply(")
    later = line_of("cache_z1.py", "dW1 = 1/m")
    turned = "dZ1 = np.multiply(1 - np.power(Z1, 2), np.dot(dZ2.T, W2))"
    assert turned in d.suggestions and d.breaks[d.suggestions.index(turned)] == later
    runs = [line for line, broken in zip(d.suggestions, d.breaks) if broken is None]
    assert "dZ1 = np.multiply(1 - np.power(A1, 2), np.dot(W2.T, dZ2))" in runs
    assert d.suggestions[:len(runs)] == runs  # every fix with which the later lines run comes first
    assert d.breaks[0] is None and d.suggestions.index(turned) >= len(runs)
    assert f"{turned} (right shape only; line {later} then fails)" in d.labelled

