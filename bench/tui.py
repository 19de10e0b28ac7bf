"""Benchmark: start-up against a bare Textual app, key latency at three terminal sizes and five matrix sizes and on
sequence and attention networks, an edit's re-run, memory. `--sequences` runs the sequence and attention keys alone."""

from __future__ import annotations

import asyncio
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as bench/engine.py: BLAS threads fight over shared cores

import numpy as np  # noqa: E402
import pyte  # noqa: E402
from ptyprocess import PtyProcessUnicode  # noqa: E402
from textual._compositor import CompositorUpdate  # noqa: E402

from tui.app import BackpropApp  # noqa: E402
from tui.session import FILE, Options  # noqa: E402

FOLDER = Path(tempfile.mkdtemp(prefix="stepprop-bench-"))

BARE = '''
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("a bare Textual app")
        yield Static("with two widgets")

Bare().run()
'''


def report(label: str, figure: float, baseline: float, base_name: str, goal: str, met: bool | None) -> None:
    verdict = "" if met is None else ("met" if met else "NOT MET")
    print(f"  {label:<58} {figure * 1e3:8.1f} ms   {base_name} {baseline * 1e3:7.1f} ms   {goal}  {verdict}")


def on_files(sizes: tuple[int, ...], m: int, batch: int | None = None) -> Options:
    """Options for m examples of random data saved as .npy files, one-hot labels, as a learner's MNIST would be."""
    rng = np.random.default_rng(0)
    x, y = FOLDER / f"X_{m}x{sizes[0]}.npy", FOLDER / f"Y_{m}x{sizes[-1]}.npy"
    np.save(x, rng.standard_normal((m, sizes[0])))
    np.save(y, np.eye(sizes[-1])[rng.integers(0, sizes[-1], m)])
    return Options(sizes=sizes, dataset=FILE, data=str(x), targets=str(y), batch=batch)


# ---- start-up: from launch until the first screen is on a real terminal ------------------------------------


