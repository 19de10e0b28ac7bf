"""The doctor's words and fixes on lines that run with the wrong values: a scalar factor, np.mean where the engine
sums, an activation where its derivative belongs, fixes that would be nan, and weights sliced for no bias."""

from __future__ import annotations

import numpy as np
import pytest

from engine import Network
from engine.doctor import RIGHT_VALUES, diagnose
from engine.exercise import Sheet


def sheet(hidden: str = "sigmoid", sizes=(4, 3, 3)) -> Sheet:
    rng = np.random.default_rng(3)
    X = rng.uniform(-1, 1, (2, sizes[0]))
    Y = (rng.uniform(0, 1, (2, sizes[-1])) > 0.5).astype(float)
    return Sheet.of(Network(sizes, hidden=hidden), X, Y)


def doctor(s: Sheet, line: str):
    name = line.split("=")[0].strip()
    k = s.index_of(name)
    return diagnose(line, s.env(k), expected=s.events[k].value, axes=s.axes)


def test_a_scalar_factor_is_explained_as_scaling_and_the_line_without_it_comes_first():
    d = doctor(sheet(), "dW2 = 2 * A1.T @ dZ2")
    assert d.culprit == "2 * A1.T"
    assert "2 * A1.T scales A1.T by 2; the values of dW2 are off by that factor" in d.explanation
    assert "element by element" not in d.explanation and "nothing added up" not in d.explanation
    assert (d.fixes[0].line, d.fixes[0].label) == ("dW2 = A1.T @ dZ2", RIGHT_VALUES)


def test_np_mean_against_a_sum_over_m_is_named_as_a_factor_of_the_outputs():
    d = doctor(sheet(), "L = -np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))")
    assert d.culprit == "np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))"
    assert ("divides by m × n_out = 6, every entry of (2, 3); the engine's L sums over outputs and divides by "
            "m = 2, a factor of 3") in d.explanation
    assert d.fixes[0].label == RIGHT_VALUES and "np.sum(" in d.fixes[0].line and "/ m" in d.fixes[0].line


def test_no_fix_whose_value_is_nan_or_inf_is_offered():
    s = sheet()
    for line in ("L = -np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))", "L = -np.sum(Y * np.log(A2)) / m",
                 "dZ1 = dA1 * np.log(A1)"):
        d = doctor(s, line)
        name = line.split("=")[0].strip()
        env = s.env(s.index_of(name))
        for f in d.fixes:
            assert np.isfinite(_value(f.line, env)).all(), (line, f.line)
        assert all("Z2" not in f.line for f in d.fixes if "log" in f.line)  # log of a logit: nan, never offered


def _value(line: str, env: dict):
    from engine.doctor.diagnosis import examine
    from engine.doctor.grammar import parse
    return examine(parse(line, env), env)[1]


@pytest.mark.parametrize("hidden, right", [("sigmoid", "dZ1 = dA1 * A1 * (1 - A1)"),
                                           ("tanh", "dZ1 = dA1 * (1 - A1 ** 2)"),
                                           ("relu", "dZ1 = dA1 * (Z1 > 0)")])
def test_a_missing_derivative_factor_gets_the_right_values_derivative_first(hidden, right):
    d = doctor(sheet(hidden), "dZ1 = dA1 * A1")
    assert (d.fixes[0].line, d.fixes[0].label) == (right, RIGHT_VALUES)
    assert d.culprit == "dA1 * A1" and f"derivative belongs: {right.split(' = ')[1]}" in d.explanation


def test_weights_beside_their_bias_are_never_sliced_to_make_a_line_run():
    env = {"X": np.ones((2, 4)), "W1": np.full((4, 3), 0.3), "b1": np.zeros((1, 3))}
    d = diagnose("Z1 = np.dot(W1, X) + b1", env)
    assert d.fixes[0].line == "Z1 = np.dot(X, W1) + b1"
    assert not any("W1[" in f.line for f in d.fixes)
    alone = {"theta_2": np.ones((1, 3)), "delta_3": np.ones(1), "a_2": np.full(2, 0.5)}  # the bias in theta
    fixed = diagnose("delta_2 = np.dot(theta_2.T,delta_3)*a_2*(1-a_2)", alone)
    assert any("theta_2[:, 1:]" in f.line for f in fixed.fixes)


