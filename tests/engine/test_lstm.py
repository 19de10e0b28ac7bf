"""lstm H: the gates and cell against deeplearning.ai's lstm_cell_forward and CS231n's lstm_step_forward written
here, central differences for every parameter in both layouts, the events of every step, break it and the judge."""

import numpy as np
import pytest

from engine import Network, gradient_check
from engine.exercise import Sheet

T, D, H, V, M = 4, 3, 2, 5, 3


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


# ---- deeplearning.ai's lstm_cell_forward (columns; one W per gate over concat = [a_prev; xt]) ---------------------

def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    Wf, bf, Wi, bi = parameters["Wf"], parameters["bf"], parameters["Wi"], parameters["bi"]
    Wc, bc, Wo, bo = parameters["Wc"], parameters["bc"], parameters["Wo"], parameters["bo"]
    concat = np.concatenate((a_prev, xt), axis=0)
    ft = sigmoid(np.dot(Wf, concat) + bf)
    it = sigmoid(np.dot(Wi, concat) + bi)
    cct = np.tanh(np.dot(Wc, concat) + bc)
    c_next = ft * c_prev + it * cct
    ot = sigmoid(np.dot(Wo, concat) + bo)
    a_next = ot * np.tanh(c_next)
    return a_next, c_next


def lstm_forward(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_a = a0.shape[0]
    a = np.zeros((n_a, m, T_x))
    a_next, c_next = a0, np.zeros((n_a, m))
    for t in range(T_x):
        a_next, c_next = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t] = a_next
    return a


def course_parameters(Wx, Wh, b):
    """stepprop's columns Wx (4H, D), Wh (4H, H), b (4H, 1), gates i f o g as row blocks, as the course's per-gate
    matrices over [a_prev; x]."""
    blocks = {gate: slice(k * H, (k + 1) * H) for k, gate in enumerate("ifoc")}
    p = {}
    for gate, rows in blocks.items():
        p[f"W{gate}"] = np.concatenate((Wh[rows], Wx[rows]), axis=1)
        p[f"b{gate}"] = b[rows]
    return p


# ---- CS231n's lstm_step_forward (rows; the gates side by side in a of (N, 4H)) ---------------------------------------

def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    a = x.dot(Wx) + prev_h.dot(Wh) + b
    i, f, o, g = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), sigmoid(a[:, 2 * H:3 * H]), np.tanh(a[:, 3 * H:])
    next_c = f * prev_c + i * g
    return o * np.tanh(next_c), next_c


def reference_loss(p, x, y):
    """lstm (h0 = c0 = 0), temporal affine, softmax and cross-entropy averaged over every position (rows)."""
    h, c = np.zeros((x.shape[0], H)), np.zeros((x.shape[0], H))
    hs = []
    for t in range(x.shape[1]):
        h, c = lstm_step_forward(x[:, t, :], h, c, p["Wx1"], p["Wh1"], p["b1"])
        hs.append(h)
    scores = np.stack(hs, axis=1) @ p["W2"] + p["b2"]
    shifted = scores - scores.max(axis=2, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=2, keepdims=True))
    return -np.sum(y * log_probs) / (x.shape[0] * x.shape[1])


def data(rng):
    return rng.normal(size=(M, T, D)), np.eye(V)[rng.integers(0, V, (M, T))]


def network(layout="rows", init="uniform"):
    return Network(inputs=(T, D), layers=f"lstm {H}, linear {V}, softmax", loss="ce", layout=layout, init=init)


def columns(A):
    return A.transpose(2, 0, 1)


def test_the_hidden_states_are_deeplearning_ais_lstm_forward():
    x, y = data(np.random.default_rng(0))
    net = network("columns")
    p = net.params
    events = {e.name: e.value for e in net.step(columns(x), columns(y))}
    expected = lstm_forward(columns(x), np.zeros((H, M)), course_parameters(p["Wx1"], p["Wh1"], p["b1"]))
    assert events["H1"].shape == (H, M, T)
    np.testing.assert_allclose(events["H1"], expected, atol=1e-12)


def test_each_gate_and_cell_is_cs231ns_lstm_step_forward():
    x, y = data(np.random.default_rng(1))
    net = network()
    p = net.params
    events = {e.name: e.value for e in net.step(x, y)}
    h, c = np.zeros((M, H)), np.zeros((M, H))
    for t in range(T):
        a = x[:, t, :] @ p["Wx1"] + h @ p["Wh1"] + p["b1"]
        np.testing.assert_allclose(events[f"a{t}"], a, atol=1e-12)
        np.testing.assert_allclose(events[f"f{t}"], sigmoid(a[:, H:2 * H]), atol=1e-12)
        h, c = lstm_step_forward(x[:, t, :], h, c, p["Wx1"], p["Wh1"], p["b1"])
        np.testing.assert_allclose(events[f"c{t}"], c, atol=1e-12)
        np.testing.assert_allclose(events[f"h{t}"], h, atol=1e-12)


def test_the_forget_gates_bias_starts_at_one_in_either_layout():
    for init in ("uniform", "xavier", "he"):
        b = network(init=init).params["b1"]
        assert np.array_equal(b[:, H:2 * H], np.ones((1, H)))
        assert np.array_equal(network("columns", init).params["b1"], b.T)


