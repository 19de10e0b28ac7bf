"""conv F K (stride S, pad P): a convolution as its real matrix operations, im2col as CS231n writes it.

Forward pads the input, lays every K×K window out as one column of x_cols (CS231n's im2col, by fancy indexing with
the index arrays k, i, j that get_im2col_indices builds), reshapes each filter into a row of W_col, multiplies, adds
the bias, and reshapes the product back into images. Backward runs the same way in reverse; col2im scatters each
column back onto the pixels of its window with np.add.at, so pixels that overlapping windows share add up.

The rows layout is CS231n's (m, C, H, W), W (F, C, K, K); channels_last is deeplearning.ai's (m, H, W, C),
W (K, K, C, F). The reshape and transpose orders are where the two differ, and each is written in its own course's
order below rather than derived from the other: with channels last, a window's numbers and the examples both come
out in the order reshape wants, so no transpose is needed.
"""

from __future__ import annotations

import numpy as np

from engine.events import Op, bind
from engine.layers import Arg, Built, Option, Param, Place, at_least_zero, positive
from engine.layers import windows

ARGS = (Arg("a number of filters", int, "conv 8 3", positive),
        Arg("a kernel size", int, "conv 8 3", positive))
OPTIONS = (Option("stride", "a stride", int, 1, "conv 8 3 stride 2", positive),
           Option("pad", "a padding", int, 0, "conv 8 3 pad 1", at_least_zero))
PREFIX = "Z"
SHORT = "conv {0}@{1}×{1}"  # F filters of K×K
NAMES = (PREFIX, "W", "b", "x_pad", "x_cols", "W_col", "res", "out", "k", "i", "j")
STARTS_LAYER = True

_SPLIT_LESSON = ("Overlapping windows share input pixels: each pixel must gather the gradient of every window it sits "
                 "in. Assignment keeps only the last window's; np.add.at adds them all. It runs and has the right "
                 "shape: only the values are wrong, wherever windows overlap.")
_ORDER_LESSON = ("x_cols lays each window out in one order ({order}); W must be flattened in that same order, or "
                 "each weight multiplies another weight's pixel. It runs and has the right shape, so nothing tells "
                 "you: only the values are wrong.")
_PADDING = ("kept the padding", "{dA} = {dxp}",
            "The padded border is zeros with no input behind them, so its gradient goes nowhere: cut P rows and "
            "columns off each side, or the gradient has the padded shape.")


def _spot(Ho: int, Wo: int, columns: bool):
    """The product's entry for filter 0 on window 1, and where it lands: windows run over (H', W', m) as columns, or
    over (m, H', W') as rows."""
    def spot(shape: tuple[int, ...], names: tuple[str, str, str]) -> tuple[int, int, str, str]:
        a, b, res = names
        p = 1 if (shape[1] if columns else shape[0]) > 1 else 0
        if columns:
            m = shape[1] // (Ho * Wo)
            e, h, w = p % m, p // m // Wo, p // m % Wo
            r, c, where = 0, p, f"[{e}, 0, {h}, {w}]"
        else:
            e, h, w = p // (Ho * Wo), p // Wo % Ho, p % Wo
            r, c, where = p, 0, f"[{e}, {h}, {w}, 0]"
        return (r, c, f"{res}[{r}, {c}] = {a}[{r}, :] · {b}[:, {c}]",
                f"filter 0 on window {p} → output {where}")
    return spot


