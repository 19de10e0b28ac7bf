"""Real learners' batchnorm lines, from public CS231n solutions and write-ups, judged against the engine's own step.

Each line is evaluated by the doctor over the matrices of a batchnorm step, under the learner's own names (x, mu,
var, dout, N, ...), and must give the engine's value of the event it computes, or be named wrong when it is wrong.
Sources are the repositories and files the lines were read from.
"""

from __future__ import annotations

import numpy as np
import pytest

from engine import Network
from engine.doctor.diagnosis import examine
from engine.doctor.grammar import parse

EPS = 1e-5

# (source, the learner's line, the engine's event it computes, whether it is right)
LINES = [
    # Kratzert's staged backward pass, as copied in ForrestPi/ObjectDetection syncbn/batchNorm.md
    ("ForrestPi/ObjectDetection syncbn/batchNorm.md", "dbeta = np.sum(dout, axis=0)", "dbeta1", True),
    ("ForrestPi/ObjectDetection syncbn/batchNorm.md", "dgamma = np.sum(dout*xhat, axis=0)", "dgamma1", True),
    ("ForrestPi/ObjectDetection syncbn/batchNorm.md", "dxhat = dout * gamma", "dxhat1", True),
    ("ForrestPi/ObjectDetection syncbn/batchNorm.md", "divar = np.sum(dxhat*xmu, axis=0)", "divar1", True),
    ("ForrestPi/ObjectDetection syncbn/batchNorm.md", "dsqrtvar = -1. /(sqrtvar**2) * divar", None, True),
    ("ForrestPi/ObjectDetection syncbn/batchNorm.md", "dvar = 0.5 * 1. /np.sqrt(var+eps) * dsqrtvar", "dvar1", True),
    ("ForrestPi/ObjectDetection syncbn/batchNorm.md", "dsq = 1. /N * np.ones((N,D)) * dvar", "dsq1", True),
    ("ForrestPi/ObjectDetection syncbn/batchNorm.md", "dmu = -1 * np.sum(dxmu1+dxmu2, axis=0)", "dmu1", True),
    ("ForrestPi/ObjectDetection syncbn/batchNorm.md", "dx2 = 1. /N * np.ones((N,D)) * dmu", None, True),
    # CS231n assignment 2's batchnorm_backward_alt, one statement, as many learners' layers.py write it
    ("CS231n layers.py (the alt form many solutions share)",
     "dx = (1. / N) * gamma * (var + eps)**(-1. / 2.) * (N * dout - np.sum(dout, axis=0) - (x - mu) * "
     "(var + eps)**(-1.0) * np.sum(dout * (x - mu), axis=0))", "dZ1", True),
    ("cthorey.github.io backpropagation post, as quoted in CS231n solutions",
     "dgamma = np.sum((h - mu) * (var + eps)**(-1. / 2.) * dy, axis=0)", "dgamma1", True),
    # the variance gradient without its sum: a step's most common batchnorm mistake
    ("the mistake break it names: divar without the sum over examples", "divar = dxhat*xmu", "divar1", False),
]


@pytest.fixture(scope="module")
def step():
    """A fine batchnorm step, with the learner's names for its matrices."""
    net = Network(inputs=4, layers="linear 5, batchnorm, tanh, linear 3, softmax", loss="ce", detail="fine", seed=6)
    rng = np.random.default_rng(3)
    X, Y = rng.normal(size=(8, 4)), np.eye(3)[rng.integers(0, 3, 8)]
    values = {}
    run = net.step(X, Y, 0.1)
    for event in run:
        if event.phase == "update":
            break
        values[event.name] = event.value
    run.close()
    gamma = net.params["gamma1"]
    v = values
    env = {"x": v["Z1"], "h": v["Z1"], "mu": v["mu1"], "xmu": v["xmu1"], "var": v["var1"], "ivar": v["ivar1"],
           "sqrtvar": np.sqrt(v["var1"] + EPS), "xhat": v["xhat1"], "gamma": gamma, "dout": v["dBN1"],
           "dy": v["dBN1"], "dxhat": v["dxhat1"], "divar": v["divar1"], "N": 8, "D": 5, "eps": EPS,
           "dxmu1": v["dxhat1"] * v["ivar1"], "dxmu2": 2 * v["xmu1"] * v["dsq1"], "dmu": v["dmu1"]}
    env["dsqrtvar"] = -1.0 / env["sqrtvar"] ** 2 * v["divar1"]
    env["dvar"] = v["dvar1"]
    return env, values


@pytest.mark.parametrize("source, line, event, right", LINES, ids=[line for _, line, _, _ in LINES])
def test_a_learners_batchnorm_line_is_read_and_judged_against_the_engine(step, source, line, event, right):
    env, values = step
    d, value = examine(parse(line, env), env)
    assert d.runs, (source, line, d.explanation)
    if event is None:  # an intermediate the engine does not name; it need only run
        return
    got = np.asarray(value)
    expected = values[event]
    same = got.size == expected.size and np.allclose(got.reshape(-1), expected.reshape(-1), rtol=1e-9, atol=1e-12)
    assert same == right, (source, line, got.shape, expected.shape)
