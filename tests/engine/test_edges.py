"""Promises at the edges: a short exported run, m in a columns trace, the grammar's powers, one step's peak memory."""

from __future__ import annotations

import json
import subprocess
import sys
import tracemalloc

import numpy as np
import pytest

import engine
from engine import Network, export
from engine.doctor import grammar
from engine.trace import trace


@pytest.mark.parametrize("steps, printed", [(1, [0, 1]), (3, [0, 1, 2, 3]), (9, list(range(10))),
                                            (25, [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 25])])
def test_a_short_exported_run_prints_the_loss_it_promises(steps, printed, tmp_path):
    """Every STEPS // 10 steps (at least every step), and once at the end."""
    X, Y = engine.datasets.question()
    path = export.write(Network((4, 3, 3)), X, Y, 0.5, tmp_path / "short.py", steps=steps)
    done = subprocess.run([sys.executable, "-I", "-W", "error", str(path)], capture_output=True, text=True,
                          timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert [int(line.split()[1]) for line in done.stdout.splitlines()] == printed


def test_the_columns_trace_counts_examples_along_its_columns():
    X, Y = engine.datasets.question()  # two examples as rows
    net = Network((4, 3, 3), layout="columns")
    document = json.loads(trace(net, X.T, Y.T, 0.5, "json"))
    assert document["m"] == 2
    assert document["events"][0]["shape"] == [3, 2]
    rows = json.loads(trace(Network((4, 3, 3)), X, Y, 0.5, "json"))
    assert rows["m"] == 2


@pytest.mark.parametrize("power", [-4, -1, 0, 2, 4])
def test_the_grammar_takes_whole_powers_from_minus_four_to_four(power):
    parsed = grammar.parse(f"Q = A ** {power}", {"A": np.ones((2, 2))})
    assert parsed.target == "Q"


@pytest.mark.parametrize("power", ["-5", "5", "-100", "100", "4.5", "A", "1e400", "2 ** 3"])
def test_the_grammar_refuses_other_powers(power):
    with pytest.raises(ValueError, match="the exponent must be a whole number from -4 to 4"):
        grammar.parse(f"Q = A ** {power}", {"A": np.ones((2, 2))})


def test_one_step_never_holds_every_intermediate_at_once():
    """Each intermediate is freed after its last read, so a step's peak is well under the sum of its values."""
    net = Network((50, 300, 300, 300, 10), hidden="tanh", output="identity", loss="mse", init="xavier")
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(400, 50)), rng.normal(size=(400, 10))
    every_value = sum(e.value.nbytes for e in net.step(X, Y, 0.01))
    tracemalloc.start()
    try:
        for _event in net.step(X, Y, 0.01):
            pass
        del _event
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 0.7 * every_value, (peak, every_value)


def test_the_defaults_are_the_ones_documented():
    """Network() is the question's network with seed 0; train() steps with lr 0.5, like the app."""
    X, Y = engine.datasets.question()
    net = Network()
    assert net.options == dict(sizes=(4, 3, 3), hidden="sigmoid", output="sigmoid", loss="bce", layout="rows",
                               bias="vector", init="uniform", seed=0)
    by_default, by_hand = Network(), Network()
    by_default.train(X, Y)
    by_hand.train(X, Y, lr=0.5, steps=1)
    for key, P in by_hand.params.items():
        assert np.array_equal(by_default.params[key], P), key


def test_uniform_init_draws_from_minus_one_to_one():
    W = Network((60, 60)).params["W1"]
    assert W.min() >= -1.0 and W.max() <= 1.0
    assert W.min() < -0.95 and W.max() > 0.95


@pytest.mark.parametrize("layout, bias, W1, b1", [("rows", "vector", "(4, 3)", "(1, 3)"),
                                                   ("columns", "vector", "(3, 4)", "(3, 1)"),
                                                   ("rows", "augmented", "(5, 3)", None),
                                                   ("columns", "augmented", "(3, 5)", None)])
