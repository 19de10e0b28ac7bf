"""embedding V D: each integer id picks its row of the table E (V, D), so ids (m, T) become (m, T, D).

Backward scatters each example's gradient back to the row it came from with np.add.at, so an id that repeats in a
batch adds up its gradients; assigning instead (dE[X] = demb) keeps only the last one, the classic bug.
"""

from __future__ import annotations

import numpy as np

from engine.events import Op, bind
from engine.layers import Arg, Built, Param, Place, positive

SHORT = "emb {0}×{1}"  # in the status line
ARGS = (Arg("a vocabulary size", int, "embedding 27 10", positive),
        Arg("a dimension", int, "embedding 27 10", positive))
PREFIX = "emb"
NAMES = (PREFIX, "E")
STARTS_LAYER = True

FORWARD = Op("{emb} = {E}[{X}]", "each id picks its row of {E}", lambda c, E, X: E[X])
ZEROS = Op("{dE} = np.zeros_like({E})", "", lambda c, E: np.zeros_like(E))


def _add_at(c, dE, X, demb):
    # A step's events are read-only, and the zeros stay on screen: the scatter writes into a copy. Training alone
    # makes no events, and scatters in place, as the learner's line does.
    out = dE if dE.flags.writeable else dE.copy()
    np.add.at(out, X, demb)
    return out


SCATTER = Op("np.add.at({dE}, {X}, {demb})", "ids that repeat in the batch add up their rows' gradients", _add_at,
             (("assigned instead of added", "{dE}[{X}] = {demb}",
               "Where an id repeats in the batch, assignment keeps only the last of its gradients; np.add.at adds "
               "them all."),))


def build(place: Place) -> Built:
    V, D = place.item.numbers
    where = f"item {place.item.position} '{place.item.text}'"
    if not place.first:
        raise ValueError(f"{where}: an embedding reads the token ids of the data, so it comes first")
    if place.layout != "rows":
        raise ValueError(f"{where}: embeddings are written in the rows layout, ids (m, T) becoming (m, T, D); "
                         "choose layout rows")
    if len(place.shape) != 1:
        raise ValueError(f"{where}: an embedding reads examples of T ids, shape (T,); these are {place.shape}")
    l, t = place.layer, place.tag
    E, emb = f"E{t}", f"emb{t}"

    def draw(rng, init):
        return rng.normal(0.0, 1.0, (V, D))

    def code(init):
        return (f"{E} = rng.normal(0.0, 1.0, ({V}, {D}))  # -> ({V}, {D}), one row of {D} numbers per id",)

    forward = (bind(FORWARD, "forward", l, 0, emb=emb, E=E, X=place.inp),)
    backward = (bind(ZEROS, "backward", l, 0, dE=f"d{E}", E=E),
                bind(SCATTER, "backward", l, 0, dE=f"d{E}", X=place.inp, demb=f"d{emb}"))
    T = place.shape[0]
    return Built(emb, (T, D), (Param(E, (V, D), draw, code),), forward, backward, 2 * T * D, ids=V)
