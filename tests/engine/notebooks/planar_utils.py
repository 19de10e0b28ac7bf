"""Stand-ins for the course's planar_utils: the two helpers the fixture notebooks import, with a small dataset."""
import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def load_planar_dataset():
    """A small two-class flower: X (2, 40), Y (1, 40), as the course's loader lays them out (examples as columns)."""
    rng = np.random.default_rng(1)
    m = 40
    t = np.linspace(0, 3.12, m)
    r = 4 * np.sin(4 * t) + rng.normal(0, 0.2, m)
    X = np.stack([r * np.sin(t), r * np.cos(t)])
    Y = (np.arange(m) % 2).reshape(1, m)
    return X, Y
