"""Accuracy, where the labels are classes: 0/1 labels for sigmoid outputs, one-hot labels for softmax."""

from __future__ import annotations

import numpy as np


def accuracy(output: str, A: np.ndarray, Y: np.ndarray, class_axis: int) -> float | None:
    """The fraction of labels predicted right, or None when the labels are not classes (identity outputs)."""
    if output == "softmax":
        right = A.argmax(axis=class_axis) == Y.argmax(axis=class_axis)
        # Where some targets are one class and others a spread (remember's "no answer yet" before the answer), only
        # the one-class ones have a right answer: a sequence's accuracy is over every time step that has one.
        scored = Y.max(axis=class_axis) == 1.0
        return float(np.mean(right[scored] if scored.any() else right))
    if output == "sigmoid" and np.isin(Y, (0.0, 1.0)).all():
        return float(np.mean((A > 0.5) == (Y == 1.0)))
    return None
