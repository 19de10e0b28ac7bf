"""Gradient check: each parameter's analytic gradient against central finite differences."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from engine.network import Network


MAX_ENTRIES = 200  # a larger parameter is checked on a seeded sample of this many entries
NOISE = 1e-8  # gradients whose norms add up to less than this are both zero, up to rounding


def gradient_check(net: Network, X, Y, eps: float = 1e-6, max_entries: int | None = MAX_ENTRIES,
                   seed: int | None = None, progress: Callable[[str, int, int], None] | None = None,
                   cancelled: Callable[[], bool] | None = None) -> dict[str, float]:
    """{"W1": relative error, ...}: ‖analytic − numeric‖ / (‖analytic‖ + ‖numeric‖) over the checked entries.

    A parameter larger than max_entries is checked on a sample of max_entries distinct entries (None checks them
    all), drawn from seed (by default the network's own) and the parameter's place, so the same network always
    checks the same entries. Entries are checked in memory order.
    progress(key, done, total) follows the entries checked; once cancelled() is true the check stops and returns
    the parameters finished so far.
    """
    analytic = net.gradients(X, Y)
    params = net.params
    seed = net.seed if seed is None else seed
    errors = {}
    for place, (key, P) in enumerate(params.items()):
        flat = np.arange(P.size)
        if max_entries is not None and P.size > max_entries:
            flat = np.sort(np.random.default_rng([seed, place]).choice(P.size, size=max_entries, replace=False))
        numeric = np.empty(flat.size)
        for k, i in enumerate(flat):
            if cancelled is not None and cancelled():
                return errors
            if progress is not None:
                progress(key, k, flat.size)
            idx = np.unravel_index(i, P.shape)
            numeric[k] = (_nudged_loss(net, params, key, idx, eps, X, Y)
                          - _nudged_loss(net, params, key, idx, -eps, X, Y)) / (2 * eps)
        exact = analytic[key].ravel()[flat]
        scale = np.linalg.norm(exact) + np.linalg.norm(numeric)
        # Both at the size of rounding noise (a bias before batchnorm, whose gradient is exactly 0): they agree.
        agree = scale <= NOISE
        errors[key] = 0.0 if agree else float(np.linalg.norm(exact - numeric) / scale)
    return errors


def _nudged_loss(net: Network, params: dict, key: str, idx: tuple, delta: float, X, Y) -> float:
    nudged = params[key].copy()
    nudged[idx] += delta
    return net._loss_with({**params, key: nudged}, X, Y)
