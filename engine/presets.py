"""Presets: whole networks a learner picks by name, each with the data and the settings it trains well with.

The one table of them: the app's preset picker shows it, and preset(name) opens one without the app.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from engine import datasets, layers
from engine.network import Network

TINY_GPT = "embedding 27 16, position 8 16, transformer 16 2 causal, layernorm, linear 27, softmax"


class Preset(NamedTuple):
    label: str
    changes: dict  # the settings it sets, by the command line's names: layers, dataset, loss, batch, lr, ...
    about: str


def _remembers(kind: str) -> Preset:
    return Preset(f"{kind} remembers", dict(layers=f"{kind} 32, last, linear 4, softmax", output="softmax", loss="ce",
                                            dataset="remember", batch=None, lr=0.5, init="xavier"),
                  f"an {kind} reads a symbol, 15 steps of noise, then names the symbol: does the gradient get back?")


PRESETS = {
    "question": Preset("question 4-3-3", dict(layers=None, sizes=(4, 3, 3), hidden="sigmoid", output="sigmoid",
                                              loss="bce", dataset="question", batch=None, lr=0.5, init="uniform"),
                       "the question's network: 4 inputs, 3 sigmoid units, 3 sigmoid outputs"),
    "makemore": Preset("makemore MLP", dict(layers="embedding 27 10, flatten, linear 200, batchnorm, tanh, linear 27, "
                                                   "softmax", output="softmax", loss="ce", dataset="words",
                                            layout="rows", batch=32, lr=0.1, init="he"),
                       "makemore's MLP: three characters of context predict the next"),
    "layernorm": Preset("layernorm + dropout", dict(layers="linear 32, layernorm, relu, dropout 0.2, linear 3, softmax",
                                                    output="softmax", loss="ce", dataset="spirals", batch=64, lr=0.5,
                                                    init="he"),
                        "a layer normalised, then dropped out, on three spirals"),
    "rnn": _remembers("rnn"),
    "lstm": _remembers("lstm"),
    "gpt": Preset("tiny GPT", dict(layers=TINY_GPT, output="softmax", loss="ce", dataset="words", layout="rows",
                                   batch=32, lr=0.5, init="xavier"),
                  "a one-block GPT over characters, 8 at a time, each position predicting the next, causally"),
    "convnet": Preset("small convnet on shapes", dict(layers="conv 4 3 pad 1, relu, maxpool 2, flatten, linear 4, softmax",
                                                      output="softmax", loss="ce", dataset="shapes", layout="rows",
                                                      batch=32, lr=0.5, init="he"),
                      "one convolution of 4 filters, max pooling and a linear layer, on 8×8 bars, crosses and squares"),
}
NAMES = tuple(PRESETS)


def matching(options) -> str | None:
    """The preset whose settings `options` has (any object with those fields), if any: what the picker shows."""
    for name, preset in PRESETS.items():
        if all(getattr(options, k) == v or (k == "sizes" and options.layers) for k, v in preset.changes.items()):
            return name
    return None


def preset(name: str, layout: str = "rows", m: int = 64, seed: int = 0) -> tuple[Network, np.ndarray, np.ndarray]:
    """The preset's network, in `layout`, and the first m examples of its data laid out for it. `name` is its key or
    its label."""
    key = next((k for k, p in PRESETS.items() if name in (k, p.label)), None)
    if key is None:
        raise ValueError(f"unknown preset {name!r}; the presets are {', '.join(repr(p.label) for p in PRESETS.values())}")
    c = PRESETS[key].changes
    stack = c["layers"] or layers.from_sizes(c["sizes"], c["hidden"], c["output"])
    items = layers.parse(stack)
    data = datasets.named(c["dataset"], seed=seed, **dict(zip(("sequences", "T"), layers.sequences(items))))
    if layers.one_answer(items):
        data = data.at_last_step()
    net = Network(inputs=data.inputs, layers=stack, loss=c["loss"], layout=layout, init=c["init"], seed=seed)
    X, Y = datasets.laid_out(data.X[:m], data.Y[:m], net.layout)
    return net, X, Y
