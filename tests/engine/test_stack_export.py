"""Export and trace of layer stacks: the script runs alone and steps exactly as the engine does."""

from __future__ import annotations

import json
import runpy
import subprocess
import sys

import numpy as np
import pytest

from engine import Network, export, trace

MAKEMORE = "embedding 27 10, flatten, linear 20, batchnorm, tanh, dropout 0.2, linear 27, softmax"
TINY_GPT = "embedding 27 16, position 8 16, transformer 16 2 causal, layernorm, linear 27, softmax"


def cases():
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 27, (12, 3)).astype(float)
    ids[1] = ids[0]
    words = (ids, np.eye(27)[rng.integers(0, 27, 12)])
    X, Y = rng.normal(size=(6, 4)), np.eye(3)[rng.integers(0, 3, 6)]
    for detail in ("compact", "fine"):
        yield dict(inputs=3, layers=MAKEMORE, loss="ce", detail=detail, init="he"), words
        for layout in ("rows", "columns"):
            data = (X, Y) if layout == "rows" else (X.T, Y.T)
            yield dict(inputs=4, layers="linear 5, layernorm, relu, dropout 0.5, linear 3, softmax", loss="ce",
                       layout=layout, detail=detail), data
    yield dict(sizes=(4, 5, 3), bias="flat", output="softmax", loss="ce"), (X, Y)
    yield from attention_cases()


def attention_cases():
    """A tiny GPT on next characters, and attention alone on sequences (T, D): masks and positions drawn."""
    rng = np.random.default_rng(1)
    chars = (rng.integers(0, 27, (4, 8)).astype(float), np.eye(27)[rng.integers(0, 27, (4, 8))])
    sequences = (rng.normal(size=(4, 5, 8)), np.eye(3)[rng.integers(0, 3, 4)])
    for detail in ("compact", "fine"):
        yield dict(inputs=8, layers=TINY_GPT, loss="ce", detail=detail), chars
        yield dict(inputs=(5, 8), layers="attention 8 2 causal, flatten, linear 3, softmax", loss="ce",
                   detail=detail), sequences


@pytest.mark.parametrize("options, data", list(cases()), ids=lambda v: str(v.get("layers", v.get("sizes", ""))) if
                         isinstance(v, dict) else "")
@pytest.mark.parametrize("trained", [0, 2])
def test_the_exported_script_steps_exactly_as_the_engine(tmp_path, options, data, trained):
    X, Y = data
    net = Network(**options)
    net.train(X, Y, 0.1, steps=trained)
    path = tmp_path / "stack.py"
    path.write_text(export.script(net, X, Y, 0.1, steps=3))
    script = runpy.run_path(str(path))
    params = script["init_params"]()
    assert all(np.array_equal(params[k], net.params[k]) for k in net.params)
    drawn = "FIRST" in script
    for k in range(3):
        step = (script["FIRST"] + k,) if drawn else ()
        cache = script["forward"](script["X"], params, *step)
        grads = script["backward"](script["X"], script["Y"], params, cache)
        params = script["update"](params, grads, 0.1)
    net.train(X, Y, 0.1, steps=3)
    assert max(float(np.max(np.abs(params[k] - net.params[k]))) for k in net.params) <= 1e-10


def test_the_script_runs_alone_and_prints_the_engines_losses(tmp_path):
    options, (X, Y) = next(cases())
    net = Network(**options)
    path = tmp_path / "makemore.py"
    path.write_text(export.script(net, X, Y, 0.1, steps=10))
    done = subprocess.run([sys.executable, "-I", "-W", "error", str(path)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    first = float(done.stdout.split()[3])
    assert abs(first - net.loss(X, Y)) < 1e-9
    text = path.read_text()
    assert f'layers "{MAKEMORE}"' in text and "E1 (27, 10)" in text and "gamma2 (1, 20)" in text
    assert "np.add.at(dE1, X, demb1)" in text and "dtype=np.int64" in text


def test_the_tiny_gpt_script_runs_alone_and_prints_the_engines_losses(tmp_path):
    options, (X, Y) = next(attention_cases())
    net = Network(**options)
    path = tmp_path / "gpt.py"
    path.write_text(export.script(net, X, Y, 0.1, steps=10))
    done = subprocess.run([sys.executable, "-I", "-W", "error", str(path)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    losses = [float(line.split()[3]) for line in done.stdout.splitlines() if line.startswith("step")]
    assert abs(losses[0] - net.loss(X, Y)) < 1e-9
    net.train(X, Y, 0.1, steps=1)
    assert abs(losses[1] - net.loss(X, Y)) < 1e-9
    text = path.read_text()
    assert "Wq2 = rng.uniform(-1.0, 1.0, (16, 16))" in text and "Wpe1 = rng.normal(0.0, 1.0, (8, 16))" in text
    assert "np.tanh(0.7978845608028654" in text  # the block's MLP, GELU as GPT-2 writes it


def test_a_trace_of_a_stack_holds_its_3d_values_and_says_which_stack():
    options, (X, Y) = next(cases())
    net = Network(**options)
    doc = json.loads(trace.trace(net, X, Y, 0.1, "json"))
    emb = next(e for e in doc["events"] if e["name"] == "emb1")
    assert np.array(emb["value"]).shape == (12, 3, 10) and emb["shape_rule"] == "(27, 10)[(12, 3)] → (12, 3, 10)"
    assert doc["network"]["layers"] == MAKEMORE
    md = trace.trace(net, X, Y, 0.1, "md")
    assert f"# One training step of a `{MAKEMORE}` network" in md
    assert "emb1[0]:" in md and "Showing 2 of 12 slices along the first axis; full shape (12, 3, 10)." in md
