"""Losses, each next to its gradient, and when it fuses with the output activation."""

from __future__ import annotations

import numpy as np

from engine.activations import log_sigmoid, log_softmax, softplus
from engine.events import Op

NAMES = ("bce", "ce", "mse")

# Which outputs each loss accepts; a log-loss needs outputs inside (0, 1).
ACCEPTS = {"bce": ("sigmoid",), "ce": ("softmax", "sigmoid"), "mse": ("identity", "sigmoid")}

# The output/loss pairs whose ∂L/∂Z collapses to (A − Y) / m.
FUSED = {("sigmoid", "bce"), ("softmax", "ce"), ("identity", "mse")}
PAIRED = {output: loss for output, loss in FUSED}  # the loss each output activation is usually trained with

_TINY = np.finfo(np.float64).tiny

# Slots: {Z}, {A} of the output layer. Log-losses read Z, so log never sees a 0.
LOSS = {
    ("sigmoid", "bce"): Op(
        "L = np.sum(np.logaddexp(0, {Z}) - {Y} * {Z}) / m",
        "= −(1/m) Σ [{Y} log {A} + (1 − {Y}) log(1 − {A})], written with {Z} so that log never sees 0",
        lambda c, Z, Y: np.sum(softplus(Z) - Y * Z) / c.m),
    ("sigmoid", "ce"): Op(
        "L = -np.sum({Y} * log_sigmoid({Z})) / m",
        "= −(1/m) Σ {Y} log {A}, written with {Z} so that log never sees 0",
        lambda c, Y, Z: 0.0 - np.sum(Y * log_sigmoid(Z)) / c.m),
    ("identity", "mse"): Op(
        "L = 0.5 * np.sum(({A} - {Y}) ** 2) / m",
        "",
        lambda c, A, Y: 0.5 * np.sum((A - Y) ** 2) / c.m),
    ("sigmoid", "mse"): Op(
        "L = 0.5 * np.sum(({A} - {Y}) ** 2) / m",
        "",
        lambda c, A, Y: 0.5 * np.sum((A - Y) ** 2) / c.m),
}


def softmax_ce(axis: int) -> Op:
    """The softmax + cross-entropy loss, over the layout's class axis."""
    return Op(
        f"L = -np.sum({{Y}} * log_softmax({{Z}}, axis={axis})) / m",
        "= −(1/m) Σ {Y} log {A}, written with {Z} so that log never sees 0",
        lambda c, Y, Z: 0.0 - np.sum(Y * log_softmax(Z, axis=axis)) / c.m)


FUSED_GRADIENT = Op(
    "{dZ} = ({A} - {Y}) / m",
    "the output's derivative cancelling the loss's",
    lambda c, A, Y: (A - Y) / c.m)

# Unfused: ∂L/∂A first; the output activation's derivative then gives ∂L/∂Z.
OUTPUT_GRADIENT = {
    "ce": Op("{dA} = -{Y} / {A} / m", "",
             lambda c, Y, A: -Y / np.maximum(A, _TINY) / c.m),
    "mse": Op("{dA} = ({A} - {Y}) / m", "",
              lambda c, A, Y: (A - Y) / c.m),
}


def loss_op(output: str, loss: str, class_axis: int) -> Op:
    if (output, loss) == ("softmax", "ce"):
        return softmax_ce(class_axis)
    return LOSS[(output, loss)]



class _Positions:
    """The step's scalars with m counting every scored position: m·T predictions for m sequences of T."""

    __slots__ = ("m", "lr")

    def __init__(self, c, positions: int):
        self.m = c.m * positions
        self.lr = c.lr


def over(op: Op, positions: int) -> Op:
    """A loss or its gradient as the mean over m·T predictions, when each example has T positions: "/ m" becomes
    "/ (m * T)" with T written out."""
    if positions == 1:
        return op
    fn = op.fn
    return op._replace(formula=op.formula.replace("/ m", f"/ (m * {positions})"),
                       fn=lambda c, *arrays: fn(_Positions(c, positions), *arrays))
