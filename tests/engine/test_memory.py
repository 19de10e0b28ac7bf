"""Memory stays flat over many steps: a step keeps nothing once its events are dropped."""

from __future__ import annotations

import gc
import tracemalloc

import engine


def live_bytes_after(net, X, Y, steps: int) -> int:
    for _ in range(steps):
        for _event in net.step(X, Y, lr=0.1):
            pass
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def test_thousands_of_steps_hold_no_more_memory_than_the_first_hundred():
    X, Y = engine.datasets.question()
    net = engine.Network(sizes=(4, 3, 3))
    tracemalloc.start()
    try:
        after_warmup = live_bytes_after(net, X, Y, 200)
        after_many = live_bytes_after(net, X, Y, 3000)
    finally:
        tracemalloc.stop()
    assert after_many - after_warmup < 4096


def test_later_steps_never_write_into_an_earlier_events_arrays():
    X, Y = engine.datasets.question()
    net = engine.Network(sizes=(4, 3, 3))
    kept = {e.name: e for e in net.step(X, Y)}
    snapshot = {name: (e.value.copy(), [a.copy() for a in e.arrays]) for name, e in kept.items()}
    for _ in range(50):
        for _event in net.step(X, Y):
            pass
    for name, e in kept.items():
        value, arrays = snapshot[name]
        assert (e.value == value).all() and all((a == b).all() for a, b in zip(e.arrays, arrays)), name
    assert kept["W1"].value is not net.params["W1"]
