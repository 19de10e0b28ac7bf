"""lstm H: a long short-term memory layer, returning every hidden state, with its gates as events at each step.

Forward at step t, as CS231n's lstm_step_forward: a_t = x_t Wx + h_{t-1} Wh + b holds the four gates' inputs side by
side, i f o g in that order (H each); i, f, o = σ(...), g = tanh(...); c_t = f ⊙ cₜ₋₁ + i ⊙ g and
h_t = o ⊙ tanh(c_t). The columns layout writes the same with the examples as columns, W @ x, as deeplearning.ai's
lstm_cell_forward does (it keeps one W per gate; here the four are the row blocks of one Wx and one Wh).
The forget gate's bias starts at 1 (engine/layers/recurrent.py says why). Backward through time: dh_t = dH[t] + dh_next, dc_t = dh_t ⊙ o ⊙ tanh′(c_t) + dc_next ⊙ fₜ₊₁, then each
gate's gradient, da_t through each gate's derivative, and the step's share added into dWx, dWh and db.
"""

from __future__ import annotations

import numpy as np

from engine.activations import sigmoid
from engine.events import Op, bind
from engine.layers import Arg, Built, Place, positive, recurrent
from engine.layers.rnn import FORGOT_NEXT, LAST, accumulating
from engine.layouts import LAYOUTS

SHORT = "lstm {0}"  # in the status line
ARGS = (Arg("a hidden size", int, "lstm 32", positive),)
PREFIX = "H"
NAMES = (PREFIX, "Wx", "Wh")
SEQUENCES = True  # reads sequences, examples (T, D): data named by the app are read as sequences for it
STARTS_LAYER = True

NO_C_PREV = ("forget gate's gradient without cₜ₋₁", "{df} = {dc}",
             "c_t = f ⊙ cₜ₋₁ + i ⊙ g: the forget gate multiplies the previous cell, so ∂c_t/∂f = cₜ₋₁; "
             "its gradient is dc_t ⊙ cₜ₋₁.")
NO_C_NEXT = ("dc_next forgotten", "{dc} = {dh} * {o} * (1 - np.tanh({c}) ** 2)",
             "c_t also flows into cₜ₊₁ through the forget gate; its gradient adds dcₜ₊₁ ⊙ fₜ₊₁.")

TANH_C = "(1 - np.tanh({c}) ** 2)"
SHARED = dict(
    c0=Op("{c} = {i} * {g}", "the first step: c₋₁ is 0", lambda c_, i, g: i * g),
    c=Op("{c} = {f} * {cp} + {i} * {g}", "forget some of the old cell, write some of the new",
         lambda c_, f, cp, i, g: f * cp + i * g),
    h=Op("{h} = {o} * np.tanh({c})", "", lambda c_, o, c: o * np.tanh(c)),
    dc_last=Op("{dc} = {dh} * {o} * " + TANH_C, "", lambda c_, dh, o, c: dh * o * (1.0 - np.tanh(c) ** 2)),
    dc=Op("{dc} = {dh} * {o} * " + TANH_C + " + {dcn} * {fn}", "from h_t, and from the next cell (dc_next)",
          lambda c_, dh, o, c, dcn, fn: dh * o * (1.0 - np.tanh(c) ** 2) + dcn * fn, (NO_C_NEXT,)),
    do=Op("{do} = {dh} * np.tanh({c})", "", lambda c_, dh, c: dh * np.tanh(c)),
    di=Op("{di} = {dc} * {g}", "", lambda c_, dc, g: dc * g),
    df=Op("{df} = {dc} * {cp}", "", lambda c_, dc, cp: dc * cp, (NO_C_PREV,)),
    df0=Op("{df} = np.zeros_like({f})", "the first step: c₋₁ is 0, so f had nothing to forget",
           lambda c_, f: f * 0.0),
    dg=Op("{dg} = {dc} * {i}", "", lambda c_, dc, i: dc * i),
)
THROUGH = ("{di} * {i} * (1 - {i}), {df} * {f} * (1 - {f}), {do} * {o} * (1 - {o}), {dg} * (1 - {g} ** 2)")


def _through(di, i, df, f, do, o, dg, g, join):
    return join([di * i * (1.0 - i), df * f * (1.0 - f), do * o * (1.0 - o), dg * (1.0 - g * g)])


