"""Session: the network being walked through, its data, and the events of the current training step."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

import engine
from engine import Event, Network
from engine.events import Planned
from engine.metrics import accuracy

HISTORY = 2000  # losses kept for the curve; older ones fall off so memory stays flat

DATASETS = ("question", "xor", "spirals")


@dataclass(frozen=True)
class Options:
    """Everything the command line and the editor row can set."""

    sizes: tuple[int, ...] = (4, 3, 3)
    hidden: str = "sigmoid"
    output: str = "sigmoid"
    loss: str = "bce"
    layout: str = "rows"
    bias: str = "vector"
    init: str = "uniform"
    seed: int = 0
    lr: float = 0.5
    batch: int | None = None  # None: every example of the dataset
    dataset: str = "question"
    data: str | None = None  # paths of X and Y files, replacing the dataset
    targets: str | None = None

    @property
    def network(self) -> dict:
        return dict(sizes=self.sizes, hidden=self.hidden, output=self.output, loss=self.loss,
                    layout=self.layout, bias=self.bias, init=self.init, seed=self.seed)

    def but(self, **changes) -> Options:
        return replace(self, **changes)


def parse_sizes(text: str) -> tuple[int, ...]:
    """"4,3,3" or "4 → 3 → 3" into (4, 3, 3), or a ValueError saying which entry is wrong."""
    parts = text.split(",") if "," in text else text.replace("→", " ").replace("->", " ").split()
    parts = [p.strip() for p in parts]
    sizes = []
    for k, part in enumerate(parts, start=1):
        if not part:
            raise ValueError(f"sizes: entry {k} of {text!r} is empty; expected whole numbers such as 4,3,3")
        if not part.isdigit() or int(part) == 0:
            raise ValueError(f"sizes: entry {k} of {text!r} is {part!r}; expected a whole number >= 1, as in 4,3,3")
        sizes.append(int(part))
    if len(sizes) < 2:
        raise ValueError(f"sizes: {text!r} has {len(sizes)} entry; expected inputs, hidden sizes, outputs: 4,3,3")
    return tuple(sizes)


def parse_int(name: str, text: str, minimum: int, allow_blank: bool = False) -> int | None:
    text = text.strip()
    if allow_blank and not text:
        return None
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{name}: expected a whole number >= {minimum}; got {text!r}") from None
    if value < minimum:
        raise ValueError(f"{name}: expected a whole number >= {minimum}; got {value}")
    return value


def parse_float(name: str, text: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise ValueError(f"{name}: expected a number such as 0.5; got {text!r}") from None
    return value


def load_data(options: Options) -> tuple[np.ndarray, np.ndarray, str]:
    """The dataset's X and Y with examples as rows, and its name."""
    if options.data or options.targets:
        if not (options.data and options.targets):
            raise ValueError("--data and --targets go together: X and Y, one example per row in each")
        X, Y = engine.datasets.load(options.data), engine.datasets.load(options.targets)
        if X.shape[0] != Y.shape[0]:
            raise ValueError(f"{options.data} has {X.shape[0]} rows but {options.targets} has {Y.shape[0]}; "
                             "expected one row per example in both")
        return X, Y, f"{options.data} / {options.targets}"
    if options.dataset == "question":
        return (*engine.datasets.question(), "the question's data")
    if options.dataset == "xor":
        return (*engine.datasets.xor(), "xor")
    if options.dataset == "spirals":
        return (*engine.datasets.spirals(n_classes=3, m=300, seed=options.seed), "spirals")
    raise ValueError(f"unknown dataset {options.dataset!r}; expected one of {', '.join(DATASETS)}")


def fit_data(options: Options, X: np.ndarray, Y: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray, str]:
    """The data cut to the batch and laid out for the network; synthetic data when the sizes no longer fit."""
    n_in, n_out = options.sizes[0], options.sizes[-1]
    note = ""
    if X.shape[1] != n_in or Y.shape[1] != n_out:
        m = options.batch or X.shape[0]
        kind = {"softmax": "onehot", "identity": "real"}.get(options.output, "binary")
        note = (f"{name} has {X.shape[1]} inputs and {Y.shape[1]} outputs, not {n_in} and {n_out}: "
                f"using synthetic {kind} data, {m} examples, seed {options.seed}")
        X, Y = engine.datasets.synthetic(n_in, n_out, m, seed=options.seed, kind=kind)
    elif options.batch is not None:
        if options.batch > X.shape[0]:
            raise ValueError(f"batch: {name} has {X.shape[0]} examples; got batch {options.batch}")
        X, Y = X[:options.batch], Y[:options.batch]
    if options.layout == "columns":
        X, Y = X.T, Y.T
    return np.ascontiguousarray(X), np.ascontiguousarray(Y), note


