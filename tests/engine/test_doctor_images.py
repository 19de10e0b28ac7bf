"""The doctor's grammar on learners' convolution lines: np.pad with pairs, sums over a tuple of axes, transpose with
an axis order, index arrays (x_pad[:, k, i, j]) and np.add.at with an index tuple; each against NumPy itself."""

import numpy as np
import pytest

from engine.doctor import diagnose
from engine.doctor import render


def env():
    rng = np.random.default_rng(0)
    k = np.repeat(np.arange(2), 4).reshape(-1, 1)
    i = np.tile(np.repeat(np.arange(2), 2), 2).reshape(-1, 1) + np.repeat(np.arange(2), 2).reshape(1, -1)
    j = np.tile(np.arange(2), 4).reshape(-1, 1) + np.tile(np.arange(2), 2).reshape(1, -1)
    return {"X": rng.normal(size=(3, 2, 3, 3)), "dZ": rng.normal(size=(3, 4, 5, 5)), "k": k, "i": i, "j": j,
            "cols": rng.normal(size=(3, 8, 4)), "D": np.zeros((3, 2, 3, 3)), "F": rng.normal(size=(8, 4)), "m": 3}


@pytest.mark.parametrize("line, expected", [
    ("np.pad(X, ((0, 0), (0, 0), (1, 1), (1, 1)))", lambda e: np.pad(e["X"], ((0, 0), (0, 0), (1, 1), (1, 1)))),
    ("np.pad(X, ((0, 0), (0, 0), (2, 0), (0, 1)), mode='constant')",
     lambda e: np.pad(e["X"], ((0, 0), (0, 0), (2, 0), (0, 1)))),
    ("dZ.sum(axis=(0, 2, 3))", lambda e: e["dZ"].sum(axis=(0, 2, 3))),
    ("np.sum(dZ, axis=(0, 2, 3), keepdims=True)", lambda e: e["dZ"].sum(axis=(0, 2, 3), keepdims=True)),
    ("dZ.max(axis=(2, 3))", lambda e: e["dZ"].max(axis=(2, 3))),
    ("dZ.transpose(1, 2, 3, 0).reshape(4, -1)", lambda e: e["dZ"].transpose(1, 2, 3, 0).reshape(4, -1)),
    ("dZ.transpose((3, 0, 1, 2))", lambda e: e["dZ"].transpose(3, 0, 1, 2)),
    ("np.transpose(dZ, (1, 0, 2, 3))", lambda e: e["dZ"].transpose(1, 0, 2, 3)),
    ("X[:, k, i, j]", lambda e: e["X"][:, e["k"], e["i"], e["j"]]),
    ("X[:, k, i, j].transpose(1, 2, 0).reshape(8, -1)",
     lambda e: e["X"][:, e["k"], e["i"], e["j"]].transpose(1, 2, 0).reshape(8, -1)),
    ("X[:, :, i, j]", lambda e: e["X"][:, :, e["i"], e["j"]]),
    ("X[0, :, i]", lambda e: e["X"][0, :, e["i"]]),
    ("X[:, k, :, j]", lambda e: e["X"][:, e["k"], :, e["j"]]),  # arrays apart: their axes go first
    ("dZ == dZ.max(axis=3, keepdims=True)", lambda e: e["dZ"] == e["dZ"].max(axis=3, keepdims=True)),
])
def test_convolution_lines_run_as_numpy_runs_them(line, expected):
    e = env()
    d = diagnose(line, e)
    assert d.runs, d.explanation
    want = expected(e)
    assert d.shape == want.shape
    assert d.ok


def test_add_at_with_an_index_tuple_accumulates_and_assignment_does_not():
    e = env()
    added = np.zeros((3, 2, 3, 3))
    np.add.at(added, (slice(None), e["k"], e["i"], e["j"]), e["cols"])
    d = diagnose("np.add.at(D, (slice(None), k, i, j), cols)", e, expected=added)
    assert d.runs and d.label == "right values", d.explanation
    assigned = np.zeros((3, 2, 3, 3))
    assigned[:, e["k"], e["i"], e["j"]] = e["cols"]
    assert not np.allclose(assigned, added)  # the windows overlap
    d = diagnose("D[:, k, i, j] = cols", e, expected=assigned)
    assert d.runs and d.label == "right values", d.explanation
    d = diagnose("D[:, k, i, j] = cols", e, expected=added)
    assert d.runs and not d.ok


@pytest.mark.parametrize("line, message", [
    ("np.pad(X, ((0, 0), (1, 1)))", "np.pad needs one (before, after) pair for each axis of (3, 2, 3, 3): 4 pairs, "
                                    "but got 2"),
    ("dZ.transpose(0, 0, 1, 2)", "transpose(0, 0, 1, 2) must name each axis of (3, 4, 5, 5) once"),
    ("dZ.sum(axis=(0, 4))", "there is no axis 4 in axis=(0, 4)"),
    ("dZ.sum(axis=(1, 1))", "axis=(1, 1) names the same axis twice"),
    ("X[:, k, i, F]", "not allowed: index"),  # F holds measurements, not indices
    ("np.add.at(D, (slice(None), k, i, j), F.T)", "broadcasting lines shapes up from the right: (3, 8, 4) and (4, 8)"),
    ("np.pad(X, ((0, 0), (0, 0), (-1, 1), (1, 1)))", "not allowed: np.pad"),
    ("np.pad(X, ((0, 0), (0, 0), (1, 1), (1, 1)), mode='edge')", "not allowed: keyword mode='edge'"),
    ("np.concatenate([X, X], axis=(0, 1))", "not allowed: axis=(0, 1)"),
    ("X[:, k, 1.5, j]", "not allowed"),
])
def test_what_cannot_work_is_blamed_or_refused(line, message):
    try:
        d = diagnose(line, env())
    except ValueError as e:
        assert message in str(e)
        return
    assert not d.runs
    assert message in d.explanation


@pytest.mark.parametrize("line, term", [
    ("x_pad1 = np.pad(X, ((0, 0), (0, 0), (1, 1), (1, 1)))",
     "x_pad1 = X padded with zeros ((0, 0), (0, 0), (1, 1), (1, 1))"),
    ("db1 = dZ1.sum(axis=(0, 2, 3))", "∂L/∂b1 = Σ over axes 0, 2, 3 of ∂L/∂Z1"),
    ("dout1 = dZ1.transpose(1, 2, 3, 0).reshape(4, -1)",
     "∂L/∂out1 = (∂L/∂Z1 with axes (1, 2, 3, 0)) reshaped to (4, -1)"),
    ("np.add.at(dx_pad1, (slice(None), k1, i1, j1), dx_cols1)", "∂L/∂x_pad1[:, k1, i1, j1] += ∂L/∂x_cols1"),
    ("mask1 = x_win1 == x_win1.max(axis=3, keepdims=True)", "mask1 = [x_win1 = max over axis 3 of x_win1]"),
])
def test_terms_read_as_the_maths(line, term):
    assert render.term(line, 0) == term
