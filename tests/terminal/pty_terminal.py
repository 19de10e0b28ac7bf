"""Terminal: stepprop in a pseudo-terminal, its screen read back through the pyte terminal emulator."""

from __future__ import annotations

import os
import re
import sys
import threading
import time

import pyte
from ptyprocess import PtyProcessUnicode

KEYS = {
    "enter": "\r", "escape": "\x1b", "tab": "\t", "shift+tab": "\x1b[Z", "backspace": "\x7f", "space": " ",
    "up": "\x1b[A", "down": "\x1b[B", "right": "\x1b[C", "left": "\x1b[D", "home": "\x1b[H", "end": "\x1b[F",
    "ctrl+p": "\x10", "ctrl+a": "\x01", "ctrl+e": "\x05", "ctrl+k": "\x0b", "ctrl+u": "\x15", "ctrl+c": "\x03",
}
TIMEOUT = 60  # seconds: generous, because CI shares two cores; a passing test never waits this long


class Terminal:
    """One running app: send what a keyboard sends, read what a screen shows."""

    def __init__(self, args: list[str], cols: int, rows: int, cwd: str | None):
        env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor", LANG="C.UTF-8")
        for name in ("TEXTUAL", "TEXTUAL_DRIVER", "COLUMNS", "LINES"):
            env.pop(name, None)
        self.screen_ = pyte.Screen(cols, rows)
        self.stream = pyte.Stream(self.screen_)
        self.lock = threading.Lock()
        self.output: list[str] = []
        self.proc = PtyProcessUnicode.spawn([sys.executable, "-m", "tui", *args], dimensions=(rows, cols),
                                            env=env, cwd=cwd)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = self.proc.read(65536)
            except EOFError:
                return
            with self.lock:
                self.output.append(data)
                self.stream.feed(data)

    def screen(self) -> str:
        with self.lock:
            return "\n".join(line.rstrip() for line in self.screen_.display)

    def lines(self) -> list[str]:
        return self.screen().splitlines()

    def send(self, text: str) -> None:
        self.proc.write(text)

    def press(self, *keys: str) -> None:
        """Keys by name ("enter", "tab", "ctrl+k") or as text. After "escape", wait for what it changes on screen:
        a lone ESC is a key only once the terminal's wait for an escape sequence has passed."""
        for key in keys:
            self.proc.write(KEYS.get(key, key))

    def settle(self, quiet: float = 0.3, timeout: float = TIMEOUT) -> str:
        """The screen once it has stopped changing for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        last, since = self.screen(), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.02)
            now = self.screen()
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return now
        return last

    def wait_for(self, pattern: str | re.Pattern, timeout: float = TIMEOUT, gone: bool = False,
                 flat: bool = False) -> str:
        """The screen as soon as `pattern` (text or regex) is on it, or, with gone=True, as soon as it is not.

        With flat=True the pattern is matched against the lines joined by single spaces, so that it finds a message
        that wraps over lines.
        """
        regex = pattern if isinstance(pattern, re.Pattern) else re.compile(re.escape(pattern))
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen()
            seen = " ".join(line.strip() for line in text.splitlines()) if flat else text
            if bool(regex.search(seen)) != gone:
                return text
            if not self.proc.isalive() and not gone:
                raise AssertionError(f"the app exited while waiting for {pattern!r}:\n{self._tail()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{'still' if gone else 'never'} saw {pattern!r} within {timeout} s; "
                                     f"the screen:\n{text}")
            time.sleep(0.02)

    def resize(self, cols: int, rows: int) -> None:
        with self.lock:
            self.screen_.resize(rows, cols)
        self.proc.setwinsize(rows, cols)

    def _tail(self) -> str:
        with self.lock:
            return "".join(self.output)[-2000:]

    def wait_exit(self, timeout: float = TIMEOUT) -> int:
        deadline = time.monotonic() + timeout
        while self.proc.isalive():
            if time.monotonic() > deadline:
                raise AssertionError(f"the app did not exit within {timeout} s:\n{self.screen()}")
            time.sleep(0.05)
        return self.proc.exitstatus

    def close(self) -> None:
        if self.proc.isalive():
            self.proc.terminate(force=True)


SIZES = [(80, 24), (100, 30), (200, 50)]