def test_the_exported_header_names_each_layers_shapes(layout, bias, W1, b1):
    X, Y = engine.datasets.question()
    if layout == "columns":
        X, Y = X.T, Y.T
    text = export.script(Network((4, 3, 3), layout=layout, bias=bias), X, Y, 0.5, steps=1)
    header = text.split('"""')[1]
    assert f"W1 {W1}" in header
    assert (f"b1 {b1}" in header) if b1 else ("b1 (" not in header)


@pytest.mark.parametrize("cls, fields, field", [("Op", ("f", "", None), "note"), ("Input", ("X", "X"), "key")])
def test_operations_cannot_be_changed_once_made(cls, fields, field):
    """A plan is shared by every step of a network: its parts are frozen, and hold nothing but their fields."""
    from engine import events
    made = getattr(events, cls)(*fields)
    with pytest.raises(AttributeError):
        setattr(made, field, "changed")
    assert getattr(made, field) != "changed" and not hasattr(made, "__dict__")


def test_a_planned_operation_is_frozen():
    plan = Network().plan
    with pytest.raises(AttributeError):
        plan[0].formula = "Z1 = anything"  # the line its term and shape rule are rendered from
    assert plan[0].term == "Z1 = X · W1 + b1"
    assert not hasattr(plan[0], "__dict__")


# The exported script's header and comments, written by hand for the two corner modes.
HEADER_ROWS_VECTOR = '''Shapes, rows layout, one example per row: X is (m, n_in) and Y is (m, n_out).
Layer l has W (n_in, n_out) and b (1, n_out), so Z = A @ W + b is (m, n_out),
b broadcast down the m rows.
  layer 1: W1 (4, 3), b1 (1, 3); Z1, A1 (m, 3)
  layer 2: W2 (3, 3), b2 (1, 3); Z2, A2 (m, 3)
dZ, dA have the shapes of Z, A, and dW, db the shapes of W, b.'''
HEADER_COLUMNS_AUGMENTED = '''Shapes, columns layout, one example per column: X is (n_in, m) and Y is (n_out, m).
Layer l has W (n_out, n_in + 1), its last column the bias, and A_aug = [A ; 1] is
(n_in + 1, m), so Z = W @ A_aug is (n_out, m).
  layer 1: W1 (3, 5); Z1, A1 (3, m)
  layer 2: W2 (3, 4); Z2, A2 (3, m)
dZ, dA have the shapes of Z, A, and dW the shapes of W.'''
HEADER_ROWS_AUGMENTED = '''Shapes, rows layout, one example per row: X is (m, n_in) and Y is (m, n_out).
Layer l has W (n_in + 1, n_out), its last row the bias, and A_aug = [A | 1] is
(m, n_in + 1), so Z = A_aug @ W is (m, n_out).'''
HEADER_COLUMNS_VECTOR = '''Shapes, columns layout, one example per column: X is (n_in, m) and Y is (n_out, m).
Layer l has W (n_out, n_in) and b (n_out, 1), so Z = W @ A + b is (n_out, m),
b broadcast across the m columns.'''


@pytest.mark.parametrize("layout, bias, header, data", [
    ("rows", "vector", HEADER_ROWS_VECTOR,
     ["# (2, 4): 2 examples as rows, 4 inputs", "# (2, 3): 2 examples as rows, 3 outputs"]),
    ("columns", "augmented", HEADER_COLUMNS_AUGMENTED,
     ["# (4, 2): 2 examples as columns, 4 inputs", "# (3, 2): 2 examples as columns, 3 outputs"]),
    ("rows", "augmented", HEADER_ROWS_AUGMENTED, []),
    ("columns", "vector", HEADER_COLUMNS_VECTOR, []),
])
def test_the_exported_script_says_its_shapes_in_words(layout, bias, header, data):
    X, Y = engine.datasets.question()
    if layout == "columns":
        X, Y = X.T, Y.T
    text = export.script(Network((4, 3, 3), layout=layout, bias=bias), X, Y, 0.5)
    assert header in text
    assert "STEPS = 1000" in text and "Run it to train 1000 steps of W ← W − lr·dW" in text
    for comment in data:
        assert comment in text
    transposed = "# Drawn as in the rows layout, then transposed: both layouts start as the same network."
    assert (transposed in text) == (layout == "columns")
    assert max(len(line) for line in text.splitlines()) <= 120


