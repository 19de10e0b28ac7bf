"""What batchnorm and layernorm share: normalise over one axis, then scale by gamma and shift by beta.

Batchnorm takes its statistics over the examples, layernorm over the features; gamma and beta are per feature in
both, so their gradients always sum over the examples. `detail="compact"` writes the backward pass as the one-line
formula; `detail="fine"` steps through every intermediate as makemore's backprop exercise does (the difference, its
square, the variance, the inverse standard deviation), and back through each.
"""

from __future__ import annotations

import numpy as np

from engine.events import Op, bind
from engine.layers import Built, Param, Place
from engine.layouts import LAYOUTS

EPS = 1e-5
NAMES = ("mu", "xmu", "sq", "var", "ivar", "xhat")


def _param(name: str, rows: bool, n: int, value: float) -> Param:
    shape = (1, n) if rows else (n, 1)

    def draw(rng, init):
        return np.full(shape, value)

    def code(init):
        return (f"{name} = np.{'ones' if value else 'zeros'}({shape})  # -> {shape}",)
    return Param(name, shape, draw, code)


def _sum(a: int):
    return f".sum(axis={a}, keepdims=True)"


def _mean(a: int):
    return f".mean(axis={a}, keepdims=True)"


def _mean_of(x: np.ndarray, a: int) -> np.ndarray:
    # What x.mean(axis=a, keepdims=True) computes (the sum over the count), without np.mean's Python layer.
    return np.add.reduce(x, axis=a, keepdims=True) / x.shape[a]


def ops(a: int, e: int, count: str) -> dict[str, Op]:
    """The Ops with statistics over axis a, examples on axis e; `count` is how many numbers a statistic averages
    (m for batchnorm, the feature count for layernorm), as the fine backward pass divides by it."""
    n = None if count == "m" else int(count)
    over = (lambda c: c.m) if n is None else (lambda c: n)
    return {
        "mu": Op(f"{{mu}} = {{Z}}{_mean(a)}", "", lambda c, Z: _mean_of(Z, a),
                 ((f"{'layer' if a != e else 'batch'}norm over the wrong axis", f"{{mu}} = {{Z}}{_mean(1 - a)}",
                   "Batchnorm averages each feature over the examples; layernorm averages each example over its "
                   "features. The other axis is the other layer."),)),
        "var": Op(f"{{var}} = (({{Z}} - {{mu}}) ** 2){_mean(a)}", "the biased variance, dividing by the count",
                  lambda c, Z, mu: _mean_of((Z - mu) ** 2, a)),
        "xhat": Op(f"{{xhat}} = ({{Z}} - {{mu}}) / np.sqrt({{var}} + {EPS})", "",
                   lambda c, Z, mu, var: (Z - mu) / np.sqrt(var + EPS)),
        "xmu": Op("{xmu} = {Z} - {mu}", "", lambda c, Z, mu: Z - mu),
        "sq": Op("{sq} = {xmu} ** 2", "", lambda c, xmu: xmu ** 2),
        "var_fine": Op(f"{{var}} = {{sq}}{_mean(a)}", "the biased variance, dividing by the count",
                       lambda c, sq: _mean_of(sq, a)),
        "ivar": Op(f"{{ivar}} = 1 / np.sqrt({{var}} + {EPS})", "", lambda c, var: 1.0 / np.sqrt(var + EPS)),
        "xhat_fine": Op("{xhat} = {xmu} * {ivar}", "", lambda c, xmu, ivar: xmu * ivar),
        "out": Op("{N} = {gamma} * {xhat} + {beta}", "", lambda c, gamma, xhat, beta: gamma * xhat + beta),
        "dgamma": Op(f"{{dgamma}} = ({{dN}} * {{xhat}}){_sum(e)}", "",
                     lambda c, dN, xhat: (dN * xhat).sum(axis=e, keepdims=True)),
        "dbeta": Op(f"{{dbeta}} = {{dN}}{_sum(e)}", "", lambda c, dN: dN.sum(axis=e, keepdims=True)),
        "dxhat": Op("{dxhat} = {dN} * {gamma}", "", lambda c, dN, gamma: dN * gamma),
        "dZ": Op(f"{{dZ}} = ({{dxhat}} - {{dxhat}}{_mean(a)} - {{xhat}} * ({{dxhat}} * {{xhat}}){_mean(a)}) "
                 f"/ np.sqrt({{var}} + {EPS})",
                 "every input moves the statistics too: the two means take that back out",
                 lambda c, dxhat, xhat, var: (dxhat - _mean_of(dxhat, a) - xhat * _mean_of(dxhat * xhat, a))
                 / np.sqrt(var + EPS),
                 (("variance gradient without the sum",
                   f"{{dZ}} = ({{dxhat}} - {{dxhat}}{_mean(a)} - {{xhat}} * ({{dxhat}} * {{xhat}})) "
                   f"/ np.sqrt({{var}} + {EPS})",
                   "The variance is one number per feature, made from every example, so its gradient must add up "
                   "the examples' contributions: without the mean, each example keeps only its own."),
                  ("statistics taken as constants", f"{{dZ}} = {{dxhat}} / np.sqrt({{var}} + {EPS})",
                   "The mean and the variance depend on every input too; treating them as constants drops the two "
                   "terms that carry that back."))),
        "divar": Op(f"{{divar}} = ({{dxhat}} * {{xmu}}){_sum(a)}", "",
                    lambda c, dxhat, xmu: (dxhat * xmu).sum(axis=a, keepdims=True),
                    (("variance gradient without the sum", "{divar} = {dxhat} * {xmu}",
                      "ivar is one number per feature, used by every example, so its gradient adds up what each "
                      "example sends back."),)),
        "dvar": Op("{dvar} = -0.5 * {ivar} ** 3 * {divar}", "d(var + ε)^(−1/2) = −½ (var + ε)^(−3/2)",
                   lambda c, ivar, divar: -0.5 * ivar ** 3 * divar),
        "dsq": Op(f"{{dsq}} = np.ones_like({{sq}}) * {{dvar}} / {count}", "the mean spreads its gradient evenly",
                  lambda c, sq, dvar: np.ones_like(sq) * dvar / over(c)),
        "dxmu": Op("{dxmu} = {dxhat} * {ivar} + 2 * {xmu} * {dsq}", "xmu feeds xhat and sq: the two gradients add",
                   lambda c, dxhat, ivar, xmu, dsq: dxhat * ivar + 2 * xmu * dsq),
        "dmu": Op(f"{{dmu}} = -{{dxmu}}{_sum(a)}", "", lambda c, dxmu: -dxmu.sum(axis=a, keepdims=True)),
        "dZ_fine": Op(f"{{dZ}} = {{dxmu}} + {{dmu}} / {count}", "Z feeds xmu and mu: the two gradients add",
                      lambda c, dxmu, dmu: dxmu + dmu / over(c)),
    }


