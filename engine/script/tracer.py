"""The child process: run a learner's script as `python SCRIPT.py` would, recording every array a line makes.

Run as `python path/to/tracer.py RECORDING.npz SCRIPT.py [ARGS...]`; it imports nothing of stepprop. A line
tracer watches the script's own code only; after each executed line it records each ndarray in the frame's locals
and the module's globals that is new or changed. Each line keeps its first and last few runs, and a count of the
others, so a long training loop records a few KB. When the script fails, the innermost frame of the script gives the
exact operation (PEP 657 positions) and the operands it read. The recording is one .npz file: a JSON index and the
arrays.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import traceback
import types
from collections import Counter, deque

import numpy as np

KEEP = 3  # runs of each line kept at the start and at the end of a loop
MAX_VALUES = 10_000  # an array with more numbers is recorded by shape only
MAX_OPERAND = 1_000_000  # numbers of one operand of the failing line shipped for the diagnosis
SAMPLE = 64  # numbers compared to notice an in-place change in an array too big to copy
NUMBERS = "biufc"  # dtype kinds whose values are recorded; others (objects, text) by shape and dtype only
HELD_ITEMS = 64  # entries of a dict, tuple or list (or attributes of an object) looked into for arrays
HELD_DEPTH = 2  # parameters["W1"], self.cache["X"]: keys and attributes followed from a name
CONTAINERS = (dict, tuple, list)


class TimeLimit(BaseException):
    """Raised in the script when the parent's time limit is up; a BaseException, so `except Exception` passes it."""


def _stop(signum, frame):
    raise TimeLimit()


class Recorder:
    """The line tracer and what it has recorded so far."""

    def __init__(self, filename: str):
        self.filename = filename
        self.first: list[dict] = []  # records from the first KEEP runs of their line
        self.last: dict[int, deque] = {}  # line -> records from its latest runs after the first KEEP
        self.runs: Counter = Counter()  # line -> how many times it ran
        self.seen: dict[str, tuple] = {}  # global name -> fingerprint of the value last recorded
        self.seq = 0
        self.numbers: dict[int, bytes] = {}  # id -> an array's bytes, read once a line however many names hold it

    # ---- sys.settrace ------------------------------------------------------------------------------------

    def on_call(self, frame, event, arg):
        if frame.f_code.co_filename != self.filename:
            return None  # NumPy, the standard library, anything not in the script
        previous = None
        seen: dict[str, tuple] = {}  # this call's local names, forgotten when it returns
        if frame.f_locals is not frame.f_globals:  # the arguments: operands of the lines below, not results
            line = frame.f_code.co_firstlineno
            self.runs[line] += 1
            self.numbers = {}
            self._scan(frame.f_locals, seen, line, frame.f_code.co_name, self.runs[line], "argument")

        def on_line(frame, event, arg):
            nonlocal previous
            if event == "line" or event == "return":
                if previous is not None:
                    self.after(frame, previous, seen)
                previous = frame.f_lineno if event == "line" else None
            return on_line

        return on_line

    # ---- recording ---------------------------------------------------------------------------------------

    def after(self, frame, line: int, seen: dict) -> None:
        """Line `line` of this frame has just run: record every array it made or changed."""
        self.runs[line] += 1
        run = self.runs[line]
        self.numbers = {}
        module = frame.f_globals
        scope = frame.f_code.co_name
        inside = frame.f_locals is not module
        if inside:
            self._scan(frame.f_locals, seen, line, scope, run, "local")
        # Inside a function, the module's dicts are looked into at the next line of the module, not at each line.
        self._scan(module, self.seen, line, scope, run, "global", held=not inside)

    def _scan(self, names: dict, seen: dict, line: int, scope: str, run: int, kind: str, held: bool = True) -> None:
        arrays: list = []
        for name, value in names.items():
            kind_of = type(value)
            if kind_of is np.ndarray:
                arrays.append((name, value))
            elif held and (kind_of in CONTAINERS or kind_of.__module__ == "__main__") and name[:1] != "_":
                _held(name, value, HELD_DEPTH, arrays)
        numbers = self.numbers
        for name, value in arrays:  # the hot loop of the tracer: kept to dictionary look-ups
            key = id(value)
            read = numbers.get(key)
            if read is None:
                read = numbers[key] = _numbers(value)
            fingerprint = (key, value.shape, value.dtype, read)  # what tells a later value apart
            if seen.get(name) != fingerprint:
                seen[name] = fingerprint
                self._record(name, value, line, scope, run, kind)

    def _record(self, name: str, value: np.ndarray, line: int, scope: str, run: int, kind: str) -> None:
        self.seq += 1
        record = {"seq": self.seq, "line": line, "scope": scope, "kind": kind, "name": name, "run": run,
                  "shape": list(value.shape), "dtype": value.dtype.str,
                  "value": value.copy() if value.size <= MAX_VALUES and value.dtype.kind in NUMBERS else None}
        if run <= KEEP:
            self.first.append(record)
        else:
            self.last.setdefault(line, deque(maxlen=KEEP)).append(record)

    def records(self) -> list[dict]:
        kept = self.first + [r for d in self.last.values() for r in d]
        return sorted(kept, key=lambda r: r["seq"])


