"""last: a many-to-one network's one answer per sequence, from h_{T−1}, against CS231n's rnn_forward and a textbook
classifier on its last hidden state; central differences in both layouts, the judge and break it, export, bad
stacks, the remember task read at its last step, and the gradient through time it shows for an RNN and an LSTM."""

import importlib.util

import numpy as np
import pytest

from engine import Network, datasets, export, presets
from engine.exercise import Sheet
from engine.through_time import gradient_norms

T, D, H, V, M = 5, 3, 4, 3, 2


def rnn_forward(x, Wx, Wh, b):
    """CS231n's rnn_forward, h0 = 0: every hidden state, (N, T, H)."""
    h, prev = np.zeros((x.shape[0], x.shape[1], Wh.shape[0])), np.zeros((x.shape[0], Wh.shape[0]))
    for t in range(x.shape[1]):
        prev = np.tanh(x[:, t, :] @ Wx + prev @ Wh + b)
        h[:, t, :] = prev
    return h


def reference_loss(p, x, y):
    """A classifier on the last hidden state alone: softmax cross-entropy averaged over the m sequences."""
    scores = rnn_forward(x, p["Wx1"], p["Wh1"], p["b1"])[:, -1, :] @ p["W2"] + p["b2"]
    shifted = scores - scores.max(axis=1, keepdims=True)
    return -np.sum(y * (shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True)))) / x.shape[0]


def network(layout="rows", kind="rnn"):
    return Network(inputs=(T, D), layers=f"{kind} {H}, last, linear {V}, softmax", loss="ce", layout=layout,
                   init="xavier")


def data(seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(M, T, D)), np.eye(V)[rng.integers(0, V, M)]


def laid(layout, x, y):
    return (x, y) if layout == "rows" else (x.transpose(2, 0, 1), y.T)  # (n_x, m, T_x) and (n_y, m)


@pytest.mark.parametrize("layout", ["rows", "columns"])
def test_every_parameter_against_central_differences_of_the_textbook_loss(layout):
    x, y = data()
    rows = network().params
    net = network(layout)
    assert net.loss(*laid(layout, x, y)) == pytest.approx(reference_loss(rows, x, y), abs=1e-13)
    grads = net.gradients(*laid(layout, x, y))
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


@pytest.mark.parametrize("layout, take, pad", [
    ("rows", "last1 = H1[:, -1, :]", "dH1 = np.pad(dlast1[:, None, :], ((0, 0), (4, 0), (0, 0)))"),
    ("columns", "last1 = H1[:, :, -1]", "dH1 = np.pad(dlast1[:, :, None], ((0, 0), (0, 0), (4, 0)))"),
])
def test_only_the_last_step_goes_on_and_the_earlier_steps_get_zeros(layout, take, pad):
    x, y = data(1)
    events = {e.name: e for e in network(layout).step(*laid(layout, x, y))}
    assert events["last1"].formula == take and events["dH1"].formula == pad
    H1, dH1, dlast = events["H1"].value, events["dH1"].value, events["dlast1"].value
    at = (slice(None), -1, slice(None)) if layout == "rows" else (slice(None), slice(None), -1)
    assert events["last1"].shape == ((M, H) if layout == "rows" else (H, M))
    np.testing.assert_array_equal(events["last1"].value, H1[at])
    assert dH1.shape == H1.shape
    np.testing.assert_array_equal(dH1[at], dlast)
    before = (slice(None), slice(0, -1), slice(None)) if layout == "rows" else (slice(None), slice(None), slice(0, -1))
    assert not dH1[before].any()
    assert events["last1"].shape_rule == ("(2, 5, 4)[:, -1, :] → (2, 4)" if layout == "rows"
                                          else "(4, 2, 5)[:, :, -1] → (4, 2)")


@pytest.mark.parametrize("layout", ["rows", "columns"])
@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_the_judge_accepts_every_formula_shown_and_names_the_mistake(layout, kind):
    sheet = Sheet.of(network(layout, kind), *laid(layout, *data(2)))
    i = next(i for i, e in enumerate(sheet.events) if e.name == "dH1")
    for j, e in enumerate(sheet.events):
        if e.phase != "update":
            assert sheet.judge(j, e.formula).right, e.formula
    [(kind_of, wrong, lesson)] = sheet.events[i].planned.mistakes
    assert kind_of == "every step given the answer's gradient"
    # Time steps count from 0 on the timeline (t 0→15), so the last hidden state is h_T−1.
    assert lesson.startswith("Only h_T−1 was read by the layers after it;")
    assert wrong == ("dH1 = dlast1[:, None, :] * np.ones_like(H1)" if layout == "rows"
                     else "dH1 = dlast1[:, :, None] * np.ones_like(H1)")
    verdict = sheet.judge(i, wrong)
    assert verdict.mistake == kind_of and verdict.shape_ok and not verdict.close


