"""`stepprop exercise --answers FILE`: grade a file of "name = expression" lines against the engine, one a row."""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path

from engine.exercise import Verdict
from tui.cli.arguments import _Parser, add_options, options_from
from tui.errors import refuse
from tui.session import Session

WIDTH = 100


def parser() -> argparse.ArgumentParser:
    p = add_options(_Parser(prog="stepprop exercise", description="check a learner's lines, one per event, "
                            "against the engine's values of the step the app would show: shape, exact, close, "
                            "max diff, and the mistake when it is a known one. Exit 0 when every line is right."))
    p.add_argument("--answers", metavar="FILE", required=True,
                   help='lines "name = expression", such as dW2 = A1.T @ dZ2; blank lines and # comments skipped')
    return p


def read_answers(path: str) -> list[tuple[int, str, str]]:
    """(line number, name, line) for each answer; ValueError naming the line that is not "name = expression"."""
    answers = []
    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        name = text.split("=", 1)[0].strip() if "=" in text else ""
        if not name.isidentifier():
            raise ValueError(f"{path} line {number}: expected name = expression, such as dW2 = A1.T @ dZ2; "
                             f"got {text!r}")
        answers.append((number, name, text))
    if not answers:
        raise ValueError(f"{path}: no answers; expected lines such as dW2 = A1.T @ dZ2")
    return answers


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
    """Exit status 0 when every line is right, 1 when one is not, 2 for bad options, a missing file or a name the
    step does not compute."""
    try:
        args = parser().parse_args(argv)
        answers = read_answers(args.answers)
        session = Session.start(options_from(args))
        sheet = session.sheet()
        indexes = []
        for number, name, _ in answers:
            try:
                indexes.append(sheet.index_of(name))
            except ValueError as error:
                raise ValueError(f"{args.answers} line {number}: {error}") from None
    except (OSError, ValueError) as error:
        return refuse(error)
    verdicts = [sheet.judge(i, line) for i, (_, _, line) in zip(indexes, answers)]
    net = session.net
    right = sum(v.right for v in verdicts)
    print(f"stepprop exercise: {Path(args.answers).name} against step {net.steps} of "
          f"{' → '.join(map(str, net.sizes))}, {net.hidden} → {net.output}, {net.loss_name}, {net.layout_name} "
          f"layout, {net.bias} bias, data {session.data_text}, m = {session.m}, lr {session.options.lr:g}\n")
    print(table(verdicts))
    print(f"\n{right} of {len(verdicts)} right")
    why = explanations(verdicts)
    if why:
        print(f"\n{why}")
    return 0 if right == len(verdicts) else 1
