"""Network: parameters, a step() generator of one event per matrix operation, loss() and gradients()."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from functools import partial
from operator import itemgetter

import numpy as np

from engine import activations, checks, layers as stack, losses
from engine.events import Event, Input, Op, Planned, bind
from engine.events import bind as bind_names
from engine.layouts import LAYOUTS, Layout

BIASES = ("vector", "augmented", "flat")
INITS = ("uniform", "xavier", "he")

UPDATE = Op("{P} = {P} - lr * {dP}", "",
            lambda c, P, dP: P - c.lr * dP)

_UNSET = object()  # sizes, hidden and output not given: a network of sizes (4, 3, 3), unless layers are given


def _with_frees(plan: list[Planned]) -> tuple[Planned, ...]:
    """Mark where each name is read for the last time, so a step holds no more memory than plain NumPy code."""
    last = {}
    for position, p in enumerate(plan):
        for i in p.inputs:
            last[i.key] = position
    frees: dict[int, list[str]] = {}
    for key, position in last.items():
        frees.setdefault(position, []).append(key)
    return tuple(p._replace(frees=tuple(frees.get(position, ()))) for position, p in enumerate(plan))


def _check_names(plan: list[Planned]) -> None:
    """Two layers that make the same name would overwrite each other's arrays: refuse the stack. A name made again
    from itself (dWx1 = dWx1 + ...) is an accumulation, which is meant."""
    made: dict[str, int] = {}
    for p in plan:
        if p.name in made and p.name not in {i.key for i in p.inputs} and p.layer != made[p.name]:
            raise ValueError(f"layers {made[p.name]} and {p.layer} both make {p.name}; a stack holds one recurrent "
                             "layer, whose names are its time steps' own (h3, c3)")
        made[p.name] = p.layer


class _Scalars:
    """The step's scalars: m, and lr, which only the update reads (None where a pass stops before it)."""

    __slots__ = ("m", "lr")

    def __init__(self, m: int, lr: float | None = None):
        self.m = m
        self.lr = lr


def _reader(p: Planned) -> Callable[[dict], tuple]:
    """A function gathering one planned operation's operands from the step's names."""
    if any(i.index for i in p.inputs):  # an operand is a slice, such as W2[:-1] or a time step's X[:, 3, :]
        pairs = tuple((i.key, i.index) for i in p.inputs)
        return lambda env: tuple([env[key] if index is None else env[key][index] for key, index in pairs])
    if len(p.inputs) == 1:  # every operation has an operand; itemgetter of one key gives no tuple
        key = p.inputs[0].key
        return lambda env: (env[key],)
    return itemgetter(*(i.key for i in p.inputs))


def _slots(op: Op, names: dict[str, str]) -> dict[str, str]:
    """The names an Op's formula has slots for; a layer's number ({t}) is filled in before binding."""
    filled = {k: v for k, v in names.items() if "{" + k + "}" in op.formula}
    return filled


def _inputs(value: object) -> tuple[int, ...]:
    """The shape of one example: 4, or (3,) for three token ids."""
    items = (value,) if isinstance(value, (int, np.integer)) and not isinstance(value, bool) else value
    try:
        items = tuple(items)  # type: ignore[arg-type]
    except TypeError:
        raise ValueError(f"inputs must be the shape of one example, such as 4 or (3,); got {value!r}") from None
    if not items or not all(checks.is_whole(n, 1) for n in items):
        raise ValueError("inputs must be the shape of one example, whole numbers >= 1 such as 4 or (3,); "
                         f"got {value!r}")
    return tuple(int(n) for n in items)


