"""The engine twin: the network a learner's script is building, inferred from its arrays, and which line is which event.

Inputs and outputs come from X and Y, the examples' axis from which axis of X matches Y's examples, hidden sizes
from the weight matrices, the bias from b vectors or a ones column, activations and loss from the source text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from engine import datasets
from engine.checks import shape_text
from engine.events import Event
from engine.network import Network
from engine.script.recording import Record, Recording, short

X_NAMES = re.compile(r"^((x|X)(_?(train|data|in|input|batch)s?)?|inputs|features)(_?T|_t)?$")
Y_NAMES = re.compile(r"^((y|Y)(_?(train|true|data|label|target|batch)s?)?|labels|targets)(_?T|_t)?$")
W_NAMES = re.compile(r"^(?:w|W|weights?|Weights?|theta|Theta)_?(\d+|h|hidden|o|out|output|ih|ho)?$")
B_NAMES = re.compile(r"^(?:b|bias|B)_?(\d+|h|hidden|o|out|output)?$")
LR_NAMES = ("lr", "learning_rate", "alpha", "eta", "step_size", "learningRate")
FIRST, LAST = ("h", "hidden", "ih"), ("o", "out", "output", "ho")


@dataclass(frozen=True)
class Twin:
    """An engine network shaped like the script's, with the script's data in the same layout."""

    sizes: tuple[int, ...]
    hidden: str
    output: str
    loss: str
    layout: str
    bias: str
    lr: float
    X: np.ndarray  # laid out for the layout: (m, n) for rows, (n, m) for columns
    Y: np.ndarray
    reasons: tuple[str, ...] = field(default=())
    params: dict = field(default_factory=dict, compare=False, repr=False)  # the script's own W and b that fit
    weights: str = field(default="", compare=False)  # which weights are the script's, which re-initialised

    @property
    def network(self) -> dict:
        return dict(sizes=self.sizes, hidden=self.hidden, output=self.output, loss=self.loss, layout=self.layout,
                    bias=self.bias)

    def describe(self) -> str:
        sizes = " → ".join(map(str, self.sizes))
        return (f"{sizes}, {self.hidden} → {self.output}, {self.loss}, {self.layout} layout, {self.bias} bias, "
                f"lr {self.lr:g}")

    def events(self) -> list[Event]:
        """The twin's first training step, every event, computed by the engine (the update is not applied)."""
        return list(Network(**self.network).step(self.X, self.Y, self.lr))


def _last(records: list[Record], pattern: re.Pattern) -> dict[str, Record]:
    """The latest record of each textbook name the pattern matches: parameters['W1'] and W1 are one weight."""
    found: dict[str, Record] = {}
    for r in records:
        if r.kind != "argument" and pattern.match(short(r.name)) and 1 <= len(r.shape) <= 2:
            found[short(r.name)] = r
    return found


def _best(found: dict[str, Record]) -> Record:
    """Of the candidates for X (or Y): a plain X before X_train before inputs, a matrix before a vector."""
    return min(found.values(), key=lambda r: (len(r.shape) != 2, short(r.name)[0] not in "xXyY", len(short(r.name))))


def _as_matrix(r: Record, m_axis_hint: int | None = None) -> tuple[int, int]:
    return r.shape if len(r.shape) == 2 else (r.shape[0], 1)


def _layout(xs: tuple[int, int], ys: tuple[int, int]) -> tuple[str, bool] | None:
    """(layout, Y transposed?) from which axis of X matches Y's examples."""
    a, b = xs
    c, d = ys
    if a == c:
        return "rows", False
    if b == d:
        return "columns", False
    if a == d:
        return "rows", True
    if b == c:
        return "columns", True
    return None


def _layer_key(name: str, match: re.Match) -> float:
    tag = match.group(1)
    if tag is None:
        return 1.0
    if tag.isdigit():
        return float(tag)
    return 1.0 if tag in FIRST else 1e9


def _activations(source: str) -> tuple[str, str]:
    text = source.lower()
    if "tanh" in text:
        hidden = "tanh"
    elif "relu" in text or re.search(r"maximum\((0(\.0*)?,|.*,0(\.0*)?\))", text.replace(" ", "")):
        hidden = "relu"
    else:
        hidden = "sigmoid"
    if "softmax" in text:
        output = "softmax"
    elif "sigmoid" in text or "exp(-" in text.replace(" ", ""):
        output = "sigmoid"
    else:
        output = "identity"
    return hidden, output


