"""Mutation testing: make small, plausible bugs in a module, one at a time, and see whether its tests notice.

    .venv/bin/python tools/mutate.py engine/layouts.py tests/engine/test_events.py tests/engine/test_lessons.py
    .venv/bin/python tools/mutate.py --plan engine          # every module in PLAN under engine/, with its tests

Each mutant is one change to the module's syntax tree: an operator swapped (+ and -, * and /, @ and *, > and >=),
a number moved by one, True and False swapped, a unary minus or `not` dropped, `and` and `or` swapped, or a
lesson string changed (− and +, ᵀ dropped, rows and columns swapped). The module is rewritten with ast.unparse in
a private copy of the repository, so the work tree is never touched, and the chosen tests run there with -x.
A mutant survives when the tests still pass. Slow by design: it is not part of CI.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Which tests guard which module: only these run for its mutants, so a run fits on a shared machine.
E = "tests/engine/"
T = "tests/tui/"
PLAN = {
    "engine/events.py": [E + "test_events.py", E + "test_lessons.py", E + "test_shapes.py", E + "test_edges.py"],
    "engine/layouts.py": [E + "test_lessons.py", E + "test_events.py", E + "test_gradients.py", E + "test_shapes.py",
                          E + "test_edges.py"],
    "engine/activations.py": [E + "test_sigmoid.py", E + "test_lessons.py", E + "test_kinks.py",
                              E + "test_numerics.py", E + "test_gradients.py"],
    "engine/losses.py": [E + "test_lessons.py", E + "test_numerics.py", E + "test_gradients.py"],
    "engine/network.py": [E + "test_lessons.py", E + "test_events.py", E + "test_gradients.py", E + "test_shapes.py",
                          E + "test_bad_input.py", E + "test_training.py", E + "test_edges.py", E + "test_memory.py"],
    "engine/doctor/render.py": [E + "test_lessons.py", E + "test_render.py"],
    "engine/doctor/rules.py": [E + "test_shapes.py", E + "test_lessons.py"],
    "engine/export.py": [E + "test_export.py", E + "test_kinks.py", E + "test_edges.py", T + "test_cli_export.py"],
    "engine/trace.py": [E + "test_trace.py", E + "test_edges.py"],
    "engine/checks.py": [E + "test_bad_input.py", E + "test_edges.py"],
    "engine/gradcheck.py": [E + "test_edges.py", E + "test_gradients.py"],
    "engine/metrics.py": [E + "test_training.py", E + "test_edges.py"],
    "engine/layers/__init__.py": [E + "test_layers.py"],
    "engine/layers/norm.py": [E + "test_layers.py"],
    "engine/layers/dropout.py": [E + "test_layers.py", E + "test_stack_export.py"],
    "engine/layers/embedding.py": [E + "test_layers.py", E + "test_stack_export.py"],
    "engine/layers/flatten.py": [E + "test_layers.py", E + "test_stack_export.py"],
    "engine/layers/last.py": [E + "test_last.py"],
    "engine/through_time.py": [E + "test_last.py", E + "test_sequences.py"],
    "tui/widgets/sparkline.py": [T + "test_sparkline.py"],
    "tui/widgets/slices.py": [T + "test_slices.py"],
    "tui/widgets/heatmap.py": [T + "test_heatmap.py"],
    "engine/layers/linear.py": [E + "test_layers.py", E + "test_export.py", E + "test_lessons.py"],
    "engine/layers/activation.py": [E + "test_layers.py", E + "test_lessons.py"],
    "engine/datasets.py": [E + "test_words.py", E + "test_datasets.py"],
    "tui/widgets/shape_rule.py": [T + "test_screen.py"],
    "tui/widgets/timeline.py": [T + "test_timeline_width.py", T + "test_screen.py", T + "test_stepping.py"],
    "tui/widgets/event_card.py": [T + "test_card_boundaries.py", T + "test_screen.py", T + "test_stepping.py"],
    "tui/screens/help.py": [T + "test_help_words.py", T + "test_screen.py"],
    "tui/screens/mistakes.py": [T + "test_break_it_colours.py", T + "test_screen.py", T + "test_doctor_panel.py"],
}

SWAPS = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.MatMult: ast.Mult,
    ast.Pow: ast.Mult, ast.FloorDiv: ast.Div, ast.Mod: ast.FloorDiv,
    ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.And: ast.Or, ast.Or: ast.And,
}
LESSON_MARKS = ("−", "ᵀ", "·", "⊙", "∂", "Σ", "σ", "²", "rows", "columns", "←", "⊘")
TEXT_SWAPS = (("−", "+"), ("ᵀ", ""), ("rows", "columns"), ("columns", "rows"), ("·", "⊙"), ("⊙", "·"),
              ("←", "="), ("²", ""), ("⊘", "/"))


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            found.add(id(body[0].value))
    return found


def sites(tree: ast.AST) -> list[tuple[int, str]]:
    """(node number in ast.walk order, what to do to it) for every mutation the module allows."""
    skip = _docstrings(tree)
    found = []
    for n, node in enumerate(ast.walk(tree)):
        if isinstance(node, (ast.BinOp, ast.BoolOp)) and type(node.op) in SWAPS:
            found.append((n, "op"))
        elif isinstance(node, ast.Compare) and type(node.ops[0]) in SWAPS:
            found.append((n, "compare"))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Not)):
            found.append((n, "drop"))
        elif isinstance(node, ast.Constant) and id(node) not in skip:
            v = node.value
            if isinstance(v, bool):
                found.append((n, "bool"))
            elif isinstance(v, (int, float)):
                found.append((n, "number"))
            elif isinstance(v, str):
                for k, (old, _) in enumerate(TEXT_SWAPS):
                    if old in v and any(mark in v for mark in LESSON_MARKS):
                        found.append((n, f"text{k}"))
    return found


def mutate(source: str, site: tuple[int, str]) -> tuple[str, str, int]:
    """The mutated module's source, a description of the change, and its line."""
    tree = ast.parse(source)
    n, kind = site
    node = next(node for k, node in enumerate(ast.walk(tree)) if k == n)
    before = ast.unparse(node)
    if kind == "op":
        node.op = SWAPS[type(node.op)]()
    elif kind == "compare":
        node.ops[0] = SWAPS[type(node.ops[0])]()
    elif kind == "drop":
        replacement = node.operand
        for parent in ast.walk(tree):
            for field, value in ast.iter_fields(parent):
                if value is node:
                    setattr(parent, field, replacement)
                elif isinstance(value, list):
                    value[:] = [replacement if v is node else v for v in value]
        before, node = before, replacement
    elif kind == "bool":
        node.value = not node.value
    elif kind == "number":
        node.value = node.value + 1
    else:
        old, new = TEXT_SWAPS[int(kind[4:])]
        node.value = node.value.replace(old, new, 1)
    after = ast.unparse(node) if kind != "drop" else ast.unparse(node)
    return ast.unparse(tree), f"{before[:70]}  ->  {after[:70]}", getattr(node, "lineno", 0)


