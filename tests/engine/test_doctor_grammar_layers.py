"""The NumPy learners write in layer code, read by the doctor's grammar: axes and indices the namespace fixes, list
literals of arrays, seeded random masks, and the calls of conv, pooling, attention and normalisation layers."""

import re

import numpy as np
import pytest

from engine.doctor import diagnose
from engine.doctor.diagnosis import examine
from engine.doctor.grammar import MAX_ELEMENTS, MAX_ITEMS, parse
from test_doctor import spies, tripwires

RNG = np.random.default_rng(7)


def namespace() -> dict:
    """The shapes of deeplearning.ai's conv, RNN and dropout exercises; numbers as a traced script holds them."""
    return dict(
        a_slice=RNG.random((3, 3, 4)), c=2.0, i=1, h=2, w=3, f=3, stride=2.0, vert_start=4, vert_end=7,
        dZ=RNG.random((2, 4, 5, 8)), W=RNG.random((3, 3, 4, 8)), x=RNG.random((5, 8)), pe=RNG.random((50, 8)),
        a_prev=RNG.random((5, 10)), xt=RNG.random((3, 10)), A1=RNG.random((2, 5)), keep_prob=0.8,
        a=RNG.random(4), b=RNG.random(4), dX=RNG.random((6, 3)), dE=np.zeros((10, 3)),
        ids=np.array([1, 2, 2, 3, 0, 9]), A_prev=RNG.random((2, 5, 7, 4)), a_prev_pad=RNG.random((9, 11, 4)),
        Q=RNG.random((2, 4, 6)), K=RNG.random((2, 4, 6)), Z=RNG.random((4, 6)), eps=1e-5)


# Each line beside the same computation written in plain NumPy here, with the namespace's numbers typed in.
ACCEPTED = [
    ("a_slice[:, :, c]", lambda n: n["a_slice"][:, :, 2]),
    ("dZ[i, h, w, c]", lambda n: n["dZ"][1, 2, 3, 2]),
    ("W[:, :, :, c] * dZ[i, h, w, c]", lambda n: n["W"][:, :, :, 2] * n["dZ"][1, 2, 3, 2]),
    ("pe[:x.shape[0], :]", lambda n: n["pe"][:5, :]),
    ("a_prev_pad[vert_start:vert_end, h * 2:h * 2 + f, :]", lambda n: n["a_prev_pad"][4:7, 4:7, :]),
    ("a_prev_pad[-f:, :, c]", lambda n: n["a_prev_pad"][-3:, :, 2]),
    ("x.sum(axis=c - 1)", lambda n: n["x"].sum(axis=1)),
    ("dZ.sum(axis=(0, c - 1, 2))", lambda n: n["dZ"].sum(axis=(0, 1, 2))),
    ("x.sum(0)", lambda n: n["x"].sum(0)),
    ("x.mean(1, keepdims=True)", lambda n: n["x"].mean(1, keepdims=True)),
    ("x.max(0)", lambda n: n["x"].max(0)),
    ("np.sum(x, 1)", lambda n: np.sum(n["x"], 1)),
    ("np.max(x, 1)", lambda n: np.max(n["x"], 1)),
    ("np.array([a, b])", lambda n: np.array([n["a"], n["b"]])),
    ("np.array([[1, 2], [3, 4]])", lambda n: np.array([[1, 2], [3, 4]])),
    ("np.concatenate((a_prev, xt), axis=0)", lambda n: np.concatenate((n["a_prev"], n["xt"]), axis=0)),
    ("np.stack([a, b], axis=1)", lambda n: np.stack([n["a"], n["b"]], axis=1)),
    ("np.stack((a_prev, a_prev))", lambda n: np.stack((n["a_prev"], n["a_prev"]))),
    ("np.random.rand(A1.shape[0], A1.shape[1])", lambda n: np.random.RandomState(0).rand(2, 5)),
    ("(np.random.rand(*A1.shape) < keep_prob) * A1", lambda n: (np.random.RandomState(0).rand(2, 5) < 0.8) * n["A1"]),
    ("np.random.randn(3, c)", lambda n: np.random.RandomState(0).randn(3, 2)),
    ("np.pad(A_prev, ((0, 0), (1, 1), (1, 1), (0, 0)))",
     lambda n: np.pad(n["A_prev"], ((0, 0), (1, 1), (1, 1), (0, 0)))),
    ("dZ.transpose(3, 0, 1, 2)", lambda n: n["dZ"].transpose(3, 0, 1, 2)),
    ("dZ.transpose((0, 3, 1, 2))", lambda n: n["dZ"].transpose((0, 3, 1, 2))),
    ("dZ.reshape((2, -1))", lambda n: n["dZ"].reshape((2, -1))),
    ("dZ.reshape(dZ.shape[0], -1)", lambda n: n["dZ"].reshape(2, -1)),
    ("np.einsum('mqd,mkd->mqk', Q, K)", lambda n: np.einsum("mqd,mkd->mqk", n["Q"], n["K"])),
    ("Q @ K.swapaxes(-2, -1)", lambda n: n["Q"] @ n["K"].swapaxes(-2, -1)),
    ("np.where(Z > 0, Z, 0)", lambda n: np.where(n["Z"] > 0, n["Z"], 0)),
    ("(Z - Z.mean(axis=0)) / np.sqrt(np.var(Z, axis=0) + eps)",
     lambda n: (n["Z"] - n["Z"].mean(axis=0)) / np.sqrt(np.var(n["Z"], axis=0) + 1e-5)),
    ("Z.var(1, keepdims=True)", lambda n: n["Z"].var(1, keepdims=True)),
    ("np.zeros_like(Z)", lambda n: np.zeros_like(n["Z"])),
]