def rows_table(g: windows.Geometry, F: int) -> dict[str, Op]:
    """CS231n's conv_forward_im2col and conv_backward_im2col, for X (m, C, H, W) and W (F, C, K, K)."""
    C, K, P, Ho, Wo, size = g.C, g.K, g.P, g.Ho, g.Wo, g.note()
    n = C * K * K
    return dict(
        pad=Op(f"{{xp}} = np.pad({{A}}, ((0, 0), (0, 0), ({P}, {P}), ({P}, {P})))",
               f"{P} zero{'s' * (P != 1)} around each image's rows and columns",
               lambda c, A: np.pad(A, ((0, 0), (0, 0), (P, P), (P, P)))),
        cols=Op(f"{{xc}} = {{xp}}[:, {{k}}, {{i}}, {{j}}].transpose(1, 2, 0).reshape({n}, -1)",
                f"im2col: each of the m·{Ho}·{Wo} windows as a column of C·K·K = {n} numbers",
                lambda c, xp, k, i, j: xp[:, k, i, j].transpose(1, 2, 0).reshape(n, -1)),
        W_col=Op(f"{{Wc}} = {{W}}.reshape({F}, -1)", f"each filter as a row of C·K·K = {n}, in x_cols' order",
                 lambda c, W: W.reshape(F, -1),
                 (("reshaped W in another order than im2col's",
                   f"{{Wc}} = {{W}}.transpose(0, 1, 3, 2).reshape({F}, -1)",
                   _ORDER_LESSON.format(order="channel, kernel row, kernel column")),)),
        res=Op("{res} = {Wc} @ {xc}", "row f of W_col times column p of x_cols: filter f on window p",
               lambda c, Wc, xc: Wc @ xc, spot=_spot(Ho, Wo, columns=True)),
        out=Op("{out} = {res} + {b}.reshape(-1, 1)", "one bias per filter, broadcast across the m·H'·W' columns",
               lambda c, res, b: res + b.reshape(-1, 1)),
        Z=Op(f"{{Z}} = {{out}}.reshape({F}, {Ho}, {Wo}, m).transpose(3, 0, 1, 2)",
             f"{size}; the columns ran over (H', W', m), so m comes to the front",
             lambda c, out: out.reshape(F, Ho, Wo, c.m).transpose(3, 0, 1, 2),
             (("the output size off by one",
               f"{{Z}} = {{out}}.reshape({F}, {Ho - 1}, {Wo - 1}, m).transpose(3, 0, 1, 2)",
               "H' = (H + 2P − K)/S + 1: without the + 1 the output is one row and one column short, and the "
               "reshape cannot hold every column of the product."),)),
        db=Op("{db} = {dZ}.sum(axis=(0, 2, 3))", "over the examples and every position: one sum per filter",
              lambda c, dZ: dZ.sum(axis=(0, 2, 3)),
              (("summed over the wrong axes", "{db} = {dZ}.sum(axis=(0, 1, 2))",
                "db has one entry per filter, and the filters run along axis 1 of dZ (m, F, H', W'): sum over "
                "every other axis, (0, 2, 3)."),)),
        dout=Op(f"{{dout}} = {{dZ}}.transpose(1, 2, 3, 0).reshape({F}, -1)", "back into the columns' order (H', W', m)",
                lambda c, dZ: dZ.transpose(1, 2, 3, 0).reshape(F, -1)),
        dW_col=Op("{dWc} = {dout} @ {xc}.T", "", lambda c, dout, xc: dout @ xc.T),
        dW=Op(f"{{dW}} = {{dWc}}.reshape({F}, {C}, {K}, {K})", "each row back into a filter (C, K, K)",
              lambda c, dWc: dWc.reshape(F, C, K, K),
              (("reshaped dW in another order than im2col's",
                f"{{dW}} = {{dWc}}.reshape({F}, {C}, {K}, {K}).transpose(0, 1, 3, 2)",
                _ORDER_LESSON.format(order="channel, kernel row, kernel column")),)),
        dx_cols=Op("{dxc} = {Wc}.T @ {dout}", "", lambda c, Wc, dout: Wc.T @ dout),
        zeros=Op("{dxp} = np.zeros_like({xp})", "", lambda c, xp: np.zeros_like(xp)),
        col2im=Op(f"np.add.at({{dxp}}, (slice(None), {{k}}, {{i}}, {{j}}), "
                  f"{{dxc}}.reshape({n}, -1, m).transpose(2, 0, 1))",
                  "col2im: each column back onto its window's pixels; pixels that windows share add up",
                  lambda c, dxp, k, i, j, dxc: windows.add_at(dxp, (slice(None), k, i, j),
                                                              dxc.reshape(n, -1, c.m).transpose(2, 0, 1)),
                  (("col2im by assignment instead of accumulation",
                    f"{{dxp}}[:, {{k}}, {{i}}, {{j}}] = {{dxc}}.reshape({n}, -1, m).transpose(2, 0, 1)",
                    _SPLIT_LESSON),)),
        crop=Op(f"{{dA}} = {{dxp}}[:, :, {P}:-{P}, {P}:-{P}]", "the padding had no input behind it: cut it off",
                lambda c, dxp: dxp[:, :, P:-P, P:-P], (_PADDING,)),
    )


