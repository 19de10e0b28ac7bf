"""Fixtures: a real `stepprop serve` on a free loopback port, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-webgl"]  # no WebGL: xterm.js draws text into the DOM


def missing(what: str) -> None:
    """In CI a missing browser is a failure; on a laptop, a skip that says how to get it."""
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the browser tests, but {what}")
    pytest.skip(what)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """A `stepprop serve` process: its address, and its log lines as they arrive."""

    def __init__(self, args: list[str], cwd: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process = subprocess.Popen([sys.executable, "-m", "tui", "serve", "--port", str(self.port), *args],
                                        cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        start_new_session=True)  # its own process group, tabs included
        self.lines: list[str] = []
        self.changed = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.wait_log("students open")

    def _read(self) -> None:
        for line in self.process.stdout:
            with self.changed:
                self.lines.append(line.rstrip("\n"))
                self.changed.notify_all()
        with self.changed:
            self.changed.notify_all()

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    def wait_log(self, pattern: str, count: int = 1, timeout: float = 30) -> list[re.Match]:
        """The first `count` log lines matching pattern, waiting for them to be printed."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                found = [m for line in self.lines if (m := re.search(pattern, line))]
                if len(found) >= count:
                    return found[:count]
                left = deadline - time.monotonic()
                if left <= 0 or (self.process.poll() is not None and not self.reader.is_alive()):
                    raise AssertionError(f"the server never logged {pattern!r} ×{count}; its log:\n{self.log}")
                self.changed.wait(left)

    def stop(self) -> None:
        """Ctrl+C's signal, then make sure that nothing the server started outlives it."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        self.reader.join(timeout=5)
        self.process.stdout.close()


@pytest.fixture
def serve(tmp_path):
    """serve(*args) starts `stepprop serve *args` in an empty directory; every one ends with the test."""
    started: list[Served] = []

    def start(*args: str) -> Served:
        started.append(Served(list(args), tmp_path))
        return started[-1]

    yield start
    for served in started:
        served.stop()


@pytest.fixture(scope="module")  # Playwright's sync API holds an event loop: gone before any async test runs
def chromium():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright is not installed: pip install '.[test]'")
    executable = shutil.which("chromium")
    if executable is None:
        missing("Chromium is not installed: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser(chromium):
    """A fresh browser profile (cookies, tabs, downloads) for each test."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    yield context
    context.close()
