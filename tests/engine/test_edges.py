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


@pytest.mark.parametrize("power", ["-5", "5", "-100", "100", "0.5", "A"])
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
    import dataclasses

    from engine import events
    made = getattr(events, cls)(*fields)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(made, field, "changed")
    assert not hasattr(made, "__dict__")


def test_a_planned_operation_is_frozen():
    import dataclasses
    plan = Network().plan
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan[0].term = "Z1 = anything"
    assert not hasattr(plan[0], "__dict__")