def channels_last_table(g: windows.Geometry, F: int) -> dict[str, Op]:
    """deeplearning.ai's layout, X (m, H, W, C) and W (K, K, C, F), with the same algorithm: a window per row."""
    C, K, P, Ho, Wo, size = g.C, g.K, g.P, g.Ho, g.Wo, g.note()
    n = K * K * C
    return dict(
        pad=Op(f"{{xp}} = np.pad({{A}}, ((0, 0), ({P}, {P}), ({P}, {P}), (0, 0)))",
               f"{P} zero{'s' * (P != 1)} around each image's rows and columns",
               lambda c, A: np.pad(A, ((0, 0), (P, P), (P, P), (0, 0)))),
        cols=Op(f"{{xc}} = {{xp}}[:, {{i}}, {{j}}].reshape(-1, {n})",
                f"im2col: each of the m·{Ho}·{Wo} windows as a row of K·K·C = {n} numbers",
                lambda c, xp, i, j: xp[:, i, j].reshape(-1, n)),
        W_col=Op(f"{{Wc}} = {{W}}.reshape(-1, {F})", f"each filter as a column of K·K·C = {n}, in x_cols' order",
                 lambda c, W: W.reshape(-1, F),
                 (("reshaped W in another order than im2col's",
                   f"{{Wc}} = {{W}}.transpose(1, 0, 2, 3).reshape(-1, {F})",
                   _ORDER_LESSON.format(order="kernel row, kernel column, channel")),)),
        res=Op("{res} = {xc} @ {Wc}", "row p of x_cols times column f of W_col: filter f on window p",
               lambda c, xc, Wc: xc @ Wc, spot=_spot(Ho, Wo, columns=False)),
        out=Op("{out} = {res} + {b}", "one bias per filter, broadcast down the m·H'·W' rows",
               lambda c, res, b: res + b),
        Z=Op(f"{{Z}} = {{out}}.reshape(m, {Ho}, {Wo}, {F})", f"{size}; the rows ran over (m, H', W') already",
             lambda c, out: out.reshape(c.m, Ho, Wo, F),
             (("the output size off by one", f"{{Z}} = {{out}}.reshape(m, {Ho - 1}, {Wo - 1}, {F})",
               "H' = (H + 2P − K)/S + 1: without the + 1 the output is one row and one column short, and the "
               "reshape cannot hold every row of the product."),)),
        db=Op("{db} = {dZ}.sum(axis=(0, 1, 2))", "over the examples and every position: one sum per filter",
              lambda c, dZ: dZ.sum(axis=(0, 1, 2)),
              (("summed over the wrong axes", "{db} = {dZ}.sum(axis=(0, 2, 3))",
                "Those are CS231n's axes for (m, F, H', W'). With channels last, dZ is (m, H', W', F): the filters "
                "are the last axis, so sum over (0, 1, 2)."),)),
        dout=Op(f"{{dout}} = {{dZ}}.reshape(-1, {F})", "back into the rows' order (m, H', W')",
                lambda c, dZ: dZ.reshape(-1, F)),
        dW_col=Op("{dWc} = {xc}.T @ {dout}", "", lambda c, xc, dout: xc.T @ dout),
        dW=Op(f"{{dW}} = {{dWc}}.reshape({K}, {K}, {C}, {F})", "each column back into a filter (K, K, C)",
              lambda c, dWc: dWc.reshape(K, K, C, F),
              (("reshaped dW in another order than im2col's",
                f"{{dW}} = {{dWc}}.reshape({K}, {K}, {C}, {F}).transpose(1, 0, 2, 3)",
                _ORDER_LESSON.format(order="kernel row, kernel column, channel")),)),
        dx_cols=Op("{dxc} = {dout} @ {Wc}.T", "", lambda c, dout, Wc: dout @ Wc.T),
        zeros=Op("{dxp} = np.zeros_like({xp})", "", lambda c, xp: np.zeros_like(xp)),
        col2im=Op(f"np.add.at({{dxp}}, (slice(None), {{i}}, {{j}}), {{dxc}}.reshape(m, {Ho * Wo}, {K * K}, {C}))",
                  "col2im: each row back onto its window's pixels; pixels that windows share add up",
                  lambda c, dxp, i, j, dxc: windows.add_at(dxp, (slice(None), i, j),
                                                           dxc.reshape(c.m, Ho * Wo, K * K, C)),
                  (("col2im by assignment instead of accumulation",
                    f"{{dxp}}[:, {{i}}, {{j}}] = {{dxc}}.reshape(m, {Ho * Wo}, {K * K}, {C})", _SPLIT_LESSON),)),
        crop=Op(f"{{dA}} = {{dxp}}[:, {P}:-{P}, {P}:-{P}, :]", "the padding had no input behind it: cut it off",
                lambda c, dxp: dxp[:, P:-P, P:-P, :], (_PADDING,)),
    )


TABLES = {"rows": rows_table, "channels_last": channels_last_table}


def _weights(F: int, C: int, K: int, layout: str):
    """Drawn as CS231n's (F, C, K, K) in every layout, then laid out, so both layouts start as the same network."""
    def draw(rng: np.random.Generator, init: str) -> np.ndarray:
        fan_in, fan_out = C * K * K, F * K * K
        if init == "uniform":
            W = rng.uniform(-1.0, 1.0, (F, C, K, K))
        elif init == "xavier":
            a = np.sqrt(6.0 / (fan_in + fan_out))
            W = rng.uniform(-a, a, (F, C, K, K))
        else:
            W = rng.normal(0.0, np.sqrt(2.0 / fan_in), (F, C, K, K))
        return W if layout == "rows" else np.ascontiguousarray(W.transpose(2, 3, 1, 0))
    return draw


