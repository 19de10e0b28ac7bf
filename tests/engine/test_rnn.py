"""rnn H: forward and backprop through time against CS231n's rnn_step_forward/backward written here, central
differences for every parameter, both layouts, the names of every time step, break it, the judge and the doctor."""

import re

import numpy as np
import pytest

from engine import Network
from engine.doctor import render
from engine.doctor.breakit import mistakes
from engine.exercise import Sheet

T, D, H, V, M = 4, 3, 5, 6, 2


# ---- CS231n's vanilla RNN, written from the assignment, with h0 = 0 ---------------------------------------------

def rnn_step_forward(x, prev_h, Wx, Wh, b):
    return np.tanh(x.dot(Wx) + prev_h.dot(Wh) + b)


def rnn_step_backward(dnext_h, x, prev_h, next_h, Wx, Wh):
    dtanh = dnext_h * (1 - next_h ** 2)
    return dtanh.dot(Wx.T), dtanh.dot(Wh.T), x.T.dot(dtanh), prev_h.T.dot(dtanh), dtanh.sum(axis=0)


def rnn_forward(x, Wx, Wh, b):
    N = x.shape[0]
    h = np.zeros((N, x.shape[1], Wh.shape[0]))
    prev = np.zeros((N, Wh.shape[0]))
    for t in range(x.shape[1]):
        prev = rnn_step_forward(x[:, t, :], prev, Wx, Wh, b)
        h[:, t, :] = prev
    return h


def rnn_backward(dh, x, h, Wx, Wh):
    N, steps, _ = dh.shape
    dx, dWx, dWh, db = np.zeros_like(x), np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(Wh.shape[0])
    dprev = np.zeros((N, Wh.shape[0]))
    for t in reversed(range(steps)):
        prev_h = h[:, t - 1, :] if t > 0 else np.zeros((N, Wh.shape[0]))
        dx[:, t, :], dprev, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t, :] + dprev, x[:, t, :], prev_h,
                                                                   h[:, t, :], Wx, Wh)
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    return dx, dWx, dWh, db


def reference_loss(p, x, y):
    """rnn, temporal affine, softmax and cross-entropy averaged over every example and time step."""
    scores = rnn_forward(x, p["Wx1"], p["Wh1"], p["b1"]) @ p["W2"] + p["b2"]
    shifted = scores - scores.max(axis=2, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=2, keepdims=True))
    return -np.sum(y * log_probs) / (x.shape[0] * x.shape[1])


def data(rng, m=M, steps=T):
    return rng.normal(size=(m, steps, D)), np.eye(V)[rng.integers(0, V, (m, steps))]


def network(layout="rows", **kw):
    return Network(inputs=(T, D), layers=f"rnn {H}, linear {V}, softmax", loss="ce", layout=layout, init="xavier",
                   **kw)


def columns(A):
    """(m, T, n) as deeplearning.ai lays it out, (n, m, T)."""
    return A.transpose(2, 0, 1)


# ---- values ----------------------------------------------------------------------------------------------------

def test_the_hidden_states_are_cs231n_rnn_forward():
    x, y = data(np.random.default_rng(0))
    net = network()
    p = net.params
    events = {e.name: e.value for e in net.step(x, y)}
    assert events["H1"].shape == (M, T, H)
    np.testing.assert_allclose(events["H1"], rnn_forward(x, p["Wx1"], p["Wh1"], p["b1"].ravel()), atol=1e-12)
    for t in range(T):
        assert np.array_equal(events[f"h{t}"], events["H1"][:, t, :])


def test_backprop_through_time_is_cs231n_rnn_backward():
    x, y = data(np.random.default_rng(1))
    net = network()
    p = net.params
    h = rnn_forward(x, p["Wx1"], p["Wh1"], p["b1"].ravel())
    scores = h @ p["W2"] + p["b2"]
    probs = np.exp(scores - scores.max(axis=2, keepdims=True))
    probs /= probs.sum(axis=2, keepdims=True)
    dh = ((probs - y) / (M * T)) @ p["W2"].T
    _, dWx, dWh, db = rnn_backward(dh, x, h, p["Wx1"], p["Wh1"])
    grads = net.gradients(x, y)
    np.testing.assert_allclose(grads["Wx1"], dWx, atol=1e-12)
    np.testing.assert_allclose(grads["Wh1"], dWh, atol=1e-12)
    np.testing.assert_allclose(grads["b1"], db[None, :], atol=1e-12)


@pytest.mark.parametrize("layout", ["rows", "columns"])
def test_every_parameter_against_central_differences(layout):
    x, y = data(np.random.default_rng(2))
    net = network(layout)
    rows = network().params  # the same numbers in both layouts, transposed
    grads = net.gradients(*((x, y) if layout == "rows" else (columns(x), columns(y))))
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