def build(place: Place, prefix: str, over_examples: bool) -> Built:
    """A batchnorm (over_examples) or layernorm at its place in a stack."""
    if len(place.shape) != 1:
        raise ValueError(f"item {place.item.position} '{place.item.text}': {place.item.kind} takes examples with one "
                         f"axis of features, and these are {place.shape}")
    lay, t, l, n = LAYOUTS[place.layout], place.tag, place.layer, place.shape[0]
    e = lay.example_axis
    a = e if over_examples else 1 - e
    table = ops(a, e, "m" if over_examples else str(n))
    names = {k: f"{k}{t}" for k in NAMES}
    N, Z = f"{prefix}{t}", place.inp
    g, beta = f"gamma{t}", f"beta{t}"
    rows = place.layout == "rows"
    params = (_param(g, rows, n, 1.0), _param(beta, rows, n, 0.0))

    def op(key, **slots):
        phase = "backward" if key.startswith("d") else "forward"
        return bind(table[key], phase, l, e, **slots)

    mu, var, xhat, xmu, sq, ivar = (names[k] for k in ("mu", "var", "xhat", "xmu", "sq", "ivar"))
    d = {k: f"d{v}" for k, v in names.items()}
    head = [op("dgamma", dgamma=f"d{g}", dN=f"d{N}", xhat=xhat), op("dbeta", dbeta=f"d{beta}", dN=f"d{N}")]
    if place.detail == "fine":
        forward = [op("mu", mu=mu, Z=Z), op("xmu", xmu=xmu, Z=Z, mu=mu), op("sq", sq=sq, xmu=xmu),
                   op("var_fine", var=var, sq=sq), op("ivar", ivar=ivar, var=var),
                   op("xhat_fine", xhat=xhat, xmu=xmu, ivar=ivar)]
        backward = head + [op("dxhat", dxhat=d["xhat"], dN=f"d{N}", gamma=g)]
        if not place.first:
            backward += [op("divar", divar=d["ivar"], dxhat=d["xhat"], xmu=xmu),
                         op("dvar", dvar=d["var"], ivar=ivar, divar=d["ivar"]),
                         op("dsq", dsq=d["sq"], sq=sq, dvar=d["var"]),
                         op("dxmu", dxmu=d["xmu"], dxhat=d["xhat"], ivar=ivar, xmu=xmu, dsq=d["sq"]),
                         op("dmu", dmu=d["mu"], dxmu=d["xmu"]),
                         op("dZ_fine", dZ=f"d{Z}", dxmu=d["xmu"], dmu=d["mu"])]
        floats = 10 * n  # xmu, sq, xhat, the output, the gradients of those four, two temporaries
    else:
        forward = [op("mu", mu=mu, Z=Z), op("var", var=var, Z=Z, mu=mu), op("xhat", xhat=xhat, Z=Z, mu=mu, var=var)]
        backward = head + [op("dxhat", dxhat=d["xhat"], dN=f"d{N}", gamma=g)]
        if not place.first:
            backward.append(op("dZ", dZ=f"d{Z}", dxhat=d["xhat"], xhat=xhat, var=var))
        floats = 6 * n  # xhat, the output, their gradients, the one-line formula's two temporaries
    forward.append(op("out", N=N, gamma=g, xhat=xhat, beta=beta))
    return Built(N, place.shape, params, tuple(forward), tuple(backward), floats)
