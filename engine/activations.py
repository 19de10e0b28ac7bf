"""Activations, each next to its derivative and the text of both."""

from __future__ import annotations

import numpy as np

from engine.events import Op

SMALL = 256  # entries below which a ufunc's own call beats the same sum in cheaper steps


def sigmoid(Z: np.ndarray) -> np.ndarray:
    # The textbook 1 / (1 + e^(−Z)), computed in place in one new array. It is exact to 2 ulp until e^(−Z)
    # overflows below Z ≈ −709.78; there, and only there, σ(Z) = e^Z / (1 + e^Z) is e^Z to the last bit, subnormals
    # included. Which form an entry takes depends on it alone, so σ(Z) is the same whatever else its batch holds.
    if type(Z) is not np.ndarray or Z.dtype != np.float64:
        Z = np.asarray(Z, dtype=np.float64)
    A = np.negative(Z, out=np.empty(Z.shape))
    overflowed = None
    if Z.size and Z.min() >= -709.0:  # e^(−Z) <= e^709 cannot overflow: the same exp, with no guard to set up
        np.exp(A, out=A)
    else:
        with np.errstate(over="raise"):
            try:
                np.exp(A, out=A)
            except FloatingPointError:
                overflowed = np.isinf(A)
    A += 1.0
    np.divide(1.0, A, out=A)
    if overflowed is not None:
        A[overflowed] = np.exp(Z[overflowed])
    return A


def log_sigmoid(Z: np.ndarray) -> np.ndarray:
    # −np.logaddexp(0, −Z), as NumPy computes it inside, min(Z, 0) − log(1 + e^(−|Z|)), at a quarter of the cost.
    A = np.exp(-np.abs(Z))
    np.log1p(A, out=A)
    np.subtract(np.minimum(Z, 0.0), A, out=A)
    return A


def softplus(Z: np.ndarray) -> np.ndarray:
    """log(1 + e^Z) = np.logaddexp(0, Z), as NumPy computes it inside: max(Z, 0) + log(1 + e^(−|Z|))."""
    if Z.size < SMALL:  # the ufunc itself: cheaper to call, dearer per entry
        return np.logaddexp(0.0, Z)
    A = np.exp(-np.abs(Z))
    np.log1p(A, out=A)
    A += np.maximum(Z, 0.0)
    return A


def softmax(Z: np.ndarray, axis: int) -> np.ndarray:
    E = np.exp(Z - Z.max(axis=axis, keepdims=True))
    return E / E.sum(axis=axis, keepdims=True)


def log_softmax(Z: np.ndarray, axis: int) -> np.ndarray:
    shifted = Z - Z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


_kept: tuple = (None, None, None, None)  # the last output softmax's Z, axis, shifted Z and sums of e^shifted


def softmax_keeping(Z: np.ndarray, axis: int) -> np.ndarray:
    """softmax(Z), to the bit, keeping what log_softmax(Z) would compute again: the loss reads the same Z next."""
    global _kept
    shifted = Z - Z.max(axis=axis, keepdims=True)
    E = np.exp(shifted)
    sums = E.sum(axis=axis, keepdims=True)
    _kept = (Z, axis, shifted, sums)  # one tuple, swapped whole: a training thread and the app's step can't mix
    return E / sums


def log_softmax_kept(Z: np.ndarray, axis: int) -> np.ndarray:
    """log_softmax(Z), to the bit, from what the softmax that has just read this very Z kept, where it has."""
    kept_Z, kept_axis, shifted, sums = _kept
    if kept_Z is Z and kept_axis == axis:
        return shifted - np.log(sums)
    return log_softmax(Z, axis)


def relu(Z: np.ndarray) -> np.ndarray:
    return np.maximum(Z, 0.0)


LEAK = 0.01


def leaky_relu(Z: np.ndarray) -> np.ndarray:
    return np.where(Z > 0, Z, LEAK * Z)


GELU_C = 0.7978845608028654  # √(2/π), as GPT-2 writes its tanh approximation
GELU_A = 0.044715


def gelu(Z: np.ndarray) -> np.ndarray:
    """GPT-2's GELU, 0.5 z (1 + tanh(√(2/π) (z + 0.044715 z³))). Past |z| = 30 the tanh is ±1 in float64 either way:
    clipping there gives the same numbers and keeps z³ from overflowing."""
    t = np.tanh(GELU_C * _cubic(Z))
    return 0.5 * Z * (1.0 + t)


def gelu_slope(Z: np.ndarray) -> np.ndarray:
    """gelu′(z) = 0.5 (1 + t) + 0.5 z (1 − t²) √(2/π) (1 + 3·0.044715 z²), t the tanh above; 1 − t² is 0 past 30."""
    Zc = np.clip(Z, -30.0, 30.0)
    t = np.tanh(GELU_C * _cubic(Z))
    return 0.5 * (1 + t) + 0.5 * Zc * (1 - t ** 2) * GELU_C * (1 + 0.134145 * Zc ** 2)  # as the line, term by term


