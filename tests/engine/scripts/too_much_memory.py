"""Asks for a 10,000 x 10,000 matrix of ones: 800 MB, more than a 256 MB memory limit allows."""
import numpy as np

X = np.ones((4, 2))
W = np.ones((10_000, 10_000))
