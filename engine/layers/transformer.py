"""transformer D HEADS [causal]: one pre-norm transformer block, as GPT-2 and nanoGPT write it, standing for its
layers: layernorm, attention, a residual add; layernorm, an MLP (linear 4D, relu, linear D), a residual add."""

from __future__ import annotations

from engine.layers import Item, attention

ARGS = attention.ARGS
WORDS = attention.WORDS
PREFIX = "block"
STARTS_LAYER = False


def expand(item: Item) -> tuple[Item, ...]:
    D, h = item.numbers
    reason = attention.heads_error(f"item {item.position} '{item.text}'", D, h)
    if reason:
        raise ValueError(reason)
    p = item.position
    return (Item(p, "layernorm"), Item(p, "attention", (D, h), item.words), Item(p, "residual", (2,)),
            Item(p, "layernorm"), Item(p, "linear", (4 * D,)), Item(p, "relu"), Item(p, "linear", (D,)),
            Item(p, "residual", (4,)))
