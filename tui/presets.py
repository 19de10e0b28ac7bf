"""Presets: whole networks a learner picks by name, each with the data and the settings it trains well with."""

from __future__ import annotations

from typing import NamedTuple


class Preset(NamedTuple):
    label: str
    changes: dict  # the Options fields it sets


PRESETS = {
    "question": Preset("question 4-3-3", dict(layers=None, sizes=(4, 3, 3), hidden="sigmoid", output="sigmoid",
                                              loss="bce", dataset="question", batch=None, lr=0.5, init="uniform")),
    "makemore": Preset("makemore MLP", dict(layers="embedding 27 10, flatten, linear 200, batchnorm, tanh, linear 27, "
                                                   "softmax", output="softmax", loss="ce", dataset="words",
                                            layout="rows", batch=32, lr=0.1, init="he")),
    "layernorm": Preset("layernorm + dropout", dict(layers="linear 32, layernorm, relu, dropout 0.2, linear 3, softmax",
                                                    output="softmax", loss="ce", dataset="spirals", batch=64, lr=0.5,
                                                    init="he")),
}
NAMES = tuple(PRESETS)


def matching(options) -> str | None:
    """The preset the options are, if any: what the picker shows."""
    for name, preset in PRESETS.items():
        if all(getattr(options, k) == v or (k == "sizes" and options.layers) for k, v in preset.changes.items()):
            return name
    return None