@pytest.mark.parametrize("line, numpy", ACCEPTED, ids=[line for line, _ in ACCEPTED])
def test_layer_numpy_is_read_with_numpys_shape_and_values(line, numpy):
    env = namespace()
    d = diagnose(line, env)
    expected = numpy(env)
    assert d.ok and d.shape == np.shape(expected)
    assert np.allclose(examine(parse(line, env), env)[1], expected)


def test_np_add_at_is_a_statement_that_scatters_into_its_first_array():
    env = namespace()
    d = diagnose("np.add.at(dE, ids, dX)", env)
    expected = np.zeros((10, 3))
    np.add.at(expected, env["ids"], env["dX"])
    assert d.ok and d.shape == (10, 3)
    assert np.allclose(examine(parse("np.add.at(dE, ids, dX)", env), env)[1], expected)
    assert not env["dE"].any()  # the learner's array is left as it was


def test_random_masks_are_drawn_from_a_fixed_seed_leaving_numpys_own_state_alone():
    env = namespace()
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    first = examine(parse("np.random.rand(4, 3)", env), env)[1]
    again = examine(parse("np.random.rand(4, 3)", env), env)[1]
    assert np.array_equal(first, again) and np.array_equal(first, np.random.RandomState(0).rand(4, 3))
    assert np.array_equal(np.random.get_state()[1], before)


