"""transformer D HEADS [causal] [relu]: one pre-norm transformer block, as GPT-2 and nanoGPT write it, standing for
its layers: layernorm, attention, a residual add; layernorm, an MLP (linear 4D, gelu, linear D), a residual add.
`relu` puts a ReLU in the MLP, as the original transformer had."""

from __future__ import annotations

from engine.layers import Item, attention

ARGS = attention.ARGS
WORDS = {**attention.WORDS, "relu": None}
SHORT = "block {0}×{1}"  # in the status line: D, heads
SEQUENCES = True  # reads sequences, examples (T, D): data named by the app are read as sequences for it
PREFIX = "block"
STARTS_LAYER = False


def expand(item: Item) -> tuple[Item, ...]:
    D, h = item.numbers
    reason = attention.heads_error(f"item {item.position} '{item.text}'", D, h)
    if reason:
        raise ValueError(reason)
    p, whole = item.position, item.text
    own = tuple((w, v) for w, v in item.words if w in attention.WORDS)
    return tuple(Item(p, kind, numbers, words, whole) for kind, numbers, words in (
        ("layernorm", (), ()), ("attention", (D, h), own), ("residual", (2,), ()),
        ("layernorm", (), ()), ("linear", (4 * D,), ()), ("relu" if item.has("relu") else "gelu", (), ()),
        ("linear", (D,), ()),
        ("residual", (4,), ())))
