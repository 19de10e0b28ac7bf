"""Run a learner's script in its own Python process, under a time limit and a memory limit, and read its recording."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

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
        raise ValueError(f"no such script: {script}; expected the path of a Python file, e.g. backprop.py")
    return path.resolve()


def _limit_memory(megabytes: int):
    def apply() -> None:
        size = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # as the parent had it before starting us
    return apply


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
    with tempfile.TemporaryDirectory(prefix="stepprop-") as tmp:
        out = Path(tmp) / "recording.npz"
        command = [sys.executable, TRACER, str(out), str(path), *argv]
        process, timed_out = None, False
        try:
            # Ctrl-C waits until Popen has returned the process: in between, it would leave the script running alone
            held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            try:
                process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                           stderr=subprocess.PIPE, preexec_fn=_limit_memory(memory_mb),
                                           start_new_session=True, text=True, errors="replace")
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
        if out.exists():
            recording = load(str(out), size=out.stat().st_size, **extra)
            if timed_out:
                recording.status = "timeout"
            return recording
        status = "timeout" if timed_out else ("memory" if "MemoryError" in stderr else "crash")
        return Recording(str(path), list(argv), path.read_text(encoding="utf-8", errors="replace"), status,
                         process.returncode, [], {}, None, {}, **extra)
