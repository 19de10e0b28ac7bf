"""batchnorm: normalise each feature over the examples of the batch (training mode), then scale and shift."""

from __future__ import annotations

from engine.layers import Built, Place, norm

SHORT = "bn"  # in the status line
ARGS = ()
PREFIX = "BN"
NAMES = (PREFIX, *norm.NAMES)
STARTS_LAYER = False


def build(place: Place) -> Built:
    return norm.build(place, PREFIX, over_examples=True)