def launch_env(**settings: str) -> dict[str, str]:
    """The environment of a launch as on a user's machine, where Python keeps the bytecode it compiled: a shell that
    sets PYTHONDONTWRITEBYTECODE would make every launch compile stepprop's modules again (about 60 ms), while the
    bare app's Textual came compiled by pip. The first round of launches writes the caches."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return env | settings


def first_screen(argv: list[str], marker: str, cols: int = 100, rows: int = 30) -> tuple[float, float]:
    """Seconds from launching argv in a pseudo-terminal until marker is on its screen: wall clock, and the CPU time
    the program used to get there (which other work on a shared machine does not inflate)."""
    env = launch_env(TERM="xterm-256color", COLORTERM="truecolor", LANG="C.UTF-8")
    screen = pyte.Screen(cols, rows)
    stream = pyte.Stream(screen)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = PtyProcessUnicode.spawn(argv, dimensions=(rows, cols), env=env, cwd=str(ROOT))
    try:
        while True:
            try:
                stream.feed(proc.read(65536))
            except EOFError:
                raise RuntimeError(f"{argv} exited before showing {marker!r}") from None
            if any(marker in line for line in screen.display):
                wall = time.perf_counter() - t0
                break
            if time.perf_counter() - t0 > 60:
                raise RuntimeError(f"{argv} did not show {marker!r} within 60 s")
    finally:
        proc.terminate(force=True)
        while proc.isalive():
            time.sleep(0.001)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, cpu


STAGES = '''
import gc
import time
gc.disable()  # as tui.cli.launch does
t0 = time.perf_counter()
import numpy
t1 = time.perf_counter()
import textual.app
t2 = time.perf_counter()
from tui.app import BackpropApp
t3 = time.perf_counter()

class FirstScreen(BackpropApp):
    def _display(self, screen, renderable):
        super()._display(screen, renderable)
        if not hasattr(self, "drawn"):
            self.drawn = time.perf_counter()
            self.exit()

app = FirstScreen()  # which turns the collector back on after its first frame, as the app does
t4 = time.perf_counter()
app.run(headless=True, size=(100, 30))
print(t1 - t0, t2 - t1, t3 - t2, t4 - t3, app.drawn - t4)
'''


def startup_stages(rounds: int) -> None:
    """Where stepprop's start-up goes, in process: imports, the first step, Textual's mount, style and first frame."""
    runs = []
    for _ in range(rounds):
        done = subprocess.run([sys.executable, "-c", STAGES], cwd=ROOT, env=launch_env(), capture_output=True,
                              text=True, check=True)
        runs.append([float(t) for t in done.stdout.split()])
    names = ("import numpy", "import textual.app", "import tui.app", "BackpropApp() with its first step",
             "mount to first frame")
    medians = [statistics.median(r[k] for r in runs) for k in range(len(names))]
    print("  where it goes (medians): " + ", ".join(f"{n} {t * 1e3:.0f} ms" for n, t in zip(names, medians)))


def startup(rounds: int) -> None:
    print("Start-up to the first screen, 100×30 pseudo-terminal (medians of interleaved launches):")
    sides = {
        "stepprop": ([sys.executable, "-m", "tui"], "event 1 of"),
        "bare": ([sys.executable, "-c", BARE], "with two widgets"),
    }
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in sides}
    for r in range(rounds + 1):
        for name, (argv, marker) in (sides.items() if r % 2 else reversed(sides.items())):
            t = first_screen(argv, marker)
            if r:  # the first round warms the file cache
                times[name].append(t)
    for k, clock in enumerate(("wall clock", "CPU time")):
        s = statistics.median(t[k] for t in times["stepprop"])
        b = statistics.median(t[k] for t in times["bare"])
        report(f"stepprop, 4-3-3 on the question, {clock}", s, b, "bare Textual", f"{s / b:4.2f}×  goal ≤ 1.50×",
               s / b <= 1.5)
    startup_stages(rounds)


# ---- keys: from a key until the screen that shows its result is drawn -------------------------------------


class Frames:
    """Timestamps of the frames the app draws, each turned into terminal output as a real terminal would get it."""

    def __init__(self, app: BackpropApp):
        self.times: list[float] = []
        draw = app._display

        def display(screen, renderable) -> None:
            draw(screen, renderable)
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)  # the escape sequences a headless app skips
                self.times.append(time.perf_counter())

        app._display = display


async def key_time(pilot, frames: Frames, key: str) -> float:
    """Until the app has handled the key (as Textual's pilot waits for it) and drawn the last frame it causes."""
    drawn = len(frames.times)
    t0 = time.perf_counter()
    await pilot.press(key)
    done = time.perf_counter()
    quiet_until = done + 0.05
    while time.perf_counter() < quiet_until:  # frames arrive on the screen's refresh timer, up to 1/60 s later
        await asyncio.sleep(0.002)
        if len(frames.times) > drawn and frames.times[-1] > quiet_until - 0.05:
            quiet_until = frames.times[-1] + 0.05
    return max(done, frames.times[-1] if len(frames.times) > drawn else done) - t0


async def key_latency(label: str, options: Options, size: tuple[int, int], samples: int, goal: float | None,
                      at: str | None = None, start: int = 0, pair: tuple[str, str] = ("n", "p")) -> float:
    """Median of a pair of keys (next and previous), each beside an unbound key pressed in the same round, from
    the event named `at`, or else event `start`."""
    app = BackpropApp(options)
    async with app.run_test(size=size) as pilot:
        frames = Frames(app)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        start = app.session.index_of(at) if at else start
        app.jump(start)
        await pilot.pause()
        for key in ("z", "n", "p", "z"):  # warm up
            await key_time(pilot, frames, key)
        unbound, stepping = [], []
        for k in range(samples):
            key = pair[k % 2]
            unbound.append(await key_time(pilot, frames, "z"))
            stepping.append(await key_time(pilot, frames, key))
            if pair == ("n", "p"):
                assert app.session.position == start + (1 if key == "n" else 0)
        u, s = statistics.median(unbound), statistics.median(stepping)
        above = s - u
        goal_text = "" if goal is None else f"above it {above * 1e3:5.1f} ms  goal ≤ {goal:.0f} ms"
        report(label, s, u, "unbound key", goal_text or f"above it {above * 1e3:5.1f} ms",
               None if goal is None else above * 1e3 <= goal)
        return above


async def keys(samples: int) -> None:
    print("next/previous on 784-128-10 at m=64, against an unbound key (medians):")
    options = on_files((784, 128, 10), 64)
    for size in ((80, 24), (100, 30), (200, 50)):
        await key_latency(f"{size[0]}×{size[1]}", options, size, samples, 25.0)
    print("with arrays of images on screen: the small convnet on shapes (m=32), Z1 and A1 (32, 4, 8, 8), against an "
          "unbound key (medians):")
    convnet = Options(layers="conv 4 3 pad 1, relu, maxpool 2, flatten, linear 4, softmax", dataset="shapes",
                      output="softmax", loss="ce", batch=32)
    for size in ((80, 24), (160, 45)):
        await key_latency(f"next/previous, events 6-7, {size[0]}×{size[1]}", convnet, size, samples, 25.0, start=5)
        await key_latency(f"next/previous example (. ,), {size[0]}×{size[1]}", convnet, size, samples, 25.0,
                          start=5, pair=("full_stop", "comma"))
    print("next/previous at 100×30 as the matrices grow (it should stay flat):")
    for m, n in ((2, 2), (64, 64), (256, 256), (1024, 1024), (4096, 1024)):
        # n inputs, a narrow hidden layer, n outputs: X, Z2, A2 and dZ2 are m × n without hours of arithmetic.
        await key_latency(f"matrices up to {m}×{n}", on_files((n, 16, n), m), (100, 30), samples, None)


async def sequence_keys(samples: int) -> None:
    """The presets' sequence and attention networks: stepping time steps, and the cards that draw pictures."""
    from tui.session import with_preset
    print("next/previous on sequence and attention networks, against an unbound key (medians):")
    cases = (("rnn", "z0", "rnn remembers, T=16, m=64, forward z0→h0"),
             ("rnn", "dh8", "rnn remembers, T=16, backward dh8 (‖dh_t‖)"),
             ("lstm", "dc8", "lstm remembers, T=16, backward dc8 (‖dh_t‖)"),
             ("gpt", "S2", "tiny GPT, m=32, S2→P2 (heatmap)"),
             ("gpt", "dP2", "tiny GPT, m=32, dP2 (heatmap)→dSm2"))
    for size in ((80, 24), (160, 45)):
        for preset, at, label in cases:
            await key_latency(f"{label}, {size[0]}×{size[1]}", with_preset(Options(), preset)[0], size, samples, 25.0,
                              at)


# ---- an edit: from enter until the re-run network is on screen --------------------------------------------


async def edit_time(pilot, frames: Frames, sizes: str, shown: str) -> float:
    """Seconds from enter on a sizes edit until the first frame drawn after the new network was adopted, with
    `shown` (its new shape) on screen."""
    app = pilot.app
    await pilot.press("s", *sizes)
    await pilot.pause()
    adopted: list[float] = []
    adopt = app._adopt
    app._adopt = lambda session: (adopt(session), adopted.append(time.perf_counter()))
    t0 = time.perf_counter()
    await pilot.press("enter")
    while not (adopted and frames.times and frames.times[-1] > adopted[0]):
        await asyncio.sleep(0.0005)
    drawn = frames.times[-1]
    del app._adopt
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    text = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
    assert shown in text, text
    return drawn - t0


async def edit_rerun(samples: int) -> None:
    print("An edit's re-run at 160×50, batch 64 of 1,024 examples (medians):")
    app = BackpropApp(on_files((784, 128, 10), 1024, batch=64))
    async with app.run_test(size=(160, 50)) as pilot:
        frames = Frames(app)
        await pilot.pause()
        unbound, edits = [], []
        for k in range(samples + 1):
            z = await key_time(pilot, frames, "z")
            wide = await edit_time(pilot, frames, "784,256,10", "W1 (784, 256)")
            narrow = await edit_time(pilot, frames, "784,128,10", "W1 (784, 128)")  # back, for the next round
            if k:  # the first round warms up
                unbound.append(z)
                edits.append(wide)
        u, e = statistics.median(unbound), statistics.median(edits)
        report("sizes 784,128,10 → 784,256,10: enter to the new W1", e, u, "unbound key",
               f"goal ≤ 150 ms", e * 1e3 <= 150)


# ---- memory: the app's resident size over long training -------------------------------------------------


def resident_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


async def train(pilot, steps: int) -> None:
    app = pilot.app
    app.query_one("#train-steps").value = str(steps)
    await pilot.press("T")
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def memory() -> None:
    print("The app's resident memory training 784-128-10 at m=64 (goal: within 20 MiB from 1,000 to 10,000 steps):")
    app = BackpropApp(on_files((784, 128, 10), 1024, batch=64))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await train(pilot, 1000)
        after_1000 = resident_bytes()
        await train(pilot, 9000)
        after_10000 = resident_bytes()
        assert app.session.net.steps == 10000, app.session.net.steps
    grown = (after_10000 - after_1000) / 2**20
    print(f"  after 1,000 steps {after_1000 / 2**20:7.1f} MiB   after 10,000 {after_10000 / 2**20:7.1f} MiB   "
          f"grew {grown:+5.1f} MiB  goal ≤ 20 MiB  {'met' if grown <= 20 else 'NOT MET'}")


async def main() -> None:
    quick = "--quick" in sys.argv
    if "--sequences" in sys.argv:
        await sequence_keys(10 if quick else 30)
        return
    startup(3 if quick else 7)
    await keys(10 if quick else 30)
    await sequence_keys(10 if quick else 30)
    await edit_rerun(5 if quick else 15)
    if "--no-memory" not in sys.argv:
        await memory()


if __name__ == "__main__":
    asyncio.run(main())
