"""Layer stacks: the one spelling of an architecture ("linear 3, sigmoid, linear 3, sigmoid"), and the registry.

A layer kind is a small module holding a table: its parameters, its forward and backward Ops for each layout, its
break-it mistakes. `build(place)` binds that table to the names of one place in a stack; the network only threads
names from one layer to the next and runs the stack backwards. Kinds are imported when a stack first uses them, so a
network of linear layers never loads batchnorm.

Adding a kind: a module in this folder with `ARGS` and `build`, and one line in KINDS. After its numbers an item
may take the words its kind lists: `OPTIONS`, settings with a default written as `word value` pairs ("conv 8 3 pad
1"), and `WORDS`, flags on their own ("attention 16 2 causal") or words with a value. A composite kind
(`transformer`) has `expand(item)`, the items it stands for.

A kind that reads sequences says `SEQUENCES = True`, and one that limits their length has `longest(item)`: the app
reads its named data as sequences of that length for such a stack.
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
    "identity": "activation", "softmax": "activation", "gelu": "activation",
    "batchnorm": "batchnorm",
    "layernorm": "layernorm",
    "dropout": "dropout",
    "embedding": "embedding",
    "flatten": "flatten",
    "rnn": "rnn",
    "lstm": "lstm",
    "last": "last",
    "clip": "clip",
    "conv": "conv",
    "maxpool": "pool",
    "attention": "attention",
    "position": "position",
    "residual": "residual",
    "transformer": "transformer",
}
DETAILS = ("compact", "fine")


class Arg(NamedTuple):
    """A positional number of a layer item: what it is called, its type, the smallest it may be, an example."""

    what: str
    type: type
    example: str
    check: Callable[[float], str | None] = lambda v: None  # a reason the value cannot be, or None


class Option(NamedTuple):
    """A setting of a layer item written as a `word value` pair after its numbers: "stride 2" in "conv 8 3 stride 2"."""

    word: str
    what: str
    type: type
    default: object
    example: str
    check: Callable[[float], str | None] = lambda v: None


class Item(NamedTuple):
    """One parsed item of a layer string: "linear 3" is Item(1, "linear", (3,)); "conv 8 3 pad 1" has the words
    (("pad", 1),) and "attention 16 2 causal" (("causal", None),): only the words the user wrote, in the kind's order."""

    position: int  # counting from 1, as the error messages do
    kind: str
    numbers: tuple = ()
    words: tuple[tuple[str, object], ...] = ()  # (word, value), the value None for a flag
    part_of: str = ""  # for an item a composite expands into, the composite as written: "transformer 16 2"

    @property
    def text(self) -> str:
        words = [w if v is None else f"{w} {_number_text(v)}" for w, v in self.words]
        own = " ".join([self.kind, *(_number_text(n) for n in self.numbers), *words])
        return f"{self.part_of} → {own}" if self.part_of else own

    def has(self, word: str) -> bool:
        return any(w == word for w, _ in self.words)

    def value(self, word: str, default=None):
        return next((v for w, v in self.words if w == word), default)

    def option(self, word: str):
        """The value the user wrote for an option, else the kind's default."""
        if self.has(word):
            return self.value(word)
        return next(o.default for o in getattr(kind(self.kind), "OPTIONS", ()) if o.word == word)


class Param(NamedTuple):
    """A parameter a layer owns: its name, shape in the network's layout, and how its first value is drawn.

    `draw(rng, init)` returns the value; draws happen in stack order from one generator, so a network's seed fixes
    every parameter whatever the layout. `code(init)` gives the same draw as lines of a script that has `rng`.
    """

    name: str
    shape: tuple[int, ...]
    draw: Callable[[np.random.Generator, str], np.ndarray]
    code: Callable[[str], tuple[str, ...]] | None = None  # None: an export writes the first value out exactly


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
    layout: str  # "rows", "columns" or "channels_last"
    bias: str
    detail: str
    grad: str = ""  # the name its backward gives the gradient of its input, when not d + inp (a branch's start)
    earlier: tuple = ()  # the Places before it in the stack, for a layer that reads an earlier name (a residual)

    @property
    def dinp(self) -> str:
        """The name of the gradient of its input that its backward computes: dA1, or dA1_branch where the input
        also skips ahead to a residual add and the two gradients meet later."""
        return self.grad or f"d{self.inp}"


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
    # Operations on the parameters' gradients once backward has made them all, before the update (clip): a function
    # of every parameter's name.
    finish: Callable[[tuple[str, ...]], tuple[Planned, ...]] | None = None
    buffer: int = 0  # numbers per example of the largest array it makes at once (im2col's x_cols), for the budget
    # Backward operations that run once the backward pass has come back `back` items further (a residual add's
    # two paths meeting again, where its skip started); `back` 0 means none.
    joins: tuple[Planned, ...] = ()
    back: int = 0
    pictures: tuple[str, ...] = ()  # names whose values are best seen as heatmaps over their last two axes


