"""The command line: options mirror engine.Network, and bad ones fail before the screen opens."""

from __future__ import annotations

import pytest

from tui.cli.arguments import options_from, parser
from tui.cli.main import main
from tui.session import Options


def test_options_mirror_the_network():
    args = parser().parse_args(["--sizes", "2,4,1", "--hidden", "tanh", "--output", "sigmoid", "--loss", "mse",
                                "--layout", "columns", "--bias", "augmented", "--init", "xavier", "--seed", "3",
                                "--lr", "0.1", "--batch", "3", "--dataset", "xor", "--detail", "fine"])
    o = options_from(args)
    assert o.network == dict(sizes=(2, 4, 1), hidden="tanh", output="sigmoid", loss="mse", layout="columns",
                             bias="augmented", init="xavier", seed=3, detail="fine")
    assert (o.lr, o.batch, o.dataset) == (0.1, 3, "xor")


def test_no_arguments_open_the_app_on_the_parsers_defaults():
    # `stepprop` alone skips building the parser and starts from Options(): the two must agree, field by field.
    assert options_from(parser().parse_args([])) == Options()
    assert parser().parse_args([]).exercise is False


def test_bad_sizes_exit_with_a_message(capsys):
    assert main(["--sizes", "4,,x"]) == 2
    assert "entry 2 of '4,,x' is empty" in capsys.readouterr().err


def test_refused_combination_exits_with_the_engines_message(capsys):
    assert main(["--output", "softmax", "--loss", "bce"]) == 2
    assert "pairs only with loss 'ce'" in capsys.readouterr().err


def test_data_files_load(tmp_path):
    (tmp_path / "X.csv").write_text("1,0\n0,1\n1,1\n")
    (tmp_path / "Y.csv").write_text("1\n1\n0\n")
    args = parser().parse_args(["--sizes", "2,3,1", "--data", str(tmp_path / "X.csv"),
                                "--targets", str(tmp_path / "Y.csv")])
    from tui.session import Session
    session = Session.start(options_from(args))
    assert session.X.shape == (3, 2) and session.note == ""


def test_unknown_choice_is_refused_in_one_line():
    with pytest.raises(ValueError, match=r"argument --hidden: invalid choice: 'swish'.*\(see stepprop --help\)"):
        parser().parse_args(["--hidden", "swish"])


def test_serve_reads_its_own_options(capsys):
    # `stepprop serve` hands everything after its name to its own parser, which knows --port.
    assert main(["serve", "--port", "0"]) == 2
    assert "expected --max-sessions ≥ 1 and --port in 1..65535, got 40 and 0" in capsys.readouterr().err
