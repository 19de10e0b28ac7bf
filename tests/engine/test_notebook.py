"""`stepprop debug` on notebooks: code cells run in order under the script limits, every place as "cell 5, line 3"."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

import engine.script
from engine.script.notebook import percent_cells, read_notebook

NOTEBOOKS = Path(__file__).with_name("notebooks")
_CACHE: dict = {}


def traced(name: str, **limits):
    key = (name, tuple(sorted(limits.items())))
    if key not in _CACHE:
        recording = engine.script.run(NOTEBOOKS / name, **limits)
        _CACHE[key] = (recording, *engine.script.trace(recording))
    return _CACHE[key]


def test_the_code_cells_run_in_order_and_the_failing_line_is_placed_by_cell():
    recording, events, twin, how = traced("planar_backprop.ipynb")
    assert recording.message.startswith("failed at cell 12, line 12, in backward_propagation(): ValueError")
    d = events[-1].diagnosis
    assert d.statement == 'dW2 = np.dot(dZ2, cache["A1"]) / m'
    assert d.shapes == [("dZ2", (1, 40)), ('cache["A1"]', (4, 40))]
    assert d.suggestions[0] == "dW2 = np.dot(dZ2, cache['A1'].T) / m"
    assert events[-1].place == "cell 12, line 12" and events[-1].cell.number == 12
    assert [(e.name, e.place) for e in events[:2]] == [("X", "cell 6, line 1"), ("Y", "cell 6, line 1")]
    assert twin is not None and twin.sizes == (2, 4, 1)
    assert "The shape of X is: (2, 40)" in recording.stdout  # cell 7 ran, its !pip line did not


def test_magics_and_shell_lines_are_skipped_with_a_note_and_never_run():
    recording, events, twin, how = traced("planar_backprop.ipynb")
    assert recording.cells.skipped == ((6, "%matplotlib inline"), (8, "%load_ext autoreload"),
                                       (9, "%autoreload 2"), (11, "!pip install h5py"), (75, "%%time"))
    assert [recording.place(line) for line, _ in recording.cells.skipped] == [
        "cell 4, line 6", "cell 4, line 8", "cell 4, line 9", "cell 7, line 1", "cell 13, line 1"]
    assert "timing the cell below" not in recording.stdout  # a cell magic's cell is skipped whole
    text = engine.script.report(recording, events, twin, how)
    assert "skipped, not run (magics and shell lines):\n  cell 4, line 6: %matplotlib inline\n" in text
    assert "  cell 13, line 1: %%time\n" in text


def test_the_report_places_every_line_by_cell_and_shows_the_cell_where_it_stopped():
    recording, events, twin, how = traced("planar_backprop.ipynb")
    text = engine.script.report(recording, events, twin, how)
    assert text.startswith("stepprop debug planar_backprop.ipynb: failed at cell 12, line 12, in "
                           "backward_propagation(): ValueError")
    assert "\n  cell 6, line 1  X                 (2, 40)  X, Y = load_planar_dataset()\n" in text
    assert "\ncell 10, line 14  cache['A1']       (4, 40)  cache = {" in text
    assert "failing cell 12, line 12, in backward_propagation(): dW2 = np.dot(dZ2, cache[\"A1\"]) / m" in text
    assert "cell 12, where it stopped:\n      1  # GRADED FUNCTION: backward_propagation\n" in text
    assert "\n  →  12      dW2 = np.dot(dZ2, cache[\"A1\"]) / m\n" in text
    # Python's traceback names the notebook and the cell, not the script the cells were run as
    assert f'File "{NOTEBOOKS / "planar_backprop.ipynb"}", cell 12, line 12, in backward_propagation' in text
    assert str(Path(tempfile.gettempdir()) / "stepprop-") not in recording.stderr  # no temporary script named


def test_a_py_file_exported_with_cell_markers_is_placed_by_cell_the_same_way():
    recording, events, twin, how = traced("planar_backprop.py")
    assert recording.message.startswith("failed at cell 12, line 12, in backward_propagation(): ValueError")
    assert [e.place for e in events[:2]] == ["cell 6, line 1", "cell 6, line 1"]
    assert "\n  →  12      dW2 = np.dot(dZ2, cache[\"A1\"]) / m\n" in engine.script.report(recording, events,
                                                                                          twin, how)


def test_cells_of_a_percent_script_count_markdown_and_a_preamble():
    cells = percent_cells("import numpy as np\n# %% [markdown]\n# notes\n# %%\nx = 1\n# %%time is a comment\ny = 2\n")
    assert [(c.number, c.start, c.code) for c in cells.cells] == [(1, 1, True), (2, 3, False), (3, 5, True)]
    assert cells.place(7) == "cell 3, line 3" and cells.place(1) == "cell 1, line 1"
    assert percent_cells("x = 1\n") is None


def test_a_cell_that_never_ends_stops_at_the_time_limit_and_is_reported():
    recording, events, twin, how = traced("forever.ipynb", timeout=2)
    assert recording.status == "timeout"
    assert recording.message.startswith("stopped after the 2 s time limit at cell 3, line ")
    assert "never reached" not in recording.stdout


def test_input_gets_end_of_file_rather_than_a_hang():
    recording, events, twin, how = traced("asks_input.ipynb", timeout=20)
    assert recording.status == "error"
    assert recording.message == ("failed at cell 3, line 1, in the script: EOFError: EOF when reading a line")


@pytest.mark.parametrize("name, message", [
    ("broken.ipynb", r"^broken.ipynb is not a notebook: invalid JSON at line 3, column 1 \(.+\)$"),
    ("old_format.ipynb", r"^old_format.ipynb is nbformat 3; stepprop reads nbformat 4 and later"),
    ("only_markdown.ipynb", r"^only_markdown.ipynb has no code cells to run$"),
])
def test_bad_notebooks_are_refused_in_one_line_before_anything_runs(name, message):
    with pytest.raises(ValueError, match=message):
        engine.script.run(NOTEBOOKS / name)


def test_nothing_of_the_learners_files_changes_and_no_temporary_folder_is_left(monkeypatch, tmp_path):
    before = {p: p.read_bytes() for p in NOTEBOOKS.iterdir()}
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    engine.script.run(NOTEBOOKS / "planar_backprop.ipynb")
    engine.script.run(NOTEBOOKS / "forever.ipynb", timeout=1)
    with pytest.raises(ValueError):
        engine.script.run(NOTEBOOKS / "broken.ipynb")
    assert list(tmp_path.iterdir()) == []
    assert {p: p.read_bytes() for p in NOTEBOOKS.iterdir()} == before  # no __pycache__ beside planar_utils.py


def test_a_notebook_with_cells_as_a_string_and_odd_cells_is_read(tmp_path):
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "raw", "source": "not python", "metadata": {}},
        {"cell_type": "code", "source": "if True:\n    !ls\n    x = 1", "metadata": {}, "outputs": []}]}))
    source, cells = read_notebook(path)
    assert source == "\n\n\nif True:\n    pass\n    x = 1\n" or source.splitlines()[-3:] == ["if True:", "    pass",
                                                                                          "    x = 1"]
    assert cells.skipped == ((2, "!ls"),) and cells.place(3) == "cell 2, line 3"
    for bad, why in ((["not", "a", "dict"], "not a notebook"), ({"nbformat": 4, "cells": [3]}, "cell 1 is not"),
                     ({"nbformat": 4, "cells": [{"cell_type": "code", "source": 5}]}, "source is not text")):
        path.write_text(json.dumps(bad))
        with pytest.raises(ValueError, match=why):
            read_notebook(path)