def held_arrays(names: dict):
    """(name, array) for each array a namespace holds: by its name, or in a dict, tuple, list or an object of the
    script's own classes, named as the script reads it: cache['A1'], cache[0], self.who, self.cache['X']."""
    for name, value in list(names.items()):
        if type(value) is np.ndarray:
            yield name, value
        elif _holds(name, value):
            held: list = []
            _held(name, value, HELD_DEPTH, held)
            yield from held


def _holds(name: str, value) -> bool:
    """Whether to look into a value for arrays: a dict, tuple or list, or an object of the script's own classes."""
    return (type(value) in CONTAINERS or type(value).__module__ == "__main__") and not name.startswith("_")


_LABELS: dict[tuple, str] = {}  # (name, key, how) -> "cache['A1']": each label formatted once, not every line


def _label(name: str, key, how: str) -> str:
    label = _LABELS.get((name, key, how))
    if label is None:
        label = _LABELS[(name, key, how)] = f"{name}.{key}" if how == "." else f"{name}[{key!r}]"
    return label


def _held(name: str, value, depth: int, out: list) -> None:
    """Append (name, array) for each array in a dict, tuple, list or object of the script's own classes."""
    if type(value) in CONTAINERS:
        if len(value) > HELD_ITEMS:  # a long list of costs is no cache
            return
        items = value.items() if type(value) is dict else enumerate(value)
        how = "["
    elif type(value).__module__ == "__main__" and isinstance(getattr(value, "__dict__", None), dict) \
            and len(vars(value)) <= HELD_ITEMS:
        items, how = vars(value).items(), "."
    else:
        return
    for key, item in items:
        if type(item) is np.ndarray:
            if type(key) in (str, int) and not (how == "." and key.startswith("_")):
                out.append((_label(name, key, how), item))
        elif depth > 1 and (type(item) in CONTAINERS or type(item).__module__ == "__main__") and \
                type(key) in (str, int) and not (how == "." and key.startswith("_")):
            _held(_label(name, key, how), item, depth - 1, out)


def _numbers(value: np.ndarray) -> bytes:
    """The bytes of an array's numbers, a sample of them when it is big: with its identity, shape and dtype, what
    tells a later value apart."""
    return (value if value.size <= MAX_VALUES else _sample(value)).tobytes()


