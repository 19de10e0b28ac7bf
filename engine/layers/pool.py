"""maxpool K (stride S): each K×K window's maximum; backward routes each gradient to the maximum alone.

Forward picks every window at once with the index arrays pi, pj (a window per row of K·K numbers), keeps the mask of
where each window's maximum sits, and takes the maximum. Backward multiplies the gradient by that mask, so only the
maximum receives it, and scatters it back onto the input with np.add.at, so that windows which overlap (a stride
below K) add up. Where a window's numbers tie (after relu, a window of zeros) the mask marks each of them, as
CS231n's max_pool_backward_naive does with `window == np.max(window)`.
"""

from __future__ import annotations

import numpy as np

from engine.events import Op, bind
from engine.layers import Arg, Built, Option, Place, positive
from engine.layers import windows

ARGS = (Arg("a window size", int, "maxpool 2", positive),)
OPTIONS = (Option("stride", "a stride", int, None, "maxpool 3 stride 2", positive),)  # None: the window size
PREFIX = "P"
SHORT = "pool {0}"
NAMES = (PREFIX, "x_win", "mask", "pi", "pj")
STARTS_LAYER = False

_SPREAD = ("spread the gradient over the whole window",
           "Only the maximum reached the output, so only it may receive the gradient: the other positions of the "
           "window had no effect on the loss. Spread to all of them, it runs and has the right shape; only the "
           "values are wrong.")


def rows_table(g: windows.Geometry) -> dict[str, Op]:
    """Images (m, C, H, W): x_win is (m, C, H'·W', K·K), each window a row of its channel."""
    C, Ho, Wo, KK = g.C, g.Ho, g.Wo, g.K * g.K
    return dict(
        win=Op("{xw} = {A}[:, :, {pi}, {pj}]", f"each {g.K}×{g.K} window of each channel as a row of {KK}",
               lambda c, A, pi, pj: A[:, :, pi, pj]),
        mask=Op("{mask} = {xw} == {xw}.max(axis=3, keepdims=True)", "where each window's maximum sits",
                lambda c, xw: xw == xw.max(axis=3, keepdims=True)),
        P=Op(f"{{P}} = {{xw}}.max(axis=3).reshape(m, {C}, {Ho}, {Wo})", g.note(),
             lambda c, xw: xw.max(axis=3).reshape(c.m, C, Ho, Wo)),
        dxw=Op(f"{{dxw}} = {{mask}} * {{dP}}.reshape(m, {C}, {Ho * Wo}, 1)", "the gradient reaches the maximum alone",
               lambda c, mask, dP: mask * dP.reshape(c.m, C, Ho * Wo, 1),
               ((_SPREAD[0], f"{{dxw}} = np.ones_like({{mask}}) * {{dP}}.reshape(m, {C}, {Ho * Wo}, 1)", _SPREAD[1]),)),
        zeros=Op("{dA} = np.zeros_like({A})", "", lambda c, A: np.zeros_like(A)),
        scatter=Op("np.add.at({dA}, (slice(None), slice(None), {pi}, {pj}), {dxw})",
                   "each window's row back onto its pixels; windows that overlap add up",
                   lambda c, dA, pi, pj, dxw: windows.add_at(dA, (slice(None), slice(None), pi, pj), dxw)),
    )


def channels_last_table(g: windows.Geometry) -> dict[str, Op]:
    """Images (m, H, W, C): x_win is (m, H'·W', K·K, C), each window K·K rows of its channels."""
    C, Ho, Wo, KK = g.C, g.Ho, g.Wo, g.K * g.K
    return dict(
        win=Op("{xw} = {A}[:, {pi}, {pj}]", f"each {g.K}×{g.K} window as {KK} rows of its channels",
               lambda c, A, pi, pj: A[:, pi, pj]),
        mask=Op("{mask} = {xw} == {xw}.max(axis=2, keepdims=True)", "where each window's maximum sits",
                lambda c, xw: xw == xw.max(axis=2, keepdims=True)),
        P=Op(f"{{P}} = {{xw}}.max(axis=2).reshape(m, {Ho}, {Wo}, {C})", g.note(),
             lambda c, xw: xw.max(axis=2).reshape(c.m, Ho, Wo, C)),
        dxw=Op(f"{{dxw}} = {{mask}} * {{dP}}.reshape(m, {Ho * Wo}, 1, {C})", "the gradient reaches the maximum alone",
               lambda c, mask, dP: mask * dP.reshape(c.m, Ho * Wo, 1, C),
               ((_SPREAD[0], f"{{dxw}} = np.ones_like({{mask}}) * {{dP}}.reshape(m, {Ho * Wo}, 1, {C})", _SPREAD[1]),)),
        zeros=Op("{dA} = np.zeros_like({A})", "", lambda c, A: np.zeros_like(A)),
        scatter=Op("np.add.at({dA}, (slice(None), {pi}, {pj}), {dxw})",
                   "each window's rows back onto its pixels; windows that overlap add up",
                   lambda c, dA, pi, pj, dxw: windows.add_at(dA, (slice(None), pi, pj), dxw)),
    )


TABLES = {"rows": rows_table, "channels_last": channels_last_table}


def build(place: Place) -> Built:
    item = place.item
    K = item.numbers[0]
    S = item.option("stride") or K
    where = f"item {item.position} '{item.text}'"
    g = windows.geometry(where, *windows.image(place, where, "max pooling"), K, S, 0)
    table = TABLES[place.layout](g)
    t, l, A = place.tag, place.layer, place.inp
    names = dict(A=A, dA=f"d{A}", P=f"P{t}", dP=f"dP{t}", xw=f"x_win{t}", dxw=f"dx_win{t}", mask=f"mask{t}",
                 pi=f"pi{t}", pj=f"pj{t}")

    def op(key: str, phase: str):
        return bind(table[key], phase, l, 0, **names)

    forward = tuple(op(k, "forward") for k in ("win", "mask", "P"))
    backward = () if place.first else tuple(op(k, "backward") for k in ("dxw", "zeros", "scatter"))
    draws = windows.draws((names["pi"], names["pj"]), windows.window_indices(g), windows.window_code(g))
    shape = (g.C, g.Ho, g.Wo) if place.layout == "rows" else (g.Ho, g.Wo, g.C)
    windows_, inputs = g.C * g.Ho * g.Wo * g.K * g.K, g.C * g.H * g.W
    return Built(names["P"], shape, (), forward, backward, 3 * windows_ + 2 * inputs + 2 * g.C * g.Ho * g.Wo,
                 draws=draws)
