"""The lines after a script's failing line: which run next, and which a fix of the failing line makes fail."""

import numpy as np

from engine.script.later import breaks, later_statements
from engine.script.source import Source

SCRIPT = """import numpy as np

def step(W, A, Y):
    Z = W @ A
    for k in range(3):
        E = Z - Y
        G = E @ A.T
    if Z.shape[0] > 1:
        H = Z
    W -= G
    return W

W = step(np.ones((2, 3)), np.ones((3, 4)), np.ones((2, 4)))
after = W
"""


def lines(source: Source, line: int) -> list[int]:
    return [s.lineno for s in later_statements(source, line)]


def test_the_later_lines_run_a_loop_once_keep_an_if_whole_and_stop_where_the_function_returns():
    source = Source(SCRIPT)
    assert lines(source, 4) == [6, 7, 8, 10, 11]  # not the caller's lines 13-14
    assert lines(source, 6) == [7, 8, 10, 11]  # the rest of the loop's body, then what follows the loop
    assert lines(source, 13) == [14]
    assert lines(source, 14) == []
    no_return = Source("def f(A):\n    B = A\n    C = B\n\nf(1)\nD = 2\n")
    assert lines(no_return, 2) == [3]  # the function ends; the caller's line 6 is not followed


def test_a_fix_breaks_the_first_later_line_that_cannot_run_with_it():
    source = Source(SCRIPT)
    env = {"W": np.ones((2, 3)), "A": np.ones((3, 4)), "Y": np.ones((2, 4))}
    later = later_statements(source, 4)
    assert breaks("Z = W @ A", later, source, env) is None
    assert breaks("Z = A @ W", later, source, env) == 0  # the fix itself cannot run
    assert breaks("Z = W.T @ W @ A", later, source, env) == 6  # (3, 4) - (2, 4)
    assert breaks("Z = (W @ A)[:, :1]", later, source, env) is None  # (2, 1) stretches over Y's 4 columns: runs


def test_an_in_place_update_that_cannot_hold_its_result_is_a_break():
    source = Source("import numpy as np\nb = np.ones(4)\ng = np.ones((4, 4))\nd = g\nb -= d\n")
    env = {"b": np.ones(4), "g": np.ones((4, 4))}
    later = later_statements(source, 4)
    assert breaks("d = g", later, source, env) == 5
    assert breaks("d = g.sum(axis=0)", later, source, env) is None


def test_lines_outside_the_doctors_grammar_are_passed_over_and_what_they_assign_forgotten():
    source = Source("import numpy as np\nZ = np.ones((2, 3))\nP = foo(Z)\nQ = P @ np.ones((5, 5))\nR = Z @ Z\n")
    env = {"Z": np.ones((2, 3)), "P": np.ones((2, 2))}  # P as it was before line 3 made it anew
    later = later_statements(source, 2)
    assert breaks("Z = np.ones((2, 3))", later, source, env) == 5  # P forgotten: line 4 is not judged
    assert breaks("Z = np.ones((3, 3))", later, source, env) is None
