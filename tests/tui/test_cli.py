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


def test_a_preset_opens_as_the_apps_picker_opens_it():
    from engine.presets import matching
    from tui.session import Session, edited

    o = options_from(parser().parse_args(["--preset", "rnn"]))
    assert o == edited(Options(), "preset", "rnn")[0] and matching(o) == "rnn"
    net = Session.start(o).net
    assert (net.layers, net.options["init"], net.options["loss"]) == ("rnn 32, last, linear 4, softmax", "xavier", "ce")


def test_options_typed_beside_a_preset_take_their_place_even_at_the_parsers_defaults():
    o = options_from(parser().parse_args(["--preset", "makemore", "--lr", "0.5", "--seed", "3", "--batch", "64"]))
    assert (o.lr, o.seed, o.batch, o.init) == (0.5, 3, 64, "he")  # 0.5 is the parser's default; makemore's is 0.1
    assert o.layers.startswith("embedding 27 10") and o.dataset == "words"
    columns = options_from(parser().parse_args(["--preset", "lstm", "--layout", "columns"]))
    assert (columns.layout, columns.layers) == ("columns", "lstm 32, last, linear 4, softmax")


def test_a_preset_and_another_network_are_refused_together(capsys):
    assert main(["--preset", "gpt", "--layers", "linear 3, sigmoid"]) == 2
    assert ("--preset gpt chooses the network and its data, tiny GPT; --layers would choose them too: give one or "
            "the other") in capsys.readouterr().err
    assert main(["--preset", "convnet", "--dataset", "xor", "--sizes", "2,3,1"]) == 2
    assert "--sizes and --dataset would choose them too" in capsys.readouterr().err
    assert main(["--preset", "mlp"]) == 2
    assert "argument --preset: invalid choice: 'mlp' (choose from 'question', 'makemore'" in capsys.readouterr().err


def test_export_takes_a_preset(tmp_path, capsys):
    path = tmp_path / "rnn.py"
    assert main(["export", "--preset", "rnn", "-o", str(path)]) == 0
    assert "last1 = H1[:, -1, :]" in path.read_text()
