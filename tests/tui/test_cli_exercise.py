"""`stepprop exercise --answers FILE`: a table a line, exit 0 only when all are right, one-line errors."""

from __future__ import annotations

import pytest

from tui.cli.main import main

RIGHT = """\
# the backward pass of the default network, written by hand
dZ2 = (A2 - Y) / m
dW2 = np.dot(A1.T, dZ2)
db2 = np.sum(dZ2, axis=0, keepdims=True)
dA1 = dZ2.dot(W2.T)
dZ1 = dA1 * A1 * (1 - A1)

dW1 = X.T @ dZ1
db1 = dZ1.sum(axis=0, keepdims=True)
"""

BUGGY = """\
dZ2 = (A2 - Y) / m
dW2 = A1 @ dZ2
db2 = dZ2.sum(axis=0)
dZ1 = dA1 * A1
"""


def run(tmp_path, capsys, text: str, *options: str) -> tuple[int, str, str]:
    path = tmp_path / "answers.txt"
    path.write_text(text)
    status = main(["exercise", "--answers", str(path), *options])
    out, err = capsys.readouterr()
    return status, out, err


def rows(out: str) -> dict[str, list[str]]:
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("name "))
    found = {}
    for line in lines[start + 1:]:
        if not line.strip():
            break
        cells = line.split(None, 5)
        found[cells[0]] = cells[1:]
    return found


def test_a_right_backward_pass_exits_0_with_a_row_a_line(tmp_path, capsys):
    status, out, err = run(tmp_path, capsys, RIGHT)
    assert status == 0 and err == ""
    table = rows(out)
    assert list(table) == ["dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1"]
    assert table["dW2"] == ["right", "True", "True", "0", "dW2 | exact: True | approximate: True | maxdiff: 0.0"]
    assert "7 of 7 right" in out and "4 → 3 → 3" in out and "rows layout" in out


def test_a_buggy_pass_exits_1_naming_each_mistake(tmp_path, capsys):
    status, out, err = run(tmp_path, capsys, BUGGY)
    assert status == 1
    table = rows(out)
    assert table["dW2"] == ["—", "False", "False", "—", "missing transpose"]
    assert table["db2"] == ["wrong", "False", "False", "—", "missing keepdims"]
    assert table["dZ1"][:3] == ["right", "False", "False"] and table["dZ1"][4] == "wrong values"
    assert float(table["dZ1"][3]) > 0.01
    assert "1 of 4 right" in out
    flat = " ".join(out.split())
    assert "dW2 = A1 @ dZ2: missing transpose. Without the transpose the shapes no longer line up." in flat
    assert "A1 is (2, 3): 2 examples × 3 hidden units" in flat
    assert "db2 comes out (3,) instead of (1, 3)" in flat


def test_the_same_lines_are_wrong_in_the_columns_layout(tmp_path, capsys):
    status, out, _ = run(tmp_path, capsys, RIGHT, "--layout", "columns")
    table = rows(out)
    assert status == 1 and "columns layout" in out
    assert table["db2"][4] == "sum over the wrong axis"
    assert table["dZ2"][4].startswith("dZ2 | exact: True")


def test_augmented_bias_and_depth_3(tmp_path, capsys):
    text = "dW3 = A2_aug.T @ dZ3\ndA2 = dZ3 @ W3[:-1].T\ndA1 = dZ2 @ W2.T\n"
    status, out, _ = run(tmp_path, capsys, text, "--bias", "augmented", "--sizes", "4,5,3,3")
    table = rows(out)
    assert status == 1
    assert table["dW3"][-1].startswith("dW3 | exact: True") and table["dA2"][-1].startswith("dA2 | exact: True")
    assert table["dA1"][-1] == "kept the bias row"


def test_a_missing_file_is_one_line(tmp_path, capsys):
    status = main(["exercise", "--answers", str(tmp_path / "nowhere.txt")])
    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    assert err == f"stepprop: {tmp_path / 'nowhere.txt'}: no such file or directory\n"


