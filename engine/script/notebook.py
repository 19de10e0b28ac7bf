"""A notebook as a script: its code cells in order, magics and shell lines skipped, and the cell of every line.

A .ipynb file is read as JSON with the standard library; a .py file exported from a notebook keeps its `# %%`
cell markers, and is reported by cell in the same way. Cells count from 1, markdown included, as notebook front
ends number them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

MARKER = re.compile(r"^# ?%%(\s|$)")  # "# %%", "# %% [markdown]", "#%%"; not "# %%time", a commented cell magic


@dataclass(frozen=True)
class Cell:
    """One cell: its number among all the notebook's cells, the script line of its first line, and its lines."""

    number: int
    start: int
    lines: tuple[str, ...]
    code: bool = True

    @property
    def end(self) -> int:
        return self.start + len(self.lines) - 1


@dataclass(frozen=True)
class Cells:
    """Where each line of the script came from, and the lines that were skipped rather than run."""

    cells: tuple[Cell, ...]
    skipped: tuple[tuple[int, str], ...] = ()  # (script line, the magic or shell line as written)

    def cell_at(self, line: int) -> Cell | None:
        return next((c for c in self.cells if c.code and c.start <= line <= c.end), None)

    def place(self, line: int) -> str:
        """"cell 5, line 3" for the script's line; "line N" for a line outside every cell."""
        cell = self.cell_at(line)
        return f"line {line}" if cell is None else f"cell {cell.number}, line {line - cell.start + 1}"


def _skipped(line: str) -> bool:
    return line.lstrip().startswith(("%", "!"))


def read_notebook(path: str | Path) -> tuple[str, Cells]:
    """The code cells as one script, with its Cells; ValueError, in one line, for anything that is no notebook.

    A magic or shell line becomes `pass` at its indentation, so that every other line keeps its place; a cell
    magic (%%bash, %%writefile...) skips its whole cell, whose body is not Python.
    """
    path = Path(path)
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ValueError(f"{path.name} is not a notebook: it is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"{path.name} is not a notebook: invalid JSON at line {error.lineno}, column "
                         f"{error.colno} ({error.msg})") from None
    version = notebook.get("nbformat") if isinstance(notebook, dict) else None
    if isinstance(version, int) and version < 4:
        raise ValueError(f"{path.name} is nbformat {version}; stepprop reads nbformat 4 and later "
                         "(open it in Jupyter and save it to convert it)")
    if not isinstance(version, int) or not isinstance(notebook.get("cells"), list):
        raise ValueError(f"{path.name} is not a notebook: expected a JSON object with nbformat 4 and a list of "
                         "cells")
    script: list[str] = []
    cells: list[Cell] = []
    skipped: list[tuple[int, str]] = []
    for number, cell in enumerate(notebook["cells"], start=1):
        if not isinstance(cell, dict):
            raise ValueError(f"{path.name} is not a notebook: cell {number} is not a JSON object")
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise ValueError(f"{path.name} is not a notebook: cell {number}'s source is not text")
        lines = source.splitlines()
        code = cell.get("cell_type") == "code"
        start = len(script) + 1
        if code and lines and lines[0].lstrip().startswith("%%"):  # a cell magic: its body is no Python
            skipped.append((start, lines[0].strip()))
            lines_run = [""] * len(lines)
        elif code:
            lines_run = []
            for k, line in enumerate(lines):
                if _skipped(line):
                    skipped.append((start + k, line.strip()))
                    lines_run.append(line[: len(line) - len(line.lstrip())] + "pass")
                else:
                    lines_run.append(line)
        else:
            cells.append(Cell(number, start, tuple(lines), code=False))
            continue
        script += lines_run
        cells.append(Cell(number, start, tuple(lines)))
    if not any(c.code and any(line.strip() for line in c.lines) for c in cells):
        raise ValueError(f"{path.name} has no code cells to run")
    return "\n".join(script) + "\n", Cells(tuple(cells), tuple(skipped))


def percent_cells(source: str) -> Cells | None:
    """The cells of a .py file exported from a notebook with `# %%` markers, or None when it has no markers.

    Each marker opens a cell on the next line; lines before the first marker, if any, are cell 1.
    """
    lines = source.splitlines()
    markers = [k for k, line in enumerate(lines) if MARKER.match(line)]
    if not markers:
        return None
    cells: list[Cell] = []
    bounds = ([(-1, markers[0])] if any(line.strip() for line in lines[: markers[0]]) else []) + \
        [(m, n) for m, n in zip(markers, markers[1:] + [len(lines)])]
    for number, (marker, end) in enumerate(bounds, start=1):
        code = marker < 0 or "[markdown]" not in lines[marker]
        cells.append(Cell(number, marker + 2, tuple(lines[marker + 1: end]), code=code))
    return Cells(tuple(cells))