def _table(layout: str, H: int) -> dict:
    """The layout's own lines: the gates are column blocks of a (m, 4H) in rows, row blocks of a (4H, m) in columns."""
    if layout == "rows":
        blocks = [f"[:, :{H}]", f"[:, {H}:{2 * H}]", f"[:, {2 * H}:{3 * H}]", f"[:, {3 * H}:]"]
        cut = [np.s_[:, :H], np.s_[:, H:2 * H], np.s_[:, 2 * H:3 * H], np.s_[:, 3 * H:]]
        rnn = dict(
            a0=Op("{a} = {x} @ {Wx} + {b}", "the first step: h₋₁ is 0", lambda c, x, Wx, b: x @ Wx + b),
            a=Op("{a} = {x} @ {Wx} + {hp} @ {Wh} + {b}", "the four gates' inputs side by side, i f o g",
                 lambda c, x, Wx, hp, Wh, b: x @ Wx + hp @ Wh + b),
            dh=Op("{dh} = {dout} + {dan} @ {Wh}.T", "from the output at this step, and from the next step (dh_next)",
                  lambda c, dout, dan, Wh: dout + dan @ Wh.T, (FORGOT_NEXT,)),
            da=Op("{da} = np.hstack([" + THROUGH + "])", "through each gate's derivative, side by side",
                  lambda c, *a: _through(*a, np.hstack)),
            dWx=accumulating(Op("{dWx} = {dWx} + {x}.T @ {da}", "", lambda c, dWx, x, da: dWx + x.T @ da),
                             "Wx", "{x}.T @ {da}"),
            dWh=accumulating(Op("{dWh} = {dWh} + {hp}.T @ {da}", "", lambda c, dWh, hp, da: dWh + hp.T @ da),
                             "Wh", "{hp}.T @ {da}"),
            db=Op("{db} = {db} + {da}.sum(axis=0, keepdims=True)", "",
                  lambda c, db, da: db + da.sum(axis=0, keepdims=True)),
            dx=Op("{dx} = {da} @ {Wx}.T", "", lambda c, da, Wx: da @ Wx.T),
        )
    else:
        blocks = [f"[:{H}]", f"[{H}:{2 * H}]", f"[{2 * H}:{3 * H}]", f"[{3 * H}:]"]
        cut = [np.s_[:H], np.s_[H:2 * H], np.s_[2 * H:3 * H], np.s_[3 * H:]]
        rnn = dict(
            a0=Op("{a} = {Wx} @ {x} + {b}", "the first step: h₋₁ is 0", lambda c, Wx, x, b: Wx @ x + b),
            a=Op("{a} = {Wx} @ {x} + {Wh} @ {hp} + {b}", "the four gates' inputs stacked, i f o g",
                 lambda c, Wx, x, Wh, hp, b: Wx @ x + Wh @ hp + b),
            dh=Op("{dh} = {dout} + {Wh}.T @ {dan}", "from the output at this step, and from the next step (dh_next)",
                  lambda c, dout, Wh, dan: dout + Wh.T @ dan, (FORGOT_NEXT,)),
            da=Op("{da} = np.vstack([" + THROUGH + "])", "through each gate's derivative, stacked",
                  lambda c, *a: _through(*a, np.vstack)),
            dWx=accumulating(Op("{dWx} = {dWx} + {da} @ {x}.T", "", lambda c, dWx, da, x: dWx + da @ x.T),
                             "Wx", "{da} @ {x}.T"),
            dWh=accumulating(Op("{dWh} = {dWh} + {da} @ {hp}.T", "", lambda c, dWh, da, hp: dWh + da @ hp.T),
                             "Wh", "{da} @ {hp}.T"),
            db=Op("{db} = {db} + {da}.sum(axis=1, keepdims=True)", "",
                  lambda c, db, da: db + da.sum(axis=1, keepdims=True)),
            dx=Op("{dx} = {Wx}.T @ {da}", "", lambda c, Wx, da: Wx.T @ da),
        )
    gates = {}
    for name, block, part, f in zip("ifog", blocks, cut, (sigmoid, sigmoid, sigmoid, np.tanh)):
        call = "sigmoid" if f is sigmoid else "np.tanh"
        gates[name] = Op("{%s} = %s({a}%s)" % (name, call, block), "",
                         lambda c, a, part=part, f=f: f(a[part]))
    return {**rnn, **gates}