MIXED = """\
dZ2 = (A2 - Y) / m
dW9 = A1.T @ dZ2
A1.T @ dZ2
dW2 = A1 @ dZ2
b1 -= lr * db1
db2 = dZ2.sum(axis=0, keepdims=True)
"""


def test_every_good_line_is_graded_and_every_bad_line_listed_in_one_run(tmp_path, capsys):
    status, out, err = run(tmp_path, capsys, MIXED)
    assert status == 1 and err == ""
    table = rows(out)
    assert list(table) == ["dZ2", "dW2", "b1", "db2"]  # past the bad lines 2 and 3, every good line has its row
    assert table["dZ2"][-1].startswith("dZ2 | exact: True") and table["db2"][-1].startswith("db2 | exact: True")
    assert table["dW2"][-1] == "missing transpose"
    assert "3 of 6 right; 2 not graded:" in out
    listed = " ".join(out[out.index("not graded:"):].split())
    assert listed.startswith("not graded: line 2: no event named 'dW9' in this step; the events are Z1, A1, Z2, A2, "
                             "L, dZ2, dW2, db2, dA1, dZ1, dW1, db1, W1, b1, W2, b2 line 3: expected name = "
                             "expression, such as dW2 = A1.T @ dZ2; got 'A1.T @ dZ2'")


def test_only_bad_lines_are_listed_and_exit_1(tmp_path, capsys):
    status, out, err = run(tmp_path, capsys, "A1.T @ dZ2\n\nW9 -= 1\n")
    assert status == 1 and err == ""
    assert "0 of 2 right; 2 not graded:" in out
    assert not any(line.startswith("name ") for line in out.splitlines())  # no table of nothing
    assert "line 1: expected name = expression" in out and "line 3: no event named 'W9'" in out


def test_a_file_without_a_single_line_is_one_line(tmp_path, capsys):
    status, out, err = run(tmp_path, capsys, "# nothing yet\n\n")
    assert status == 2 and out == ""
    assert err == f"stepprop: {tmp_path / 'answers.txt'}: no answers; expected lines such as dW2 = A1.T @ dZ2\n"


def test_an_update_is_graded_written_either_way(tmp_path, capsys):
    text = "W1 -= lr * dW1\nb1 = b1 - lr * db1\nW2 -= dW2\nb2 += lr * db2\n"
    status, out, _ = run(tmp_path, capsys, text)
    table = rows(out)
    assert table["W1"][-1].startswith("W1 | exact: True") and table["b1"][-1].startswith("b1 | exact: True")
    assert table["W2"][:3] == ["right", "False", "False"]  # -= and += are read, not waved through
    assert table["b2"][:3] == ["right", "False", "False"]
    assert status == 1 and "2 of 4 right" in out


def test_help_names_what_can_be_on_the_left_and_the_right(capsys):
    from engine import Network

    with pytest.raises(SystemExit) as done:
        main(["exercise", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    flat = " ".join(out.split())
    for phase in ("forward", "loss", "backward", "update"):
        names = [p.name for p in Network().plan if p.phase == phase]
        assert f"{phase} {', '.join(names)}" in flat, phase
    assert "W1 -= lr * dW1" in flat
    assert "On the right: X, Y, m (the number of examples), lr, the parameters as they were before the update " \
           "(W1, b1, W2, b2, ...), every matrix an earlier event computed" in flat
    assert "np.sum" in flat and "np.dot" in flat and "sigmoid" in flat
    assert max(map(len, out.splitlines())) < 80


def test_a_refused_line_is_a_row_not_a_crash(tmp_path, capsys):
    status, out, _ = run(tmp_path, capsys, "dW2 = __import__('os')\ndW1 = X.T @ dZ1\n")
    table = rows(out)
    assert status == 1 and table["dW2"][4].startswith("refused: ")
    assert table["dW1"][4].startswith("dW1 | exact: True")