WRONG = [
    ("x.sum(axis=c)", "there is no axis 2"),  # c is 2, and x has axes 0 and 1
    ("np.array([a, xt])", r"np.array puts its arrays side by side along a new axis, so they need one shape, but got "
                          r"\(4,\) and \(3, 10\)"),
    ("np.stack([a_prev, xt], axis=1)", r"\(5, 10\) and \(3, 10\)"),
    ("np.concatenate((a_prev, xt), axis=1)", r"along axis 1, they need the same number of rows"),
    ("np.stack([a, b], axis=c + 1)", "there is no axis 3"),
    ("np.pad(A_prev, ((1, 1), (1, 1)))",
     r"one \(before, after\) pair for each axis of \(2, 5, 7, 4\): 4 pairs, but got 2"),
    ("np.einsum('mqd,mkd->mqk', Q, Z)", r"term 'mkd' names 3 axes, but array 2 is \(4, 6\) with 2"),
    ("dZ.transpose(0, 0, 1, 2)", r"must name each axis of \(2, 4, 5, 8\) once"),
    ("dZ.swapaxes(0, 4)", r"needs axis 4, but \(2, 4, 5, 8\) has 4 axes"),
    ("np.var(Z, axis=2)", "there is no axis 2"),
    ("np.where(Z > 0, Z, x)", r"\(4, 6\), \(4, 6\) and \(5, 8\)"),
    ("np.add.at(dE, ids, x)", r"\(6, 3\) and \(5, 8\)"),
    ("dZ.sum(axis=(0, 5))", r"there is no axis 5 in axis=\(0, 5\)"),
    ("dZ.transpose((0, 3, 1))", r"must name each axis"),
    ("np.zeros_like(Z) + x", r"\(4, 6\) and \(5, 8\)"),
    ("np.sqrt(Z) @ x", r"\(4, 6\) @ \(5, 8\)"),
]


@pytest.mark.parametrize("line, why", WRONG, ids=[line for line, _ in WRONG])
def test_shape_errors_in_layer_numpy_are_blamed_in_words(line, why):
    d = diagnose(line, namespace())
    assert not d.ok and not d.runs
    assert re.search(why, d.explanation), d.explanation


REFUSED = [
    ("x.sum(axis=keep_prob)", "axis=keep_prob"),  # 0.8 is no axis
    ("x.sum(axis=unknown)", "axis=unknown"),
    ("a_slice[:, :, keep_prob]", "index"),
    ("a_slice[:, :, x]", "index"),  # a float array is no index
    ("np.random.rand(x.shape[0], 100000, 1000)", f"the doctor makes at most {MAX_ELEMENTS:,}"),
    ("np.random.rand(3, size=2)", "whole-number sizes"),
    ("np.random.rand(keep_prob)", "whole-number sizes"),
    ("np.random.seed(0)", "np.random.seed"),
    ("np.random.shuffle(x)", "np.random.shuffle"),
    ("np.array([" + ", ".join(["a"] * (MAX_ITEMS + 1)) + "])", f"more than {MAX_ITEMS} items"),
    ("np.array([])", "without one list|empty"),
    ("np.stack([a, b], axis=None)", "axis=None"),
    ("np.array([a, b], dtype=object)", "keyword 'dtype'"),
    ("[a, b]", "list"),
    ("x.shape", "attribute 'shape'"),
    ("x[:2 ** 80]", "index"),
    ("cache['A1'] + 1", r"unknown entry cache\['A1'\]"),
]


@pytest.mark.parametrize("line, why", REFUSED, ids=[line[:40] for line, _ in REFUSED])
def test_what_the_namespace_does_not_fix_is_refused_before_anything_runs(line, why):
    env = {**spies(), **{k: v for k, v in namespace().items() if k not in spies()}}
    with tripwires():
        with pytest.raises(ValueError, match=why):
            diagnose(line, env)


def test_the_learners_spelling_is_kept_in_the_diagnosis_while_the_namespace_fixes_the_numbers():
    d = diagnose("y = x.sum(axis=c) + a_slice[:, :, c]", namespace())
    assert "x.sum(axis=c)" in d.explanation or d.culprit == "x.sum(axis=c)"


def test_numpy_spelled_out_reads_as_np_and_keeps_the_learners_spelling():
    env = {"self.who": np.ones((3, 5)), "output_errors": np.ones((3, 1))}
    d = diagnose("hidden_errors = numpy.dot(self.who, output_errors)", env)
    assert d.culprit == "numpy.dot(self.who, output_errors)" and "(3, 5) @ (3, 1)" in d.explanation
    assert d.suggestions[0] == "hidden_errors = np.dot(self.who.T, output_errors)"
    with pytest.raises(ValueError, match="not allowed"):
        diagnose("numpy.load('f')", env)
