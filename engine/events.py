"""Event: one matrix operation of a training step, with its formula, chain-rule term, operands and value."""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from engine.doctor import render, rules

PHASES = ("forward", "loss", "backward", "update")

# The plan's records are NamedTuples: as immutable as frozen dataclasses, and a tenth of the cost to define, which
# every start-up pays.


class Op(NamedTuple):
    """An operation as its NumPy line, next to the function computing it; the maths is rendered from the line.

    Templates use named slots ({Z}, {A}, {W}, ...) that a network fills with layer names ("Z1", "A0", "W1").
    `note` says in words what the code cannot, e.g. "{b} broadcast down the m rows"; it may be empty.
    `fn(ctx, *arrays)` computes the value; ctx carries the scalars m and lr.
    """

    formula: str
    note: str
    fn: Callable[..., np.ndarray]
    # Break it's mistakes that belong to this line alone, beyond those read off any formula (a missing transpose,
    # a sum over the wrong axis): (what the mistake is called, the wrong line with the same slots, the lesson).
    mistakes: tuple[tuple[str, str, str], ...] = ()
    # For a product A @ B: spot(result shape, names of A, B and the result) -> (r, c, equation, words), one entry of
    # the result worth following, row r of A times column c of B, and what that entry is (a filter on one window).
    spot: Callable[[tuple[int, ...], tuple[str, str, str]], tuple[int, int, str, str]] | None = None


class Input(NamedTuple):
    """One operand of a planned operation: a name in the step's namespace, optionally sliced."""

    key: str
    label: str
    index: object = None


class Planned(NamedTuple):
    """An Op bound to one layer's names: what a step will compute, in what order."""

    phase: str
    layer: int
    name: str
    formula: str
    # lets a sum say "over examples (rows)"; a tuple names every axis, ("examples", "heads", "queries", "keys")
    example_axis: int | tuple[str, ...] | None
    note: str
    inputs: tuple[Input, ...]
    fn: Callable[..., np.ndarray]
    frees: tuple[str, ...] = ()  # names no later operation reads, released once this one has run
    mistakes: tuple[tuple[str, str, str], ...] = ()  # the Op's own mistakes, bound to the same names
    time: int | None = None  # the time step of a recurrent layer's operation (h3: 3); None outside time
    spot: Callable[[tuple[int, ...], tuple[str, str, str]], tuple[int, int, str, str]] | None = None  # as Op.spot

    # The term and rule are rendered from the formula when first read (render caches them): a step's plan is made
    # at start-up, where only the event on screen needs its maths.
    @property
    def term(self) -> str:
        """The maths of the formula: "∂L/∂W2 = A1ᵀ · ∂L/∂Z2"."""
        return render.term(self.formula, self.example_axis)

    @property
    def rule(self) -> str:
        """The shape rule over operand positions: "{0}ᵀ @ {1}"."""
        return render.rule(self.formula, tuple(i.label for i in self.inputs), self.example_axis)


def bind(op: Op, phase: str, layer: int, example_axis: int | tuple[str, ...] | None = None,
         **names: str | Input) -> Planned:
    """Fill an Op's slots with concrete names; the filled line's term and shape rule render from it when read.

    The formula's left side names the result; its operands are the slots on the right, in order of appearance,
    which is also the order `fn` takes them in. `example_axis` (0 for rows, 1 for columns) lets a sum say
    "over examples (rows)".
    """
    labels = {k: (v.label if isinstance(v, Input) else v) for k, v in names.items()}
    head, assigns, rhs = op.formula.partition(" = ")
    if not assigns:  # a statement that changes its first operand in place: np.add.at(dE1, X, demb1)
        rhs = head
    used = sorted((rhs.index("{" + k + "}"), k) for k in names if "{" + k + "}" in rhs)
    inputs = tuple(names[k] if isinstance(names[k], Input) else Input(names[k], names[k]) for _, k in used)
    formula = op.formula.format(**labels)
    name = formula.partition(" = ")[0] if assigns else inputs[0].key
    mistakes = tuple((kind, wrong.format(**labels), lesson.format(**labels)) for kind, wrong, lesson in op.mistakes)
    return Planned(phase, layer, name, formula, example_axis, op.note.format(**labels), inputs, op.fn, (), mistakes,
                   spot=op.spot)


class Event:
    """One computed operation: `value` is the very array the step used, read-only."""

    __slots__ = ("index", "step", "planned", "value", "arrays")

    def __init__(self, index: int, step: int, planned: Planned, value: np.ndarray, arrays: tuple):
        self.index = index
        self.step = step
        self.planned = planned
        self.value = value
        self.arrays = arrays

    phase = property(lambda self: self.planned.phase)
    layer = property(lambda self: self.planned.layer)
    name = property(lambda self: self.planned.name)
    formula = property(lambda self: self.planned.formula)
    term = property(lambda self: self.planned.term)
    rule = property(lambda self: self.planned.rule)
    note = property(lambda self: self.planned.note)
    time = property(lambda self: self.planned.time)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.value.shape

    @property
    def operands(self) -> tuple[tuple[str, tuple[int, ...]], ...]:
        return tuple((i.label, a.shape) for i, a in zip(self.planned.inputs, self.arrays))

    @property
    def shape_rule(self) -> str:
        """The rule with shapes filled in, e.g. "(2, 4) @ (4, 3) + (1, 3) → (2, 3)"."""
        left = self.rule.format(*(str(a.shape) for a in self.arrays))
        return f"{left} → {self.value.shape}"

    @property
    def marks(self) -> dict[int, dict[int, str]]:
        """Which operand dimensions must agree ("inner") or broadcast, by operand position and axis."""
        return rules.marks(self.rule, [a.shape for a in self.arrays], self.value.shape)

    def __repr__(self) -> str:
        return f"<Event {self.index} {self.phase} {self.formula!r} -> {self.shape}>"
