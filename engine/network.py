"""Network: parameters, a step() generator of one event per matrix operation, loss() and gradients()."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from operator import itemgetter

import numpy as np

from engine import activations, checks, losses
from engine.events import Event, Input, Op, Planned, bind
from engine.events import bind as bind_names
from engine.layouts import LAYOUTS, Layout

BIASES = ("vector", "augmented")
INITS = ("uniform", "xavier", "he")

UPDATE = Op("{P} = {P} - lr * {dP}", "",
            lambda c, P, dP: P - c.lr * dP)


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


class _Scalars:
    """The step's scalars: m, and lr, which only the update reads (None where a pass stops before it)."""

    __slots__ = ("m", "lr")

    def __init__(self, m: int, lr: float | None = None):
        self.m = m
        self.lr = lr


def _reader(p: Planned) -> Callable[[dict], tuple]:
    """A function gathering one planned operation's operands from the step's names."""
    if any(i.index for i in p.inputs):  # an operand is a slice, such as W2[:-1]
        return lambda env: tuple(env[i.key] if i.index is None else env[i.key][i.index] for i in p.inputs)
    if len(p.inputs) == 1:  # every operation has an operand; itemgetter of one key gives no tuple
        key = p.inputs[0].key
        return lambda env: (env[key],)
    return itemgetter(*(i.key for i in p.inputs))