@pytest.mark.parametrize("n, stored", [(400, False), (401, True)])
def test_data_up_to_400_numbers_is_written_out_and_more_is_stored_as_bytes(n, stored):
    X = np.linspace(-1.0, 1.0, n).reshape(n, 1)
    Y = (X > 0).astype(float)
    text = export.script(Network((1, 1), output="sigmoid", loss="bce"), X, Y, 0.5)
    assert ("X = np.load(io.BytesIO(base64.b64decode(" in text) == stored
    assert ("X = np.array([" in text) == (not stored)
    assert ("import base64\nimport io\n" in text) == stored  # only a script that decodes bytes imports for it
    if stored:
        assert all(len(line) <= 100 for line in text.splitlines() if line.startswith('    "'))


def test_uniform_draws_weights_and_biases_from_minus_one_to_one():
    """The default init, which the exported script repeats as rng.uniform(-1.0, 1.0, ...)."""
    params = Network((400, 300), init="uniform").params
    for P in params.values():
        assert -1.0 <= P.min() < -0.95 and 0.95 < P.max() < 1.0
        assert abs(P.mean()) < 4 * np.sqrt(1 / 3) / np.sqrt(P.size)  # four standard errors of U(-1, 1)


def test_he_and_xavier_draw_with_their_textbook_spreads():
    he = Network((400, 300), init="he").params
    assert abs(he["W1"].mean()) < 0.005
    assert he["W1"].std() == pytest.approx(np.sqrt(2.0 / 400), rel=0.02)
    assert not he["b1"].any()
    xavier = Network((400, 300), init="xavier").params
    bound = np.sqrt(6.0 / 700)
    assert -bound <= xavier["W1"].min() < -0.99 * bound and 0.99 * bound < xavier["W1"].max() <= bound
    assert not xavier["b1"].any()


def test_a_step_past_the_memory_budget_is_refused():
    """4 → 3 → 3 on 2 examples: a step needs 384 bytes of intermediates beside 3 × 8 × 27 of parameters."""
    X, Y = engine.datasets.question()
    list(Network((4, 3, 3), max_bytes=1032).step(X, Y))
    with pytest.raises(ValueError, match=r"needs about .* \(1,032 bytes\), more than the .* limit"):
        list(Network((4, 3, 3), max_bytes=1031).step(X, Y))
    # augmented: each layer's input also gets its ones, (4 + 1) and (3 + 1) more numbers an example: 528 bytes
    list(Network((4, 3, 3), bias="augmented", max_bytes=1176).step(X, Y))
    with pytest.raises(ValueError, match=r"\(1,176 bytes\)"):
        list(Network((4, 3, 3), bias="augmented", max_bytes=1175).step(X, Y))


# ---- accuracy, the gradient check's sampling, learning rates, byte counts, and the Markdown trace's tables -----


def test_accuracy_counts_classes_only():
    from engine.metrics import accuracy
    A = np.array([[0.9, 0.5, 0.2], [0.6, 0.1, 0.7]])
    Y = np.array([[1.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    assert accuracy("sigmoid", A, Y, 1) == pytest.approx(4 / 6)  # 0.5 is not above 0.5: predicted 0, label 1
    assert accuracy("sigmoid", A, np.full_like(Y, 0.5), 1) is None  # soft labels are not classes
    assert accuracy("identity", A, Y, 1) is None
    P = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3]])
    onehot = np.eye(3)[[0, 2, 0]]
    assert accuracy("softmax", P, onehot, 1) == pytest.approx(2 / 3)
    assert accuracy("softmax", P.T, onehot.T, 0) == pytest.approx(2 / 3)


