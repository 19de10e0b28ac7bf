"""Run a learner's script in its own Python process, under a time limit and a memory limit, and read its recording."""

from __future__ import annotations

import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from engine.script.notebook import Cells, percent_cells, read_notebook
from engine.script.recording import Recording, load

# Run by its path, not with -m: the child imports nothing of stepprop, only NumPy and the standard library.
TRACER = str(Path(__file__).with_name("tracer.py"))

TIMEOUT = 30.0  # seconds
MEMORY_MB = 2048
GRACE = 3.0  # seconds the script gets to write its recording once the time limit is up
MAX_OUTPUT = 200_000  # characters of stdout and of stderr kept, the latest ones


def check_script(script: str | os.PathLike) -> Path:
    path = Path(script)
    if not path.is_file():
        raise ValueError(f"no such script: {script}; expected the path of a Python file or a notebook, e.g. "
                         "backprop.py or assignment.ipynb")
    return path.resolve()


def _source(path: Path) -> tuple[str, Cells | None]:
    """The Python to run and its cells: a notebook's code cells, or the script itself (by cell if it has # %%)."""
    if path.suffix.lower() == ".ipynb":
        return read_notebook(path)
    text = path.read_text(encoding="utf-8", errors="replace")
    return text, percent_cells(text)


def _limit_memory(megabytes: int):
    def apply() -> None:
        size = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # as the parent had it before starting us
    return apply


def _in_cells(text: str, runs: Path, notebook: Path, cells: Cells) -> str:
    """File "/tmp/.../a1.py", line 11 as File "a1.ipynb", cell 5, line 5."""
    found = re.compile(rf'File "{re.escape(str(runs))}", line (\d+)')
    return found.sub(lambda m: f'File "{notebook}", {cells.place(int(m.group(1)))}', text).replace(str(runs),
                                                                                                   str(notebook))


def _tail(text: str) -> str:
    return text if len(text) <= MAX_OUTPUT else "…\n" + text[-MAX_OUTPUT:]


def run(script: str | os.PathLike, argv: list[str] = (), timeout: float = TIMEOUT,
        memory_mb: int = MEMORY_MB) -> Recording:
    """Run `script` with `argv` the way `python SCRIPT.py ARGS` would, in this directory, and record it.

    The script runs in a subprocess, so a crash or an endless loop never reaches the caller.
    """
    if not timeout > 0:
        raise ValueError(f"the time limit must be a number of seconds > 0; got {timeout}")
    if not (isinstance(memory_mb, int) and memory_mb >= 64):
        raise ValueError(f"the memory limit must be a whole number of MB >= 64; got {memory_mb}")
    path = check_script(script)
    source, cells = _source(path)
    notebook = path.suffix.lower() == ".ipynb"
    with tempfile.TemporaryDirectory(prefix="stepprop-") as tmp:
        out = Path(tmp) / "recording.npz"
        runs = path
        if notebook:  # its code cells as a script in the temporary folder, run from the notebook's own folder
            runs = Path(tmp) / f"{path.stem}.py"
            runs.write_text(source, encoding="utf-8")
        command = [sys.executable, TRACER, str(out), str(runs), *argv]
        # Nothing is written beside the learner's files: no __pycache__ for the modules the script imports.
        environ = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "STEPPROP_FOLDER": str(path.parent)}
        process, timed_out = None, False
        try:
            # Ctrl-C waits until Popen has returned the process: in between, it would leave the script running alone
            held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            try:
                process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                           stderr=subprocess.PIPE, preexec_fn=_limit_memory(memory_mb),
                                           start_new_session=True, env=environ, cwd=path.parent if notebook else None,
                                           text=True, errors="replace")
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
            stdout, stderr = process.communicate(timeout=timeout)
        except BaseException as error:
            if not isinstance(error, subprocess.TimeoutExpired):  # ctrl+c, say: the script must not run on alone
                if process is not None:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
                raise
            timed_out = True
            process.send_signal(signal.SIGTERM)  # the tracer stops the script where it is and writes what it has
            try:
                stdout, stderr = process.communicate(timeout=GRACE)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                stdout, stderr = process.communicate()
        extra = dict(stdout=_tail(stdout), stderr=_tail(stderr), timeout=timeout, memory_mb=memory_mb)
        if notebook:  # tracebacks name the notebook and its cells, not the temporary script
            extra.update(stdout=_in_cells(extra["stdout"], runs, path, cells),
                         stderr=_in_cells(extra["stderr"], runs, path, cells))
        if out.exists():
            recording = load(str(out), size=out.stat().st_size, cells=cells, **extra)
            recording.script = str(path)
            if timed_out:
                recording.status = "timeout"
            return recording
        status = "timeout" if timed_out else ("memory" if "MemoryError" in stderr else "crash")
        return Recording(str(path), list(argv), source, status, process.returncode, [], {}, None, {}, cells=cells,
                         **extra)
