"""Takes the hidden size from the command line: python hidden_from_argv.py 5."""
import sys

import numpy as np

hidden = int(sys.argv[1]) if len(sys.argv) > 1 else 3
rng = np.random.default_rng(9)
X = rng.random((8, 3))
Y = (rng.random((8, 1)) > 0.5) * 1.0
W1 = rng.standard_normal((3, hidden))
b1 = np.zeros(hidden)
W2 = rng.standard_normal((hidden, 1))
b2 = np.zeros(1)


def forward(X, W1, b1, W2, b2):
    h = np.maximum(X @ W1 + b1, 0)
    out = 1 / (1 + np.exp(-(h @ W2 + b2)))
    return h, out


h, out = forward(X, W1, b1, W2, b2)
print("hidden", hidden, "output", out.shape)