def build(place: Place) -> Built:
    T, D = recurrent.sequence(place)
    H = place.item.numbers[0]
    table, layout, l, t = _table(place.layout, H), place.layout, place.layer, place.tag
    ex = LAYOUTS[layout].example_axis
    Wx, Wh, b, out = f"Wx{t}", f"Wh{t}", f"b{t}", f"H{t}"

    def x(s):
        return recurrent.at(place.inp, s, layout)

    def op(key, phase, **names):
        return bind(SHARED[key] if key in SHARED else table[key], phase, l, ex, **names)

    def added(key, s, **names):  # the first share added to zeros: assigning it is no mistake
        return bind(table[key]._replace(mistakes=()) if s == T - 1 else table[key], "backward", l, ex, **names)

    forward = []
    for s in range(T):
        start = len(forward)
        a, c, h = f"a{s}", f"c{s}", f"h{s}"
        if s == 0:
            forward.append(op("a0", "forward", a=a, x=x(0), Wx=Wx, b=b))
        else:
            forward.append(op("a", "forward", a=a, x=x(s), Wx=Wx, hp=f"h{s - 1}", Wh=Wh, b=b))
        forward += [op(g, "forward", a=a, **{g: f"{g}{s}"}) for g in "ifog"]
        gates = {g: f"{g}{s}" for g in "ifog"}
        if s == 0:
            forward.append(op("c0", "forward", c=c, i=gates["i"], g=gates["g"]))
        else:
            forward.append(op("c", "forward", c=c, cp=f"c{s - 1}", **gates))
        forward.append(op("h", "forward", h=h, o=gates["o"], c=c))
        recurrent.timed(forward, start, s)
    forward.append(recurrent.stack(out, [f"h{s}" for s in range(T)], layout, "forward", l))

    backward = recurrent.zeros(place, (Wx, Wh, b))
    for s in reversed(range(T)):
        start = len(backward)
        gates = {g: f"{g}{s}" for g in "ifog"}
        grads = {f"d{g}": f"d{g}{s}" for g in "ifog"}
        dh, dc, da, c = f"dh{s}", f"dc{s}", f"da{s}", f"c{s}"
        dout = recurrent.at(f"d{out}", s, layout)
        if s == T - 1:
            backward.append(bind(LAST, "backward", l, ex, dh=dh, dout=dout))
            backward.append(op("dc_last", "backward", dc=dc, dh=dh, o=gates["o"], c=c))
        else:
            backward.append(op("dh", "backward", dh=dh, dout=dout, dan=f"da{s + 1}", Wh=Wh))
            backward.append(op("dc", "backward", dc=dc, dh=dh, o=gates["o"], c=c, dcn=f"dc{s + 1}",
                               fn=f"f{s + 1}"))
        backward.append(op("do", "backward", do=grads["do"], dh=dh, c=c))
        backward.append(op("di", "backward", di=grads["di"], dc=dc, g=gates["g"]))
        if s:
            backward.append(op("df", "backward", df=grads["df"], dc=dc, cp=f"c{s - 1}"))
        else:
            backward.append(op("df0", "backward", df=grads["df"], f=gates["f"], dc=dc))
        backward.append(op("dg", "backward", dg=grads["dg"], dc=dc, i=gates["i"]))
        backward.append(op("da", "backward", da=da, **gates, **grads))
        backward.append(added("dWx", s, dWx=f"d{Wx}", x=x(s), da=da))
        if s:
            backward.append(added("dWh", s, dWh=f"d{Wh}", hp=f"h{s - 1}", da=da))
        backward.append(op("db", "backward", db=f"d{b}", da=da))
        if not place.first:
            backward.append(op("dx", "backward", dx=f"dx{s}", da=da, Wx=Wx))
        recurrent.timed(backward, start, s)
    if not place.first:
        backward.append(recurrent.stack(f"d{place.inp}", [f"dx{s}" for s in range(T)], layout, "backward", l))
    floats = T * (24 * H + 2 * D)  # a and da (4H each), the gates and their gradients, c, h, H, dH, dh, dc; x, dx
    return Built(out, (T, H), recurrent.params(place, D, 4 * H, forget=slice(H, 2 * H)), tuple(forward), tuple(backward), floats)
