"""Recording: what one run of a learner's script left behind: every recorded array, the failure, the output."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import numpy as np

from engine.script.notebook import Cells

Shape = tuple[int, ...]


@dataclass(frozen=True)
class Record:
    """One array a line made or changed: its name, the line, which run of that line, its shape and its numbers."""

    seq: int
    line: int
    scope: str  # the function the line is in, "<module>" at the top level
    kind: str  # "local" or "global"
    name: str
    run: int  # which run of this line, counting from 1
    runs: int  # how many times the line ran in all
    shape: Shape
    dtype: str
    value: np.ndarray | None  # None when the array had more than 10,000 numbers


@dataclass(frozen=True)
class Failure:
    """Where the script stopped with an exception: PEP 657's line and column range, and the frame's operands."""

    type: str
    message: str
    line: int
    end_line: int | None
    col: int | None
    end_col: int | None
    scope: str
    operands: dict[str, np.ndarray]
    scalars: dict[str, float]


LIMITS = ("timeout", "memory")


@dataclass
class Recording:
    """A run of the script: status is "ok", "error", "exit" (sys.exit with a non-zero code), "timeout",
    "memory" or "crash" (the process died without a word)."""

    script: str
    argv: list[str]
    source: str
    status: str
    exit_code: int
    records: list[Record]
    runs: dict[int, int]
    failure: Failure | None
    scalars: dict[str, float]
    stdout: str = ""
    stderr: str = ""
    timeout: float = 0.0
    memory_mb: int = 0
    size: int = 0  # bytes of the recording file
    lines: list[str] = field(default_factory=list)
    cells: Cells | None = None  # a notebook's (or a # %% script's) cells, which places are reported by

    def __post_init__(self):
        self.lines = self.source.splitlines()

    def place(self, line: int) -> str:
        """"line 12", or "cell 5, line 3" in a notebook."""
        return f"line {line}" if self.cells is None else self.cells.place(line)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def message(self) -> str:
        """One line: how the run ended, naming the limit when one stopped it."""
        at = f" at {self.place(self.failure.line)}" if self.failure else ""
        if self.status == "ok":
            return "ran to the end"
        if self.status == "timeout":
            return f"stopped after the {self.timeout:g} s time limit{at}"
        if self.status == "memory":
            return f"stopped by the {self.memory_mb} MB memory limit{at} (MemoryError)"
        if self.status == "exit":
            return f"exited with status {self.exit_code}"
        if self.status == "crash":
            return f"the Python process died (exit status {self.exit_code}) before it could say why"
        f = self.failure
        if f is None:
            return "failed"
        return f"failed at {self.place(f.line)}, in {scope_label(f.scope)}: {f.type}: {f.message}"


def headline(recording: Recording) -> str:
    """The message, short enough for one line: a failure's type without NumPy's words."""
    f = recording.failure
    if recording.status == "error" and f is not None:
        return f"failed at {recording.place(f.line)}, in {scope_label(f.scope)}: {f.type}"
    return recording.message


_HELD = re.compile(r"""(?:\[(?:'([^']*)'|"([^"]*)"|(-?\d+))\]|\.(\w+))$""")


def short(name: str) -> str:
    """The textbook name of a recorded array: W1 for parameters['W1'] and self.W1, X for data['X'], cache for
    cache[0]; a plain name is itself."""
    found = _HELD.search(name)
    if found is None:
        return name
    key = found.group(1) or found.group(2) or found.group(4)
    return key if key and key.isidentifier() else short(name[:found.start()])


def scope_label(scope: str) -> str:
    return "the script" if scope == "<module>" else f"{scope}()"


def load(path: str, **extra) -> Recording:
    """Read the tracer's .npz file: a JSON index plus the arrays it names. Nothing in it is unpickled."""
    with np.load(path, allow_pickle=False) as data:
        index = json.loads(str(data["index"]))
        arrays = {k: data[k] for k in data.files if k != "index"}
    runs = {int(k): v for k, v in index["runs"].items()}
    records = [Record(r["seq"], r["line"], r["scope"], r["kind"], r["name"], r["run"], runs.get(r["line"], r["run"]),
                      tuple(r["shape"]), r["dtype"], arrays.get(r["value"]) if r["value"] else None)
               for r in index["records"]]
    f = index["failure"]
    failure = None if f is None else Failure(
        f["type"], f["message"], f["line"], f["end_line"], f["col"], f["end_col"], f["scope"],
        {name: arrays[key] for name, key in f["operands"].items()}, f["scalars"])
    return Recording(index["script"], index["argv"], index["source"], index["status"], index["exit_code"], records,
                     runs, failure, index["scalars"], **extra)
