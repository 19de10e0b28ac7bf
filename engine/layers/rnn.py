"""rnn H: a vanilla recurrent layer, h_t = tanh(x_t Wx + h_{t-1} Wh + b), returning every hidden state.

Forward is two events a step, z_t and h_t = tanh(z_t), then H, the stack of every h_t: (m, T, H) as CS231n's
rnn_forward returns it, or (H, m, T) as deeplearning.ai's rnn_forward returns a. Backward through time runs the steps
in reverse: dh_t = dH[t] + the gradient coming back from step t+1 (dh_next), then dz_t through tanh′, and each
step's share added into dWx, dWh and db, which every step uses.
"""

from __future__ import annotations

import numpy as np

from engine.events import Op, bind
from engine.layers import Arg, Built, Place, positive, recurrent
from engine.layouts import LAYOUTS

SHORT = "rnn {0}"  # in the status line
ARGS = (Arg("a hidden size", int, "rnn 32", positive),)
PREFIX = "H"
NAMES = (PREFIX, "Wx", "Wh")
SEQUENCES = True  # reads sequences, examples (T, D): data named by the app are read as sequences for it
STARTS_LAYER = True

FORGOT_NEXT = ("dh_next forgotten", "{dh} = {dout}",
               "h_t feeds two things: the output at step t and the next step. Its gradient is the sum of both; "
               "without dh_next nothing flows back through time, and every step learns from its own output alone.")
FROM_Z = ("tanh′ of the pre-activation", "{dz} = {dh} * (1 - {z} ** 2)",
          "tanh′(z) = 1 − tanh(z)², which is 1 − h² with h = tanh(z); 1 − z² squares the pre-activation itself.")
DZ = Op("{dz} = {dh} * (1 - {h} ** 2)", "tanh′({z}), written with the output {h}",
        lambda c, dh, h: dh * (1.0 - h * h), (FROM_Z,))


# Each layout's forward and backward for one step, in its course's own convention.
ROWS = dict(
    z0=Op("{z} = {x} @ {Wx} + {b}", "the first step: h₋₁ is 0", lambda c, x, Wx, b: x @ Wx + b),
    z=Op("{z} = {x} @ {Wx} + {hp} @ {Wh} + {b}", "{hp} carries the past",
         lambda c, x, Wx, hp, Wh, b: x @ Wx + hp @ Wh + b),
    dh=Op("{dh} = {dout} + {dzn} @ {Wh}.T", "from the output at this step, and from the next step (dh_next)",
          lambda c, dout, dzn, Wh: dout + dzn @ Wh.T, (FORGOT_NEXT,)),
    dWx=Op("{dWx} = {dWx} + {x}.T @ {dz}", "", lambda c, dWx, x, dz: dWx + x.T @ dz),
    dWh=Op("{dWh} = {dWh} + {hp}.T @ {dz}", "", lambda c, dWh, hp, dz: dWh + hp.T @ dz),
    db=Op("{db} = {db} + {dz}.sum(axis=0, keepdims=True)", "", lambda c, db, dz: db + dz.sum(axis=0, keepdims=True)),
    dx=Op("{dx} = {dz} @ {Wx}.T", "", lambda c, dz, Wx: dz @ Wx.T),
    share=dict(dWx="{x}.T @ {dz}", dWh="{hp}.T @ {dz}"),
)
COLUMNS = dict(
    z0=Op("{z} = {Wx} @ {x} + {b}", "the first step: h₋₁ is 0", lambda c, Wx, x, b: Wx @ x + b),
    z=Op("{z} = {Wx} @ {x} + {Wh} @ {hp} + {b}", "{hp} carries the past",
         lambda c, Wx, x, Wh, hp, b: Wx @ x + Wh @ hp + b),
    dh=Op("{dh} = {dout} + {Wh}.T @ {dzn}", "from the output at this step, and from the next step (dh_next)",
          lambda c, dout, Wh, dzn: dout + Wh.T @ dzn, (FORGOT_NEXT,)),
    dWx=Op("{dWx} = {dWx} + {dz} @ {x}.T", "", lambda c, dWx, dz, x: dWx + dz @ x.T),
    dWh=Op("{dWh} = {dWh} + {dz} @ {hp}.T", "", lambda c, dWh, dz, hp: dWh + dz @ hp.T),
    db=Op("{db} = {db} + {dz}.sum(axis=1, keepdims=True)", "", lambda c, db, dz: db + dz.sum(axis=1, keepdims=True)),
    dx=Op("{dx} = {Wx}.T @ {dz}", "", lambda c, Wx, dz: Wx.T @ dz),
    share=dict(dWx="{dz} @ {x}.T", dWh="{dz} @ {hp}.T"),
)
TABLES = {"rows": ROWS, "columns": COLUMNS}
H_OF_Z = Op("{h} = np.tanh({z})", "", lambda c, z: np.tanh(z))
LAST = Op("{dh} = {dout}", "the last step: no step after it", lambda c, dout: dout)


