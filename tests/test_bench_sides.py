"""Each benchmark's hand-written side computes the very step the engine does, so its ratio compares the same work.

No timing here: only the checks each bench/ script makes before it times anything, run at the bench's own sizes.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


def bench(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_transformer_block_by_hand_is_the_engines_step():
    net, ids, Y = bench("attention").sides()
    assert any(p.formula.startswith("A3 = 0.5 * Z3 * (1 + np.tanh(") for p in net.plan)  # GELU on both sides


def test_the_convnet_by_hand_and_in_naive_loops_is_the_engines_step():
    net, X, Y, *_ = bench("conv").sides()
    assert X.shape == (64, 3, 32, 32)


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_the_recurrent_steps_by_hand_are_the_engines(kind):
    module = bench("sequence")
    net, X, Y, _ = module.sides(kind, getattr(module, f"{kind}_step"))
    assert net.layers.startswith(kind)


def test_makemore_and_the_question_by_hand_are_the_engines():
    module = bench("layers")
    assert module.makemore_sides()[0].layers == module.MAKEMORE
    module.question_sides()