@pytest.mark.parametrize("layout", ["rows", "columns"])
def test_the_exported_script_matches_the_engine(tmp_path, layout):
    net = network(layout, "lstm")
    X, Y = laid(layout, *data(3))
    path = export.write(net, X, Y, 0.1, tmp_path / "last.py", steps=2)
    spec = importlib.util.spec_from_file_location("last_export", path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    params = script.init_params()
    assert abs(script.loss(script.X, script.Y, params) - net.loss(X, Y)) < 1e-10
    grads = script.backward(script.X, script.Y, params, script.forward(script.X, params))
    for key, g in net.gradients(X, Y).items():
        assert np.abs(grads["d" + key] - g).max() < 1e-10, key


def test_the_card_says_how_many_steps_get_zeros_and_the_budget_counts_last_and_its_gradient():
    net = network()
    events = {e.name: e for e in net.step(*data())}
    assert events["dH1"].note == f"zeros at the {T - 1} steps before the last: they reach the loss only through it"
    assert events["last1"].note == "one answer per sequence: only the last time step's hidden state goes on"
    [built] = [b for b in net._built if b[0] == "last1"]
    assert 8 * M * built.floats == events["last1"].value.nbytes + events["dlast1"].value.nbytes


@pytest.mark.parametrize("kw, message", [
    (dict(inputs=(T, D), layers="last, linear 3, softmax"),
     "item 1 'last': last keeps a recurrent layer's last hidden state, so it comes after rnn or lstm"),
    (dict(inputs=4, layers="linear 3, last, linear 3, softmax"),
     "item 2 'last': last keeps a sequence's last time step, examples of shape (T, H); these are (3,)"),
    (dict(inputs=(T, D), layers="rnn 4, last, last, linear 3, softmax"),
     "item 3 'last': last keeps a sequence's last time step, examples of shape (T, H); these are (4,)"),
    (dict(inputs=(T, D), layers="rnn 4, last 2, linear 3, softmax"), "item 2 'last 2': last takes no number"),
    (dict(inputs=(T, D), layers="rnn 4, last, linear 3, softmax", layout="channels_last"),
     "layout 'channels_last' lays out images (m, H, W, C), with inputs=(C, H, W); these examples are (5, 3): use "
     "layout 'rows' or 'columns'"),
])
def test_bad_stacks_are_refused_saying_what_was_expected(kw, message):
    with pytest.raises(ValueError) as e:
        Network(loss="ce", **kw)
    assert message in str(e.value)


def test_labels_at_every_step_are_refused_with_the_one_answer_shape():
    x, _ = data()
    y = np.eye(V)[np.zeros((M, T), int)]
    with pytest.raises(ValueError) as e:
        network().loss(x, y)
    assert str(e.value) == ("Y has shape (2, 5, 3) but the network answers once per sequence, with 3 output(s), so a "
                            "rows-layout network expects (2, 3): one label per sequence, the last step's, Y[:, -1, :]")


def test_remember_read_at_its_last_step_keeps_the_first_symbol_as_the_one_answer():
    full = datasets.named("remember", sequences=True)
    data = full.at_last_step()
    assert data.X is full.X and data.Y.shape == (64, 4)
    np.testing.assert_array_equal(data.Y.argmax(1), full.X[:, 0, :].argmax(1))  # the answer is the first symbol
    assert data.sequence == (16, 4) and data.inputs == (16, 4)
    assert data.describe() == "remember (sequences of 16 steps of 4, 4 outputs at the last step)"
    assert datasets.for_output(data, "softmax").last


@pytest.fixture(scope="module")
def through_time():
    found = {}
    for kind in ("rnn", "lstm"):
        net, X, Y = presets.preset(kind)
        events = list(net.step(X, Y, lr=0.0))
        found[kind] = gradient_norms(events), gradient_norms(events, "dc")
    return found


def test_the_presets_answer_once_so_dh_t_is_the_answers_gradient_alone(through_time):
    net, X, Y = presets.preset("rnn")
    assert net.layers == "rnn 32, last, linear 4, softmax" and X.shape == (64, 16, 4) and Y.shape == (64, 4)
    (rnn, none), (lstm_h, lstm_c) = through_time["rnn"], through_time["lstm"]
    assert none == () and len(rnn) == len(lstm_h) == len(lstm_c) == 16
    assert all(a < b for a, b in zip(rnn, rnn[1:]))  # shrinking at every step back from the answer


def test_the_rnns_gradient_vanishes_and_the_lstms_cell_keeps_it(through_time):
    (rnn, _), (_, cell) = through_time["rnn"], through_time["lstm"]
    assert rnn[0] / max(rnn) < 0.005  # tanh′ and Wh at every step: about 0.64 kept per step back
    assert cell[0] / max(cell) > 0.03  # the forget gate alone, near σ(1): about 0.81 per step
    assert cell[0] / max(cell) > 10 * rnn[0] / max(rnn)