def run_tests(copy: Path, tests: list[str], timeout: float) -> str:
    env = dict(os.environ, PYTHONPATH=str(copy), PYTHONDONTWRITEBYTECODE="1")
    try:
        done = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
                              cwd=copy, env=env, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout"
    return "passed" if done.returncode == 0 else "killed"


def mutate_module(module: str, tests: list[str], limit: int | None, seed: int, copy: Path) -> dict:
    path = copy / module
    original = path.read_text()
    tests = [t for t in tests if (copy / t).exists()]
    found = sites(ast.parse(original))
    if limit is not None and len(found) > limit:
        found = sorted(random.Random(seed).sample(found, limit))
    path.write_text(ast.unparse(ast.parse(original)))  # the baseline goes through unparse too
    start = time.perf_counter()
    baseline = run_tests(copy, tests, timeout=600)
    took = time.perf_counter() - start
    result = {"module": module, "tests": tests, "sites": len(sites(ast.parse(original))), "mutants": [],
              "baseline": baseline}
    if baseline != "passed":
        path.write_text(original)
        return result
    for site in found:
        text, what, line = mutate(original, site)
        path.write_text(text)
        outcome = run_tests(copy, tests, timeout=max(30.0, 5 * took))
        result["mutants"].append({"line": line, "change": what, "outcome": outcome})
        print(f"  {module}:{line}  {outcome:8}  {what}", flush=True)
    path.write_text(original)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module", nargs="?", help="a module path such as engine/layouts.py")
    parser.add_argument("tests", nargs="*", help="the test files to run for it (default: from PLAN)")
    parser.add_argument("--plan", metavar="PREFIX", help="every module in PLAN starting with PREFIX")
    parser.add_argument("--limit", type=int, default=None, help="at most this many mutants a module, sampled")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="write every mutant's outcome here")
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository to copy (default: this one)")
    args = parser.parse_args(argv)
    if args.plan:
        jobs = [(m, t) for m, t in PLAN.items() if m.startswith(args.plan)]
    elif args.module:
        jobs = [(args.module, args.tests or PLAN.get(args.module, []))]
    else:
        parser.error("name a module, or --plan engine")
    with tempfile.TemporaryDirectory(prefix="stepprop-mutate-") as tmp:
        copy = Path(tmp) / "repo"
        shutil.copytree(args.root, copy, ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", "*.egg-info"))
        results = [mutate_module(m, t, args.limit, args.seed, copy) for m, t in jobs if (copy / m).exists()]
    total = killed = 0
    print()
    for r in results:
        k = sum(m["outcome"] != "passed" for m in r["mutants"])
        total += len(r["mutants"])
        killed += k
        note = "" if r["baseline"] == "passed" else f"  (tests fail unmutated: {r['baseline']}; skipped)"
        print(f"{r['module']:32} {k:4} of {len(r['mutants']):4} killed  ({r['sites']} sites){note}")
    if total:
        print(f"{'all':32} {killed:4} of {total:4} killed  = {100 * killed / total:.0f}%")
    survivors = [(r["module"], m) for r in results for m in r["mutants"] if m["outcome"] == "passed"]
    if survivors:
        print("\nsurviving mutants:")
        for module, m in survivors:
            print(f"  {module}:{m['line']}  {m['change']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