def _number_text(n) -> str:
    """A number as the layer string writes it: 0.25, and a whole number without its .0 ("dropout 0")."""
    if isinstance(n, float):
        return str(int(n)) if n.is_integer() else repr(n)
    return str(n)


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
        module = kind(word)
        args = module.ARGS
        known_words = {**{o.word: Arg(o.what, o.type, o.example, o.check) for o in getattr(module, "OPTIONS", ())},
                       **getattr(module, "WORDS", {})}
        given = words[1:]
        count = next((k for k, w in enumerate(given) if w.lower() in known_words), len(given))
        if count > len(args) and known_words and not _numeric(given[len(args)]):
            count = len(args)  # a word after the numbers that the kind does not know: named as such below
        numbers_given, rest = given[:count], given[count:]
        if len(numbers_given) < len(args):
            missing = args[len(numbers_given)]
            raise _expected(position, piece.strip(), f"expected {missing.what}, as in '{missing.example}'")
        if len(numbers_given) > len(args):
            takes = f"takes {len(args)} number{'s' * (len(args) != 1)}" if args else "takes no number"
            example = args[0].example if args else word
            raise _expected(position, piece.strip(), f"{word} {takes}, as in '{example}'; got {' '.join(given)!r} "
                                                     "after it")
        numbers = [_number(position, piece, arg, raw) for arg, raw in zip(args, numbers_given)]
        items.append(Item(position, word, tuple(numbers), _words(position, piece, known_words, rest)))
    return tuple(items)


def _numeric(raw: str) -> bool:
    try:
        float(raw)
    except ValueError:
        return False
    return True


def _number(position: int, piece: str, arg: Arg, raw: str):
    try:
        value = arg.type(raw)
    except ValueError:
        raise _expected(position, piece.strip(), f"expected {arg.what} as a number, as in "
                                                 f"'{arg.example}'; got {raw!r}") from None
    reason = arg.check(value)
    if reason:
        raise _expected(position, piece.strip(), f"{arg.what} {reason}; got {raw}")
    return value


def _words(position: int, piece: str, known: dict, rest: list[str]) -> tuple[tuple[str, object], ...]:
    """The flags and `word value` pairs after an item's numbers, each word known to its kind, none twice."""
    found: list[tuple[str, object]] = []
    k = 0
    while k < len(rest):
        word = rest[k].lower()
        if word not in known and _numeric(word):
            raise _expected(position, piece.strip(), f"the numbers come before the words; got {rest[k]!r} after "
                                                     f"{rest[k - 1]!r}")
        if word not in known:
            takes = f"takes the words {', '.join(known)}" if known else "takes no words"
            raise _expected(position, piece.strip(), f"unknown word {rest[k]!r}; {piece.split()[0].lower()} {takes}")
        if any(w == word for w, _ in found):
            raise _expected(position, piece.strip(), f"{word!r} is given twice; expected it once")
        arg = known[word]
        if arg is None:
            found.append((word, None))
            k += 1
            continue
        if k + 1 >= len(rest) or rest[k + 1].lower() in known:
            raise _expected(position, piece.strip(), f"expected {arg.what} after {word!r}, as in '{arg.example}'")
        found.append((word, _number(position, piece, arg, rest[k + 1])))
        k += 2
    order = list(known)
    return tuple(sorted(found, key=lambda pair: order.index(pair[0])))  # one spelling: the kind's order


def normalised(items: tuple[Item, ...]) -> str:
    return ", ".join(item.text for item in items)


def sequences(items: tuple[Item, ...]) -> tuple[bool, int | None]:
    """Whether a stack reads sequences (a kind of it says SEQUENCES), and the longest it takes (a position table's
    T), None for any length."""
    kinds = [kind(item.kind) for item in items]
    longest = [k.longest(item) for k, item in zip(kinds, items) if hasattr(k, "longest")]
    return any(getattr(k, "SEQUENCES", False) for k in kinds), min(longest, default=None)


def one_answer(items: tuple[Item, ...]) -> bool:
    """Whether a stack answers once per sequence (a kind of it says ONE_ANSWER): its data keep the last step's
    targets alone."""
    return any(getattr(kind(item.kind), "ONE_ANSWER", False) for item in items)


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


def at_least_zero(v) -> str | None:
    return None if v >= 0 else "must be at least 0"


def fraction(v) -> str | None:
    return None if 0 <= v < 1 else "must be in [0, 1)"