def test_the_gradient_check_samples_large_parameters_only():
    from engine.gradcheck import gradient_check
    net = Network((30, 10, 2), hidden="tanh", output="identity", loss="mse", seed=1)
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(4, 30)), rng.normal(size=(4, 2))
    calls = []
    loss_with = net._loss_with
    net._loss_with = lambda *args: calls.append(1) or loss_with(*args)
    errors = gradient_check(net, X, Y, max_entries=50)
    # W1 has 300 entries: 50 sampled; b1, W2, b2 (10, 20, 2 entries) all checked; two losses an entry
    assert len(calls) == 2 * (50 + 10 + 20 + 2)
    assert max(errors.values()) < 1e-6
    calls.clear()
    gradient_check(net, X, Y, max_entries=None)
    assert len(calls) == 2 * (300 + 10 + 20 + 2)


def checked_entries(net: Network, X, Y, **options) -> dict[str, list[int]]:
    """Which flat entries of each parameter the gradient check nudges, in the order it nudges them."""
    from engine.gradcheck import gradient_check
    nudged = {key: [] for key in net.params}
    loss_with = net._loss_with

    def recording(params, X, Y):
        for key, P in params.items():
            if P is not net.params[key]:
                nudged[key].append(int(np.flatnonzero(P != net.params[key])[0]))
        return loss_with(params, X, Y)

    net._loss_with = recording
    gradient_check(net, X, Y, **options)
    assert all(trail[0::2] == trail[1::2] for trail in nudged.values())  # each entry: L(θ + ε), then L(θ − ε)
    return {key: trail[0::2] for key, trail in nudged.items()}


def test_the_gradient_check_takes_200_distinct_entries_of_a_larger_parameter_in_memory_order():
    """Up to 200 entries a parameter is checked in full; past it, on 200 entries, each at most once, so `g` costs at
    most 400 losses a parameter. Entries go in memory order, so the progress counts through the matrix."""
    net = Network((67, 3, 50, 4), hidden="tanh", output="identity", loss="mse", seed=3)  # W1 201, W3 200 entries
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(2, 67)), rng.normal(size=(2, 4))
    checked = checked_entries(net, X, Y)
    for key, P in net.params.items():
        if P.size <= 200:
            assert checked[key] == list(range(P.size)), key
    W1 = checked["W1"]
    assert len(W1) == 200 and len(set(W1)) == 200 and W1 == sorted(W1), W1
    assert checked_entries(net, X, Y, max_entries=None)["W1"] == list(range(201))


def test_the_gradient_check_samples_the_same_entries_from_the_same_seed():
    """The sample comes from the network's own seed (the run's --seed), and one parameter's sample does not move
    when another parameter's size changes."""
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(2, 30)), rng.normal(size=(2, 2))
    net = Network((30, 20, 2), hidden="tanh", output="identity", loss="mse", seed=4)
    again = Network((30, 20, 2), hidden="tanh", output="identity", loss="mse", seed=4)
    other = Network((30, 20, 2), hidden="tanh", output="identity", loss="mse", seed=5)
    W1 = checked_entries(net, X, Y, max_entries=50)["W1"]
    assert checked_entries(again, X, Y, max_entries=50)["W1"] == W1
    assert checked_entries(net, X, Y, max_entries=50, seed=4)["W1"] == W1
    assert checked_entries(other, X, Y, max_entries=50)["W1"] != W1
    assert checked_entries(net, X, Y, max_entries=50, seed=5)["W1"] == checked_entries(other, X, Y,
                                                                                       max_entries=50)["W1"]
    Y3 = rng.normal(size=(2, 3))
    narrow = Network((2, 20, 3), hidden="tanh", output="identity", loss="mse", seed=4)  # W1 40 entries: in full
    wide = Network((30, 20, 3), hidden="tanh", output="identity", loss="mse", seed=4)  # W1 600 entries: sampled
    W2 = checked_entries(narrow, X[:, :2], Y3, max_entries=50)["W2"]
    assert len(W2) == 50 and checked_entries(wide, X, Y3, max_entries=50)["W2"] == W2