# The same draws as lines of the exported script, in the same order.
DRAWS = {
    "uniform": ("{W} = rng.uniform(-1.0, 1.0, {Ws})  # -> {Ws}",),
    "xavier": ("a = np.sqrt(6.0 / ({fan_in} + {fan_out}))  # Xavier: uniform in ±√(6 / (C·K·K + F·K·K))",
               "{W} = rng.uniform(-a, a, {Ws})  # -> {Ws}"),
    "he": ("{W} = rng.normal(0.0, np.sqrt(2.0 / {fan_in}), {Ws})  # He: std √(2 / (C·K·K)) -> {Ws}",),
}


def _code(W: str, b: str, F: int, C: int, K: int, layout: str, part: str):
    def code(init: str) -> tuple[str, ...]:
        if part == "b":
            return (f"{b} = rng.uniform(-1.0, 1.0, {F})  # -> ({F},)" if init == "uniform" else
                    f"{b} = np.zeros({F})  # -> ({F},)",)
        shape = (F, C, K, K)
        lines = [line.format(W=W, Ws=shape, fan_in=C * K * K, fan_out=F * K * K) for line in DRAWS[init]]
        if layout != "rows":
            lines.append(f"{W} = np.ascontiguousarray({W}.transpose(2, 3, 1, 0))  # {shape} -> {(K, K, C, F)}")
        return tuple(lines)
    return code


def _bias(F: int):
    def draw(rng: np.random.Generator, init: str) -> np.ndarray:
        return rng.uniform(-1.0, 1.0, F) if init == "uniform" else np.zeros(F)
    return draw


def build(place: Place) -> Built:
    item = place.item
    F, K = item.numbers
    S, P = item.option("stride"), item.option("pad")
    where = f"item {item.position} '{item.text}'"
    image = windows.image(place, where, "a convolution")
    if place.bias == "augmented":
        raise ValueError(f"{where}: a convolution keeps its bias apart, b of shape ({F},); choose bias vector")
    g = windows.geometry(where, *image, K, S, P)
    C, H, W_, Ho, Wo = g.C, g.H, g.W, g.Ho, g.Wo
    table = TABLES[place.layout](g, F)
    t, l, A = place.tag, place.layer, place.inp
    n = dict(W=f"W{t}", b=f"b{t}", Z=f"Z{t}", xp=f"x_pad{t}" if P else A, xc=f"x_cols{t}", Wc=f"W_col{t}",
             res=f"res{t}", out=f"out{t}", k=f"k{t}", i=f"i{t}", j=f"j{t}")
    d = dict(dZ=f"dZ{t}", db=f"db{t}", dout=f"dout{t}", dWc=f"dW_col{t}", dW=f"dW{t}", dxc=f"dx_cols{t}",
             dxp=f"dx_pad{t}" if P else f"d{A}", dA=f"d{A}")
    names = {**n, **d, "A": A}

    def op(key: str, phase: str):
        return bind(table[key], phase, l, 0, **names)

    forward = ([op("pad", "forward")] if P else []) + [op(k, "forward") for k in ("cols", "W_col", "res", "out", "Z")]
    backward = [op(k, "backward") for k in ("db", "dout", "dW_col", "dW")]
    if not place.first:
        backward += [op(k, "backward") for k in ("dx_cols", "zeros", "col2im")]
        backward += [op("crop", "backward")] if P else []
    if place.layout == "rows":
        draws = windows.draws((n["k"], n["i"], n["j"]), windows.im2col_indices(g), windows.im2col_code(g))
        shape, w_shape = (F, Ho, Wo), (F, C, K, K)
    else:
        draws = windows.draws((n["i"], n["j"]), windows.window_indices(g), windows.window_code(g))
        shape, w_shape = (Ho, Wo, F), (K, K, C, F)
    code = [_code(n["W"], n["b"], F, C, K, place.layout, part) for part in ("W", "b")]
    params = (Param(n["W"], w_shape, _weights(F, C, K, place.layout), code[0]),
              Param(n["b"], (F,), _bias(F), code[1]))
    padded, columns, outputs = C * (H + 2 * P) * (W_ + 2 * P), C * K * K * Ho * Wo, F * Ho * Wo
    floats = 2 * padded * bool(P) + 2 * columns + 5 * outputs + C * H * W_
    return Built(n["Z"], shape, params, tuple(forward), tuple(backward), floats, draws=draws, buffer=columns)