def _cubic(Z: np.ndarray) -> np.ndarray:
    Zc = np.clip(Z, -30.0, 30.0)
    return Zc + GELU_A * (Zc * Zc * Zc)  # NumPy's ** 3 goes through pow(), about a hundred times slower


# Each activation: (forward op, derivative op), the maths rendered from the line. Slots: {A}, {Z}, {dA}, {dZ}.
FORWARD = {
    "sigmoid": Op("{A} = sigmoid({Z})", "the logistic sigmoid σ(z) = 1 / (1 + e^(−z))",
                  lambda c, Z: sigmoid(Z)),
    "tanh": Op("{A} = np.tanh({Z})", "",
               lambda c, Z: np.tanh(Z)),
    "relu": Op("{A} = np.maximum({Z}, 0)", "",
               lambda c, Z: relu(Z)),
    "leaky_relu": Op("{A} = np.where({Z} > 0, {Z}, 0.01 * {Z})", "",
                     lambda c, Z: leaky_relu(Z)),
    "gelu": Op("{A} = 0.5 * {Z} * (1 + np.tanh(0.7978845608028654 * ({Z} + 0.044715 * ({Z} * {Z} * {Z}))))",
               "GPT-2's GELU: z weighted by a smooth step, tanh standing in for the normal's CDF",
               lambda c, Z: gelu(Z)),
    "identity": Op("{A} = {Z}", "",
                   lambda c, Z: Z),
    "softmax_rows": Op("{A} = softmax({Z}, axis=1)", "softmax(z) = e^z / Σ e^z, each row a distribution",
                       lambda c, Z: softmax_keeping(Z, axis=1)),
    "softmax_columns": Op("{A} = softmax({Z}, axis=0)", "softmax(z) = e^z / Σ e^z, each column a distribution",
                          lambda c, Z: softmax_keeping(Z, axis=0)),
}
FORWARD["softmax_channels_last"] = FORWARD["softmax_rows"]  # after flatten, an image network's rows are examples

# The derivative reads whichever of A or Z it needs; the slot names say which.
DERIVATIVE = {
    "sigmoid": Op("{dZ} = {dA} * {A} * (1 - {A})", "σ′({Z}), written with the output {A}",
                  lambda c, dA, A: dA * A * (1.0 - A)),
    "tanh": Op("{dZ} = {dA} * (1 - {A} ** 2)", "tanh′({Z}), written with the output {A}",
               lambda c, dA, A: dA * (1.0 - A * A)),
    "relu": Op("{dZ} = {dA} * ({Z} > 0)", "relu′({Z}), taken as 0 at the kink {Z} = 0",
               lambda c, dA, Z: dA * (Z > 0)),
    "leaky_relu": Op("{dZ} = {dA} * np.where({Z} > 0, 1, 0.01)", "leaky′({Z}), taken as 0.01 at the kink {Z} = 0",
                     lambda c, dA, Z: dA * np.where(Z > 0, 1.0, LEAK)),
    "gelu": Op("{dZ} = {dA} * (0.5 * (1 + np.tanh(0.7978845608028654 * ({Z} + 0.044715 * ({Z} * {Z} * {Z})))) "
               "+ 0.5 * {Z} * (1 - np.tanh(0.7978845608028654 * ({Z} + 0.044715 * ({Z} * {Z} * {Z}))) ** 2) "
               "* 0.7978845608028654 * (1 + 0.134145 * {Z} ** 2))",
               "gelu′({Z}): the product rule, the step plus z times the step's slope",
               lambda c, dA, Z: dA * gelu_slope(Z),
               (("the product rule's second term dropped",
                 "{dZ} = {dA} * 0.5 * (1 + np.tanh(0.7978845608028654 * ({Z} + 0.044715 * ({Z} * {Z} * {Z}))))",
                 "GELU is z times a smooth step; its derivative is the step plus z times the step's own slope. "
                 "Keeping the step alone is the derivative of a line through the step, wrong around 0"),)),
    "identity": Op("{dZ} = {dA}", "the identity's derivative is 1",
                   lambda c, dA: dA),
}

HIDDEN = ("sigmoid", "tanh", "relu", "leaky_relu", "identity")  # the choices of a network given by its sizes
OUTPUT = ("sigmoid", "softmax", "identity")


def softmax_along(axis: int) -> Op:
    """softmax over the classes of a sequence's every position: axis 2 of (m, T, V), axis 0 of (V, m, T)."""
    return Op(f"{{A}} = softmax({{Z}}, axis={axis})", "softmax(z) = e^z / Σ e^z, a distribution at every time step",
              lambda c, Z: softmax_keeping(Z, axis=axis))
