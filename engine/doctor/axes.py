"""What each axis of a step's arrays counts (examples, inputs, hidden units), to explain shapes in words."""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.checks import shape_text

Labels = tuple[str | None, ...]

_ACTIVATION = re.compile(r"^d?([AZ])(\d+)$")
_AUGMENTED = re.compile(r"^(X|A(\d+))_aug$")
_WEIGHT = re.compile(r"^d?W(\d+)$")
_BIAS = re.compile(r"^d?b(\d+)$")

EXAMPLES = "examples"


@dataclass(frozen=True)
class Axes:
    """A network's layout and sizes: enough to say that A1's (2, 5) is 2 examples × 5 hidden units."""

    layout: str  # "rows": examples are rows; "columns": examples are columns
    sizes: tuple[int, ...]
    m: int
    bias: str = "vector"

    def units(self, layer: int) -> str:
        if layer == 0:
            return "inputs"
        if layer == len(self.sizes) - 1:
            return "outputs"
        return "hidden units" if len(self.sizes) == 3 else f"layer-{layer} units"

    def _oriented(self, labels: Labels) -> Labels:
        return labels if self.layout != "columns" else tuple(reversed(labels))

    def labels(self, name: str) -> Labels | None:
        """What each axis of the step's array of that name counts, in its layout; None for other names."""
        last = len(self.sizes) - 1
        if name in ("X", "dX"):
            return self._oriented((EXAMPLES, self.units(0)))
        if name == "Y":
            return self._oriented((EXAMPLES, self.units(last)))
        if (match := _ACTIVATION.match(name)) and 0 <= int(match.group(2)) <= last:
            return self._oriented((EXAMPLES, self.units(int(match.group(2)))))
        if match := _AUGMENTED.match(name):
            layer = int(match.group(2) or 0)
            if layer <= last:
                return self._oriented((EXAMPLES, f"{self.units(layer)} and the ones"))
        if (match := _WEIGHT.match(name)) and 1 <= int(match.group(1)) <= last:
            layer = int(match.group(1))
            incoming = self.units(layer - 1) + (" and the bias" if self.bias == "augmented" else "")
            return self._oriented((incoming, self.units(layer)))
        if (match := _BIAS.match(name)) and 1 <= int(match.group(1)) <= last:
            return self._oriented((None, self.units(int(match.group(1)))))
        return None


def counted(shape: tuple[int, ...], labels: Labels | None) -> str:
    """"(2, 5): 2 examples × 5 hidden units", or just "(2, 5)" when nothing is known about its axes."""
    if not labels or len(labels) != len(shape) or all(label is None for label in labels):
        return shape_text(shape)
    parts = [f"{n} {label}" if label else str(n) for n, label in zip(shape, labels)]
    return f"{shape_text(shape)}: {' × '.join(parts)}"


def described(text: str, shape: tuple[int, ...], labels: Labels | None) -> str:
    """"dZ1 is (2, 5): 2 examples × 5 hidden units"."""
    return f"{text} is {counted(shape, labels)}"


def base(label: str | None) -> str | None:
    """What an axis counts, without the extra bias entry: "hidden units and the ones" counts hidden units."""
    if label is None:
        return None
    for extra in (" and the ones", " and the bias"):
        label = label.removesuffix(extra)
    return label
