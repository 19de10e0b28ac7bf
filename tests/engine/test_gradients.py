"""Analytic gradients (the step's backward events) against central finite differences.

Every layout x bias x hidden activation x valid output/loss pair is checked on random small networks, twice:
with engine.gradient_check, and with an independent central-difference loop over a reference loss written
here from the textbook formulas (so a bug shared by the engine's forward and backward passes is caught too).
"""

import itertools

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from engine import Network, gradient_check

LAYOUTS = ("rows", "columns")
BIASES = ("vector", "augmented")
HIDDEN = ("sigmoid", "tanh", "relu", "leaky_relu", "identity")
PAIRS = (("sigmoid", "bce"), ("sigmoid", "ce"), ("sigmoid", "mse"), ("softmax", "ce"), ("identity", "mse"))
COMBOS = [pytest.param(*c, id="-".join((c[0], c[1], c[2], f"{c[3][0]}+{c[3][1]}")))
          for c in itertools.product(LAYOUTS, BIASES, HIDDEN, PAIRS)]

EPS = 1e-5  # central differences: truncation ~EPS**2, round-off ~1e-16 / EPS; both far below the tolerance
REL = 1e-6  # relative error threshold
FLOOR = 1e-9  # absolute slack for gradients that are (nearly) zero, e.g. dead relu units
KINK = 1e-3  # relu/leaky_relu cases need every hidden pre-activation at least this far from 0

cases = st.fixed_dictionaries(dict(
    seed=st.integers(0, 2**32 - 1),
    sizes=st.lists(st.integers(1, 5), min_size=2, max_size=4),  # 0..2 hidden layers
    m=st.integers(1, 6),
    init=st.sampled_from(("uniform", "xavier", "he")),
))
SETTINGS = settings(max_examples=20, deadline=None, derandomize=True)

# ---- an independent reference: the loss from the textbook formulas, in rows orientation ----------------------

ACT = {
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "identity": lambda z: z,
}


def softplus(z):
    """log(1 + e^z), computed without overflow."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def rows_vector_layers(net, params):
    """[(W (n_in, n_out), b (1, n_out)), ...] whatever the network's layout and bias mode."""
    layers = []
    for l in range(1, len(net.sizes)):
        W = params[f"W{l}"]
        if net.layout_name == "columns":
            W = W.T
        if net.bias == "augmented":
            W, b = W[:-1], W[-1:]
        else:
            b = params[f"b{l}"].T if net.layout_name == "columns" else params[f"b{l}"]
        layers.append((W, b))
    return layers


def reference(net, params, X, Y):
    """(loss, [Z1, Z2, ...]) computed here, not by the engine."""
    if net.layout_name == "columns":
        X, Y = X.T, Y.T
    m = X.shape[0]
    layers = rows_vector_layers(net, params)
    A, Zs = X, []
    for l, (W, b) in enumerate(layers, start=1):
        Z = A @ W + b
        Zs.append(Z)
        if l < len(layers):
            A = ACT[net.hidden](Z)
    if net.output == "softmax":
        shifted = Z - Z.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = -np.sum(Y * log_p) / m
    elif net.loss_name == "bce":  # -[y log s(z) + (1 - y) log(1 - s(z))] = softplus(z) - y z
        loss = np.sum(softplus(Z) - Y * Z) / m
    elif net.loss_name == "ce":  # -y log s(z) = y softplus(-z)
        loss = np.sum(Y * softplus(-Z)) / m
    else:
        loss = 0.5 * np.sum((ACT[net.output](Z) - Y) ** 2) / m
    return float(loss), Zs


def numeric_gradients(net, X, Y, eps=EPS):
    """Central differences of the reference loss, nudging one entry of a writable copy at a time."""
    params = {key: np.array(P, copy=True) for key, P in net.params.items()}  # net.params are read-only
    grads = {}
    for key, P in params.items():
        G = np.empty_like(P)
        for idx in np.ndindex(P.shape):
            original = P[idx]
            P[idx] = original + eps
            up = reference(net, params, X, Y)[0]
            P[idx] = original - eps
            down = reference(net, params, X, Y)[0]
            P[idx] = original
            G[idx] = (up - down) / (2 * eps)
        grads[key] = G
    return grads


