"""`stepprop exercise --answers FILE`: grade a file of "name = expression" lines against the engine, one a row."""

from __future__ import annotations

import argparse
import functools
import re
import textwrap
from pathlib import Path

from engine.exercise import Verdict
from tui.cli.arguments import _Parser, add_options, options_from
from tui.errors import refuse
from tui.session import Session

WIDTH = 100
HELP_WIDTH = 79  # --help fits an 80-column terminal


NAME = re.compile(r"\s*([A-Za-z_]\w*)\s*[-+*]?=(?!=)")  # dW2 = ..., and b1 -= ... (as the doctor allows)


def parser() -> argparse.ArgumentParser:
    about = ("check a learner's lines, one per event, against the engine's values of the step the app would show: "
             "shape, exact, close, max diff, and the mistake when it is a known one. Exit 0 when every line is right.")
    p = add_options(_Parser(prog="stepprop exercise", description=textwrap.fill(about, HELP_WIDTH),
                            epilog=names_help(), formatter_class=argparse.RawDescriptionHelpFormatter))
    p.add_argument("--answers", metavar="FILE", required=True,
                   help='lines "name = expression", such as dW2 = A1.T @ dZ2 or b1 -= lr * db1; blank lines and '
                        '# comments skipped')
    return p


def names_help() -> str:
    """Which names a line can assign (the step's events) and read, for the default network, in --help."""
    from engine.doctor.grammar import APP_FUNCTIONS, CREATORS, FUNCTIONS, METHODS, STACKS
    from engine.network import Network

    net = Network()
    phases: dict[str, list[str]] = {}
    for planned in net.plan:
        phases.setdefault(planned.phase, []).append(planned.name)
    width = max(map(len, phases)) + 2
    events = [f"  {phase.ljust(width)}{', '.join(names)}" for phase, names in phases.items()]
    functions = ", ".join([*APP_FUNCTIONS, *(f"np.{name}" for name in (*FUNCTIONS, *STACKS, *CREATORS))])
    fill = functools.partial(textwrap.fill, width=HELP_WIDTH)
    return "\n".join([
        fill("On the left: the name of one event of the step, the one the line computes. For the default network "
             f"({' → '.join(map(str, net.sizes))}) these are:"), *events,
        fill("An update is written W1 = W1 - lr * dW1 or W1 -= lr * dW1. Other --sizes, --bias, --output or --loss "
             "make other events; a name the step does not compute is listed with the events it has."), "",
        fill("On the right: X, Y, m (the number of examples), lr, the parameters as they were before the update "
             f"({', '.join(net.params)}, ...), every matrix an earlier event computed, and these functions: "
             f"{functions}; and .T, {', '.join(f'.{name}()' for name in METHODS)} on an array."),
    ])


def read_answers(path: str) -> tuple[list[tuple[int, str, str]], list[tuple[int, str]]]:
    """(line number, name, line) for each answer, and (line number, why) for each line that is not one."""
    answers, bad = [], []
    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        name = NAME.match(text)
        if name is None:
            bad.append((number, f"expected name = expression, such as dW2 = A1.T @ dZ2; got {text!r}"))
        else:
            answers.append((number, name.group(1), text))
    if not answers and not bad:
        raise ValueError(f"{path}: no answers; expected lines such as dW2 = A1.T @ dZ2")
    return answers, bad


def table(verdicts: list[Verdict]) -> str:
    """One row a line: name, shape right, exact, close, max diff, and the verdict or the mistake."""
    rows = [("name", "shape", "exact", "close", "max diff", "verdict")]
    for v in verdicts:
        shape = "right" if v.shape_ok else "—" if v.shape is None else "wrong"
        diff = "—" if v.max_diff is None else f"{v.max_diff:.3g}"
        said = v.text if v.right else f"refused: {v.error}" if v.error else v.summary
        rows.append((v.name, shape, str(v.exact), str(v.close), diff, said))
    widths = [max(len(r[k]) for r in rows) for k in range(5)]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(r, widths)) + "  " + r[5] for r in rows)


def explanations(verdicts: list[Verdict]) -> str:
    """Why each wrong line is wrong, in words: the mistake's explanation or the doctor's diagnosis."""
    parts = []
    for v in verdicts:
        if v.right or v.error:
            continue
        head = f"{v.line}: {v.mistake}. " if v.mistake else f"{v.line}: "
        parts.append(textwrap.fill(head + v.diagnosis, WIDTH, subsequent_indent="    "))
    return "\n\n".join(parts)


def main(argv: list[str]) -> int:
    """Exit status 0 when every line is right, 1 when one is not (wrong, or not a line of the step), 2 for bad
    options, a missing file or one without a single answer."""
    try:
        args = parser().parse_args(argv)
        answers, bad = read_answers(args.answers)
        session = Session.start(options_from(args))
    except (OSError, ValueError) as error:
        return refuse(error)
    sheet = session.sheet()
    graded = []
    for number, name, line in answers:
        try:
            graded.append((number, sheet.index_of(name), line))
        except ValueError as error:
            bad.append((number, str(error)))
    verdicts = [sheet.judge(i, line) for _, i, line in graded]
    net = session.net
    right = sum(v.right for v in verdicts)
    print(f"stepprop exercise: {Path(args.answers).name} against step {net.steps} of "
          f"{net.short}, {net.activations.replace('  ', ', ')}, {net.layout_name} "
          f"layout, {net.bias} bias, data {session.data_text}, m = {session.m}, lr {session.options.lr:g}\n")
    if verdicts:
        print(table(verdicts))
    total = len(verdicts) + len(bad)
    print(f"\n{right} of {total} right" + (f"; {len(bad)} not graded:" if bad else ""))
    for number, why in sorted(bad):
        print(textwrap.fill(f"line {number}: {why}", WIDTH, initial_indent="  ", subsequent_indent="    "))
    why = explanations(verdicts)
    if why:
        print(f"\n{why}")
    return 0 if right == total else 1
