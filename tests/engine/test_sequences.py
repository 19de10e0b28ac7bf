"""Sequences: words and text files as next-character sequences, the "remember the first symbol" task with the RNN's
vanishing gradient beside the LSTM's, ‖dh_t‖ per step, clip, and trace and export of recurrent networks."""

import importlib.util
import json
import re

import numpy as np
import pytest

from engine import Network, datasets, export
from engine.through_time import gradient_norms
from engine.trace import trace


# ---- data ----------------------------------------------------------------------------------------------------

def test_words_are_sequences_predicting_the_next_character_at_every_position():
    X, Y = datasets.word_sequences(["emma", "ab"], T=6)
    assert X.dtype == np.int64 and X.shape == (2, 6) and Y.shape == (2, 6, 27)
    as_text = ["".join(datasets.SYMBOLS[i] for i in row) for row in X]
    assert as_text == [".emma.", ".ab..."]
    assert ["".join(datasets.SYMBOLS[i] for i in row) for row in Y.argmax(axis=2)] == ["emma..", "ab...."]
    assert np.array_equal(Y.sum(axis=2), np.ones((2, 6)))


def test_a_long_word_keeps_its_first_t_characters():
    X, Y = datasets.word_sequences(["abcdefgh"], T=4)
    assert "".join(datasets.SYMBOLS[i] for i in X[0]) == ".abc"
    assert "".join(datasets.SYMBOLS[i] for i in Y[0].argmax(axis=1)) == "abcd"


def test_the_shipped_words_train_an_rnn_after_an_embedding():
    words = datasets.read_words(datasets.WORDS)
    assert len(words) >= 500
    X, Y = datasets.word_sequences(words[:32], T=8)
    net = Network(inputs=(8,), layers="embedding 27 8, rnn 16, linear 27, softmax", loss="ce", init="xavier")
    before = net.loss(X, Y)
    net.train(X, Y, lr=1.0, steps=30)
    assert net.loss(X, Y) < before - 0.3


def test_a_text_file_is_read_as_pieces_of_t_plus_one_characters(tmp_path):
    path = tmp_path / "poem.txt"
    path.write_text("hello world, hello")
    X, Y, chars = datasets.text_sequences(path, T=5)
    assert chars == " ,dehlorw"
    assert X.shape == (3, 5) and Y.shape == (3, 5, 9)
    assert "".join(chars[i] for i in X[0]) == "hello" and "".join(chars[i] for i in Y[0].argmax(axis=1)) == "ello "
    assert "".join(chars[i] for i in X[2]) == "d, he"


@pytest.mark.parametrize("content, message", [
    (b"abc", "3 characters; sequences of T = 5 need at least 6"),
    (b"ab\0cdefgh", "binary content (a NUL byte at offset 2); expected a text file"),
    (b"abcdef\n\xff\xfe", "line 2 is not UTF-8 text; expected a text file"),
])
def test_a_text_file_that_cannot_be_sequences_is_refused(tmp_path, content, message):
    path = tmp_path / "t.txt"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=re.escape(message)):
        datasets.text_sequences(path, T=5)
    with pytest.raises(FileNotFoundError, match="no such file"):
        datasets.text_sequences(tmp_path / "missing.txt")


def test_remember_the_first_symbol():
    X, Y = datasets.remember(T=5, symbols=3, m=4, seed=1)
    assert X.shape == Y.shape == (4, 5, 3)
    assert np.array_equal(Y[:, -1].argmax(axis=1), X[:, 0].argmax(axis=1))
    assert np.array_equal(X[:, 0].sum(axis=1), np.ones(4))
    assert np.allclose(Y[:, :-1], 1 / 3)
    Xc, Yc = datasets.remember(T=5, symbols=3, m=4, seed=1, layout="columns")
    assert Xc.shape == (3, 4, 5) and np.array_equal(Xc, X.transpose(2, 0, 1)) and np.array_equal(Yc[:, :, -1],
                                                                                                     Y[:, -1].T)
    with pytest.raises(ValueError, match="T must be an integer >= 2"):
        datasets.remember(T=1)


# ---- gradients through time -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def norms():
    """‖dh_t‖ of an rnn and an lstm with the answer scored at the last step alone: each earlier target is the
    network's own output there, so the loss sends nothing back from it, and dh_t is what the answer's gradient keeps
    of itself on its way back to step t."""
    X, Y = datasets.remember(T=16, symbols=4, m=64, noise=2.0)
    found = {}
    for kind in ("rnn", "lstm"):
        net = Network(inputs=(16, 4), layers=f"{kind} 32, linear 4, softmax", loss="ce", init="xavier")
        A = [e.value for e in net.step(X, Y, lr=0.0) if e.name == "A2"][0]
        scored = A.copy()
        scored[:, -1] = Y[:, -1]
        found[kind] = gradient_norms(list(net.step(X, scored, lr=0.0)))
    return found