class Network:
    """A fully connected network whose training step is a sequence of inspectable matrix operations."""

    _readers: tuple | None = None  # (plan, each operation with the function gathering its operands)

    def __init__(
        self,
        sizes=(4, 3, 3),
        hidden: str = "sigmoid",
        output: str = "sigmoid",
        loss: str = "bce",
        layout: str = "rows",
        bias: str = "vector",
        init: str = "uniform",
        seed: int = 0,
        max_bytes: int = checks.GiB,
    ):
        self.sizes = checks.sizes(sizes)
        self.hidden = checks.choice("hidden activation", hidden, activations.HIDDEN)
        self.output = checks.choice("output activation", output, activations.OUTPUT)
        self.loss_name = checks.choice("loss", loss, losses.NAMES)
        self.layout_name = checks.choice("layout", layout, tuple(LAYOUTS))
        self.bias = checks.choice("bias", bias, BIASES)
        self.init = checks.choice("init", init, INITS)
        if not checks.is_whole(seed, 0):
            raise ValueError(f"seed must be an integer >= 0; got {seed!r}")
        if not checks.is_whole(max_bytes, 1):
            raise ValueError(f"max_bytes must be a whole number of bytes > 0, such as 2**30; got {max_bytes!r}")
        self.seed = int(seed)
        self.max_bytes = int(max_bytes)
        self._check_pairing()
        self.layout: Layout = LAYOUTS[layout]
        self.fused = (output, loss) in losses.FUSED
        needed = 3 * 8 * self.parameter_count  # bytes: three float64 copies of every parameter
        if needed > max_bytes:
            raise checks.over_budget(f"Network(sizes={self.sizes})", needed, max_bytes)
        self._params = self._initial_params()
        # Every operation one step() will emit, in order, known before any is computed.
        self.plan, forward, backward = self._plan()
        self._forward, self._through_backward = self.plan[:forward], self.plan[:forward + backward]
        self.steps = 0

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
        """The constructor arguments, to rebuild or vary this network."""
        return dict(sizes=self.sizes, hidden=self.hidden, output=self.output, loss=self.loss_name,
                    layout=self.layout_name, bias=self.bias, init=self.init, seed=self.seed)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.options.items())
        return f"Network({args})"

    @property
    def depth(self) -> int:
        return len(self.sizes) - 1

    @property
    def parameter_count(self) -> int:
        return sum((a + 1) * b for a, b in zip(self.sizes, self.sizes[1:]))

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
        """Draw every layer in rows orientation, so all four layout/bias modes start as the same network."""
        rng = np.random.default_rng(self.seed)
        params = {}
        for l, (n_in, n_out) in enumerate(zip(self.sizes, self.sizes[1:]), start=1):
            if self.init == "uniform":
                W = rng.uniform(-1.0, 1.0, (n_in, n_out))
                b = rng.uniform(-1.0, 1.0, (1, n_out))
            elif self.init == "xavier":
                a = np.sqrt(6.0 / (n_in + n_out))
                W, b = rng.uniform(-a, a, (n_in, n_out)), np.zeros((1, n_out))
            else:
                W, b = rng.normal(0.0, np.sqrt(2.0 / n_in), (n_in, n_out)), np.zeros((1, n_out))
            drawn = {f"W{l}": np.vstack([W, b])} if self.bias == "augmented" else {f"W{l}": W, f"b{l}": b}
            for key, P in drawn.items():
                params[key] = P if self.layout_name == "rows" else np.ascontiguousarray(P.T)
        for p in params.values():
            p.setflags(write=False)
        return params

    # ---- the plan: every operation of a step, in order --------------------------------------------------

    def _plan(self) -> tuple[tuple[Planned, ...], int, int]:
        """The whole plan, and how many of its operations are forward (loss included) and backward."""
        lay, L, augmented = self.layout, self.depth, self.bias == "augmented"
        bind = partial(bind_names, example_axis=lay.example_axis)  # so a sum can say "over examples (rows)"
        A = ["X"] + [f"A{l}" for l in range(1, L + 1)]
        Ain = [f"{a}_aug" if augmented else a for a in A]  # what layer l+1 multiplies by its weights
        forward: list[Planned] = []
        for l in range(1, L + 1):
            if augmented:
                forward.append(bind(lay.augment, "forward", l, Aa=Ain[l - 1], A=A[l - 1]))
                forward.append(bind(lay.Z_augmented, "forward", l, Z=f"Z{l}", Aa=Ain[l - 1], W=f"W{l}"))
            else:
                forward.append(bind(lay.Z, "forward", l, Z=f"Z{l}", A=A[l - 1], W=f"W{l}", b=f"b{l}"))
            name = self.hidden if l < L else self.output
            if name == "softmax":
                name = f"softmax_{lay.name}"
            forward.append(bind(activations.FORWARD[name], "forward", l, A=A[l], Z=f"Z{l}"))
        loss_op = losses.loss_op(self.output, self.loss_name, lay.class_axis)
        forward.append(bind(loss_op, "loss", L, Z=f"Z{L}", A=A[L], Y="Y"))

        backward: list[Planned] = []
        if self.fused:
            backward.append(bind(losses.FUSED_GRADIENT, "backward", L, dZ=f"dZ{L}", A=A[L], Y="Y", Z=f"Z{L}"))
        else:
            backward.append(bind(losses.OUTPUT_GRADIENT[self.loss_name], "backward", L, dA=f"dA{L}", A=A[L],
                                 Y="Y"))
            backward.append(self._derivative(self.output, L))
        for l in range(L, 0, -1):
            backward.append(bind(lay.dW, "backward", l, dW=f"dW{l}", Aa=Ain[l - 1], dZ=f"dZ{l}"))
            if not augmented:
                backward.append(bind(lay.db, "backward", l, db=f"db{l}", dZ=f"dZ{l}"))
            if l > 1:
                label = f"W{l}[:-1]" if lay.name == "rows" else f"W{l}[:, :-1]"
                W = Input(f"W{l}", label, lay.bias_slice) if augmented else f"W{l}"
                backward.append(bind(lay.dA, "backward", l, dA=f"dA{l - 1}", dZ=f"dZ{l}", W=W))
                backward.append(self._derivative(self.hidden, l - 1))

        update = [bind(UPDATE, "update", int(key[1:]), P=key, dP=f"d{key}") for key in self._params]
        return _with_frees(forward + backward + update), len(forward), len(backward)

    @staticmethod
    def _derivative(name: str, l: int) -> Planned:
        return bind(activations.DERIVATIVE[name], "backward", l, dZ=f"dZ{l}", dA=f"dA{l}", A=f"A{l}", Z=f"Z{l}")

    # ---- data --------------------------------------------------------------------------------------------

    def _data(self, X, Y) -> tuple[np.ndarray, np.ndarray, int]:
        lay, n_in, n_out = self.layout, self.sizes[0], self.sizes[-1]
        X = checks.as_matrix("X", X)
        Y = checks.as_matrix("Y", Y)
        ex = lay.example_axis
        if X.shape[1 - ex] != n_in:
            expected = "(m, {})".format(n_in) if ex == 0 else "({}, m)".format(n_in)
            hint = "; did you mean X.T?" if X.shape[ex] == n_in else ""
            raise ValueError(
                f"X has shape {X.shape} but a {lay.name}-layout network with {n_in} inputs expects {expected}{hint}"
            )
        m = X.shape[ex]
        if m == 0:
            raise ValueError(f"X has shape {X.shape}: no examples; expected at least one")
        expected_Y = lay.data_shape(m, n_out)
        if Y.shape != expected_Y:
            hint = "; did you mean Y.T?" if Y.T.shape == expected_Y else ""
            raise ValueError(
                f"Y has shape {Y.shape} but X holds {m} example(s) and the network has {n_out} output(s), "
                f"so a {lay.name}-layout network expects {expected_Y}{hint}"
            )
        if self.loss_name in ("bce", "ce"):
            outside = (Y < 0) | (Y > 1)
            if outside.any():
                i, j = (int(k) for k in np.argwhere(outside)[0])
                raise ValueError(f"loss {self.loss_name!r} needs labels in [0, 1]; got Y[{i}, {j}] = {Y[i, j]:g}")
        if self.output == "softmax":
            sums = Y.sum(axis=lay.class_axis)
            off = np.flatnonzero(np.abs(sums - 1.0) > 1e-9)
            if off.size:
                k = int(off[0])
                raise ValueError(
                    "softmax with ce needs each example's labels to sum to 1 (one-hot or a distribution); "
                    f"example {k} sums to {sums[k]:g}. For independent 0/1 labels use output='sigmoid', loss='bce'"
                )
        per_step = 8 * m * sum(4 * n + (a + 1 if self.bias == "augmented" else 0)
                              for a, n in zip(self.sizes, self.sizes[1:]))
        needed = per_step + 3 * 8 * self.parameter_count
        if needed > self.max_bytes:
            raise checks.over_budget(f"a step of {self!r} on {m} examples", needed, self.max_bytes)
        return X, Y, m

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
        return env, m

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
        """Run whole steps without looking at their events; returns the loss before the last update."""
        loss = float("nan")
        for _ in range(steps):
            for event in self.step(X, Y, lr):
                if event.name == "L":
                    loss = float(event.value)
        return loss
