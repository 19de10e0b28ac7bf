"""The layouts, examples as rows or as columns: each layer's linear step forward and backward.

Images come in two layouts, CS231n's rows (m, C, H, W) and deeplearning.ai's channels_last (m, H, W, C); both keep
the examples first, so the dense layers after a flatten are written as in rows.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from engine.events import Op


class Layout(NamedTuple):
    """Where the examples go, and therefore which way every product and sum is written."""

    name: str
    example_axis: int  # the axis of X that counts examples
    augment: Op  # {Aa} = {A} with a ones column (rows) or row (columns)
    Z: Op  # {Z} = {A} @ {W} + {b}, or the other way round
    Z_augmented: Op
    dW: Op
    db: Op
    dA: Op
    bias_slice: tuple  # the part of an augmented W that multiplies the previous layer, not the ones
    images: bool = False  # a layout for images only: examples (C, H, W) are laid out (H, W, C)

    @property
    def class_axis(self) -> int:
        return 1 - self.example_axis

    def weight_shape(self, n_in: int, n_out: int) -> tuple[int, int]:
        return (n_in, n_out) if self.example_axis == 0 else (n_out, n_in)

    def bias_shape(self, n_out: int) -> tuple[int, int]:
        return (1, n_out) if self.example_axis == 0 else (n_out, 1)

    def data_shape(self, m: int, n: int) -> tuple[int, int]:
        return (m, n) if self.example_axis == 0 else (n, m)

    def example(self, inputs: tuple[int, ...]) -> tuple[int, ...]:
        """One example's shape as laid out: inputs (C, H, W) are (H, W, C) with channels last."""
        return (*inputs[1:], inputs[0]) if self.images else inputs

    def batch_shape(self, m, shape: tuple[int, ...]) -> tuple:
        """The data of m examples of `shape`: (m, T, D) in rows, as CS231n; (D, m, T) in columns, as deeplearning.ai
        writes (n_x, m, T_x): the features first, then the examples, then time."""
        return (m, *shape) if self.example_axis == 0 else (shape[-1], m, *shape[:-1])

    def classes_axis(self, shape: tuple[int, ...]) -> int:
        """The axis of the outputs' classes in a batch of examples of `shape`: the last in rows, the first in
        columns."""
        return len(shape) if self.example_axis == 0 else 0


ROWS = Layout(
    name="rows",
    example_axis=0,
    augment=Op("{Aa} = np.hstack([{A}, np.ones((m, 1))])", "{A} with a ones column, for the bias",
               lambda c, A: np.hstack([A, np.ones((A.shape[0], 1))])),
    Z=Op("{Z} = {A} @ {W} + {b}", "{b} broadcast down the m rows",
         lambda c, A, W, b: A @ W + b),
    Z_augmented=Op("{Z} = {Aa} @ {W}", "the bias in {W}'s last row",
                   lambda c, Aa, W: Aa @ W),
    dW=Op("{dW} = {Aa}.T @ {dZ}", "",
          lambda c, Aa, dZ: Aa.T @ dZ),
    db=Op("{db} = {dZ}.sum(axis=0, keepdims=True)", "", lambda c, dZ: dZ.sum(axis=0, keepdims=True)),
    dA=Op("{dA} = {dZ} @ {W}.T", "",
          lambda c, dZ, W: dZ @ W.T),
    bias_slice=(slice(None, -1),),
)

COLUMNS = Layout(
    name="columns",
    example_axis=1,
    augment=Op("{Aa} = np.vstack([{A}, np.ones((1, m))])", "{A} with a ones row, for the bias",
               lambda c, A: np.vstack([A, np.ones((1, A.shape[1]))])),
    Z=Op("{Z} = {W} @ {A} + {b}", "{b} broadcast across the m columns",
         lambda c, W, A, b: W @ A + b),
    Z_augmented=Op("{Z} = {W} @ {Aa}", "the bias in {W}'s last column",
                   lambda c, W, Aa: W @ Aa),
    dW=Op("{dW} = {dZ} @ {Aa}.T", "",
          lambda c, dZ, Aa: dZ @ Aa.T),
    db=Op("{db} = {dZ}.sum(axis=1, keepdims=True)", "", lambda c, dZ: dZ.sum(axis=1, keepdims=True)),
    dA=Op("{dA} = {W}.T @ {dZ}", "",
          lambda c, W, dZ: W.T @ dZ),
    bias_slice=(slice(None), slice(None, -1)),
)

CHANNELS_LAST = ROWS._replace(name="channels_last", images=True)

LAYOUTS = {"rows": ROWS, "columns": COLUMNS, "channels_last": CHANNELS_LAST}