def test_gradient_norms_are_read_per_time_step(norms):
    assert len(norms["rnn"]) == len(norms["lstm"]) == 16
    net = Network(inputs=(3, 2), layers="rnn 2, linear 2, softmax", loss="ce")
    X, Y = np.ones((1, 3, 2)), np.full((1, 3, 2), 0.5)
    events = list(net.step(X, Y))
    dh = {e.name: e.value for e in events}
    assert gradient_norms(events) == tuple(float(np.linalg.norm(dh[f"dh{t}"])) for t in range(3))
    assert gradient_norms(list(Network().step(np.ones((2, 4)), np.ones((2, 3))))) == ()


def test_the_rnns_gradient_vanishes_through_time_and_the_lstms_does_not(norms):
    # Step T-1 holds the answer's own gradient; the way back starts at T-2.
    rnn = norms["rnn"][0] / norms["rnn"][-2]
    lstm = norms["lstm"][0] / norms["lstm"][-2]
    assert rnn < 0.01  # about 0.64 kept per step back: 2e-3 after 14 steps
    assert lstm > 0.03  # about 0.81 per step through the cell, its forget gate starting near σ(1)
    assert lstm > 10 * rnn
    assert all(a > b for a, b in zip(norms["rnn"][1:-1], norms["rnn"][:-2]))  # shrinking at every step back


# ---- clip ------------------------------------------------------------------------------------------------------

def test_clip_rescales_each_parameters_gradient_to_the_norm_keeping_its_direction():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(4, 5, 3)), np.eye(4)[rng.integers(0, 4, (4, 5))]
    plain = Network(inputs=(5, 3), layers="rnn 6, linear 4, softmax", loss="ce").gradients(X, Y)
    clipped_net = Network(inputs=(5, 3), layers="rnn 6, clip 0.1, linear 4, softmax", loss="ce")
    clipped = clipped_net.gradients(X, Y)
    for key, g in plain.items():
        norm = np.linalg.norm(g)
        expected = g * min(1.0, 0.1 / norm)
        np.testing.assert_allclose(clipped[key], expected, rtol=1e-9, err_msg=key)
    names = [p.name for p in clipped_net.plan if p.phase == "backward"][-len(plain):]
    assert names == ["d" + key for key in plain]  # after the whole backward pass, one event each
    loose = Network(inputs=(5, 3), layers="rnn 6, clip 1000, linear 4, softmax", loss="ce").gradients(X, Y)
    for key, g in plain.items():
        np.testing.assert_allclose(loose[key], g, rtol=1e-12)


def test_clip_refuses_a_norm_that_is_not_positive():
    with pytest.raises(ValueError, match="item 2 'clip 0': a largest norm must be more than 0; got 0"):
        Network(inputs=(5, 3), layers="rnn 6, clip 0, linear 4, softmax", loss="ce")


# ---- trace and export ------------------------------------------------------------------------------------------

def sequence_case(kind, layout):
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(3, 4, 2)), np.eye(5)[rng.integers(0, 5, (3, 4))]
    if layout == "columns":
        X, Y = X.transpose(2, 0, 1), Y.transpose(2, 0, 1)
    net = Network(inputs=(4, 2), layers=f"{kind} 3, clip 5, linear 5, softmax", loss="ce", layout=layout,
                  init="xavier")
    return net, X, Y


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
@pytest.mark.parametrize("layout", ["rows", "columns"])
def test_the_exported_script_matches_the_engine(tmp_path, kind, layout):
    net, X, Y = sequence_case(kind, layout)
    path = export.write(net, X, Y, 0.1, tmp_path / "seq.py", steps=3)
    spec = importlib.util.spec_from_file_location("seq", path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    params = script.init_params()
    for key, P in net.params.items():
        assert np.array_equal(params[key], P), key
    assert abs(script.loss(script.X, script.Y, params) - net.loss(X, Y)) < 1e-10
    grads = script.backward(script.X, script.Y, params, script.forward(script.X, params))
    for key, g in net.gradients(X, Y).items():
        assert np.abs(grads["d" + key] - g).max() < 1e-10, key
    for _ in range(2):
        params = script.update(params, script.backward(script.X, script.Y, params, script.forward(script.X, params)),
                               0.1)
    net.train(X, Y, 0.1, steps=2)
    for key, P in net.params.items():
        assert np.abs(params[key] - P).max() < 1e-10, key


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_the_trace_holds_every_time_steps_event(kind):
    net, X, Y = sequence_case(kind, "rows")
    document = json.loads(trace(net, X, Y, 0.1, "json"))
    names = [e["name"] for e in document["events"]]
    assert names == [p.name for p in net.plan]
    assert "h3" in names and "dh0" in names
    assert "### 1. " in trace(net, X, Y, 0.1, "md")
