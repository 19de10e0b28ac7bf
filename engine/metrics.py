"""Accuracy, where the labels are classes: 0/1 labels for sigmoid outputs, one-hot labels for softmax."""

from __future__ import annotations

import numpy as np


def accuracy(output: str, A: np.ndarray, Y: np.ndarray, class_axis: int) -> float | None:
    """The fraction of labels predicted right, or None when the labels are not classes (identity outputs)."""
    if output == "softmax":
        return float(np.mean(A.argmax(axis=class_axis) == Y.argmax(axis=class_axis)))
    if output == "sigmoid" and np.isin(Y, (0.0, 1.0)).all():
        return float(np.mean((A > 0.5) == (Y == 1.0)))
    return None
