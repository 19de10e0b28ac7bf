"""Gradients through time: ‖dh_t‖ (and an LSTM's ‖dc_t‖) at every time step of a step's backward pass, for the
sparkline."""

from __future__ import annotations

import re

import numpy as np

from engine.events import Event

_STEP = {"dh": re.compile(r"dh(\d+)"), "dc": re.compile(r"dc(\d+)")}


def gradient_norms(events: list[Event], of: str = "dh") -> tuple[float, ...]:
    """‖dh_t‖ for t = 0, 1, ..., T − 1, read from the events named dh0, dh1, ...; () when there are none. With
    of="dc", an LSTM's ‖dc_t‖, the gradient of its cell.

    dh_t holds everything the loss sends back to h_t: from its own output and, through dh_next, from every later
    step. Where ‖dh_0‖ is far below ‖dh_{T−1}‖, the gradient has vanished on its way back. An LSTM's cell is the
    path the gradient keeps to: dc_t reaches c_{t−1} multiplied by the forget gate alone, with no tanh′ and no Wh.
    """
    pattern = _STEP[of]
    norms = {int(match.group(1)): float(np.linalg.norm(e.value))
             for e in events if e.phase == "backward" and (match := pattern.fullmatch(e.name))}
    return tuple(norms[t] for t in sorted(norms))
