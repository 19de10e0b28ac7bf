"""The activations as layers (sigmoid, tanh, relu, leaky_relu, identity, softmax): A = f(Z) forward, and
dZ = dA ⊙ f′ backward, each Op beside its derivative in engine/activations.py."""

from __future__ import annotations

from engine import activations
from engine.events import bind
from engine.layers import Built, Place
from engine.layouts import LAYOUTS

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
        if len(place.shape) != 1 and (place.layout != "rows" or len(place.shape) != 2):
            raise ValueError(f"item {place.item.position} 'softmax': softmax takes examples with one axis of classes, "
                             f"or in the rows layout (T, classes) for every time step, and these are {place.shape}")
        op = activations.FORWARD[f"softmax_{place.layout}"] if len(place.shape) == 1 else activations.SOFTMAX_STEPS
        axes = axes if len(place.shape) == 1 else ("examples", "time", "classes")
        forward = bind(op, "forward", l, axes, A=A, Z=Z)
        backward = ()  # only ever last and fused with cross-entropy: dZ = (A − Y) / m
    else:
        forward = bind(activations.FORWARD[name], "forward", l, axes, A=A, Z=Z)
        backward = () if place.first else (
            bind(activations.DERIVATIVE[name], "backward", l, axes, dZ=place.dinp, dA=f"d{A}", A=A, Z=Z),)
    return Built(A, place.shape, (), (forward,), backward, 0, activation=name)
