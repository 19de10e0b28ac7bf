"""transformer D HEADS [causal]: one pre-norm transformer block, as GPT-2 and nanoGPT write it, standing for its
layers: layernorm, attention, a residual add; layernorm, an MLP (linear 4D, relu, linear D), a residual add."""

from __future__ import annotations

from engine.layers import Item, attention

ARGS = attention.ARGS
WORDS = attention.WORDS
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
    return tuple(Item(p, kind, numbers, words, whole) for kind, numbers, words in (
        ("layernorm", (), ()), ("attention", (D, h), item.words), ("residual", (2,), ()),
        ("layernorm", (), ()), ("linear", (4 * D,), ()), ("relu", (), ()), ("linear", (D,), ()),
        ("residual", (4,), ())))
