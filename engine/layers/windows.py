"""What conv and maxpool share: the image a layer reads, the output size H' = (H + 2P − K)/S + 1 (or its refusal),
and the integer index arrays that pick every K×K window at once, as CS231n's get_im2col_indices builds them."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from engine.layers import Draw
from engine.layouts import LAYOUTS


class Geometry(NamedTuple):
    """An image layer's sizes: C channels of H×W in, windows K×K at stride S after padding P, H'×W' windows out."""

    C: int
    H: int
    W: int
    K: int
    S: int
    P: int
    Ho: int
    Wo: int

    def note(self) -> str:
        """The output size with its numbers filled in: H' = (H + 2P − K)/S + 1 = (8 + 2·1 − 3)/1 + 1 = 8."""
        if self.H == self.W:
            return f"H' = W' = (H + 2P − K)/S + 1 = ({self.H} + 2·{self.P} − {self.K})/{self.S} + 1 = {self.Ho}"
        return (f"H' = (H + 2P − K)/S + 1 = ({self.H} + 2·{self.P} − {self.K})/{self.S} + 1 = {self.Ho}, "
                f"W' = ({self.W} + 2·{self.P} − {self.K})/{self.S} + 1 = {self.Wo}")


def image(place, where: str, what: str) -> tuple[int, int, int]:
    """(C, H, W) of the images a layer reads, or why it cannot read them."""
    layout = LAYOUTS[place.layout]
    if place.layout not in ("rows", "channels_last"):
        raise ValueError(f"{where}: {what} is written for images as rows (m, C, H, W) or channels_last "
                         f"(m, H, W, C); choose one of those layouts")
    if len(place.shape) != 3:
        expected = "(C, H, W)" if place.layout == "rows" else "(H, W, C)"
        raise ValueError(f"{where}: {what} reads images, examples of shape {expected}, as in inputs=(1, 8, 8); "
                         f"these are {place.shape}")
    return (place.shape[2], *place.shape[:2]) if layout.images else place.shape


def geometry(where: str, C: int, H: int, W: int, K: int, S: int, P: int) -> Geometry:
    """The output size of K×K windows at stride S over H×W padded by P, or a refusal with the formula's numbers."""
    sizes = []
    for axis, n in (("H", H), ("W", W)):
        padded = n + 2 * P
        if K > padded:
            raise ValueError(f"{where}: the kernel is larger than the padded input: K = {K} but {axis} + 2P = "
                             f"{n} + 2·{P} = {padded}")
        if (padded - K) % S:
            raise ValueError(f"{where}: the output size {axis}' = ({axis} + 2P − K)/S + 1 = "
                             f"({n} + 2·{P} − {K})/{S} + 1 = {(padded - K) / S + 1:g} is not whole; choose a "
                             f"stride, padding or kernel size for which {axis} + 2P − K divides by S")
        sizes.append((padded - K) // S + 1)
    return Geometry(C, H, W, K, S, P, *sizes)


def im2col_indices(g: Geometry) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CS231n's get_im2col_indices: k (C·K·K, 1), i and j (C·K·K, H'·W'), so x_pad[:, k, i, j] holds every window
    as a column, its numbers ordered channel, kernel row, kernel column."""
    C, K, S = g.C, g.K, g.S
    i0 = np.tile(np.repeat(np.arange(K), K), C)
    i1 = S * np.repeat(np.arange(g.Ho), g.Wo)
    j0 = np.tile(np.arange(K), K * C)
    j1 = S * np.tile(np.arange(g.Wo), g.Ho)
    i = i0.reshape(-1, 1) + i1.reshape(1, -1)
    j = j0.reshape(-1, 1) + j1.reshape(1, -1)
    k = np.repeat(np.arange(C), K * K).reshape(-1, 1)
    return k, i, j


def window_indices(g: Geometry) -> tuple[np.ndarray, np.ndarray]:
    """i and j (H'·W', K·K): row p, column q is the pixel of window p at kernel position q (kernel row, column)."""
    K, S = g.K, g.S
    i = S * np.repeat(np.arange(g.Ho), g.Wo).reshape(-1, 1) + np.repeat(np.arange(K), K).reshape(1, -1)
    j = S * np.tile(np.arange(g.Wo), g.Ho).reshape(-1, 1) + np.tile(np.arange(K), K).reshape(1, -1)
    return i, j


def im2col_code(g: Geometry) -> tuple[str, str, str]:
    """im2col_indices as lines of a script: k, then i and j, each one line."""
    C, K, S = g.C, g.K, g.S
    return (f"np.repeat(np.arange({C}), {K * K}).reshape(-1, 1)",
            f"np.tile(np.repeat(np.arange({K}), {K}), {C}).reshape(-1, 1) + "
            f"{S} * np.repeat(np.arange({g.Ho}), {g.Wo}).reshape(1, -1)",
            f"np.tile(np.arange({K}), {K * C}).reshape(-1, 1) + "
            f"{S} * np.tile(np.arange({g.Wo}), {g.Ho}).reshape(1, -1)")


def window_code(g: Geometry) -> tuple[str, str]:
    """window_indices as lines of a script: i, then j."""
    K, S = g.K, g.S
    return (f"{S} * np.repeat(np.arange({g.Ho}), {g.Wo}).reshape(-1, 1) + "
            f"np.repeat(np.arange({K}), {K}).reshape(1, -1)",
            f"{S} * np.tile(np.arange({g.Wo}), {g.Ho}).reshape(-1, 1) + np.tile(np.arange({K}), {K}).reshape(1, -1)")


def draws(names: tuple[str, ...], arrays: tuple[np.ndarray, ...], code: tuple[str, ...]) -> tuple:
    """Index arrays as step inputs (Built.draws): the same every step, and the same as the script's lines."""
    found = []
    for name, a, line in zip(names, arrays, code):
        a.setflags(write=False)
        found.append(Draw(name, lambda seed, step, m, a=a: a, f"{name} = {line}"))
    return tuple(found)


def add_at(target: np.ndarray, index: tuple, values: np.ndarray) -> np.ndarray:
    """np.add.at into a copy: the step's arrays are read-only, and the learner's line writes into its own zeros."""
    out = target.copy()
    np.add.at(out, index, values)
    return out
