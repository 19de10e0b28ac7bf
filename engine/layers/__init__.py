"""Layer stacks: the one spelling of an architecture ("linear 3, sigmoid, linear 3, sigmoid"), and the registry.

A layer kind is a small module holding a table: its parameters, its forward and backward Ops for each layout, its
break-it mistakes. `build(place)` binds that table to the names of one place in a stack; the network only threads
names from one layer to the next and runs the stack backwards. Kinds are imported when a stack first uses them, so a
network of linear layers never loads batchnorm.

Adding a kind: a module in this folder with `ARGS` and `build`, and one line in KINDS.
"""

from __future__ import annotations

from importlib import import_module
from typing import Callable, NamedTuple

import numpy as np

from engine.events import Planned

# Each word of the layer string: the module that builds it. The activations share one module.
KINDS = {
    "linear": "linear",
    "sigmoid": "activation", "tanh": "activation", "relu": "activation", "leaky_relu": "activation",
    "identity": "activation", "softmax": "activation",
    "batchnorm": "batchnorm",
    "layernorm": "layernorm",
    "dropout": "dropout",
    "embedding": "embedding",
    "flatten": "flatten",
}
DETAILS = ("compact", "fine")


class Arg(NamedTuple):
    """A positional number of a layer item: what it is called, its type, the smallest it may be, an example."""

    what: str
    type: type
    example: str
    check: Callable[[float], str | None] = lambda v: None  # a reason the value cannot be, or None


class Item(NamedTuple):
    """One parsed item of a layer string: "linear 3" is Item(1, "linear", (3,))."""

    position: int  # counting from 1, as the error messages do
    kind: str
    numbers: tuple = ()

    @property
    def text(self) -> str:
        return " ".join([self.kind, *(_number_text(n) for n in self.numbers)])


class Param(NamedTuple):
    """A parameter a layer owns: its name, shape in the network's layout, and how its first value is drawn.

    `draw(rng, init)` returns the value; draws happen in stack order from one generator, so a network's seed fixes
    every parameter whatever the layout. `code(init)` gives the same draw as lines of a script that has `rng`.
    """

    name: str
    shape: tuple[int, ...]
    draw: Callable[[np.random.Generator, str], np.ndarray]
    code: Callable[[str], tuple[str, ...]]


class Draw(NamedTuple):
    """An array a step draws before it runs, such as dropout's mask: `fn(seed, step, m)`, and `code`, the same draw
    as a line of a script that has SEED, step and m."""

    name: str
    fn: Callable[[int, int, int], np.ndarray]
    code: str


class Place(NamedTuple):
    """Where a layer sits in a stack, and everything its Ops are bound with."""

    item: Item
    tag: str  # what its names end in: "1" for Z1, W1, gamma1
    layer: int  # the layer number its events show
    inp: str  # the array it reads: "X", "A1", ...
    shape: tuple[int, ...]  # the shape of one example of that array
    first: bool  # reads the data: no gradient of its input is needed
    last: bool
    layout: str  # "rows" or "columns"
    bias: str
    detail: str


class Built(NamedTuple):
    """A layer bound to its place: its output, the shape of one example of it, and its Planned operations."""

    out: str
    shape: tuple[int, ...]
    params: tuple[Param, ...] = ()
    forward: tuple[Planned, ...] = ()
    backward: tuple[Planned, ...] = ()
    floats: int = 0  # numbers per example the layer holds during a step (its intermediates and their gradients)
    draws: tuple[Draw, ...] = ()  # arrays a step draws before it runs, such as masks
    activation: str | None = None  # for an activation layer, its kind: the loss may fuse with it
    ids: int = 0  # for a layer reading integer ids (an embedding), the vocabulary size


def _number_text(n) -> str:
    return repr(n) if isinstance(n, float) else str(n)


def kind(name: str):
    """The module of a layer kind, imported on first use."""
    return import_module(f"engine.layers.{KINDS[name]}")


def _expected(position: int, word: str, what: str) -> ValueError:
    return ValueError(f"item {position} '{word}': {what}")


def parse(text: object) -> tuple[Item, ...]:
    """"linear 3, sigmoid" into Items, or a ValueError naming the item and what was expected."""
    if not isinstance(text, str):
        raise ValueError(f"layers must be a string such as 'linear 3, sigmoid, linear 3, sigmoid'; got {text!r}")
    pieces = text.split(",")
    if not text.strip():
        raise ValueError("layers is empty; expected items separated by commas, such as 'linear 3, sigmoid'")
    items = []
    for position, piece in enumerate(pieces, start=1):
        words = piece.split()
        if not words:
            raise _expected(position, piece.strip(),
                            "is empty; expected a layer such as 'linear 64' between the commas")
        word = words[0].lower()
        if word not in KINDS:
            known = ", ".join(KINDS)
            raise _expected(position, piece.strip(), f"unknown kind {word!r}; the kinds are {known}")
        args = kind(word).ARGS
        given = words[1:]
        if len(given) < len(args):
            missing = args[len(given)]
            raise _expected(position, piece.strip(), f"expected {missing.what}, as in '{missing.example}'")
        if len(given) > len(args):
            takes = f"takes {len(args)} number{'s' * (len(args) != 1)}" if args else "takes no number"
            example = args[0].example if args else word
            raise _expected(position, piece.strip(), f"{word} {takes}, as in '{example}'; got {' '.join(given)!r} "
                                                     "after it")
        numbers = []
        for arg, raw in zip(args, given):
            try:
                value = arg.type(raw)
            except ValueError:
                raise _expected(position, piece.strip(), f"expected {arg.what} as a number, as in "
                                                         f"'{arg.example}'; got {raw!r}") from None
            reason = arg.check(value)
            if reason:
                raise _expected(position, piece.strip(), f"{arg.what} {reason}; got {raw}")
            numbers.append(value)
        items.append(Item(position, word, tuple(numbers)))
    return tuple(items)


def normalised(items: tuple[Item, ...]) -> str:
    return ", ".join(item.text for item in items)


def short(items: tuple[Item, ...]) -> str:
    """The stack in short form, as the status line shows it: "emb 27×10 → flat → 200 → bn → tanh → 27 → softmax"."""
    return " → ".join(kind(item.kind).SHORT.format(*item.numbers, kind=item.kind) for item in items)


def from_sizes(sizes: tuple[int, ...], hidden: str, output: str) -> str:
    """The layer string of a fully connected network: sizes (4, 3, 3) with sigmoid and sigmoid is
    "linear 3, sigmoid, linear 3, sigmoid"."""
    items = []
    for l, n in enumerate(sizes[1:], start=1):
        items += [f"linear {n}", hidden if l < len(sizes) - 1 else output]
    return ", ".join(items)


def positive(v) -> str | None:
    return None if v >= 1 else "must be at least 1"


def fraction(v) -> str | None:
    return None if 0 <= v < 1 else "must be in [0, 1)"
