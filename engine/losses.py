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


def _count(positions: int) -> str:
    """What a loss averages over: the m examples, or every time step of each, m · T."""
    return "m" if positions == 1 else f"(m * {positions})"


def softmax_ce(axis: int, positions: int = 1) -> Op:
    """The softmax + cross-entropy loss, over the layout's class axis; with time steps, the mean over all m · T."""
    count = _count(positions)
    return Op(
        f"L = -np.sum({{Y}} * log_softmax({{Z}}, axis={axis})) / {count}",
        f"= −(1/{count.strip('()').replace(' * ', '·')}) Σ {{Y}} log {{A}}, written with {{Z}} so that log never "
        "sees 0",
        lambda c, Y, Z: 0.0 - np.sum(Y * log_softmax(Z, axis=axis)) / (c.m * positions))


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


def fused_gradient(positions: int = 1) -> Op:
    if positions == 1:
        return FUSED_GRADIENT
    return Op(f"{{dZ}} = ({{A}} - {{Y}}) / {_count(positions)}", "the output's derivative cancelling the loss's; "
              f"the loss averages over every time step, m · {positions} in all",
              lambda c, A, Y: (A - Y) / (c.m * positions))


def output_gradient(loss: str, positions: int = 1) -> Op:
    if positions != 1:
        raise ValueError("outputs at every time step are scored with softmax and ce; end the stack with softmax")
    return OUTPUT_GRADIENT[loss]


def loss_op(output: str, loss: str, class_axis: int, positions: int = 1) -> Op:
    if (output, loss) == ("softmax", "ce"):
        return softmax_ce(class_axis, positions)
    if positions != 1:
        raise ValueError(f"outputs at every time step are scored with softmax and ce; got output {output!r} with "
                         f"loss {loss!r}")
    return LOSS[(output, loss)]

