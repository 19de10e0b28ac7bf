"""GELU, GPT-2's tanh approximation: values against the formula written out here, its derivative against central
differences, no overflow far out, the doctor's judgement of both lines and of the mistake break it offers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine import Network
from engine.activations import gelu, gelu_slope
from engine.exercise import Sheet


def reference(z: float) -> float:
    """Hendrycks & Gimpel's tanh approximation, as GPT-2's gelu() writes it."""
    return 0.5 * z * (1 + math.tanh(math.sqrt(2 / math.pi) * (z + 0.044715 * z ** 3)))


def test_values_match_the_formula_and_the_exact_gelu_closely():
    z = np.linspace(-6, 6, 49)
    np.testing.assert_allclose(gelu(z), [reference(v) for v in z], rtol=1e-14, atol=1e-15)
    exact = np.array([0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in z])  # the Gaussian CDF it stands for
    assert np.max(np.abs(gelu(z) - exact)) < 1e-3
    assert gelu(np.array([0.0]))[0] == 0.0 and gelu(np.array([10.0]))[0] == 10.0


def test_the_derivative_matches_central_differences():
    z = np.linspace(-5, 5, 41) + 0.013
    h = 1e-6
    numeric = np.array([(reference(v + h) - reference(v - h)) / (2 * h) for v in z])
    np.testing.assert_allclose(gelu_slope(z), numeric, rtol=1e-7, atol=1e-9)


def test_far_out_it_is_relu_and_nothing_overflows():
    z = np.array([-1e300, -1e5, -40.0, 40.0, 1e5, 1e300])  # warnings are errors: an overflow of z³ would fail here
    np.testing.assert_array_equal(gelu(z), [-0.0, -0.0, -0.0, 40.0, 1e5, 1e300])
    np.testing.assert_array_equal(gelu_slope(z), [0.0, 0.0, 0.0, 1.0, 1.0, 1.0])


def test_a_network_with_gelu_has_the_gradients_of_central_differences():
    rng = np.random.default_rng(3)
    X, Y = rng.normal(size=(6, 4)), np.eye(3)[rng.integers(0, 3, 6)]
    net = Network(inputs=4, layers="linear 5, gelu, linear 3, softmax", loss="ce", seed=2)
    analytic = net.gradients(X, Y)
    params = {k: v.copy() for k, v in net.params.items()}
    h = 1e-6
    for name in ("W1", "b1"):
        numeric = np.zeros_like(params[name])
        for idx in np.ndindex(numeric.shape):
            for sign in (1, -1):
                moved = {k: v.copy() for k, v in params.items()}
                moved[name][idx] += sign * h
                net.start_from(moved)
                numeric[idx] += sign * net.loss(X, Y) / (2 * h)
        np.testing.assert_allclose(analytic[f"d{name}"] if f"d{name}" in analytic else analytic[name], numeric,
                                   rtol=1e-5, atol=1e-9)


def test_the_tiny_gpt_with_gelu_passes_the_gradient_check():
    from engine import gradient_check
    rng = np.random.default_rng(1)
    X, Y = rng.integers(0, 27, (4, 8)), np.eye(27)[rng.integers(0, 27, (4, 8))]
    net = Network(inputs=8, layers="embedding 27 16, position 8 16, transformer 16 2 causal, layernorm, linear 27, "
                                   "softmax", loss="ce", seed=0)
    errors = gradient_check(net, X, Y, max_entries=40, seed=0)
    assert errors["W3"] < 1e-6 and errors["W4"] < 1e-6 and max(errors.values()) < 1e-5, errors


@pytest.mark.parametrize("detail", ["compact", "fine"])
@pytest.mark.parametrize("layout", ["rows", "columns"])
def test_the_doctor_judges_both_lines_right_and_names_the_dropped_term(detail, layout):
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(6, 4)), np.eye(3)[rng.integers(0, 3, 6)]
    net = Network(inputs=4, layers="linear 5, gelu, linear 3, softmax", loss="ce", layout=layout, detail=detail)
    sheet = Sheet.of(net, X if layout == "rows" else X.T, Y if layout == "rows" else Y.T)
    named = 0
    for i, e in enumerate(sheet.events):
        if "tanh" not in e.formula:
            continue
        assert e.term and e.shape_rule
        assert sheet.judge(i, e.formula).right, e.formula
        for kind, wrong, _ in e.planned.mistakes:
            verdict = sheet.judge(i, wrong)
            assert not verdict.right and verdict.mistake == kind, (wrong, verdict)
            named += 1
    assert named == 1
