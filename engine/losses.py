"""Losses, each next to its gradient, and when it fuses with the output activation."""

from __future__ import annotations

import numpy as np

from engine.activations import log_sigmoid, log_softmax_kept, softplus
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
        lambda c, Y, Z: 0.0 - np.sum(Y * log_softmax_kept(Z, axis=axis)) / c.m)


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


def softmax_ce_fine(a: int) -> tuple[list[Op], Op, list[Op]]:
    """Softmax with cross-entropy as makemore's backprop exercise steps through it, classes along axis a: the
    max-subtracted logits, their counts, the counts' sum and its inverse, the probabilities and their logs, then
    back through each. The same gradient as (A − Y) / m, one operation at a time. Slots: {Z}, {A}, {Y}, and
    FINE_NAMES with the layer's number, each with its gradient d{...}."""
    keep = f"axis={a}, keepdims=True"
    forward = [
        Op(f"{{maxes}} = {{Z}}.max({keep})", "the largest logit of each example, so exp never overflows",
           lambda c, Z: Z.max(axis=a, keepdims=True)),
        Op("{norm} = {Z} - {maxes}", "", lambda c, Z, maxes: Z - maxes),
        Op("{counts} = np.exp({norm})", "", lambda c, norm: np.exp(norm)),
        Op(f"{{sums}} = {{counts}}.sum({keep})", "", lambda c, counts: counts.sum(axis=a, keepdims=True)),
        Op("{inv} = {sums} ** -1", "", lambda c, sums: sums ** -1.0),
        Op("{A} = {counts} * {inv}", "the probabilities: each example's counts over their sum",
           lambda c, counts, inv: counts * inv),
        Op("{logp} = np.log({A})", "", lambda c, A: np.log(A)),
    ]
    loss = Op("L = -np.sum({Y} * {logp}) / m", "the log-probability of each example's right class, averaged",
              lambda c, Y, logp: 0.0 - np.sum(Y * logp) / c.m)
    backward = [
        Op("{dlogp} = -{Y} / m", "", lambda c, Y: -Y / c.m),
        Op("{dA} = {dlogp} / {A}", "d log A = 1 / A", lambda c, dlogp, A: dlogp / A),
        Op(f"{{dinv}} = ({{counts}} * {{dA}}).sum({keep})", "inv was broadcast across the classes: its gradient "
           "adds them up", lambda c, counts, dA: (counts * dA).sum(axis=a, keepdims=True),
           (("broadcast gradient not summed", "{dinv} = {counts} * {dA}",
             "inv is one number per example, broadcast over its classes, so its gradient adds up what every class "
             "sends back."),)),
        Op("{dsums} = -{sums} ** -2 * {dinv}", "d(1/s) = −1/s²", lambda c, sums, dinv: -(sums ** -2.0) * dinv),
        Op("{dcounts} = {inv} * {dA} + {dsums}", "counts feed A and their sum: the two gradients add",
           lambda c, inv, dA, dsums: inv * dA + dsums,
           (("second path forgotten", "{dcounts} = {inv} * {dA}",
             "counts reach the loss twice, directly and through their sum; the gradient through the sum must be "
             "added too."),)),
        Op("{dnorm} = {counts} * {dcounts}", "d e^x = e^x", lambda c, counts, dcounts: counts * dcounts),
        Op(f"{{dmaxes}} = -{{dnorm}}.sum({keep})", "", lambda c, dnorm: -dnorm.sum(axis=a, keepdims=True)),
        Op("{dZ} = {dnorm} + ({Z} >= {maxes}) * {dmaxes}", "the max passes its gradient to the largest logit "
           "alone; in exact arithmetic it is 0", lambda c, dnorm, Z, maxes, dmaxes: dnorm + (Z >= maxes) * dmaxes),
    ]
    return forward, loss, backward


FINE_NAMES = ("maxes", "norm", "counts", "sums", "inv", "logp")

# The output/loss pairs that detail="fine" steps through one operation at a time.
FINE = {("softmax", "ce"): softmax_ce_fine}


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