def _sample(value: np.ndarray) -> np.ndarray:
    flat = value.reshape(-1)
    return flat[:: max(1, flat.size // SAMPLE)][:SAMPLE]


def _script_frame(tb, filename: str):
    """The innermost traceback entry in the script's own code."""
    found = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            found = tb
        tb = tb.tb_next
    return found


def _failure(error: BaseException, filename: str, arrays: dict) -> dict | None:
    """Where the script failed, to the column (PEP 657), and the operands the failing frame held."""
    tb = _script_frame(error.__traceback__, filename)
    if tb is None:
        return None
    frame = tb.tb_frame
    positions = list(frame.f_code.co_positions())
    line, end_line, col, end_col = positions[tb.tb_lasti // 2] if tb.tb_lasti >= 0 else (tb.tb_lineno,) * 2 + (
        None, None)
    operands: dict = {}
    scalars: dict = {}
    for scope in (frame.f_globals, frame.f_locals):
        for name, value in [*scope.items(), *held_arrays(scope)]:
            if type(value) is np.ndarray and value.size <= MAX_OPERAND and value.dtype.kind in NUMBERS:
                key = f"operand:{name}"
                arrays[key] = value
                operands[name] = key
                scalars.pop(name, None)
            elif isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
                scalars[name] = float(value)
                operands.pop(name, None)
    return {"type": type(error).__name__, "message": str(error), "line": line or tb.tb_lineno,
            "end_line": end_line, "col": col, "end_col": end_col, "scope": frame.f_code.co_name,
            "operands": operands, "scalars": scalars}


def _scalars(module: dict) -> dict:
    return {k: float(v) for k, v in module.items()
            if isinstance(v, (int, float, np.number)) and not isinstance(v, bool) and not k.startswith("_")}


def _syntax_error(error: SyntaxError) -> dict:
    line = error.lineno or 1
    col = (error.offset or 1) - 1
    end_col = (error.end_offset or error.offset or 1) - 1
    return {"type": type(error).__name__, "message": error.msg, "line": line, "end_line": error.end_lineno or line,
            "col": col, "end_col": max(end_col, col + 1), "scope": "<module>", "operands": {}, "scalars": {}}


def run(out: str, script: str, argv: list[str]) -> int:
    with open(script, encoding="utf-8", errors="replace") as f:
        source = f.read()
    try:
        code = compile(source, script, "exec")
    except (SyntaxError, ValueError) as error:  # reported as Python would, before anything runs
        traceback.print_exception(type(error), error, None)
        failure = _syntax_error(error) if isinstance(error, SyntaxError) else None
        index = {"script": script, "argv": argv, "source": source, "status": "error", "exit_code": 1, "records": [],
                 "runs": {}, "failure": failure, "scalars": {}}
        np.savez_compressed(out, index=np.array(json.dumps(index)))
        return 1
    module = types.ModuleType("__main__")
    module.__file__ = script
    module.__builtins__ = __builtins__
    sys.modules["__main__"] = module
    sys.argv = [script, *argv]
    # the script's folder, as python SCRIPT.py would have it; a notebook's own folder rather than the temporary one
    sys.path[0] = os.environ.get("STEPPROP_FOLDER") or str(__import__("pathlib").Path(script).resolve().parent)
    recorder = Recorder(script)
    signal.signal(signal.SIGTERM, _stop)
    status, exit_code, failure = "ok", 0, None
    arrays: dict = {}
    sys.settrace(recorder.on_call)
    try:
        exec(code, module.__dict__)
    except SystemExit as e:
        exit_code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if e.code is not None and not isinstance(e.code, int):
            print(e.code, file=sys.stderr)
        status = "ok" if exit_code == 0 else "exit"
    except TimeLimit as e:
        sys.settrace(None)
        status, exit_code = "timeout", 1
        failure = _failure(e, script, arrays)
    except BaseException as e:  # the script's own error, reported the way Python would
        sys.settrace(None)
        status = "memory" if isinstance(e, MemoryError) else "error"
        exit_code = 1
        failure = _failure(e, script, arrays)
        tb = _script_frame(e.__traceback__, script)
        first = e.__traceback__
        while first is not None and first.tb_frame.f_code.co_filename != script:
            first = first.tb_next
        traceback.print_exception(type(e), e, first if tb is not None else e.__traceback__)
    finally:
        sys.settrace(None)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    sys.stdout.flush()
    records = recorder.records()
    for k, r in enumerate(records):
        if r["value"] is not None:
            arrays[f"v{k}"] = r["value"]
            r["value"] = f"v{k}"
    index = {"script": script, "argv": argv, "source": source, "status": status, "exit_code": exit_code,
             "records": records, "runs": {str(k): v for k, v in recorder.runs.items()}, "failure": failure,
             "scalars": _scalars(module.__dict__)}
    np.savez_compressed(out, index=np.array(json.dumps(index)), **arrays)
    return exit_code


if __name__ == "__main__":
    sys.exit(run(sys.argv[1], sys.argv[2], sys.argv[3:]))
