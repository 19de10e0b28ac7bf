"""The `stepprop` command: its options mirror engine.Network, plus the data and training settings."""

from __future__ import annotations

import argparse
import sys

from engine import activations, losses
from engine.layouts import LAYOUTS
from engine.network import BIASES, INITS
from tui.session import DATASETS, Options, Session, parse_sizes


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="stepprop", description="Step through one training step of a neural network, "
                                "one matrix operation at a time.")
    p.add_argument("--sizes", default="4,3,3", help="layer sizes, inputs first: 4,3,3")
    p.add_argument("--hidden", default="sigmoid", choices=activations.HIDDEN)
    p.add_argument("--output", default="sigmoid", choices=activations.OUTPUT)
    p.add_argument("--loss", default="bce", choices=losses.NAMES)
    p.add_argument("--layout", default="rows", choices=tuple(LAYOUTS), help="examples as rows or as columns")
    p.add_argument("--bias", default="vector", choices=BIASES)
    p.add_argument("--init", default="uniform", choices=INITS)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--lr", type=float, default=0.5, help="learning rate")
    p.add_argument("--batch", type=int, default=None, help="examples per step (default: all)")
    p.add_argument("--dataset", default="question", choices=DATASETS)
    p.add_argument("--data", metavar="X.csv", help="inputs, one example per row (.csv or .npy)")
    p.add_argument("--targets", metavar="Y.csv", help="labels, one example per row (.csv or .npy)")
    return p


def options_from(args: argparse.Namespace) -> Options:
    return Options(sizes=parse_sizes(args.sizes), hidden=args.hidden, output=args.output, loss=args.loss,
                   layout=args.layout, bias=args.bias, init=args.init, seed=args.seed, lr=args.lr,
                   batch=args.batch, dataset=args.dataset, data=args.data, targets=args.targets)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        options = options_from(args)
        Session.start(options)
    except (ValueError, OSError) as error:
        print(f"stepprop: {error}", file=sys.stderr)
        return 2
    from tui.app import BackpropApp

    BackpropApp(options).run()
    return 0
