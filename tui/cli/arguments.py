"""The command line's options: they mirror engine.Network, plus the data and training settings."""

from __future__ import annotations

import argparse

from engine import activations, losses
from engine.layouts import LAYOUTS
from engine.presets import PRESETS
from engine.network import BIASES, INITS
from engine.layers import DETAILS
from tui.session import DATASETS, FILE, Options, edited, parse_int, parse_sizes

COMMANDS = {
    "export": "write the network and its data as a standalone NumPy training script",
    "trace": "write one training step's events as Markdown or JSON",
    "debug": "run your own NumPy script, step through every line's shapes, and diagnose the line that fails",
    "exercise": "check a file of \"name = expression\" lines against the engine's values, one tensor at a time",
    "serve": "serve the app to browsers, one app a tab, for a class (needs stepprop[serve])",
}


# What a preset chooses whole (the network and its data), and the settings it starts from that an option may change.
PRESET_CHOOSES = ("layers", "sizes", "dataset", "data", "targets")
PRESET_SETTINGS = ("hidden", "output", "loss", "layout", "bias", "init", "seed", "lr", "batch", "detail")


def add_options(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The network, data and training options the app and every command share."""
    p.add_argument("--preset", default=None, choices=tuple(PRESETS), metavar="NAME",
                   help="a whole network with its data and settings, as the app's preset picker offers: "
                   + "; ".join(f"{key} ({preset.label})" for key, preset in PRESETS.items())
                   + ". Other options change its settings, as in --preset rnn --seed 3")
    p.add_argument("--sizes", default=None, help="layer sizes, inputs first, such as 4,3,3 (default: the data's "
                   "inputs and outputs around one hidden layer)")
    p.add_argument("--layers", default=None, metavar="STACK", help="the network as a stack of layers, such as "
                   "\"linear 3, sigmoid, linear 3, sigmoid\" or \"embedding 27 10, flatten, linear 200, batchnorm, "
                   "tanh, linear 27, softmax\" (then --hidden and --output are the stack's own)")
    p.add_argument("--detail", default="compact", choices=DETAILS, help="compact: each layer's backward pass as "
                   "its one-line formula; fine: through every intermediate, as makemore's backprop exercise")
    p.add_argument("--hidden", default="sigmoid", choices=activations.HIDDEN)
    p.add_argument("--output", default="sigmoid", choices=activations.OUTPUT)
    p.add_argument("--loss", default="bce", choices=losses.NAMES)
    p.add_argument("--layout", default="rows", choices=tuple(LAYOUTS),
                   help="examples as rows or as columns; channels_last lays images out (m, H, W, C)")
    p.add_argument("--bias", default="vector", choices=BIASES)
    p.add_argument("--init", default="uniform", choices=INITS)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--lr", type=float, default=0.5, help="learning rate")
    p.add_argument("--batch", default=None, help="examples per step, a fresh shuffled mini-batch each step "
                   "(default: all)")
    p.add_argument("--dataset", default="question", choices=DATASETS, metavar="NAME",
                   help=f"built-in data: {', '.join(DATASETS)} (synthetic: seeded random data shaped by --sizes)")
    p.add_argument("--data", metavar="X.csv", help="inputs, one example per row (.csv or .npy); or a word list "
                   "(.txt, one word a line, a to z) alone, as next-character examples; or images alone (.npz "
                   "holding X (m, C, H, W) or (m, H, W, C) and integer labels y)")
    p.add_argument("--targets", metavar="Y.csv", help="labels, one example per row (.csv or .npy)")
    return p


class _Parser(argparse.ArgumentParser):
    """Reports a bad option as a ValueError, so main() prints one line, "stepprop: ...", and returns 2. The namespace
    it returns knows which options were typed (`given`), not left at their defaults, for --preset."""

    def error(self, message: str):
        raise ValueError(f"{message} (see {self.prog} --help)")

    def parse_args(self, args=None, namespace=None):
        parsed = super().parse_args(args, namespace)
        defaults = [(action, action.default) for action in self._actions]
        for action, _ in defaults:
            action.default = argparse.SUPPRESS
        try:
            parsed.given = frozenset(vars(super().parse_args(args)))
        finally:
            for action, default in defaults:
                action.default = default
        return parsed


def parser() -> argparse.ArgumentParser:
    commands = "\n".join(f"  stepprop {name} [options]  {text}" for name, text in COMMANDS.items())
    p = _Parser(prog="stepprop", description="Step through one training step of a neural network, "
                "one matrix operation at a time.", formatter_class=argparse.RawDescriptionHelpFormatter,
                epilog=f"commands (see stepprop COMMAND --help):\n{commands}")
    add_options(p)
    p.add_argument("--exercise", action="store_true", help="open in exercise mode: write each line of the step "
                   "yourself (key w in the app)")
    return p


def command_parser(name: str) -> argparse.ArgumentParser:
    p = add_options(_Parser(prog=f"stepprop {name}", description=COMMANDS[name] + "."))
    if name == "export":
        from engine.export import STEPS  # the export command's alone, as trace is below

        p.add_argument("--steps", type=int, default=STEPS, help=f"training steps the script runs (default {STEPS})")
    else:
        from engine import trace  # the trace command's alone: the app starts without it

        p.add_argument("--format", default="md", choices=trace.FORMATS, help="Markdown or JSON (default md)")
    p.add_argument("-o", "--output-file", dest="file", metavar="FILE", help="write here instead of to stdout")
    return p


def options_from(args: argparse.Namespace) -> Options:
    alone = bool(args.data) and args.data.lower().endswith((".txt", ".npz")) and not args.targets
    if bool(args.data) != bool(args.targets) and not alone:
        raise ValueError("--data and --targets go together: X and Y, one example per row in each (a .txt word "
                         "list or an .npz of images X and labels y goes alone)")
    options = Options(sizes=parse_sizes(args.sizes) if args.sizes else None, hidden=args.hidden, output=args.output,
                      loss=args.loss, layout=args.layout, bias=args.bias, init=args.init, seed=args.seed, lr=args.lr,
                      batch=parse_int("batch", args.batch, 1, allow_blank=True) if args.batch else None,
                      dataset=FILE if args.data else args.dataset, data=args.data, targets=args.targets,
                      detail=args.detail)
    if args.preset:
        return _preset(args, options)
    if args.layers is None:
        return options
    if args.sizes:
        raise ValueError("--sizes and --layers: give one; with --layers, the sizes are its linear layers'")
    return edited(options, "layers", args.layers)[0]


def _preset(args: argparse.Namespace, typed: Options) -> Options:
    """The preset's network, data and settings, with the settings typed beside it in their place."""
    given = getattr(args, "given", frozenset())
    clash = [f"--{name}" for name in PRESET_CHOOSES if name in given]
    if clash:
        raise ValueError(f"--preset {args.preset} chooses the network and its data, {PRESETS[args.preset].label}; "
                         f"{' and '.join(clash)} would choose them too: give one or the other")
    options = edited(typed, "preset", args.preset)[0]
    for name in PRESET_SETTINGS:
        if name in given:
            options = edited(options, name, getattr(typed, name))[0]
    return options