def test_a_zero_gradient_checks_as_zero_error():
    from engine.gradcheck import gradient_check
    net = Network((2, 1), output="identity", loss="mse", init="he")  # zero bias; X = 0 and Y = 0: L is flat
    errors = gradient_check(net, np.zeros((3, 2)), np.zeros((3, 1)))
    assert errors == {"W1": 0.0, "b1": 0.0}


def test_a_learning_rate_of_zero_is_allowed_and_a_negative_one_is_not():
    from engine import checks
    assert checks.learning_rate(0) == 0.0
    with pytest.raises(ValueError, match="lr must be >= 0"):
        checks.learning_rate(-1e-9)


@pytest.mark.parametrize("n, text", [(1023, "1.0 KiB"), (1 << 20, "1.0 MiB"), (3 << 19, "1.5 MiB"),
                                     ((1 << 20) - 1, "1024.0 KiB"), (1 << 30, "1.0 GiB")])
def test_byte_counts_read_in_their_unit(n, text):
    from engine import checks
    assert checks.bytes_text(n) == text


def test_the_markdown_trace_cuts_large_matrices_and_says_so():
    net = Network((10, 9, 2), hidden="tanh", output="identity", loss="mse")
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(12, 10)), rng.normal(size=(12, 2))
    text = trace(net, X, Y, 0.1, "md")
    section = text.split("### 1. Z1 (layer 1)")[1].split("###")[0]
    table = [line for line in section.splitlines() if line.startswith("|")]
    assert table[0] == "| Z1 | 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | … |"
    assert table[1] == "|---:|" + "---:|" * 9
    assert len(table) == 2 + 8 + 1 and table[-1] == "| ⋮ |" + " ⋮ |" * 9
    assert all(line.endswith(" | … |") for line in table[2:-1])
    assert "Showing 8 of 12 rows and 8 of 9 columns; full shape (12, 9)." in section
    dW2 = text.split("dW2 (layer 2)")[1].split("###")[0]  # (9, 2): cut in rows only
    assert "Showing 8 of 9 rows and 2 of 2 columns; full shape (9, 2)." in dW2 and "…" not in dW2
    assert [line.split()[1] for line in text.splitlines() if line.startswith("## ")] == \
        ["Forward", "Loss", "Backward", "Update"]
    exact = trace(Network((4, 3, 3)), *engine.datasets.question(), 0.5, "md")
    assert "Showing" not in exact


def test_the_markdown_trace_shows_an_eight_by_eight_matrix_whole():
    net = Network((4, 8, 2), hidden="tanh", output="identity", loss="mse")
    rng = np.random.default_rng(0)
    text = trace(net, rng.normal(size=(8, 4)), rng.normal(size=(8, 2)), 0.1, "md")
    section = text.split("### 1. Z1 (layer 1)")[1].split("###")[0]
    table = [line for line in section.splitlines() if line.startswith("|")]
    assert table[0] == "| Z1 | 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 |"
    assert len(table) == 2 + 8 and "⋮" not in section and "…" not in section and "Showing" not in section


@pytest.mark.parametrize("power, value", [("0.5", 0.5), ("-1. / 2.", -0.5), ("(-1.0)", -1.0), ("-1.5", -1.5),
                                          ("2 * 0.25", 0.5)])
def test_the_grammar_takes_a_fractional_power_as_batchnorm_lines_write_it(power, value):
    A = np.array([[1.0, 4.0], [9.0, 16.0]])
    parsed = grammar.parse(f"Q = A ** ({power})", {"A": A})
    assert grammar.power_literal(parsed.expr.right) == value