def accumulating(op: Op, P: str, share: str) -> Op:
    """The accumulation with its mistake: this step's share assigned, the sum over time lost."""
    lesson = (f"{P} is used at every time step, so its gradient is the sum of every step's share; assigning keeps "
              "only the last step backprop reaches, t = 0 (or 1).")
    return op._replace(mistakes=((f"d{P} assigned instead of accumulated", "{d%s} = %s" % (P, share), lesson),))


def build(place: Place) -> Built:
    T, D = recurrent.sequence(place)
    H = place.item.numbers[0]
    lay, table, layout, l, t = LAYOUTS[place.layout], TABLES[place.layout], place.layout, place.layer, place.tag
    ex = lay.example_axis
    Wx, Wh, b, out = f"Wx{t}", f"Wh{t}", f"b{t}", f"H{t}"
    dWx = accumulating(table["dWx"], "Wx", table["share"]["dWx"])
    dWh = accumulating(table["dWh"], "Wh", table["share"]["dWh"])
    first = {dWx: table["dWx"], dWh: table["dWh"]}  # the first share added to zeros: assigning it is no mistake

    def x(s):
        return recurrent.at(place.inp, s, layout)

    forward = []
    for s in range(T):
        start = len(forward)
        if s == 0:
            forward.append(bind(table["z0"], "forward", l, ex, z="z0", x=x(0), Wx=Wx, b=b))
        else:
            forward.append(bind(table["z"], "forward", l, ex, z=f"z{s}", x=x(s), Wx=Wx, hp=f"h{s - 1}", Wh=Wh, b=b))
        forward.append(bind(H_OF_Z, "forward", l, ex, h=f"h{s}", z=f"z{s}"))
        recurrent.timed(forward, start, s)
    forward.append(recurrent.stack(out, [f"h{s}" for s in range(T)], layout, "forward", l))

    backward = recurrent.zeros(place, (Wx, Wh, b))
    for s in reversed(range(T)):
        start = len(backward)
        dout = recurrent.at(f"d{out}", s, layout)
        if s == T - 1:
            backward.append(bind(LAST, "backward", l, ex, dh=f"dh{s}", dout=dout))
        else:
            backward.append(bind(table["dh"], "backward", l, ex, dh=f"dh{s}", dout=dout, dzn=f"dz{s + 1}", Wh=Wh))
        backward.append(bind(DZ, "backward", l, ex, dz=f"dz{s}", dh=f"dh{s}", h=f"h{s}", z=f"z{s}"))
        backward.append(bind(dWx if s < T - 1 else first[dWx], "backward", l, ex, dWx=f"d{Wx}", x=x(s), dz=f"dz{s}"))
        if s:
            backward.append(bind(dWh if s < T - 1 else first[dWh], "backward", l, ex, dWh=f"d{Wh}", hp=f"h{s - 1}",
                                 dz=f"dz{s}"))
        backward.append(bind(table["db"], "backward", l, ex, db=f"d{b}", dz=f"dz{s}"))
        if not place.first:
            backward.append(bind(table["dx"], "backward", l, ex, dx=f"dx{s}", dz=f"dz{s}", Wx=Wx))
        recurrent.timed(backward, start, s)
    if not place.first:
        backward.append(recurrent.stack(f"d{place.inp}", [f"dx{s}" for s in range(T)], layout, "backward", l))
    floats = T * (6 * H + 2 * D)  # z, h, H, dH, dh, dz each step, and x and dx
    return Built(out, (T, H), recurrent.params(place, D, H), tuple(forward), tuple(backward), floats)
