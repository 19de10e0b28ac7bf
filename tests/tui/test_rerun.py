"""Re-running after an edit: the data read once and read again only when its files change; a slow re-run says so."""

from __future__ import annotations

import threading

import numpy as np
from pilot_helpers import screen_text, settle

from tui.app import BackpropApp
from tui.editing import SLOW
from tui.session import FILE, Options, Session, quick, resolve


def files(tmp_path, X, Y) -> Options:
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "Y.npy", Y)
    return Options(sizes=(2, 3, 1), dataset=FILE, data=str(tmp_path / "X.npy"), targets=str(tmp_path / "Y.npy"))


def test_files_are_read_again_only_when_they_change(tmp_path):
    options = files(tmp_path, np.zeros((4, 2)), np.ones((4, 1)))
    first, _ = resolve(options)
    assert resolve(options)[0] is first  # an edit reuses what was read
    np.save(tmp_path / "X.npy", np.full((5, 2), 7.0))
    np.save(tmp_path / "Y.npy", np.ones((5, 1)))
    again, _ = resolve(options)
    assert again is not first and again.X.shape == (5, 2) and (again.X == 7).all()


def test_small_steps_on_data_in_memory_rerun_at_once_large_ones_in_a_worker(tmp_path):
    options = files(tmp_path, np.zeros((64, 784)), np.ones((64, 10))).but(sizes=(784, 256, 10))
    assert not quick(options)  # not read yet
    resolve(options)
    assert quick(options) and not quick(options.but(sizes=(784, 2000, 10)))
    assert quick(Options(sizes=(4, 5, 3), dataset="synthetic"))


async def test_a_slow_rerun_says_it_is_rerunning_and_then_what_changed(monkeypatch):
    release = threading.Event()
    start = Session.start.__func__

    def slow(cls, *args, **kwargs):  # a re-run held until the test has looked: as slow as the test needs
        release.wait(10)
        return start(cls, *args, **kwargs)

    app = BackpropApp(Options(sizes=(2, 16, 3), dataset="spirals"))
    async with app.run_test(size=(100, 30)) as pilot:
        monkeypatch.setattr(Session, "start", classmethod(slow))
        await pilot.press("s", *"2,30000,3", "enter")  # 300 × (2 + 3) × 30000 multiply-adds: over QUICK, a worker
        await pilot.pause(SLOW + 0.1)
        assert "re-running…" in screen_text(app) and "2 → 16 → 3" in screen_text(app)
        release.set()
        await settle(pilot)
        assert "2 → 30000 → 3" in screen_text(app) and "a new network" in screen_text(app)
        assert "re-running…" not in screen_text(app)
