"""layernorm: normalise each example over its features, then scale and shift each feature."""

from __future__ import annotations

from engine.layers import Built, Place, norm

SHORT = "ln"  # in the status line
ARGS = ()
PREFIX = "LN"
NAMES = (PREFIX, *norm.NAMES)
STARTS_LAYER = False


def build(place: Place) -> Built:
    return norm.build(place, PREFIX, over_examples=False)