def _loss(source: str, output: str, Y: np.ndarray) -> tuple[str, str]:
    """(loss, output): cross-entropy for softmax, mean squared error when the script squares, else bce."""
    text = source.replace(" ", "")
    if output == "softmax":
        sums = Y.sum(axis=1)
        if np.allclose(sums, 1.0) and ((Y >= 0) & (Y <= 1)).all():
            return "ce", "softmax"
        output = "sigmoid"
    if output == "sigmoid" and ((Y < 0) | (Y > 1)).any():
        return "mse", "identity"
    squares = ("**2" in text or "square(" in text) and "log(" not in text
    if output == "identity" or squares:
        return "mse", output
    return "bce", output


def infer(recording: Recording) -> tuple[Twin | None, str]:
    """The twin, and how it was found; or None and the reason no twin could be built."""
    records = recording.records
    xs, ys = _last(records, X_NAMES), _last(records, Y_NAMES)
    if not xs or not ys:
        missing = " and ".join(w for w, found in (("X", xs), ("Y", ys)) if not found)
        return None, f"no twin: no {missing} array (named like X, X_train, Y, Y_train or labels) was recorded"
    x, y = _best(xs), _best(ys)
    found = _layout(_as_matrix(x), _as_matrix(y))
    if found is None:
        return None, (f"no twin: no axis of {x.name} {shape_text(x.shape)} matches the examples of "
                      f"{y.name} {shape_text(y.shape)}")
    layout, y_transposed = found
    example_axis = 0 if layout == "rows" else 1
    x_shape, y_shape = _as_matrix(x), _as_matrix(y)[::-1] if y_transposed else _as_matrix(y)
    m, n_in, n_out = x_shape[example_axis], x_shape[1 - example_axis], y_shape[1 - example_axis]
    reasons = [f"{n_in} inputs and {m} examples from {x.name} {shape_text(x.shape)}, {n_out} outputs from "
               f"{y.name} {shape_text(y.shape)}{' (transposed)' if y_transposed else ''}: examples as {layout}"]
    if x.value is not None and y.value is not None:
        X = np.asarray(x.value, dtype=np.float64).reshape(x_shape)
        Y = np.asarray(y.value, dtype=np.float64).reshape(_as_matrix(y))
        Y = Y.T if y_transposed else Y
    else:
        kind = {"softmax": "onehot", "identity": "real"}.get(_activations(recording.source)[1], "binary")
        X, Y = datasets.synthetic(n_in, n_out, m, seed=0, kind=kind, layout=layout)
        reasons.append(f"{x.name} or {y.name} has more than 10,000 numbers, so their values were not recorded: the "
                       f"twin uses synthetic {kind} data of the same shapes")

    weights = _last(records, W_NAMES)
    if any(W_NAMES.match(k).group(1) for k in weights):  # W1, W2 (or wih, who): a plain W is a helper's own local
        weights = {k: r for k, r in weights.items() if W_NAMES.match(k).group(1)}
    ordered = sorted(((_layer_key(k, W_NAMES.match(k)), k) for k, r in weights.items() if len(r.shape) == 2))
    hidden_sizes: list[int] = []
    augmented = False
    previous = n_in
    for _, name in ordered[:-1]:
        p, q = weights[name].shape
        if p in (previous, previous + 1) and (q not in (previous, previous + 1) or layout == "rows"):
            size, augmented = q, augmented or p == previous + 1
        elif q in (previous, previous + 1):
            size, augmented = p, augmented or q == previous + 1
        else:
            others = [d for d in (p, q) if d != m]
            size = others[0] if len(others) == 1 else (q if layout == "rows" else p)
        hidden_sizes.append(size)
        reasons.append(f"{size} hidden units from {weights[name].name} {shape_text((p, q))}")
        previous = size
    if ordered:
        p, q = weights[ordered[-1][1]].shape
        augmented = augmented or previous + 1 in (p, q) and n_out in (p, q)
    ones = _ones_column(records, X, layout)
    if _last(records, B_NAMES):
        bias = "vector"
        reasons.append(f"bias vectors: {', '.join(_last(records, B_NAMES))}")
    elif augmented or ones:
        bias = "augmented"
        reasons.append(f"bias as a ones {'column' if layout == 'rows' else 'row'}"
                       + (f" in {ones}" if ones else " (a weight matrix has one extra row)"))
    else:
        bias = "vector"
    hidden, output = _activations(recording.source)
    loss, output = _loss(recording.source, output, Y if layout == "rows" else Y.T)
    lr = next((recording.scalars[k] for k in LR_NAMES if k in recording.scalars), 0.5)
    reasons.append(f"{hidden} hidden, {output} output, {loss} loss, lr {lr:g}"
                   + ("" if any(k in recording.scalars for k in LR_NAMES) else " (no learning rate found)"))
    sizes = (n_in, *hidden_sizes, n_out)
    try:
        Network(sizes=sizes, hidden=hidden, output=output, loss=loss, layout=layout, bias=bias)
    except ValueError as error:
        return None, f"no twin: {error}"
    params, weights = _own_params(records, Network(sizes=sizes, hidden=hidden, output=output, loss=loss,
                                                   layout=layout, bias=bias))
    twin = Twin(sizes, hidden, output, loss, layout, bias, float(lr), X, Y, tuple(reasons), params, weights)
    try:
        twin.events()
    except ValueError as error:
        return None, f"no twin: {error}"
    return twin, "; ".join(reasons)


