"""Session: the network being walked through, its data, and the events of the current training step."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import NamedTuple
from pathlib import Path
import os
import re

import numpy as np

import engine
from engine import layers, losses
from engine import Event, Network
from engine.events import Planned
from engine.metrics import accuracy

HISTORY = 2000  # losses kept for the curve; older ones fall off so memory stays flat
QUICK = 2e7  # multiply-adds of a step (784 → 256 → 10 at batch 64 is 1.3e7): under it a re-run takes a few ms
KEEPS_TRAINING = ("lr", "batch")  # edits that go on with the trained parameters and the loss curve; others rebuild

DATASETS = (*engine.datasets.NAMED, "synthetic")
FILE = "file"  # the dataset choice that means --data and --targets


class Options(NamedTuple):
    """Everything the command line and the editor row can set. A NamedTuple: immutable, like a frozen dataclass, at
    a tenth of the cost to define, which start-up pays."""

    sizes: tuple[int, ...] | None = None  # None: inputs and outputs follow the data
    hidden: str = "sigmoid"
    output: str = "sigmoid"
    loss: str = "bce"
    layout: str = "rows"
    bias: str = "vector"
    init: str = "uniform"
    seed: int = 0
    lr: float = 0.5
    batch: int | None = None  # None: every example of the dataset
    dataset: str = "question"  # one of DATASETS, or FILE for the files below
    data: str | None = None  # paths of X and Y files (or of a word list alone)
    targets: str | None = None
    data_name: str | None = None  # what the app calls those files, such as "your script's X, Y"; else X's file name
    layers: str | None = None  # a layer stack; None: the fully connected network of sizes, hidden and output
    detail: str = "compact"
    image: tuple[int, ...] | None = None  # (C, H, W) when the data are images; they follow the data
    sequence: tuple[int, ...] | None = None  # (T, D), or (T,) of ids, when the data are sequences; they follow it

    @property
    def network(self) -> dict:
        if self.layers:
            return dict(inputs=self.image or self.sequence or self.sizes[0], layers=self.layers, loss=self.loss, layout=self.layout, bias=self.bias,
                        init=self.init, seed=self.seed, detail=self.detail)
        return dict(sizes=self.sizes, hidden=self.hidden, output=self.output, loss=self.loss,
                    layout=self.layout, bias=self.bias, init=self.init, seed=self.seed, detail=self.detail)

    @property
    def stack(self) -> str:
        """The running network as a layer string, whichever way it was given."""
        if self.layers:
            return self.layers
        return layers.from_sizes(self.sizes or (4, 3, 3), self.hidden, self.output)

    @property
    def time(self) -> tuple[bool, int | None]:
        """Whether the stack reads sequences, and the longest it takes (a position table's T), None for any."""
        return layers.sequences(layers.parse(self.layers)) if self.layers else (False, None)

    @property
    def datasets(self) -> tuple[str, ...]:
        """The data choices: the built-in ones, and the user's files when given."""
        return (FILE, *DATASETS) if self.data else DATASETS

    def data_label(self, choice: str) -> str:
        return (self.data_name or Path(self.data).name) if choice == FILE and self.data else choice

    def but(self, **changes) -> Options:
        return self._replace(**changes)


def sizes_text(sizes: tuple[int, ...]) -> str:
    return ",".join(map(str, sizes))


def parse_sizes(text: str) -> tuple[int, ...]:
    """"4,3,3" or "4 → 3 → 3" into (4, 3, 3), or a ValueError saying which entry is wrong."""
    parts = text.split(",") if "," in text else text.replace("→", " ").replace("->", " ").split()
    parts = [p.strip() for p in parts]
    if not any(parts):
        raise ValueError(f"sizes: {text!r} is empty; expected inputs, hidden sizes, outputs, such as 4,3,3")
    sizes = []
    for k, part in enumerate(parts, start=1):
        if not part:
            raise ValueError(f"sizes: entry {k} of {text!r} is empty; expected whole numbers such as 4,3,3")
        if not part.isdigit() or int(part) == 0:
            raise ValueError(f"sizes: entry {k} of {text!r} is {part!r}; expected a whole number >= 1, as in 4,3,3")
        sizes.append(int(part))
    if len(sizes) < 2:
        raise ValueError(f"sizes: {text!r} has one entry; expected inputs, hidden sizes, outputs, such as 4,3,3")
    return tuple(sizes)


def parse_int(name: str, text: str, minimum: int, allow_blank: bool = False) -> int | None:
    text = text.strip()
    if allow_blank and (not text or text == "all"):
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


def plain(error: Exception | str) -> str:
    """An engine message as the app says it: "output sigmoid" for output='sigmoid', no Python-only advice."""
    text = re.sub(r"(\w+)='([^']*)'", r"\1 \2", str(error))
    return text.replace(", or pass max_bytes= to allow more", "")


_READ: dict = {}  # the last dataset read, by what it was read from: an edit reuses it rather than read it again


def base_data(options: Options) -> engine.datasets.Data:
    """The chosen dataset, examples as rows, its labels as the output activation takes them (one-hot for softmax).

    Synthetic data needs the sizes: see resolve. Files are read again only when they have changed.
    """
    key = _read_key(options)
    if key is not None and key in _READ:
        return _READ[key]
    data = _read(options)
    _READ.clear()
    _READ[key] = data
    return data


def _read_key(options: Options) -> tuple | None:
    """What the dataset is read from, files with their times and sizes; None when a file cannot be looked at."""
    files = tuple(f for f in (options.data, options.targets) if f) if options.dataset == FILE else ()
    try:
        stamps = tuple((s.st_mtime_ns, s.st_size) for s in map(os.stat, files))
    except OSError:
        return None  # reading them says what is wrong
    return (options.dataset, *files, stamps, options.seed, options.output, options.time)


def quick(options: Options) -> bool:
    """Whether a session of these options starts in a few milliseconds: its data already read (or synthetic and
    small), and a step of at most QUICK multiply-adds."""
    if options.sizes is None:
        return False
    if options.dataset == "synthetic":
        m = max(engine.datasets.SYNTHETIC_M, options.batch or 0)
    elif (data := _READ.get(_read_key(options))) is not None:
        m = data.X.shape[0]
    else:
        return False
    batch = min(options.batch or m, m)
    return batch * sum(a * b for a, b in zip(options.sizes, options.sizes[1:])) <= QUICK


def _read(options: Options) -> engine.datasets.Data:
    sequences, T = options.time
    if options.dataset == FILE:
        if options.data and Path(options.data).suffix.lower() == ".txt" and not options.targets and sequences:
            X, Y, chars = engine.datasets.text_sequences(options.data, T or engine.datasets.SEQUENCE_T)
            return engine.datasets.Data(f"{Path(options.data).name}, {len(chars)} characters", X, Y)
        if options.data and Path(options.data).suffix.lower() == ".txt" and not options.targets:
            return engine.datasets.words(options.data)  # a word list: next-character examples, as words are
        if options.data and Path(options.data).suffix.lower() == ".npz" and not options.targets:
            X, Y = engine.datasets.load_images(options.data)  # images and their labels, one-hot
            return engine.datasets.Data(Path(options.data).name, X, Y)
        if not (options.data and options.targets):
            raise ValueError("--data and --targets go together: X and Y, one example per row in each")
        data = engine.datasets.from_files(options.data, options.targets)
        data.name = options.data_name or data.name
    else:
        data = engine.datasets.named(options.dataset, seed=options.seed, sequences=sequences, T=T)
    if sequences and layers.one_answer(layers.parse(options.layers)):
        data = data.at_last_step()
    return engine.datasets.for_output(data, options.output)


def resolve(options: Options) -> tuple[engine.datasets.Data, Options]:
    """The data, and the options with their sizes made concrete; ValueError when the sizes cannot fit the data."""
    if options.layers:
        return _resolve_stack(options)
    if options.dataset == "synthetic":
        sizes = options.sizes or (4, 3, 3)
        m = max(engine.datasets.SYNTHETIC_M, options.batch or 0)  # as many examples as a batch takes, or a few
        data = engine.datasets.synthetic_data(sizes[0], sizes[-1], options.output, m=m, seed=options.seed)
        return data, options.but(sizes=sizes)
    data = base_data(options)
    if data.image:
        raise ValueError(f"{data.describe()}: dense layers do not read images; press a and choose the preset "
                         "small convnet on shapes, or a stack that starts with conv, maxpool or flatten")
    if data.sequence:
        raise ValueError(f"{data.describe()}: dense layers do not read sequences; press a and choose the preset "
                         "rnn remembers, lstm remembers or tiny GPT, or a stack with rnn, lstm or transformer")
    if options.sizes is None:
        return data, options.but(sizes=data.sizes(engine.datasets.HIDDEN.get(options.dataset, (3,))))
    if not data.fits(options.sizes):
        raise ValueError(f"sizes {sizes_text(options.sizes)} do not fit {data.describe()}; "
                         f"sizes that fit: {sizes_text(data.sizes(options.sizes[1:-1]))}")
    return data, options


def _linear_sizes(items) -> list[int]:
    return [item.numbers[0] for item in items if item.kind == "linear"]


def _resolve_stack(options: Options) -> tuple[engine.datasets.Data, Options]:
    """A layer stack's data: its inputs are the data's, and its last linear layer must make the data's outputs."""
    items = layers.parse(options.layers)
    sizes = _linear_sizes(items)
    if options.dataset == "synthetic":
        n_out = sizes[-1] if sizes else 1
        m = max(engine.datasets.SYNTHETIC_M, options.batch or 0)
        n_in = options.sizes[0] if options.sizes else 4
        data = engine.datasets.synthetic_data(n_in, n_out, options.output, m=m, seed=options.seed)
    else:
        data = base_data(options)
    _check_sequences(items, data)
    last = next((item for item in reversed(items) if item.kind == "linear"), None)
    if last is not None and last.numbers[0] != data.n_out:
        raise ValueError(f"item {last.position} '{last.text}': the last linear layer makes the outputs, and "
                         f"{data.describe()} has {data.n_out}; write 'linear {data.n_out}'")
    activations = [item.kind for item in items if item.kind in engine.activations.FORWARD or item.kind == "softmax"]
    output = items[-1].kind if activations and items[-1].kind == activations[-1] else "identity"
    hidden = next((a for a in activations[:-1] if a in engine.activations.HIDDEN), options.hidden)
    return data, options.but(sizes=(data.n_in, *sizes), hidden=hidden, output=output,
                             image=data.image, sequence=data.sequence)


def _check_sequences(items, data: engine.datasets.Data) -> None:
    """A layer that reads sequences needs data of sequences: said with the shapes, before any network is built."""
    reader = next((item for item in items if getattr(layers.kind(item.kind), "SEQUENCES", False)), None)
    if reader is not None and not data.sequence:
        shape = data.image or (data.n_in,)
        raise ValueError(f"item {reader.position} '{reader.text}' reads sequences, data (m, T, D) or ids (m, T), "
                         f"and {data.describe()} has examples of shape {shape}; choose data "
                         f"{', '.join(engine.datasets.SEQUENCES)}, words or a text file")


def _simplest(options: Options) -> Options:
    """A stack that is a fully connected network is kept as sizes, hidden and output, as the editor shows them."""
    items = layers.parse(options.layers)
    kinds = [item.kind for item in items]
    pairs = kinds[0::2], kinds[1::2]
    if len(kinds) % 2 or set(pairs[0]) != {"linear"} or len(set(pairs[1][:-1])) > 1:
        return options
    hidden = pairs[1][0] if len(pairs[1]) > 1 else options.hidden
    output = pairs[1][-1]
    if hidden not in engine.activations.HIDDEN or output not in engine.activations.OUTPUT:
        return options
    sizes = (options.sizes[0], *_linear_sizes(items)) if options.sizes else None
    return options.but(layers=None, sizes=sizes, hidden=hidden, output=output)


def with_layers(options: Options, text: str) -> tuple[Options, str]:
    """A new layer stack, normalised; its data must fit it (see _resolve_stack). Softmax last brings loss ce."""
    items = layers.parse(text)
    changed = options.but(layers=layers.normalised(items))
    last = items[-1].kind
    if last in engine.activations.OUTPUT:
        changed = changed.but(output=last)
    note = ""
    if changed.output in losses.PAIRED and changed.output not in losses.ACCEPTS[changed.loss]:
        loss = losses.PAIRED[changed.output]
        changed, note = changed.but(loss=loss), f"output {changed.output} pairs with loss {loss}: loss is now {loss}"
    data, changed = resolve(changed)
    return _simplest(changed), note


def with_preset(options: Options, name: str) -> tuple[Options, str]:
    """A preset network with its data and settings; the note says what changed besides the network."""
    from tui.presets import PRESETS
    changes = PRESETS[name].changes
    changed = options.but(**changes)
    data, changed = resolve(changed)
    said = []
    if changed.dataset != options.dataset:
        said.append(f"data is now {data.describe()}, {data.m:,} examples")
    if changed.batch != options.batch:
        said.append(f"batch {'all' if changed.batch is None else changed.batch}")
    if changed.lr != options.lr:
        said.append(f"lr {changed.lr:g}")
    for field in ("loss", "init"):
        if getattr(changed, field) != getattr(options, field):
            said.append(f"{field} {getattr(changed, field)}")
    return (_simplest(changed) if changed.layers else changed), (
        f"preset {PRESETS[name].label}: " + ", ".join(said) if said else "")


def _restacked(options: Options, **changes) -> Options:
    """The stack with new linear sizes, hidden activations or output activation, its other layers kept."""
    items = list(layers.parse(options.stack))
    sizes = iter(changes.get("sizes", (None,))[1:])
    out = []
    for k, item in enumerate(items):
        if item.kind == "linear" and "sizes" in changes:
            item = item._replace(numbers=(next(sizes),))
        elif item.kind in engine.activations.FORWARD or item.kind == "softmax":
            last = k == len(items) - 1
            new = changes.get("output" if last else "hidden")
            if new:
                item = item._replace(kind=new)
        out.append(item)
    return options.but(layers=layers.normalised(tuple(out)))


def with_sizes(options: Options, sizes: tuple[int, ...]) -> tuple[Options, str]:
    """New sizes; when they no longer fit the data, seeded synthetic data of their shape, and a note saying so.

    In a layer stack the sizes are its linear layers': the stack keeps its other layers.
    """
    if options.layers:
        count = len(_linear_sizes(layers.parse(options.layers)))
        if len(sizes) - 1 != count:
            raise ValueError(f"sizes: this stack has {count} linear layer{'s' * (count != 1)}, so the sizes are the "
                             f"inputs and {count} more, such as {sizes_text(options.sizes)}; got {sizes_text(sizes)}. "
                             "Press a to change the layers")
        if sizes[0] != options.sizes[0]:
            raise ValueError(f"sizes: the inputs follow the data, {options.sizes[0]}; got {sizes[0]}")
        return _restacked(options, sizes=sizes), ""
    if options.dataset == "synthetic":
        return options.but(sizes=sizes), ""
    data = base_data(options)
    if data.fits(sizes):
        return options.but(sizes=sizes), ""
    label = options.data_label(options.dataset)
    return options.but(sizes=sizes, dataset="synthetic"), (
        f"sizes {sizes_text(sizes)} do not fit {data.describe()}: now on synthetic {sizes[0]}→{sizes[-1]} data, "
        f"seed {options.seed}; choose data {label} to go back")


def with_dataset(options: Options, dataset: str) -> Options:
    """Another dataset; the inputs and outputs follow it, the hidden sizes stay."""
    if dataset == "synthetic":
        return options.but(dataset=dataset)
    changed = options.but(dataset=dataset)
    data = base_data(changed)
    hidden = options.sizes[1:-1] if options.sizes else engine.datasets.HIDDEN.get(dataset, (3,))
    return changed.but(sizes=data.sizes(hidden))


def with_output(options: Options, output: str) -> tuple[Options, str]:
    """Another output activation, with the loss it pairs with when the current loss cannot take it.

    Softmax on labels that are not one-hot is refused here, saying which data would do.
    """
    if output == "softmax" and options.dataset != "synthetic":
        data = base_data(options.but(output=output))
        sums = data.Y.sum(axis=-1)
        if not np.allclose(sums, 1.0):
            where = tuple(np.argwhere(~np.isclose(sums, 1.0))[0])
            k = int(where[0])
            raise ValueError(f"softmax needs one label per example (one-hot rows), and {data.name}'s example {k} has "
                             f"labels summing to {sums[where]:g}; choose data spirals or synthetic first")
    if output in losses.ACCEPTS[options.loss]:  # softmax is in ce's list alone
        return options.but(output=output), ""
    loss = losses.PAIRED[output]
    return options.but(output=output, loss=loss), f"output {output} pairs with loss {loss}: loss is now {loss}"


def edited(options: Options, field: str, value: object) -> tuple[Options, str]:
    """The options with one field changed, and a note on anything else that had to change with it."""
    if field == "layers":
        return with_layers(options, value)
    if field == "preset":
        return with_preset(options, value)
    if field == "sizes":
        return with_sizes(options, value)
    if options.layers and field in ("hidden", "output"):
        changed, note = (with_output(options, value) if field == "output" else (options.but(hidden=value), ""))
        return _restacked(changed, **{field: value}), note
    if field == "dataset":
        return with_dataset(options, value), ""
    if field == "output":
        return with_output(options, value)
    return options.but(**{field: value}), ""


class Session:
    """A network, its data, the events of its current step, and which one is on screen."""

    def __init__(self, options: Options, net: Network, data: engine.datasets.Data,
                 batches: engine.datasets.Batches, note: str = ""):
        self.options = options
        self.net = net
        self.parameter_names = frozenset(net.params)  # the card slices a 4-D parameter by filter, not by example
        self.data = data  # the whole dataset, examples as rows
        self.batches = batches  # the data laid out for the network, a step's batch at a time
        self.note = note
        self.position = 0
        self.events: list[Event] = []
        self.loss = float("nan")
        self.accuracy: float | None = None
        self.history: deque = deque(maxlen=HISTORY)

    @classmethod
    def start(cls, options: Options, at: str | None = None, note: str = "", params: dict | None = None,
              trained: Session | None = None) -> Session:
        """Build everything from options, raising ValueError on anything the engine refuses; show event `at`.

        The network starts from `params` where given (a script's twin from the script's weights). Given a trained
        session, go on with its network and loss curve (its own step on screen is left unapplied).
        """
        data, options = resolve(options)
        net = trained.net if trained else Network(**options.network)
        if not trained:
            net.start_from(params or {})
        X, Y = engine.datasets.laid_out(data.X, data.Y, net.layout)
        batches = engine.datasets.Batches(np.ascontiguousarray(X), np.ascontiguousarray(Y), options.batch,
                                          options.seed, net.layout.example_axis)
        session = cls(options, net, data, batches, note)
        if trained:
            session.history.extend(trained.history)
        session._begin()
        if at is not None:
            session.go(session.index_of(at))
        return session

    def _begin(self) -> None:
        """Compute every event of the step up front, one next() each, short of the next() that commits the update."""
        self.X, self.Y = self.batches.batch(self.net.steps)
        self._steps = self.net.step(self.X, self.Y, self.options.lr)
        self.events = [next(self._steps) for _ in self.net.plan]
        self.position = 0
        at_loss = self.index_of("L")
        self.loss = float(self.events[at_loss].value)
        output = self.events[at_loss - 1].value  # AL, the last forward event
        self.accuracy = accuracy(self.net.output, output, self.Y, self.net.layout.classes_axis(self.Y.shape[1:]))
        self._record(self.net.steps, self.loss)

    @property
    def data_text(self) -> str:
        """The data in use, as the summary names it: "question", "X.csv, batch 32 of 300, shuffled"."""
        b = self.batches
        return f"{self.data.name}, batch {b.size} of {b.m}, shuffled" if b.shuffled else self.data.name

    def _record(self, step: int, loss: float) -> None:
        if self.history and self.history[-1][0] == step:
            self.history.pop()  # the same step again, on another batch after an edit: its loss now
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
        """Where an event of that name sits in this plan; for a bias under augmented bias, its W's event (b2 lives in
        W2); otherwise the start of the step."""
        names = [p.name for p in self.plan]
        for candidate in (name, name.replace("b", "W", 1)):
            if candidate in names:
                return names.index(candidate)
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
            self._record(step, self.net.train(*self.batches.batch(step), self.options.lr, steps=1))
            if done % max(1, steps // 100) == 0 or done == steps:
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
        """Every named matrix the step has reached, plus m and lr: what the doctor evaluates over.

        The parameters keep the values the step reads: an update's result is what its line is checked against
        (truths), so `W1 = W1 - lr * dW1` reads the W1 from before its own update, as the engine's does.
        """
        env: dict[str, np.ndarray | float] = {"X": self.X, "Y": self.Y, "m": self.m, "lr": self.options.lr}
        env.update(self.net.params)
        env.update(self.net.draws(self.m))
        for event in self.events[: self.position + 1]:
            if event.phase != "update":
                env[event.name] = event.value
        return env

    def truths(self) -> dict[str, tuple[np.ndarray, str]]:
        """Every event of the step by name: the engine's true value, and where it is computed, as a sentence."""
        return {e.name: (e.value, f"{e.name} is computed at event {i + 1} ({e.phase}, layer {e.layer})")
                for i, e in enumerate(self.events)}

    def axes(self) -> engine.doctor.Axes:
        """What each axis of the step's arrays counts, for the doctor's explanations in words."""
        from engine.doctor import Axes
        return Axes(self.net.layout_name, self.net.sizes, self.m, self.net.bias)

    def sheet(self) -> engine.exercise.Sheet:
        """This step's events with what each may read (X, Y, m, lr, parameters, earlier events): to write them."""
        from engine.exercise import Sheet
        base = {"X": self.X, "Y": self.Y, "m": self.m, "lr": self.options.lr, **self.net.params,
                **self.net.draws(self.m)}
        return Sheet(self.events, base, self.axes())