def test_the_columns_layout_is_the_rows_layout_transposed():
    x, y = data(np.random.default_rng(3))
    rows, cols = network(), network("columns")
    for key, P in rows.params.items():
        assert np.array_equal(cols.params[key], P.T), key
    assert cols.loss(columns(x), columns(y)) == pytest.approx(rows.loss(x, y), abs=1e-14)
    r = {e.name: e.value for e in rows.step(x, y)}
    c = {e.name: e.value for e in cols.step(columns(x), columns(y))}
    assert c["H1"].shape == (H, M, T)  # deeplearning.ai's a: (n_a, m, T_x)
    np.testing.assert_allclose(c["H1"], columns(r["H1"]), atol=1e-14)
    np.testing.assert_allclose(c["dh0"], r["dh0"].T, atol=1e-14)


def test_after_an_embedding_the_gradient_reaches_the_table():
    rng = np.random.default_rng(4)
    ids = rng.integers(0, V, (M, T))
    y = np.eye(V)[rng.integers(0, V, (M, T))]
    net = Network(inputs=(T,), layers=f"embedding {V} {D}, rnn {H}, linear {V}, softmax", loss="ce", init="xavier")
    p = net.params
    events = {e.name: e.value for e in net.step(ids, y)}
    x = p["E1"][ids]
    h = rnn_forward(x, p["Wx2"], p["Wh2"], p["b2"].ravel())
    np.testing.assert_allclose(events["H2"], h, atol=1e-12)
    dx, *_ = rnn_backward(events["dH2"], x, h, p["Wx2"], p["Wh2"])
    np.testing.assert_allclose(events["demb1"], dx, atol=1e-12)


# ---- events: every step, by name -------------------------------------------------------------------------------

def test_every_time_step_is_its_own_events_named_by_step():
    x, y = data(np.random.default_rng(5))
    events = list(network().step(x, y))
    forward = [e.name for e in events if e.phase == "forward"]
    assert forward == [n for t in range(T) for n in (f"z{t}", f"h{t}")] + ["H1", "Z2", "A2"]
    backward = [e.name for e in events if e.phase == "backward"]
    assert [n for n in backward if re.fullmatch(r"dh\d+", n)] == [f"dh{t}" for t in reversed(range(T))]
    assert backward.count("dWx1") == 1 + T and backward.count("dWh1") == T and backward.count("db1") == 1 + T
    formulas = [e.formula for e in events]
    assert "dh2 = dH1[:, 2, :] + dz3 @ Wh1.T" in formulas
    assert "dWh1 = dWh1 + h1.T @ dz2" in formulas
    assert "z1 = X[:, 1, :] @ Wx1 + h0 @ Wh1 + b1" in formulas
    assert "L = -np.sum(Y * log_softmax(Z2, axis=2)) / (m * 4)" in formulas


def test_the_columns_layout_writes_deeplearning_ais_convention():
    x, y = data(np.random.default_rng(6))
    formulas = [e.formula for e in network("columns").step(columns(x), columns(y))]
    assert "z1 = Wx1 @ X[:, :, 1] + Wh1 @ h0 + b1" in formulas
    assert "dh2 = dH1[:, :, 2] + Wh1.T @ dz3" in formulas
    assert "dWx1 = dWx1 + dz2 @ X[:, :, 2].T" in formulas
    assert "H1 = np.stack([h0, h1, h2, h3], axis=2)" in formulas


def test_every_term_renders():
    for layout in ("rows", "columns"):
        for p in network(layout).plan:
            assert p.term and p.rule


# ---- break it, write it yourself, the doctor -------------------------------------------------------------------

def sheet_of(case):
    rng = np.random.default_rng(7)
    x, y = data(rng)
    if case == "rows":
        return Sheet.of(network(), x, y)
    if case == "columns":
        return Sheet.of(network("columns"), columns(x), columns(y))
    return Sheet.of(Network(inputs=(T,), layers=f"embedding {V} {D}, rnn {H}, clip 1, linear {V}, softmax",
                            loss="ce", init="xavier"), rng.integers(0, V, (M, T)), y)


@pytest.mark.parametrize("case", ["rows", "columns", "embedding-clip"])
def test_the_judge_accepts_every_formula_shown_and_names_every_mistake(case):
    sheet = sheet_of(case)
    kinds = set()
    for i, e in enumerate(sheet.events):
        if e.phase == "update":
            continue
        verdict = sheet.judge(i, e.formula)
        assert verdict.right, (e.formula, verdict.summary, verdict.diagnosis)
        for kind, wrong, _ in e.planned.mistakes:
            assert sheet.judge(i, wrong).mistake == kind, (e.formula, wrong)
            kinds.add(kind)
    assert {"dh_next forgotten", "tanh′ of the pre-activation", "dWh assigned instead of accumulated",
            "dWx assigned instead of accumulated"} <= kinds