@dataclass
class Session:
    """A network, its data, the events of its current step, and which one is on screen."""

    options: Options
    net: Network
    X: np.ndarray
    Y: np.ndarray
    note: str = ""
    position: int = 0
    events: list[Event] = field(default_factory=list)
    loss: float = float("nan")
    accuracy: float | None = None
    history: deque = field(default_factory=lambda: deque(maxlen=HISTORY))

    @classmethod
    def start(cls, options: Options, at: str | None = None) -> Session:
        """Build everything from options, raising ValueError on anything the engine refuses; show event `at`."""
        X, Y, name = load_data(options)
        X, Y, note = fit_data(options, X, Y, name)
        net = Network(**options.network)
        session = cls(options, net, X, Y, note)
        session._begin()
        if at is not None:
            session.go(session.index_of(at))
        return session

    def _begin(self) -> None:
        """Compute every event of the step up front, one next() each, short of the next() that commits the update."""
        self._steps = self.net.step(self.X, self.Y, self.options.lr)
        self.events = [next(self._steps) for _ in self.net.plan]
        self.position = 0
        at_loss = self.index_of("L")
        self.loss = float(self.events[at_loss].value)
        output = self.events[at_loss - 1].value  # AL, the last forward event
        self.accuracy = accuracy(self.net.output, output, self.Y, self.net.layout.class_axis)
        self._record(self.net.steps, self.loss)

    def _record(self, step: int, loss: float) -> None:
        if not self.history or self.history[-1][0] != step:
            self.history.append((step, loss))

    @property
    def plan(self) -> tuple[Planned, ...]:
        return self.net.plan

    @property
    def m(self) -> int:
        return self.X.shape[self.net.layout.example_axis]

    @property
    def current(self) -> Event:
        return self.events[self.position]

    def go(self, index: int) -> Event:
        self.position = max(0, min(index, len(self.events) - 1))
        return self.current

    def index_of(self, name: str) -> int:
        """Where an event of that name sits in this plan; the start of the step if it has none."""
        for i, p in enumerate(self.plan):
            if p.name == name:
                return i
        return 0

    def phase_start(self, direction: int) -> int:
        """The first event of the next (+1) or previous (−1) phase, or of this one going back mid-phase."""
        phases = [p.phase for p in self.plan]
        here = phases[self.position]
        if direction > 0:
            later = [i for i in range(self.position + 1, len(phases)) if phases[i] != here]
            return later[0] if later else len(phases) - 1
        first = phases.index(here)
        if first < self.position:
            return first
        earlier = [i for i in range(first) if phases[i] != here]
        return phases.index(phases[earlier[-1]]) if earlier else 0

    def train(self, steps: int, progress: Callable[[int], None], cancelled: Callable[[], bool]) -> int:
        """Whole steps, each one committed; stops early when cancelled. Returns how many ran.

        The step on screen is dropped unapplied (stopping a step early changes nothing) and training starts from
        the current parameters; afterwards a fresh step is on screen.
        """
        self._steps.close()
        done = 0
        for done in range(1, steps + 1):
            step = self.net.steps
            self._record(step, self.net.train(self.X, self.Y, self.options.lr, steps=1))
            if done % max(1, steps // 100) == 0:
                progress(done)
            if cancelled():
                break
        self._begin()
        return done

    def finish_step(self) -> None:
        """Apply the update (exhausting the step) and begin the next step."""
        for _ in self._steps:
            raise RuntimeError("a step emitted more events than its plan")
        self._begin()

    def matrices(self) -> dict[str, np.ndarray | float]:
        """Every named matrix the step has reached, plus m and lr: what the doctor evaluates over."""
        env: dict[str, np.ndarray | float] = {"X": self.X, "Y": self.Y, "m": self.m, "lr": self.options.lr}
        env.update(self.net.params)
        for event in self.events[: self.position + 1]:
            env[event.name] = event.value
        return env

    def truths(self) -> dict[str, tuple[np.ndarray, str]]:
        """Every event of the step by name: the engine's true value, and where it is computed, as a sentence."""
        return {e.name: (e.value, f"{e.name} is computed at event {i + 1} ({e.phase}, layer {e.layer}); "
                                  "step there first, or press end")
                for i, e in enumerate(self.events)}

    def axes(self):
        """What each axis of the step's arrays counts, for the doctor's explanations in words."""
        from engine.doctor import Axes
        return Axes(self.net.layout_name, self.net.sizes, self.m, self.net.bias)
