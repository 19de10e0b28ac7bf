"""The lines after the failing one: whether each fix lets them run, checked by the shape doctor over the frame's arrays.

A fix that makes the failing line run can still give its name a shape that a later line cannot use. Without the
right values to rank by, the fixes with which every later line runs come first, then the fewest edits.
"""

from __future__ import annotations

import ast

from engine.doctor.diagnosis import Goal, examine
from engine.doctor.grammar import parse
from engine.doctor.shaperules import shape_of
from engine.script.source import Source, targets

MAX_LATER = 200  # statements checked after the failing line; a guard for a long script
_LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def _path(body: list[ast.stmt], line: int) -> list[tuple[list[ast.stmt], int]] | None:
    """The blocks from the outside in that hold the statement on `line`, with its index in each."""
    for k, s in enumerate(body):
        if not s.lineno <= line <= (s.end_lineno or s.lineno):
            continue
        for block in _blocks(s):
            inner = _path(block, line)
            if inner is not None:
                return [(body, k), *inner]
        return [(body, k)]
    return None


def _blocks(s: ast.stmt) -> list[list[ast.stmt]]:
    blocks = [getattr(s, name) for name in ("body", "orelse", "finalbody") if getattr(s, name, None)]
    blocks += [h.body for h in getattr(s, "handlers", [])]
    return blocks


def _flat(statements: list[ast.stmt]) -> list[ast.stmt]:
    """Simple statements in the order they run once, a loop's body once; an if's branches stand as the if itself
    (which of them runs is not known); a nested function or class is not run here."""
    out: list[ast.stmt] = []
    for s in statements:
        if isinstance(s, _SCOPES):
            continue
        if isinstance(s, _LOOPS):
            out += _flat(s.body)
        else:
            out.append(s)
        if isinstance(s, (ast.Return, ast.Raise)):
            break
    return out


def later_statements(source: Source, line: int) -> list[ast.stmt]:
    """The statements that run after the one on `line`, up to the end of its function (or of the script)."""
    if source.tree is None:
        return []
    path = _path(source.tree.body, line)
    if path is None:
        return []
    later: list[ast.stmt] = []
    for i in range(len(path) - 1, -1, -1):
        body, k = path[i]
        later += _flat(body[k + 1:])
        if later and isinstance(later[-1], (ast.Return, ast.Raise)):
            break
        owner = path[i - 1][0][path[i - 1][1]] if i else None
        if isinstance(owner, _SCOPES):
            break  # the caller's lines come after the function returns: not followed here
    return later[:MAX_LATER]


def _assigned(s: ast.stmt) -> list[str]:
    names = targets(s)
    for node in ast.walk(s):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.append(node.id)
    return names


def breaks(fix: str, statements: list[ast.stmt], source: Source, env: dict) -> int | None:
    """The first later line that fails once the failing line reads `fix` (a whole assignment), or None when every
    later line the doctor can read runs. Lines outside its grammar are passed over, and what they assign forgotten."""
    env = dict(env)
    if not _run(fix, env):
        return 0
    for s in statements:
        if isinstance(s, (ast.Assign, ast.AugAssign)):
            if not _run(source.segment(s), env, _assigned(s)):
                return s.lineno
        else:
            for name in _assigned(s):
                env.pop(name, None)
    return None


def _run(line: str, env: dict, names: list[str] | None = None) -> bool:
    """Run one assignment by the doctor, keeping its value in env; False when it fails. A line the doctor cannot
    read (or that reads a name no longer known) counts as running, and forgets the names it assigns."""
    try:
        parsed = parse(line, env)
    except (ValueError, RecursionError):
        for name in names or []:
            env.pop(name, None)
        return True
    goal = None
    if parsed.augmented and parsed.target in env:
        shape = shape_of(env[parsed.target])
        goal = Goal((shape,), f"{parsed.target} keeps its shape")
    d, value = examine(parsed, env, goal, steps=False)
    if not d.runs:
        return False
    if parsed.target is not None:
        env[parsed.target] = value
    return True