def _own_params(records: list[Record], net: Network) -> tuple[dict[str, np.ndarray], str]:
    """The script's W and b as the twin's parameters, where their shapes fit, each by its first value in its final
    shape (the one a training loop starts from); and a sentence saying which the twin takes from the script and which
    it draws anew."""
    last = {r.name: r for r in records if r.kind != "argument"}
    first: dict[str, Record] = {}
    for r in records:
        if r.kind != "argument" and r.shape == last[r.name].shape:
            first.setdefault(r.name, r)

    def by_layer(pattern: re.Pattern, ndims: tuple[int, ...]) -> list[Record]:
        found = {k: r for k, r in first.items() if pattern.match(k) and len(r.shape) in ndims}
        return [found[k] for _, k in sorted((_layer_key(k, pattern.match(k)), k) for k in found)]

    Ws, bs = by_layer(W_NAMES, (2,)), by_layer(B_NAMES, (1, 2))
    theirs = dict(zip((f"W{l}" for l in range(1, net.depth + 1)), Ws)) if len(Ws) == net.depth else {}
    if len(bs) == net.depth and net.bias == "vector":
        theirs.update(zip((f"b{l}" for l in range(1, net.depth + 1)), bs))
    own, why = {}, []
    unnamed = [key for key in net.params if key not in theirs]
    if unnamed and theirs:
        why.append(f"no array of your script is {' or '.join(unnamed)} by its name")
    for key, P in net.params.items():
        r = theirs.get(key)
        if r is None:
            continue
        if r.value is None:
            why.append(f"your {r.name} {shape_text(r.shape)} was too large to record")
        elif r.value.size == P.size and (r.value.shape == P.shape or (r.value.ndim == 1 and 1 in P.shape)):
            own[key] = r.value.reshape(P.shape).astype(np.float64)  # a vector b as the row or column it stands for
        else:
            why.append(f"your {r.name} {shape_text(r.shape)} does not fit {key} {shape_text(P.shape)}")
    drawn = [key for key in net.params if key not in own]
    mine = ", ".join(theirs[key].name for key in own)
    if not drawn:
        return own, f"weights: your script's {mine}"
    anew = f"re-initialised ({net.init}, seed {net.seed})"
    if not theirs:
        why = [f"no weights recorded for {net.depth} layer{'s' * (net.depth != 1)} (named like W1, w1, b1)"]
    reason = f": {why[0]}{f', and {len(why) - 1} more' if len(why) > 1 else ''}" if why else ""
    if not own:
        return own, f"weights {anew}{reason}"
    return own, f"weights: your script's {mine}; {', '.join(drawn)} {anew}{reason}"


def _ones_column(records: list[Record], X: np.ndarray, layout: str) -> str | None:
    """The name of an array that is X with a ones column (rows) or ones row (columns) added, if there is one."""
    axis = 1 if layout == "rows" else 0
    want = list(X.shape)
    want[axis] += 1
    for r in records:
        if r.value is None or list(r.shape) != want:
            continue
        for edge in (0, -1):
            ones = r.value[:, edge] if axis == 1 else r.value[edge, :]
            if np.all(ones == 1):
                return r.name
    return None


# ---- which engine event a line is ---------------------------------------------------------------------------


