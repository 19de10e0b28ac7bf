"""Benchmark: a class of 30 tabs opening `stepprop serve` at once, as websocket clients on loopback."""

# Prints the time to each tab's first screen (median, worst), the server's memory with every tab's app process,
# and the key latency while all 30 press keys, against one tab alone measured first in the same run.
# Run: .venv/bin/python bench/load.py [--sessions 30] [--presses 10]

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
ANSI = re.compile(rb"\x1b\[[0-9;?<>$]*[A-Za-z~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][A-Z0-9]|\x1b[=>]")
HOME = "\x1b[H"  # the home key, as a terminal sends it
LIMIT = 300  # seconds for the whole run
WAIT = 60  # seconds for any one screen
GOALS = {"first": 5.0, "worst": 15.0, "tab": 60.0, "ratio": 5.0}  # s, s, MiB a tab, latency under load ÷ alone


class Tab:
    """One student's tab: a websocket to the server, and the terminal text it has received."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse):
        self.ws = ws
        self.received = b""

    async def wait_for(self, text: str) -> None:
        while text not in (screen := ANSI.sub(b"", self.received).decode(errors="replace")):
            if "The class is full" in screen:
                raise RuntimeError("the server said the class is full")
            message = await self.ws.receive(timeout=WAIT)
            if message.type != aiohttp.WSMsgType.BINARY:
                raise RuntimeError(f"the tab ended before showing {text!r}: {message}")
            self.received += message.data

    async def press(self, key: str, then: str) -> float:
        """Seconds from sending key until the screen shows `then`."""
        self.received = b""
        start = time.perf_counter()
        await self.ws.send_json(["stdin", key])
        await self.wait_for(then)
        return time.perf_counter() - start

    async def step_through(self, presses: int) -> list[float]:
        """From event 1, press n `presses` times, each once the last one's screen arrived; the latency of each.

        Every tenth press goes home first, so the count may exceed the step's events; it ends on event 1."""
        latencies = []
        for k in range(presses):
            if k and k % 10 == 0:
                await self.press(HOME, "event 1 of")
            latencies.append(await self.press("n", f"event {k % 10 + 2} of"))
        await self.press(HOME, "event 1 of")
        return latencies


async def open_tab(client: aiohttp.ClientSession, url: str) -> tuple[Tab, float]:
    start = time.perf_counter()
    tab = Tab(await client.ws_connect(f"{url}ws?width=120&height=40"))
    await tab.wait_for("event 1 of")
    return tab, time.perf_counter() - start


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return sorted(found)


def memory(pids: list[int]) -> tuple[float, float]:
    """Total RSS and PSS in MiB: RSS counts shared library pages once a process, PSS splits them fairly."""
    rss = pss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                name, _, value = line.partition(":")
                if name in ("Rss", "Pss"):
                    kib = int(value.split()[0])
                    rss, pss = (rss + kib, pss) if name == "Rss" else (rss, pss + kib)
        except OSError:
            pass
    return rss / 1024, pss / 1024


async def gone(pid: int, seconds: float = 30) -> list[int]:
    """Wait until the server has no app processes left, for at most `seconds`; those still left."""
    deadline = time.monotonic() + seconds
    while (left := descendants(pid)) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    return left


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time the processes have used so far."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def start_server(seats: int) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "tui", "serve", "--port", str(port), "--max-sessions",
                               str(seats)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, start_new_session=True)
    for line in server.stdout:
        if "students open" in line:
            threading.Thread(target=server.stdout.read, daemon=True).start()  # keep its log from filling the pipe
            return server, f"http://127.0.0.1:{port}/"
    raise RuntimeError("stepprop serve did not start")


def ms(seconds: list[float]) -> str:
    return f"median {statistics.median(seconds) * 1e3:6.0f} ms  p95 {quantile(seconds, 0.95) * 1e3:6.0f} ms"


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run(sessions: int, presses: int) -> None:
    print(f"cores: {os.cpu_count()} (this process may use {len(os.sched_getaffinity(0))}); "
          f"{sessions} sessions, {presses} keys each; loopback only")
    server, url = start_server(sessions + 1)
    try:
        alone_server = memory([server.pid])
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=LIMIT)) as client:
            tab, first_alone = await open_tab(client, url)
            await tab.step_through(3)  # warm up
            alone = await tab.step_through(presses * 2)
            await tab.ws.close()
            await gone(server.pid)

            started = time.perf_counter()
            opened = await asyncio.gather(*(open_tab(client, url) for _ in range(sessions)))
            everyone = time.perf_counter() - started
            tabs, firsts = [t for t, _ in opened], [f for _, f in opened]
            started_cpu = cpu_seconds(descendants(server.pid)) / sessions
            loaded = [lat for lats in await asyncio.gather(*(t.step_through(presses) for t in tabs)) for lat in lats]
            apps = descendants(server.pid)  # measured after typing: each app then holds a computed step
            server_rss, server_pss = memory([server.pid])
            apps_rss, apps_pss = memory(apps)
            late, first_late = await open_tab(client, url)  # one more student, once the class is in and idle
            await late.ws.close()
            await asyncio.gather(*(t.ws.close() for t in tabs))
        left = await gone(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        finally:
            try:
                os.killpg(server.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            server.wait()
            server.stdout.close()

    per_tab = apps_pss / len(apps)
    print(f"\nfirst screen, one tab alone      {first_alone:6.2f} s")
    print(f"first screen, {sessions} tabs at once   median {statistics.median(firsts):5.2f} s   worst "
          f"{max(firsts):5.2f} s   (all {sessions} in {everyone:.2f} s)   goal median ≤ {GOALS['first']:g} s, "
          f"worst ≤ {GOALS['worst']:g} s")
    print(f"first screen, tab {sessions + 1} while {sessions} sit open   {first_late:6.2f} s")
    print(f"CPU to start a tab (its app process, to the first screen)   {started_cpu:5.2f} s of one core")
    print(f"memory: server alone              RSS {alone_server[0]:6.0f} MiB  PSS {alone_server[1]:6.0f} MiB")
    print(f"memory: server + {len(apps)} app processes  RSS {server_rss + apps_rss:6.0f} MiB  "
          f"PSS {server_pss + apps_pss:6.0f} MiB   per tab: PSS {per_tab:4.0f} MiB, RSS "
          f"{apps_rss / len(apps):4.0f} MiB   goal ≤ {GOALS['tab']:g} MiB a tab")
    print(f"key n → next event, one tab alone      {ms(alone)}")
    print(f"key n → next event, {sessions} tabs typing   {ms(loaded)}   ratio "
          f"{statistics.median(loaded) / statistics.median(alone):4.1f}× median   goal ≤ {GOALS['ratio']:g}×")
    print(f"app processes left 30 s after every tab closed: {len(left)}   goal 0")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--sessions", type=int, default=30)
    p.add_argument("--presses", type=int, default=10)
    args = p.parse_args()
    if not 1 <= args.sessions <= 60 or not 1 <= args.presses <= 50:
        raise SystemExit("bench/load.py: expected --sessions in 1..60 and --presses in 1..50")
    asyncio.run(asyncio.wait_for(run(args.sessions, args.presses), LIMIT))


if __name__ == "__main__":
    main()