def test_a_forgotten_dh_next_is_shown_as_what_numpy_computes():
    x, y = data(np.random.default_rng(8))
    sheet = Sheet.of(network(), x, y)
    i = next(i for i, e in enumerate(sheet.events) if e.name == "dh1")
    verdict = sheet.judge(i, "dh1 = dH1[:, 1, :]")
    assert verdict.mistake == "dh_next forgotten" and verdict.shape_ok and not verdict.close


def test_the_terms_read_as_the_textbook():
    assert render.term("dh2 = dH1[:, 2, :] + dz3 @ Wh1.T", 0) == "∂L/∂h2 = ∂L/∂H1[:, 2, :] + ∂L/∂z3 · Wh1ᵀ"
    assert render.term("dWh1 = dWh1 + h1.T @ dz2", 0) == "∂L/∂Wh1 ← ∂L/∂Wh1 + h1ᵀ · ∂L/∂z2"


# ---- bad input ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kw, message", [
    (dict(inputs=3, layers="rnn 4, linear 2, softmax"),
     "item 1 'rnn 4': a recurrent layer reads sequences, examples of shape (T, D), data (m, T, D); "
     "these examples are (3,)"),
    (dict(inputs=(3, 2), layers="rnn 4, linear 2, softmax", layout="columns", loss="ce"),
     None),
    (dict(inputs=(65, 2), layers="rnn 4, linear 2, softmax"),
     "item 1 'rnn 4': every time step is stepped as its own events, for up to 64 steps; these sequences have T = 65"),
    (dict(inputs=(3, 2), layers="rnn 4, rnn 4, linear 2, softmax"), "layers 1 and 2 both make z0"),
    (dict(inputs=(3, 2), layers="rnn 4, linear 2, softmax", bias="augmented"),
     "item 1 'rnn 4': a recurrent layer takes bias 'vector'; got bias 'augmented'"),
    (dict(inputs=(3, 2), layers="rnn 0"), "item 1 'rnn 0': a hidden size must be at least 1; got 0"),
])
def test_bad_stacks_are_refused_saying_what_was_expected(kw, message):
    kw.setdefault("loss", "ce")
    if message is None:
        Network(**kw)
        return
    with pytest.raises(ValueError) as e:
        Network(**kw)
    assert message in str(e.value)


def test_data_that_is_not_a_sequence_is_refused_with_the_expected_shape():
    net = network()
    rng = np.random.default_rng(9)
    x, y = data(rng)
    with pytest.raises(ValueError, match=r"X has shape \(2, 3\) but a rows-layout network whose examples are "
                                         r"\(4, 3\) expects \(m, 4, 3\)"):
        net.loss(x[:, 0, :], y)
    with pytest.raises(ValueError, match=r"expects \(3, m, 4\)"):
        network("columns").loss(x, columns(y))
    with pytest.raises(ValueError, match=r"Y has shape \(2, 6\) but a rows-layout network whose "
                                         r"outputs per example are \(4, 6\) expects \(m, 4, 6\)"):
        net.loss(x, y[:, 0, :])


def test_ids_outside_the_vocabulary_are_refused():
    net = Network(inputs=(T,), layers=f"embedding {V} {D}, rnn {H}, linear {V}, softmax", loss="ce")
    ids = np.zeros((M, T))
    ids[1, 2] = V
    with pytest.raises(ValueError, match=rf"reads ids from 0 to {V - 1}, but X\[1, 2\] is {V}, outside"):
        net.loss(ids, np.eye(V)[np.zeros((M, T), int)])


def test_a_long_sequence_over_the_memory_budget_is_refused_before_it_runs():
    net = Network(inputs=(64, 8), layers="rnn 64, linear 8, softmax", loss="ce", max_bytes=2_000_000)
    x = np.zeros((100, 64, 8))
    y = np.eye(8)[np.zeros((100, 64), int)]
    with pytest.raises(ValueError, match="needs about .* more than the 1.9 MiB limit"):
        net.step(x, y)
    assert net.steps == 0


def test_break_it_reads_a_time_steps_slice_as_no_bias_row():
    x, y = data(np.random.default_rng(10))
    sheet = Sheet.of(network(), x, y)
    i = next(i for i, e in enumerate(sheet.events) if e.name == "dh1")
    found = mistakes(sheet.events[i].formula, sheet.env(i), expected=sheet.events[i].value, axes=sheet.axes,
                     own=sheet.events[i].planned.mistakes)
    kinds = {m.kind for m in found}
    assert "dh_next forgotten" in kinds and "kept the bias row" not in kinds
