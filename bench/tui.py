"""Benchmark: next-event key latency above an unbound key, and the re-run time after a size edit, headless."""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tui.app import BackpropApp  # noqa: E402
from tui.session import Options  # noqa: E402

SAMPLES = 40


async def timed_press(pilot, key: str) -> float:
    t0 = time.perf_counter()
    await pilot.press(key)
    return time.perf_counter() - t0


async def key_latency(label: str, options: Options) -> None:
    """Alternate an unbound key and "n", so both see the same machine load."""
    app = BackpropApp(options)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for key in ("z", "n", "z", "n"):  # warm up
            await pilot.press(key)
        unbound, step = [], []
        for _ in range(SAMPLES):
            if app.session.position >= len(app.session.plan) - 1:
                await pilot.press("home")
            unbound.append(await timed_press(pilot, "z"))
            step.append(await timed_press(pilot, "n"))
        u, s = statistics.median(unbound) * 1e3, statistics.median(step) * 1e3
        print(f"{label:<28} unbound key {u:6.1f} ms   next event {s:6.1f} ms   "
              f"above unbound {s - u:5.1f} ms   ratio {s / u:4.2f}×")


async def rerun_time(label: str, options: Options, sizes: tuple[str, str]) -> None:
    """From enter in the sizes input until the re-run network is on screen."""
    app = BackpropApp(options)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        field = app.query_one("#sizes")
        field.focus()
        unbound, rerun = [], []
        for k in range(SAMPLES // 2):
            unbound.append(await timed_press(pilot, "f5"))
            field.value = sizes[k % 2]
            t0 = time.perf_counter()
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            rerun.append(time.perf_counter() - t0)
            assert app.session.net.sizes == tuple(int(n) for n in sizes[k % 2].split(","))
        u, r = statistics.median(unbound) * 1e3, statistics.median(rerun) * 1e3
        print(f"{label:<28} unbound key {u:6.1f} ms   re-run     {r:6.1f} ms   "
              f"above unbound {r - u:5.1f} ms   ratio {r / u:4.2f}×")


async def main() -> None:
    await key_latency("next event, 4-3-3 m=2", Options())
    await key_latency("next event, 784-128-10 m=64", Options(sizes=(784, 128, 10), batch=64, dataset="synthetic"))
    await rerun_time("re-run 4,3,3 ⇄ 4,5,3", Options(), ("4,5,3", "4,3,3"))
    await rerun_time("re-run 784-128-10 ⇄ -64-", Options(sizes=(784, 128, 10), batch=64, dataset="synthetic"),
                     ("784,64,10", "784,128,10"))


if __name__ == "__main__":
    asyncio.run(main())
