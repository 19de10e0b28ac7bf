"""Ready-made networks with the data they are made for, by name, so that one choice opens both."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from engine import datasets
from engine.network import Network


class Preset(NamedTuple):
    """A network's constructor arguments and the dataset it reads."""

    options: dict
    data: str
    about: str


PRESETS = {
    "small convnet on shapes": Preset(
        dict(inputs=(1, 8, 8), layers="conv 4 3 pad 1, relu, maxpool 2, flatten, linear 4, softmax", loss="ce"),
        "shapes", "one convolution of 4 filters, max pooling and a linear layer, on 8×8 bars, crosses and squares"),
}


def preset(name: str, layout: str = "rows", m: int = 64, seed: int = 0) -> tuple[Network, np.ndarray, np.ndarray]:
    """The preset's network, in `layout`, and m examples of its data."""
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; the presets are {', '.join(repr(p) for p in PRESETS)}")
    p = PRESETS[name]
    net = Network(**p.options, layout=layout, seed=seed)
    X, Y = getattr(datasets, p.data)(m=m, seed=seed, layout=layout)
    return net, X, Y
