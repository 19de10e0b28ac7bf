"""`stepprop exercise --answers FILE`: a table a line, exit 0 only when all are right, one-line errors."""

from __future__ import annotations

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


def test_an_unknown_name_is_one_line_naming_the_events(tmp_path, capsys):
    status, out, err = run(tmp_path, capsys, "dZ2 = (A2 - Y) / m\ndW9 = A1.T @ dZ2\n")
    assert status == 2 and out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"stepprop: {tmp_path / 'answers.txt'} line 2: no event named 'dW9' in this step; "
                          "the events are Z1, A1, Z2, A2, L, dZ2, dW2")


def test_a_line_without_a_name_is_one_line(tmp_path, capsys):
    status, _, err = run(tmp_path, capsys, "A1.T @ dZ2\n")
    assert status == 2
    assert err == (f"stepprop: {tmp_path / 'answers.txt'} line 1: expected name = expression, such as "
                   "dW2 = A1.T @ dZ2; got 'A1.T @ dZ2'\n")


def test_a_refused_line_is_a_row_not_a_crash(tmp_path, capsys):
    status, out, _ = run(tmp_path, capsys, "dW2 = __import__('os')\ndW1 = X.T @ dZ1\n")
    table = rows(out)
    assert status == 1 and table["dW2"][4].startswith("refused: ")
    assert table["dW1"][4].startswith("dW1 | exact: True")
