"""At exactly Z = 0, relu and leaky relu's derivatives are what their displayed formulas say, here and in export."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from notation import evaluate

from engine import Network, activations, export

# The motivating question's data: the second example is all zeros, so with he init (zero biases) its row of Z1 is
# exactly 0, a point the app really reaches.
X = np.array([[1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0]])
Y = np.array([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]])
AT_KINK = {"relu": 0.0, "leaky_relu": 0.01}  # the slope each derivative takes at Z = 0 exactly


def kink_step(hidden: str, layout: str):
    net = Network((4, 3, 3), hidden=hidden, init="he", layout=layout)
    data = (X, Y) if layout == "rows" else (X.T, Y.T)
    events = {e.name: e for e in net.step(*data)}
    return net, data, events


def displayed(event) -> np.ndarray:
    """The event's NumPy line run as written, on the event's own operands."""
    env = {label: array for (label, _), array in zip(event.operands, event.arrays)}
    return eval(event.formula.split(" = ", 1)[1], {"np": np}, env)  # the engine's own formula text, not input


@pytest.mark.parametrize("layout", ["rows", "columns"])
@pytest.mark.parametrize("hidden", ["relu", "leaky_relu"])
def test_the_derivative_at_zero_is_the_displayed_formula(hidden, layout):
    _, _, events = kink_step(hidden, layout)
    Z1, dA1, dZ1 = events["Z1"].value, events["dA1"].value, events["dZ1"]
    zero = Z1 == 0.0
    assert zero.sum() == 3, "the all-zero example gives a row (or column) of Z1 exactly 0"
    assert np.all(dA1[zero] != 0.0), "so the slope at the kink shows in dZ1"
    assert np.array_equal(dZ1.value, displayed(dZ1))
    term_env = {"dA1": dA1, "Z1": Z1}
    assert np.array_equal(dZ1.value, evaluate(dZ1.term.split(" = ", 1)[1], term_env))
    assert np.array_equal(dZ1.value[zero], AT_KINK[hidden] * dA1[zero])
    assert "at the kink Z1 = 0" in dZ1.note and str(AT_KINK[hidden]).rstrip("0").rstrip(".") in dZ1.note


@pytest.mark.parametrize("hidden, want", [
    ("relu", [[0.0, 0.0, 5.0], [0.0, 11.0, 0.0]]),
    ("leaky_relu", [[0.02, 0.03, 5.0], [0.07, 11.0, 0.13]]),
])
def test_the_derivative_functions_at_zero(hidden, want):
    Z = np.array([[-1.0, 0.0, 1.0], [-0.0, 2.0, -3.0]])
    dA = np.array([[2.0, 3.0, 5.0], [7.0, 11.0, 13.0]])
    np.testing.assert_allclose(activations.DERIVATIVE[hidden].fn(None, dA, Z), want, rtol=1e-15, atol=0)


@pytest.mark.parametrize("layout", ["rows", "columns"])
@pytest.mark.parametrize("hidden", ["relu", "leaky_relu"])
def test_the_exported_script_takes_the_same_slope_at_zero(hidden, layout, tmp_path):
    net, (X_, Y_), events = kink_step(hidden, layout)
    fresh = Network((4, 3, 3), hidden=hidden, init="he", layout=layout)
    path = export.write(fresh, X_, Y_, 0.5, tmp_path / "kink.py", steps=3)
    spec = importlib.util.spec_from_file_location("kink", path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert events["dZ1"].formula in path.read_text()
    params = script.init_params()
    cache = script.forward(X_, params)
    assert (cache["Z1"] == 0.0).sum() == 3
    grads = script.backward(X_, Y_, params, cache)
    for key, dP in fresh.gradients(X_, Y_).items():
        assert np.array_equal(grads["d" + key], dP), key
    dZ1 = events["dZ1"]
    dW1 = X_.T @ dZ1.value if layout == "rows" else dZ1.value @ X_.T
    assert np.array_equal(grads["dW1"], dW1)
