"""Shape rules: which dimensions of an operation's operands must agree, and which broadcast."""

from __future__ import annotations

import re

SLOT = re.compile(r"\{(\d+)\}(ᵀ?)")

INNER = "inner"  # the two dimensions a matrix product contracts: they must be equal
BROADCAST = "broadcast"  # a 1 that NumPy stretches to the other operand's size


def marks(rule: str, shapes: list[tuple[int, ...]], result: tuple[int, ...]) -> dict[int, dict[int, str]]:
    """{operand position: {axis: INNER or BROADCAST}} for the rule's operands with the given shapes."""
    found: dict[int, dict[int, str]] = {}
    slots = list(SLOT.finditer(rule))
    for left, right in zip(slots, slots[1:]):
        between = rule[left.end():right.start()].strip()
        i, j = int(left.group(1)), int(right.group(1))
        if between == "@" and len(shapes[i]) == 2 and len(shapes[j]) == 2:
            # The product contracts left's last effective axis with right's first; a ᵀ swaps which axis that is.
            found.setdefault(i, {})[0 if left.group(2) else 1] = INNER
            found.setdefault(j, {})[1 if right.group(2) else 0] = INNER
    for match in slots:
        i = int(match.group(1))
        before = rule[:match.start()].rstrip()
        if before.endswith(("+", "−", "⊙")) and len(shapes[i]) == len(result):
            for axis, (n, r) in enumerate(zip(shapes[i], result)):
                if n == 1 and r > 1:
                    found.setdefault(i, {})[axis] = BROADCAST
    return found
