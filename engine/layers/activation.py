"""The activations as layers (sigmoid, tanh, relu, leaky_relu, gelu, identity, softmax): A = f(Z) forward, and
dZ = dA ⊙ f′ backward, each Op beside its derivative in engine/activations.py."""

from __future__ import annotations

from engine import activations
from engine.events import bind
from engine.layers import Built, Place
from engine.layouts import LAYOUTS

SHORT = "{kind}"  # in the status line
ARGS = ()
PREFIX = "A"
STARTS_LAYER = False
SEQUENCE_AXES = ("examples", "time", "features")  # (m, T, D) in the rows layout


def build(place: Place) -> Built:
    name, l = place.item.kind, place.layer
    lay = LAYOUTS[place.layout]
    A, Z = f"A{place.tag}", place.inp
    axes = lay.example_axis if len(place.shape) == 1 else SEQUENCE_AXES
    if name == "softmax":
        if not place.last:
            raise ValueError(f"item {place.item.position} 'softmax': softmax makes the output's probabilities, so it "
                             "comes last, where cross-entropy reads it")
        if len(place.shape) > 2:
            raise ValueError(f"item {place.item.position} 'softmax': softmax takes examples with one axis of classes, "
                             f"or a sequence of them (T, classes), and these are {place.shape}")
        op = (activations.FORWARD[f"softmax_{place.layout}"] if len(place.shape) == 1
              else activations.softmax_along(lay.classes_axis(place.shape)))
        forward = bind(op, "forward", l, lay.example_axis, A=A, Z=Z)
        backward = ()  # only ever last and fused with cross-entropy: dZ = (A − Y) / m
    else:
        forward = bind(activations.FORWARD[name], "forward", l, axes, A=A, Z=Z)
        backward = () if place.first else (
            bind(activations.DERIVATIVE[name], "backward", l, axes, dZ=place.dinp, dA=f"d{A}", A=A, Z=Z),)
    return Built(A, place.shape, (), (forward,), backward, 0, activation=name)