@pytest.mark.parametrize("layout", ["rows", "columns"])
def test_every_parameter_against_central_differences(layout):
    x, y = data(np.random.default_rng(2))
    rows = network().params
    grads = network(layout).gradients(*((x, y) if layout == "rows" else (columns(x), columns(y))))
    eps = 1e-6
    for key, P in rows.items():
        numeric = np.zeros_like(P)
        for idx in np.ndindex(P.shape):
            up, down = dict(rows), dict(rows)
            up[key], down[key] = P.copy(), P.copy()
            up[key][idx] += eps
            down[key][idx] -= eps
            numeric[idx] = (reference_loss(up, x, y) - reference_loss(down, x, y)) / (2 * eps)
        analytic = grads[key] if layout == "rows" else grads[key].T
        assert np.abs(analytic - numeric).max() < 1e-8, key


def test_every_step_has_its_gates_as_events_forward_and_backward():
    x, y = data(np.random.default_rng(3))
    events = list(network().step(x, y))
    names = [e.name for e in events]
    for t in range(T):
        for name in ("a", "i", "f", "o", "g", "c", "h", "dh", "dc", "di", "df", "do", "dg", "da"):
            assert f"{name}{t}" in names
    formulas = [e.formula for e in events]
    assert "c2 = f2 * c1 + i2 * g2" in formulas
    assert "dc1 = dh1 * o1 * (1 - np.tanh(c1) ** 2) + dc2 * f2" in formulas
    assert "df1 = dc1 * c0" in formulas
    assert f"f1 = sigmoid(a1[:, {H}:{2 * H}])" in formulas
    cols = [e.formula for e in network("columns").step(columns(x), columns(y))]
    assert f"f1 = sigmoid(a1[{H}:{2 * H}])" in cols
    assert "a1 = Wx1 @ X[:, :, 1] + Wh1 @ h0 + b1" in cols
    assert any(f.startswith("da1 = np.vstack([") for f in cols)


@pytest.mark.parametrize("layout", ["rows", "columns"])
def test_the_judge_accepts_every_formula_shown_and_names_every_mistake(layout):
    x, y = data(np.random.default_rng(4))
    sheet = Sheet.of(network(layout), *((x, y) if layout == "rows" else (columns(x), columns(y))))
    kinds = set()
    for i, e in enumerate(sheet.events):
        if e.phase == "update":
            continue
        verdict = sheet.judge(i, e.formula)
        assert verdict.right, (e.formula, verdict.summary, verdict.diagnosis)
        for kind, wrong, _ in e.planned.mistakes:
            assert sheet.judge(i, wrong).mistake == kind, (e.formula, wrong)
            kinds.add(kind)
    assert {"dh_next forgotten", "dc_next forgotten", "forget gate's gradient without cₜ₋₁",
            "dWh assigned instead of accumulated"} <= kinds


def test_the_forget_gates_mistake_is_wrong_in_values_not_shape():
    x, y = data(np.random.default_rng(5))
    sheet = Sheet.of(network(), x, y)
    i = next(i for i, e in enumerate(sheet.events) if e.name == "df2")
    verdict = sheet.judge(i, "df2 = dc2")
    assert verdict.mistake == "forget gate's gradient without cₜ₋₁"
    assert verdict.shape_ok and not verdict.close


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
@pytest.mark.parametrize("layout", ["rows", "columns"])
def test_the_apps_gradient_check_passes_every_parameter(kind, layout):
    x, y = data(np.random.default_rng(6))
    net = Network(inputs=(T, D), layers=f"{kind} {H}, linear {V}, softmax", loss="ce", layout=layout)
    errors = gradient_check(net, *((x, y) if layout == "rows" else (columns(x), columns(y))))
    assert set(errors) == {"Wx1", "Wh1", "b1", "W2", "b2"}
    assert max(errors.values()) < 1e-6, errors


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_a_layer_before_the_recurrent_one_gets_its_gradient_in_both_layouts(kind):
    """dx_t of every step, stacked, reaches a temporal linear layer below: the same numbers in either layout."""
    x, y = data(np.random.default_rng(7))
    layers = f"linear 4, tanh, {kind} {H}, linear {V}, softmax"
    rows = Network(inputs=(T, D), layers=layers, loss="ce", init="xavier")
    cols = Network(inputs=(T, D), layers=layers, loss="ce", init="xavier", layout="columns")
    r, c = rows.gradients(x, y), cols.gradients(columns(x), columns(y))
    for key in r:
        np.testing.assert_allclose(c[key], r[key].T, atol=1e-14, err_msg=key)
    assert max(gradient_check(cols, columns(x), columns(y)).values()) < 1e-6
    formulas = [p.formula for p in cols.plan]
    assert any(f.startswith("dA1 = np.stack([dx0, dx1") and f.endswith("axis=2)") for f in formulas)
    sheet = Sheet.of(cols, columns(x), columns(y))
    for i, e in enumerate(sheet.events):
        if e.name.startswith("dx") or e.name == "dA1":
            assert sheet.judge(i, e.formula).right, e.formula