class Network:
    """A network as a stack of layers whose training step is a sequence of inspectable matrix operations.

    Built either from sizes, hidden and output (a fully connected network), or from inputs and a layer string:
    Network(sizes=(4, 3, 3)) and Network(inputs=4, layers="linear 3, sigmoid, linear 3, sigmoid") are the same
    network, event for event and parameter for parameter.
    """

    _readers: tuple | None = None  # (plan, each operation with the function gathering its operands)

    def __init__(
        self,
        sizes=_UNSET,
        hidden=_UNSET,
        output=_UNSET,
        loss: str = "bce",
        layout: str = "rows",
        bias: str = "vector",
        init: str = "uniform",
        seed: int = 0,
        max_bytes: int = checks.GiB,
        *,
        inputs=None,
        layers: str | None = None,
        detail: str = "compact",
    ):
        if layers is None:
            if inputs is not None:
                raise ValueError("inputs goes with layers, as in Network(inputs=4, layers='linear 3, sigmoid')")
            self._form = "sizes"
            self.sizes = checks.sizes((4, 3, 3) if sizes is _UNSET else sizes)
            self.hidden = checks.choice("hidden activation", "sigmoid" if hidden is _UNSET else hidden,
                                        activations.HIDDEN)
            self.output = checks.choice("output activation", "sigmoid" if output is _UNSET else output,
                                        activations.OUTPUT)
            self.inputs = (self.sizes[0],)
            text = stack.from_sizes(self.sizes, self.hidden, self.output)
        else:
            given = [name for name, v in (("sizes", sizes), ("hidden", hidden), ("output", output)) if v is not _UNSET]
            if given:
                raise ValueError(f"give either sizes, hidden and output, or inputs and layers; got layers and "
                                 f"{' and '.join(given)}")
            if inputs is None:
                raise ValueError("layers needs inputs, the shape of one example, as in "
                                 "Network(inputs=4, layers='linear 3, sigmoid')")
            self._form = "layers"
            self.inputs = _inputs(inputs)
            text = layers
        self.loss_name = checks.choice("loss", loss, losses.NAMES)
        self.layout_name = checks.choice("layout", layout, tuple(LAYOUTS))
        self.bias = checks.choice("bias", bias, BIASES)
        self.init = checks.choice("init", init, INITS)
        self.detail = checks.choice("detail", detail, stack.DETAILS)
        if not checks.is_whole(seed, 0):
            raise ValueError(f"seed must be an integer >= 0; got {seed!r}")
        if not checks.is_whole(max_bytes, 1):
            raise ValueError(f"max_bytes must be a whole number of bytes > 0, such as 2**30; got {max_bytes!r}")
        self.seed = int(seed)
        self.max_bytes = int(max_bytes)
        self.layout: Layout = LAYOUTS[layout]
        if self.layout.images and len(self.inputs) != 3:
            raise ValueError(f"layout {layout!r} lays out images (m, H, W, C), with inputs=(C, H, W); these examples "
                             f"are {self.inputs}: use layout 'rows' or 'columns'")
        self._built = self._stack(stack.parse(text))
        self._parameter_count = sum(math.prod(p.shape) for b in self._built for p in b.params)
        self._floats = sum(b.floats for b in self._built)  # numbers per example a step holds
        self._check_pairing()
        self.fused = (self.output, self.loss_name) in losses.FUSED
        # bytes: three float64 copies of every parameter, and one example's largest buffer (im2col's columns)
        needed = 3 * 8 * self.parameter_count + 8 * max(b.buffer for b in self._built)
        if needed > max_bytes:
            what = f"Network(sizes={self.sizes})" if self._form == "sizes" else f"Network(layers={self.layers!r})"
            raise checks.over_budget(what, needed, max_bytes)
        self._params = self._initial_params()
        # Every operation one step() will emit, in order, known before any is computed.
        self.plan, forward, backward = self._plan()
        self._forward, self._through_backward = self.plan[:forward], self.plan[:forward + backward]
        self.steps = 0

    def _stack(self, items: tuple[stack.Item, ...]) -> list[stack.Built]:
        """Bind each item to its place: the output of one layer is the input of the next. A composite item
        (transformer) stands for the items it expands into; an item reaching back (a residual add) reads the input
        of an earlier one, whose own gradient then takes a name of its own until the two paths meet again."""
        flat = [sub for item in items for sub in getattr(stack.kind(item.kind), "expand", lambda i: (i,))(item)]
        branches = set()
        for k, item in enumerate(flat):
            reach = getattr(stack.kind(item.kind), "reaches_back", None)
            if reach is not None:
                n = reach(item)
                if n > k:
                    raise ValueError(f"item {item.position} '{item.text}': it reaches back {n} item{'s' * (n != 1)}, "
                                     f"but only {k} come{'s' * (k == 1)} before it")
                branches.add(k - n)
        built: list[stack.Built] = []
        places: list[stack.Place] = []
        self._layer_of: dict[str, int] = {}  # each layer's output name: its layer number
        inp, shape, layer, used = "X", self.layout.example(self.inputs), 0, set()
        for k, item in enumerate(flat):
            kind = stack.kind(item.kind)
            layer += kind.STARTS_LAYER
            tag, again = str(layer), 2
            names = getattr(kind, "NAMES", (kind.PREFIX,))
            while any(f"{name}{tag}" in used for name in names):  # a second layer of a kind after one weight layer
                tag, again = f"{layer}_{again}", again + 1
            grad = f"d{inp}_branch" if k in branches and inp != "X" else ""
            place = stack.Place(item, tag, layer, inp, shape, inp == "X", k == len(flat) - 1, self.layout_name,
                                self.bias, self.detail, grad, tuple(places))
            b = kind.build(place)
            self._layer_of[b.out] = layer
            used.update(f"{name}{tag}" for name in names)
            built.append(b)
            places.append(place)
            inp, shape = b.out, b.shape
        self.layers = stack.normalised(items)
        last = built[-1]
        if last.activation is None and flat[-1].kind != "linear":
            raise ValueError(f"item {items[-1].position} '{items[-1].text}': the last layer makes the output, so it "
                             "must be an output activation (sigmoid, softmax, identity) or linear; "
                             f"got {items[-1].kind}")
        if self._form == "layers":
            self.output = last.activation or "identity"
            if self.output not in activations.OUTPUT:
                raise ValueError(f"item {items[-1].position} '{items[-1].text}': the output activation must be one "
                                 f"of sigmoid, softmax, identity (or none after linear); got {self.output}")
            hidden = [b.activation for b in built[:-1] if b.activation]
            self.hidden = hidden[0] if hidden else self.output
            self.sizes = (int(np.prod(self.inputs)), *(it.numbers[0] for it in items if it.kind == "linear"))
        if len(last.shape) not in (1, 2):
            raise ValueError(f"the output must have one axis of outputs per example, or one at every time step of a "
                             f"sequence; the stack ends with {last.shape}")
        # The output activation's input and output: the loss reads both.
        self._Z = built[-2].out if last.activation and len(built) > 1 else ("X" if last.activation else last.out)
        self._A = last.out
        return built
    def _check_pairing(self) -> None:
        if self.output == "softmax" and self.loss_name != "ce":
            raise ValueError(
                f"output 'softmax' pairs only with loss 'ce' (cross-entropy); got loss {self.loss_name!r}. "
                "For independent 0/1 labels use output='sigmoid' with loss='bce'"
            )
        if self.output not in losses.ACCEPTS[self.loss_name]:
            allowed = " or ".join(repr(o) for o in losses.ACCEPTS[self.loss_name])
            raise ValueError(
                f"loss {self.loss_name!r} takes the log of the outputs, so it needs output {allowed} "
                f"(values inside (0, 1)); got output {self.output!r}"
            )

    @property
    def options(self) -> dict:
        """The constructor arguments, to rebuild or vary this network, in the form it was given."""
        extra = {} if self.detail == "compact" else {"detail": self.detail}
        if self._form == "sizes":
            return dict(sizes=self.sizes, hidden=self.hidden, output=self.output, loss=self.loss_name,
                        layout=self.layout_name, bias=self.bias, init=self.init, seed=self.seed, **extra)
        inputs = self.inputs[0] if len(self.inputs) == 1 else self.inputs
        return dict(inputs=inputs, layers=self.layers, loss=self.loss_name, layout=self.layout_name, bias=self.bias,
                    init=self.init, seed=self.seed, detail=self.detail)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.options.items())
        return f"Network({args})"

    @property
    def short(self) -> str:
        """The network as the app's status line names it: "4 → 3 → 3" for sizes, and for a stack its example's shape
        and its layers in short form, "3 → emb 27×10 → flat → 200 → bn → tanh → 27 → softmax"."""
        if self._form == "sizes":
            return " → ".join(map(str, self.sizes))
        inputs = self.inputs[0] if len(self.inputs) == 1 else self.inputs  # a sequence's (T, D), an image's (C, H, W)
        return f"{inputs} → {stack.short(stack.parse(self.layers))}"

    @property
    def activations(self) -> str:
        """The activations and loss in words, where the short form does not name them: "sigmoid → sigmoid  bce"."""
        return f"{self.hidden} → {self.output}  {self.loss_name}" if self._form == "sizes" else self.loss_name

    @property
    def depth(self) -> int:
        """How many weight layers (linear, embedding) the stack has."""
        return self._layer_of[self._built[-1].out]

    @property
    def pictures(self) -> tuple[str, ...]:
        """The names whose values are best seen as heatmaps over their last two axes (attention's P and dP)."""
        return tuple(name for b in self._built for name in b.pictures)

    @property
    def parameter_count(self) -> int:
        return self._parameter_count

    @property
    def parameters(self) -> tuple[stack.Param, ...]:
        """What each layer owns, in stack order: names, shapes, and how the first values are drawn."""
        return tuple(p for b in self._built for p in b.params)

    @property
    def params(self) -> dict[str, np.ndarray]:
        """The current parameters, read-only; a step replaces them rather than writing into them."""
        return dict(self._params)

    def start_from(self, params: dict[str, np.ndarray]) -> None:
        """Start from these parameters (some or all, each of its own shape) instead of the seed's draw."""
        for key, P in params.items():
            if key not in self._params:
                raise ValueError(f"no parameter {key!r}; the parameters are {', '.join(self._params)}")
            if np.shape(P) != self._params[key].shape:
                raise ValueError(f"{key} must have shape {checks.shape_text(self._params[key].shape)}; "
                                 f"got {checks.shape_text(np.shape(P))}")
        for key, P in params.items():
            P = np.array(P, dtype=np.float64)  # a copy: the caller's array may change, ours must not
            P.setflags(write=False)
            self._params[key] = P

    # ---- initial values ------------------------------------------------------------------------------------

    def _initial_params(self) -> dict[str, np.ndarray]:
        """Draw every parameter in stack order from one generator, so all layouts and biases start the same."""
        rng = np.random.default_rng(self.seed)
        params = {}
        for b in self._built:
            for p in b.params:
                params[p.name] = p.draw(rng, self.init)
                params[p.name].setflags(write=False)
        return params

    # ---- the plan: every operation of a step, in order --------------------------------------------------

    def _plan(self) -> tuple[tuple[Planned, ...], int, int]:
        """The whole plan, and how many of its operations are forward (loss included) and backward."""
        lay, built = self.layout, self._built
        # so a sum can say "over examples (rows)", or with outputs at every time step "over classes"
        axes = lay.example_axis if len(built[-1].shape) == 1 else ("examples", "time", "classes")
        bind = partial(bind_names, example_axis=axes)
        L = self._layer_of[built[-1].out]
        Z, A = self._Z, self._A
        forward = [p for b in built for p in b.forward]
        out = built[-1].shape
        # Every position of a sequence is scored: the loss is the mean over its m·T predictions.
        positions = int(np.prod(out[:-1]))
        classes = lay.classes_axis(out)
        fine = losses.FINE.get((self.output, self.loss_name)) if self.detail == "fine" else None
        layers = list(reversed(list(enumerate(built))))
        backward: list[Planned] = []
        if fine:  # the output activation and the loss, one operation at a time
            tag = A[len("A"):]
            ahead, loss_op, back = fine(classes)
            names = dict(Z=Z, A=A, Y="Y", dZ=f"d{Z}", dA=f"d{A}")
            for name in losses.FINE_NAMES:
                names[name], names[f"d{name}"] = f"{name}{tag}", f"d{name}{tag}"
            forward[-1:] = [bind(op, "forward", L, **_slots(op, names)) for op in ahead]
            loss_op = losses.over(loss_op, positions)
            forward.append(bind(loss_op, "loss", L, **_slots(loss_op, names)))
            backward += [bind(losses.over(op, positions), "backward", L, **_slots(op, names)) for op in back]
            layers = layers[1:]
        else:
            loss_op = losses.over(losses.loss_op(self.output, self.loss_name, classes), positions)
            forward.append(bind(loss_op, "loss", L, Z=Z, A=A, Y="Y"))
        if fine:
            pass  # its backward pass is above
        elif self.fused:
            backward.append(bind(losses.over(losses.FUSED_GRADIENT, positions), "backward", L, dZ=f"d{Z}", A=A, Y="Y",
                                 Z=Z))
            if built[-1].activation:
                layers = layers[1:]  # the loss's gradient and the output activation's cancel into dZ
        else:
            backward.append(bind(losses.over(losses.OUTPUT_GRADIENT[self.loss_name], positions), "backward", L,
                                 dA=f"d{A}", A=A, Y="Y"))
        joins: dict[int, list[Planned]] = {}  # where two paths meet again: after the backward of the item at k
        for k, b in enumerate(built):
            if b.back:
                joins.setdefault(k - b.back, []).extend(b.joins)
        for k, b in layers:
            backward.extend(b.backward)
            backward.extend(joins.get(k, ()))
        names = tuple(self._params)
        for b in built:  # what a layer does to the parameters' gradients once they are all known (clip)
            if b.finish is not None:
                backward.extend(b.finish(names))
        owner = {p.name: self._layer_of[b.out] for b in built for p in b.params}
        update = [bind(UPDATE, "update", owner[key], P=key, dP=f"d{key}") for key in self._params]
        _check_names(forward + backward)
        return _with_frees(forward + backward + update), len(forward), len(backward)

    # ---- data --------------------------------------------------------------------------------------------

    def _data(self, X, Y) -> tuple[np.ndarray, np.ndarray, int]:
        lay, n_in, out = self.layout, self.inputs[0], self._built[-1].shape
        ex = lay.example_axis
        vocabulary = self._built[0].ids
        if len(self.inputs) == 1:
            X = checks.as_matrix("X", X) if not (vocabulary and checks.is_int_array(X, 2)) else X
            if X.shape[1 - ex] != n_in:
                expected = "(m, {})".format(n_in) if ex == 0 else "({}, m)".format(n_in)
                hint = "; did you mean X.T?" if X.shape[ex] == n_in else ""
                raise ValueError(
                    f"X has shape {X.shape} but a {lay.name}-layout network with {n_in} inputs expects {expected}{hint}"
                )
        else:
            X = self._shaped("X", X, self.layout.example(self.inputs), said=self.inputs)  # channels last: (H, W, C)
        m = X.shape[ex]
        if len(out) == 1 and np.ndim(Y) == 3 and len(self.inputs) > 1:  # labels at every step, for one answer
            last = " the last step's, Y[:, -1, :]" if ex == 0 else " the last step's, Y[:, :, -1]"
            raise ValueError(f"Y has shape {np.shape(Y)} but the network answers once per sequence, with {out[0]} "
                             f"output(s), so a {lay.name}-layout network expects {lay.batch_shape(m, out)}: one label "
                             f"per sequence,{last}")
        Y = checks.as_matrix("Y", Y) if len(out) == 1 else self._shaped("Y", Y, out)
        if m == 0:
            raise ValueError(f"X has shape {X.shape}: no examples; expected at least one")
        expected_Y = lay.batch_shape(m, out)
        if Y.shape != expected_Y:
            hint = "; did you mean Y.T?" if Y.T.shape == expected_Y else ""
            outputs = f"{out[0]} output(s)" if len(out) == 1 else f"outputs of shape {out} per example"
            raise ValueError(
                f"Y has shape {Y.shape} but X holds {m} example(s) and the network has {outputs}, "
                f"so a {lay.name}-layout network expects {expected_Y}{hint}"
            )
        if self.loss_name in ("bce", "ce"):
            outside = (Y < 0) | (Y > 1)
            if outside.any():
                where = tuple(int(k) for k in np.argwhere(outside)[0])
                raise ValueError(f"loss {self.loss_name!r} needs labels in [0, 1]; got Y{list(where)} = {Y[where]:g}")
        if self.output == "softmax":
            sums = Y.sum(axis=lay.classes_axis(out))
            off = np.argwhere(np.abs(sums - 1.0) > 1e-9)
            if off.size:
                k = tuple(int(i) for i in off[0])
                which = f"example {k[0]}" if len(k) == 1 else f"example {k[0]} at time step {k[1]}"
                raise ValueError(
                    "softmax with ce needs each example's labels to sum to 1 (one-hot or a distribution); "
                    f"{which} sums to {sums[k]:g}. For independent 0/1 labels use output='sigmoid', loss='bce'"
                )
        needed = 8 * m * self._floats + 3 * 8 * self._parameter_count
        if needed > self.max_bytes:
            raise checks.over_budget(f"a step of {self!r} on {m} examples", needed, self.max_bytes)
        if vocabulary:
            X = checks.ids("X", X, vocabulary, self.layers.split(",")[0])
        return X, Y, m

    def _shaped(self, name: str, data, shape: tuple[int, ...], said: tuple[int, ...] | None = None) -> np.ndarray:
        """Data of examples of `shape` (a sequence's (T, D)), or a ValueError saying the shape this layout expects;
        `said` is the examples' shape as the network was given it, an image's (C, H, W) whatever the layout."""
        lay = self.layout
        expected = "(" + ", ".join(map(str, lay.batch_shape("m", shape))) + ")"
        what = "examples are" if name == "X" else "outputs per example are"
        whose = f"a {lay.name}-layout network whose {what} {said or shape} expects {expected}"
        if np.ndim(data) != 1 + len(shape):
            raise ValueError(f"{name} has shape {np.shape(data)} but {whose}")
        A = checks.as_array(name, data, 1 + len(shape))
        if A.shape != lay.batch_shape(A.shape[lay.example_axis], shape):
            raise ValueError(f"{name} has shape {A.shape} but {whose}")
        return A

    # ---- running the plan --------------------------------------------------------------------------------

    def _events(self, plan, env: dict, ctx: _Scalars) -> Iterator[Event]:
        step = self.steps
        if self._readers is None or self._readers[0] is not self.plan:
            self._readers = (self.plan, tuple((p, _reader(p), p.frees) for p in self.plan))
        for index, (p, read, frees) in enumerate(self._readers[1][:len(plan)]):
            arrays = read(env)
            value = p.fn(ctx, *arrays)
            if type(value) is not np.ndarray:
                value = np.asarray(value)
            value.setflags(write=False)
            for key in frees:
                del env[key]
            env[p.name] = value
            yield Event(index, step, p, value, arrays)

    def _env(self, X, Y, params) -> tuple[dict, int]:
        X, Y, m = self._data(X, Y)
        env = dict(params)
        env["X"] = X
        env["Y"] = Y
        env.update(self.draws(m))
        return env, m

    def draws(self, m: int) -> dict[str, np.ndarray]:
        """What the next step draws before it runs (dropout's masks): fixed by the seed, the step count and the
        layer, so loss() and gradients() called before a step see that step's masks."""
        drawn = {}
        for b in self._built:
            for d in b.draws:
                drawn[d.name] = d.fn(self.seed, self.steps, m)
                drawn[d.name].setflags(write=False)
        return drawn

    def step(self, X, Y, lr: float = 0.5) -> Iterator[Event]:
        """One training step, an event per operation. Exhausting it applies W ← W − lr·dW; stopping early does not."""
        lr = checks.learning_rate(lr)
        env, m = self._env(X, Y, self._params)
        return self._step(env, _Scalars(m, lr))

    def _step(self, env: dict, ctx: _Scalars) -> Iterator[Event]:
        yield from self._events(self.plan, env, ctx)
        self._params = {key: env[key] for key in self._params}
        self.steps += 1

    def loss(self, X, Y) -> float:
        """The loss the step's "L" event computes, for the current parameters."""
        return self._loss_with(self._params, X, Y)

    def _loss_with(self, params: dict, X, Y) -> float:
        env, m = self._env(X, Y, params)
        for _ in self._events(self._forward, env, _Scalars(m)):
            pass
        return float(env["L"])

    def gradients(self, X, Y) -> dict[str, np.ndarray]:
        """dL/dparam for each parameter, keyed like params, from the step's own backward events; no update."""
        env, m = self._env(X, Y, self._params)
        for _ in self._events(self._through_backward, env, _Scalars(m)):
            pass
        return {key: env[f"d{key}"] for key in self._params}

    def train(self, X, Y, lr: float = 0.5, steps: int = 1) -> float:
        """Run whole steps without making their events; returns the loss before the last update."""
        lr = checks.learning_rate(lr)
        loss = float("nan")
        run = self._compiled()
        X, Y, m = self._data(X, Y)  # the same data every step: checked once
        ctx = _Scalars(m, lr)
        draws = [d for b in self._built for d in b.draws]
        try:
            for _ in range(steps):
                env = {**self._params, "X": X, "Y": Y}
                for d in draws:
                    env[d.name] = d.fn(self.seed, self.steps, m)
                loss, self._params = run(env, ctx)
                self.steps += 1
        finally:
            for value in self._params.values():  # only the parameters the loop ends with are ever seen
                value.setflags(write=False)
        return float(loss)

    def _compiled(self) -> Callable[[dict, _Scalars], tuple[np.ndarray, dict]]:
        """The plan as one Python function of the step's names, each held in a local: a training step then costs
        the NumPy it runs and a call per operation, with no lookups between. Returns the loss and the new
        parameters. Each name is released after its last read, as a step does."""
        if getattr(self, "_compiled_for", None) is self.plan:
            return self._run
        local: dict[str, str] = {}
        namespace: dict[str, object] = {}
        lines, loaded = [], set()

        def read(i: Input, k: int, j: int) -> str:
            if i.key not in local:
                local[i.key] = f"v{len(local)}"
            name = local[i.key]
            if i.key not in loaded:
                lines.append(f"    {name} = env[{i.key!r}]")
                loaded.add(i.key)
            if i.index is None:
                return name
            namespace[f"i{k}_{j}"] = i.index
            return f"{name}[i{k}_{j}]"

        for k, p in enumerate(self.plan):
            namespace[f"f{k}"] = p.fn
            args = ", ".join(["c", *(read(i, k, j) for j, i in enumerate(p.inputs))])
            local.setdefault(p.name, f"v{len(local)}")
            lines.append(f"    {local[p.name]} = f{k}({args})")
            loaded.add(p.name)
            lines += [f"    del {local[key]}" for key in p.frees if key in local and key != p.name]
        results = ", ".join(f"{key!r}: {local[key]}" for key in self._params)  # an update's P - lr * dP
        source = "def run(env, c):\n" + "\n".join(lines) + f"\n    return {local['L']}, {{{results}}}\n"
        exec(compile(source, f"<the plan of {self.layers}>", "exec"), namespace)  # our own lines, no input
        self._run, self._compiled_for = namespace["run"], self.plan
        return self._run