def _role(name: str) -> tuple[str, int | None]:
    """("dW", 2) for dW2, dw_2, grad_w2; ("Z", 1) for Z1, A1_dot, z_hidden; ("A", 1) for A1_sig, a1, h1."""
    lower = short(name).lower()
    digits = re.findall(r"\d+", lower)
    layer = int(digits[0]) if digits else None
    stem = re.sub(r"\d+", "", lower).strip("_")
    backward = stem.startswith("d") or any(w in stem for w in ("grad", "delta", "error", "err"))
    core = re.sub(r"^(d|grad_?|delta_?)", "", stem)
    if core.startswith("w") or "weight" in core:
        kind = "W"
    elif core.startswith("b") and not core.startswith("batch"):
        kind = "b"
    elif core.startswith("z") or any(w in core for w in ("dot", "lin", "net", "pre", "logit")):
        kind = "Z"
    elif core.startswith(("a", "h", "l", "out", "sig", "act", "y_hat", "yhat", "pred")):
        kind = "A"
    else:
        kind = "Z" if backward else "?"
    return ("d" + kind if backward else kind), layer


def _event_role(event: Event) -> tuple[str, int]:
    """("A", 1) for A1 and A1_aug, ("dA", 1) for dA1: the layer the name says, not the layer computing it."""
    name = event.name.replace("_aug", "")
    digits = re.findall(r"\d+", name)
    return re.sub(r"\d+", "", name), int(digits[0]) if digits else event.layer


def _score(record_role: tuple[str, int | None], event: Event) -> int:
    kind, layer = record_role
    event_kind, event_layer = _event_role(event)
    score = 0
    if kind == event_kind:
        score += 3
    elif kind.lstrip("d") == event_kind.lstrip("d"):
        score += 1
    if layer is not None and layer == event_layer:
        score += 2
    return score


@dataclass(frozen=True)
class Match:
    """An engine event beside a user's line: how they compare ("value", "shape", "transposed" or "nearest")."""

    event: Event
    how: str

    def sentence(self, name: str, shape: tuple[int, ...]) -> str:
        e = self.event
        yours = f"your {name} {shape_text(shape)}"
        engine = f"the engine's {e.name} = {e.formula.split(' = ', 1)[1]}"
        if self.how.startswith("data"):
            return f"{yours} is the engine's {e.name}{self.how[4:]}"
        if self.how == "value":
            return f"{yours} is {engine}, value for value"
        if self.how == "shape":
            return f"{yours} has the shape of {engine}, {shape_text(e.shape)}"
        if self.how == "transposed":
            return f"{yours} is {engine} transposed: the engine's is {shape_text(e.shape)}"
        if not shape:
            return f"the engine's nearest line: {e.formula}, {shape_text(e.shape)}"
        return f"{yours} matches no engine event of its shape; the nearest is {e.name} {shape_text(e.shape)} = " \
               f"{e.formula.split(' = ', 1)[1]}"


class _Data:
    """X or Y: the data, not an event, but the twin's own."""

    def __init__(self, name: str, value: np.ndarray):
        self.name, self.value, self.shape = name, value, value.shape
        self.formula = f"{name} = {name}"
        self.layer, self.index, self.term = 0, -1, ""


def match(name: str, shape: tuple[int, ...], value: np.ndarray | None, events: list[Event],
          twin: Twin | None = None) -> Match | None:
    """The engine event this array is: by value when the numbers agree, else by shape among events of its kind
    (Z, A, dW...), else the nearest by name. X and Y are matched to the twin's data."""
    if not events:
        return None
    if twin is not None:
        for data, pattern in (("X", X_NAMES), ("Y", Y_NAMES)):
            array = getattr(twin, data)
            if pattern.match(short(name)) and tuple(shape) == array.shape:
                return Match(_Data(data, array), "data")
            if pattern.match(short(name)) and tuple(shape) == array.shape[::-1]:
                return Match(_Data(data, array), "data transposed")
    candidates = [e for e in events if e.shape]
    if value is not None:
        for e in candidates:
            if e.shape == tuple(shape) and np.allclose(e.value, value, atol=1e-9):
                return Match(e, "value")
    role = _role(name)
    known = role[0] != "?"
    same = [e for e in candidates if e.shape == tuple(shape)]
    flipped = [e for e in candidates if len(shape) == 2 and e.shape == tuple(shape)[::-1] and e not in same]
    pool = [(e, "shape") for e in same] + [(e, "transposed") for e in flipped]
    pool = [(e, how) for e, how in pool if not known or _score(role, e) >= 3]
    if pool:
        best = max(pool, key=lambda p: (_score(role, p[0]) + (1 if p[1] == "shape" else 0), -p[0].index))
        return Match(*best)
    best = max(candidates, key=lambda e: (_score(role, e), -e.index))
    return Match(best, "nearest")