def test_a_layer_3_line_that_reads_layer_2_names_gets_the_swap_from_the_namespace():
    rng = np.random.default_rng(0)
    env = {n: rng.uniform(-1, 1, (3, 3)) for n in ("A2", "W2", "W3")} | {n: rng.uniform(-1, 1, (1, 3))
                                                                          for n in ("b2", "b3")}
    truth = env["A2"] @ env["W3"] + env["b3"]
    d = diagnose("Z3 = A2 @ W2 + b2", env, expected=truth)
    assert (d.fixes[0].line, d.fixes[0].label) == ("Z3 = A2 @ W3 + b3", RIGHT_VALUES)


def test_a_dW_written_for_its_W_is_swapped_back():
    rng = np.random.default_rng(1)
    env = {"W2": rng.uniform(-1, 1, (1, 4)), "dW2": rng.uniform(-1, 1, (1, 4)), "dZ2": rng.uniform(-1, 1, (1, 3)),
           "A1": rng.uniform(0.1, 0.9, (4, 3))}
    truth = (env["W2"].T @ env["dZ2"]) * (1 - env["A1"] ** 2)
    d = diagnose("dZ1 = np.dot(dW2.T, dZ2) * (1 - np.power(A1, 2))", env, expected=truth)
    assert d.culprit == "dW2" and d.fixes[0].line == "dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))"


def test_a_softmax_denominator_gets_keepdims_on_its_own_axis_before_any_change_of_axis():
    e = np.random.default_rng(2).uniform(0.1, 2, (5, 3))
    d = diagnose("p = e / e.sum(axis=1)", {"e": e}, expected=e / e.sum(axis=1, keepdims=True))
    assert (d.fixes[0].line, d.fixes[0].label) == ("p = e / e.sum(axis=1, keepdims=True)", RIGHT_VALUES)


def test_a_parenthesis_closed_one_operand_late_is_moved_back():
    y = np.random.default_rng(3).uniform(-2, 2, (80, 3))
    truth = np.exp(y) / np.sum(np.exp(y), axis=1, keepdims=True)
    d = diagnose("s = np.exp(y / np.sum(np.exp(y), axis=1))", {"y": y}, expected=truth)
    assert d.culprit == "y / np.sum(np.exp(y), axis=1)"
    assert (d.fixes[0].line, d.fixes[0].label) == ("s = np.exp(y) / np.sum(np.exp(y), axis=1, keepdims=True)",
                                                   RIGHT_VALUES)


def test_an_in_place_update_whose_target_cannot_hold_the_result_is_the_culprit():
    d = diagnose("b -= d_b * alpha", {"b": np.zeros((1, 2)), "d_b": np.ones((4, 2)), "alpha": 0.1})
    assert not d.runs and d.culprit == "d_b * alpha"
    assert "b -= writes into b itself, which stays (1, 2)" in d.explanation
    assert d.fixes[0].line == "b -= np.sum(d_b * alpha, axis=0, keepdims=True)"


def test_the_operand_whose_shape_is_the_odd_one_out_is_named_with_the_shape_that_would_make_the_line_right():
    env = {"A2": np.ones((3, 5)), "Y": np.ones((1, 5)), "Z2": np.ones((1, 5))}
    d = diagnose("dZ2 = A2 - Y", env)
    assert d.odd == ("A2", (1, 5))
    assert d.explanation.startswith("A2 is (3, 5), but dZ2 = A2 - Y and the rest need (1, 5)")
    question = diagnose("error2 = A1_sig.T - error1", {"A1_sig": np.ones((3, 4)), "error1": np.ones((2, 4))})
    assert question.odd is None  # either operand could be the odd one: nothing is claimed


def test_inside_the_app_the_engines_arrays_are_never_the_odd_ones():
    s = sheet()
    k = s.index_of("dW2")
    d = diagnose("dW2 = A1 @ dZ2", s.env(k), expected=s.events[k].value, axes=s.axes)
    assert d.odd is None and d.fixes[0].line == "dW2 = A1.T @ dZ2"