def build(layout, bias, hidden, output, loss, case, make_data):
    net = Network(sizes=tuple(case["sizes"]), hidden=hidden, output=output, loss=loss, layout=layout, bias=bias,
                  init=case["init"], seed=case["seed"])
    X, Y = make_data(net, case["m"], np.random.default_rng(case["seed"] + 1))
    if hidden in ("relu", "leaky_relu"):
        _, Zs = reference(net, net.params, X, Y)
        assume(all(np.abs(Z).min() > KINK for Z in Zs[:-1]))  # finite differences must not straddle a kink
    return net, X, Y


# ---- the checks -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("layout, bias, hidden, pair", COMBOS)
@SETTINGS
@given(case=cases)
def test_gradient_check_agrees(layout, bias, hidden, pair, case, make_data):
    net, X, Y = build(layout, bias, hidden, *pair, case, make_data)
    analytic = net.gradients(X, Y)
    errors = gradient_check(net, X, Y, eps=EPS)
    assert list(errors) == list(net.params)
    for key, error in errors.items():
        assert np.isfinite(error)
        # A relative error is only meaningful for gradients well above round-off; the test below covers the rest.
        if np.linalg.norm(analytic[key]) >= 1e-3:
            assert error < REL, f"{key}: relative error {error:.2e} for {net!r}"


@pytest.mark.parametrize("layout, bias, hidden, pair", COMBOS)
@SETTINGS
@given(case=cases)
def test_gradients_match_own_central_differences(layout, bias, hidden, pair, case, make_data):
    net, X, Y = build(layout, bias, hidden, *pair, case, make_data)
    # The reference really computes the engine's loss, so its differences are the engine's gradient.
    assert reference(net, net.params, X, Y)[0] == pytest.approx(net.loss(X, Y), rel=1e-12, abs=1e-14)
    analytic = net.gradients(X, Y)
    numeric = numeric_gradients(net, X, Y)
    for key in net.params:
        a, n = analytic[key], numeric[key]
        diff = np.linalg.norm(a - n)
        assert diff <= REL * (np.linalg.norm(a) + np.linalg.norm(n)) + FLOOR, (
            f"{key} of {net!r}:\nanalytic\n{a}\nnumeric\n{n}")


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("bias", BIASES)
@pytest.mark.parametrize("output, loss", PAIRS)
def test_gradient_keys_and_shapes_equal_params(layout, bias, output, loss, make_data):
    net = Network(sizes=(3, 4, 2, 5), output=output, loss=loss, layout=layout, bias=bias, seed=3)
    X, Y = make_data(net, 4, np.random.default_rng(0))
    before = net.params
    grads = net.gradients(X, Y)
    assert list(grads) == list(before)
    for key, P in before.items():
        assert grads[key].shape == P.shape, key
        assert grads[key].dtype == np.float64
        assert np.isfinite(grads[key]).all()
    # Computing gradients is not a step: nothing moves.
    assert net.steps == 0
    assert all(net.params[k] is before[k] for k in before)


def test_gradient_check_detects_a_wrong_gradient(make_data):
    net = Network(sizes=(3, 4, 2), hidden="tanh", seed=5)
    X, Y = make_data(net, 5, np.random.default_rng(5))
    right = net.gradients(X, Y)
    net.gradients = lambda X, Y: {k: 2.0 * g for k, g in right.items()}  # an instance attribute shadows the method
    errors = gradient_check(net, X, Y)
    assert all(e == pytest.approx(1 / 3, rel=1e-3) for e in errors.values()), errors  # |2g - g| / (|2g| + |g|)


def test_gradient_check_samples_large_parameters(make_data):
    net = Network(sizes=(30, 20, 2), hidden="tanh", seed=2)
    X, Y = make_data(net, 6, np.random.default_rng(2))
    errors = gradient_check(net, X, Y, eps=EPS, max_entries=40)
    assert set(errors) == {"W1", "b1", "W2", "b2"}
    assert max(errors.values()) < REL
