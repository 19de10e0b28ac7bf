"""Input checks that say what was expected and what came, in NumPy tuple notation."""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np

GiB = 1 << 30


def shape_text(shape: tuple[int, ...]) -> str:
    """A shape as Python writes the tuple: (4, 3), (3,), ()."""
    return str(tuple(int(n) for n in shape))


def is_whole(value: object, minimum: int) -> bool:
    """Whether value is a whole number >= minimum. bool is an int subclass, but True steps or seeds is a mistake."""
    return not isinstance(value, bool) and isinstance(value, (int, np.integer)) and value >= minimum


def choice(kind: str, value: object, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        listed = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"unknown {kind} {value!r}; expected one of {listed}")
    return value  # type: ignore[return-value]


def sizes(value: object) -> tuple[int, ...]:
    try:
        items = tuple(value)  # type: ignore[arg-type]
    except TypeError:
        raise ValueError(f"sizes must be a sequence of layer sizes such as (4, 3, 3); got {value!r}") from None
    if len(items) < 2:
        raise ValueError(
            f"sizes needs at least two entries (inputs, then outputs), such as (4, 3, 3); got {items!r}"
        )
    for i, n in enumerate(items):
        if isinstance(n, bool) or not isinstance(n, Integral):
            raise ValueError(f"sizes[{i}] must be a positive integer; got {n!r} of type {type(n).__name__}")
        if n <= 0:
            raise ValueError(f"sizes[{i}] must be a positive integer; got {n}")
    return tuple(int(n) for n in items)


def learning_rate(lr: object) -> float:
    if isinstance(lr, bool) or not isinstance(lr, Real) or not math.isfinite(lr):
        raise ValueError(f"lr must be a finite number >= 0; got {lr!r}")
    if lr < 0:
        raise ValueError(f"lr must be >= 0 (a negative rate climbs the loss); got {lr!r}")
    return float(lr)


def as_matrix(name: str, data: object) -> np.ndarray:
    """A float64 2-D array, or a ValueError naming what came instead."""
    try:
        a = np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{name} must be a 2-D array of numbers; could not read it as one ({e})") from None
    if a.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array; got shape {a.shape} with {a.ndim} dimension(s)")
    if a.size and not np.isfinite(a).all():
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(a))[0])
        raise ValueError(f"{name} must be finite; {name}[{bad[0]}, {bad[1]}] is {a[bad]}")
    return a


def bytes_text(n: int) -> str:
    if n >= GiB:
        return f"{n / GiB:.1f} GiB"
    if n >= 1 << 20:
        return f"{n / (1 << 20):.1f} MiB"
    return f"{n / 1024:.1f} KiB"


def over_budget(what: str, needed: int, limit: int) -> ValueError:
    """The error for `what`, which needs more bytes than limit; the caller compares, so the message is built only
    when it is raised."""
    return ValueError(
        f"{what} needs about {bytes_text(needed)} ({needed:,} bytes), more than the {bytes_text(limit)} limit; "
        "use smaller layers or fewer examples, or pass max_bytes= to allow more"
    )


def as_array(name: str, data: object, ndim: int) -> np.ndarray:
    """A float64 array of ndim dimensions, or a ValueError naming what came instead."""
    try:
        a = np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{name} must be a {ndim}-D array of numbers; could not read it as one ({e})") from None
    if a.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array; got shape {shape_text(a.shape)} with {a.ndim} dimension(s)")
    if a.size and not np.isfinite(a).all():
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(a))[0])
        raise ValueError(f"{name} must be finite; {name}{list(bad)} is {a[bad]}")
    return a


def is_int_array(a: object, ndim: int) -> bool:
    """An array of integers with ndim axes: token ids as they come, with nothing to convert or check for finiteness."""
    return isinstance(a, np.ndarray) and a.dtype.kind in "iu" and a.ndim == ndim


def ids(name: str, X: np.ndarray, vocabulary: int, layer: str) -> np.ndarray:
    """X as integer token ids in [0, vocabulary), or a ValueError naming the first entry that is not one."""
    if X.dtype.kind in "iu":
        if X.size and (X.min() < 0 or X.max() >= vocabulary):
            return ids(name, X.astype(np.float64), vocabulary, layer)  # names the entry outside
        return X
    whole = X == np.floor(X)
    if not whole.all():
        where = tuple(int(i) for i in np.argwhere(~whole)[0])
        raise ValueError(f"{layer.strip()} reads integer ids, but {name}{list(where)} is {X[where]:g}; "
                         "an embedding needs data of token ids, such as --dataset words")
    outside = (X < 0) | (X >= vocabulary)
    if outside.any():
        where = tuple(int(i) for i in np.argwhere(outside)[0])
        raise ValueError(f"{layer.strip()} reads ids from 0 to {vocabulary - 1}, but {name}{list(where)} is "
                         f"{X[where]:g}, outside the vocabulary")
    return X.astype(np.int64)