def test_two_mistakes_in_one_line_tanh_from_z_and_a_star_for_at_are_fixed_together():
    rng = np.random.default_rng(4)
    env = {"W2": rng.uniform(-1, 1, (2, 4)), "dZ2": rng.uniform(-1, 1, (2, 3)), "A1": rng.uniform(-0.9, 0.9, (4, 3))}
    env["Z1"] = np.arctanh(env["A1"])
    truth = (env["W2"].T @ env["dZ2"]) * (1 - env["A1"] ** 2)
    d = diagnose("dZ1 = W2.T * dZ2 * (1 - np.power(Z1, 2))", env, expected=truth)
    assert (d.fixes[0].line, d.fixes[0].label) == ("dZ1 = W2.T @ dZ2 * (1 - np.power(A1, 2))", RIGHT_VALUES)


def test_a_line_of_the_right_shape_with_wrong_values_gets_no_fix_that_only_keeps_the_shape():
    """Dropout's backward without the mask runs in the right shape: "dA1 = dD1" would mend nothing."""
    rng = np.random.default_rng(0)
    net = Network(inputs=4, layers="linear 8, relu, dropout 0.5, linear 3, softmax", loss="ce")
    X, Y = rng.normal(size=(6, 4)), np.eye(3)[[0, 1, 2, 0, 1, 2]]
    s = Sheet.of(net, X, Y)
    for line in ("dA1 = dD1 / (1 - 0.5)", "dA1 = dD1 * mask1"):
        d = doctor(s, line)
        assert d.runs and not d.ok and d.shape == (6, 8)
        assert all(f.label == RIGHT_VALUES for f in d.fixes), [(f.line, f.label) for f in d.fixes]
    assert any(f.label != RIGHT_VALUES for f in doctor(s, "dA1 = dD1.T * mask1").fixes)  # a wrong shape: it helps


def _arrays(**shapes) -> dict:
    rng = np.random.default_rng(5)
    return {name: rng.uniform(0.1, 0.9, shape) for name, shape in shapes.items()}


def test_a_whole_array_summed_where_the_array_was_meant_is_undone_first_when_the_values_are_known():
    """The L2 gradient of the forum thread dw-for-l2-regularization: λ/m · W1, written λ/m · Σ W1."""
    env = {**_arrays(dZ1=(2, 5), X=(3, 5), W1=(2, 3)), "m": 5, "lambd": 0.7}
    truth = 1 / 5 * env["dZ1"] @ env["X"].T + 0.7 * env["W1"] / 5
    d = diagnose("dW1 = 1/m * np.dot(dZ1, X.T) + (lambd * np.sum(W1)) / m", env, expected=truth)
    assert (d.fixes[0].line, d.fixes[0].label) == ("dW1 = 1/m * np.dot(dZ1, X.T) + (lambd * W1) / m", RIGHT_VALUES)
    assert d.culprit == "np.sum(W1)"


def test_an_array_times_its_own_transpose_is_offered_as_its_square():
    env = _arrays(W2=(1, 4), dZ2=(1, 3), A1=(4, 3))
    truth = (env["W2"].T @ env["dZ2"]) * (1 - env["A1"] ** 2)
    d = diagnose("dZ1 = np.dot(np.dot(W2.T, dZ2), (1 - np.dot(A1.T, A1)))", env, expected=truth)
    assert d.fixes[0].label == RIGHT_VALUES and "np.power(A1, 2)" in d.fixes[0].line
    assert d.fixes[0].edits == 2


def test_the_twins_shape_outweighs_the_shape_a_names_role_suggests():
    """dZ1's role says Z1's shape, (7, 9) in the course test's cache; the twin's dZ1 is (9, 7)."""
    env = _arrays(Z1=(7, 9), A1=(9, 7), W2=(1, 9), dZ2=(1, 7))
    line = "dZ1 = np.multiply(1 - np.power(Z1, 2), np.dot(W2.T, dZ2))"
    assert diagnose(line, env).goal == "dZ1 has Z1's shape (7, 9)"
    d = diagnose(line, env, shape=(9, 7), shape_reason="the twin's dZ1 is (9, 7)")
    assert d.goal == "the twin's dZ1 is (9, 7)"
    assert "dZ1 = np.multiply(1 - np.power(A1, 2), np.dot(W2.T, dZ2))" in d.suggestions
    assert all(f.shape == (9, 7) for f in d.fixes)
    assert d.odd is None  # Z1 would fit only as (1, 7), stretched over the 9 rows: not the odd one out
    roles_off = diagnose(line, env, roles=False)
    assert roles_off.goal is None and {f.shape for f in roles_off.fixes} >= {(7, 9), (9, 7)}
