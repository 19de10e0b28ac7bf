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


def test_a_held_event_keeps_its_own_value_alive_and_nothing_else_leaks():
    X, Y = engine.datasets.question()
    net = engine.Network(sizes=(4, 3, 3))
    kept = [e for e in net.step(X, Y) if e.name == "dW1"][0]
    for _ in range(50):
        for _event in net.step(X, Y):
            pass
    assert kept.value.shape == (4, 3) and kept.step == 0
