"""The `stepprop` command: its options mirror engine.Network, plus the data and training settings."""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path

from engine import activations, losses
from engine.layouts import LAYOUTS
from engine.network import BIASES, INITS
from tui.session import DATASETS, FILE, Options, Session, parse_int, parse_sizes

COMMANDS = {
    "export": "write the network and its data as a standalone NumPy training script",
    "trace": "write one training step's events as Markdown or JSON",
    "debug": "run your own NumPy script, step through every line's shapes, and diagnose the line that fails",
    "exercise": "check a file of \"name = expression\" lines against the engine's values, one tensor at a time",
    "serve": "serve the app to browsers, one app a tab, for a class (needs stepprop[serve])",
}


def add_options(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The network, data and training options the app and every command share."""
    p.add_argument("--sizes", default=None, help="layer sizes, inputs first, such as 4,3,3 (default: the data's "
                   "inputs and outputs around one hidden layer)")
    p.add_argument("--hidden", default="sigmoid", choices=activations.HIDDEN)
    p.add_argument("--output", default="sigmoid", choices=activations.OUTPUT)
    p.add_argument("--loss", default="bce", choices=losses.NAMES)
    p.add_argument("--layout", default="rows", choices=tuple(LAYOUTS), help="examples as rows or as columns")
    p.add_argument("--bias", default="vector", choices=BIASES)
    p.add_argument("--init", default="uniform", choices=INITS)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--lr", type=float, default=0.5, help="learning rate")
    p.add_argument("--batch", default=None, help="examples per step, a fresh shuffled mini-batch each step "
                   "(default: all)")
    p.add_argument("--dataset", default="question", choices=DATASETS,
                   help="built-in data (synthetic: seeded random data shaped by --sizes)")
    p.add_argument("--data", metavar="X.csv", help="inputs, one example per row (.csv or .npy)")
    p.add_argument("--targets", metavar="Y.csv", help="labels, one example per row (.csv or .npy)")
    return p


class _Parser(argparse.ArgumentParser):
    """Reports a bad option as a ValueError, so main() prints one line, "stepprop: ...", and returns 2."""

    def error(self, message: str):
        raise ValueError(f"{message} (see {self.prog} --help)")


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
        p.add_argument("--steps", type=int, default=1000, help="training steps the script runs (default 1000)")
    else:
        from engine import trace  # the trace command's alone: the app starts without it

        p.add_argument("--format", default="md", choices=trace.FORMATS, help="Markdown or JSON (default md)")
    p.add_argument("-o", "--output-file", dest="file", metavar="FILE", help="write here instead of to stdout")
    return p


def options_from(args: argparse.Namespace) -> Options:
    if bool(args.data) != bool(args.targets):
        raise ValueError("--data and --targets go together: X and Y, one example per row in each")
    return Options(sizes=parse_sizes(args.sizes) if args.sizes else None, hidden=args.hidden, output=args.output,
                   loss=args.loss, layout=args.layout, bias=args.bias, init=args.init, seed=args.seed, lr=args.lr,
                   batch=parse_int("batch", args.batch, 1, allow_blank=True) if args.batch else None,
                   dataset=FILE if args.data else args.dataset, data=args.data, targets=args.targets)


def refuse(error: Exception) -> int:
    """A command that cannot run: one line on stderr saying why, OS errors in words, and exit status 2."""
    print(f"stepprop: {os_error(error) if isinstance(error, OSError) else error}", file=sys.stderr)
    return 2


def os_error(error: OSError) -> str:
    """An OS error in words: "out/: is a directory", not "[Errno 21] Is a directory: 'out/'"."""
    if error.strerror:
        where = f"{error.filename}: " if error.filename else ""
        return f"{where}{error.strerror[0].lower()}{error.strerror[1:]}"
    return str(error)


def run_command(name: str, argv: list[str]) -> int:
    """`stepprop export` or `stepprop trace`: the network and data the app would show, written out."""
    args = command_parser(name).parse_args(argv)
    session = Session.start(options_from(args))
    if session.note:
        print(f"stepprop: note: {session.note}", file=sys.stderr)
    net, X, Y, lr = session.net, session.batches.X, session.batches.Y, session.options.lr
    if name == "export":
        from engine import export  # only this command needs it; the app starts without

        text = export.script(net, X, Y, lr, args.steps)
    else:
        from engine import trace

        text = trace.trace(net, X, Y, lr, args.format)
    if not args.file:
        sys.stdout.write(text)
        return 0
    Path(args.file).write_text(text, encoding="utf-8")  # -o names the file: writing there is what was asked
    print(f"stepprop: wrote {args.file}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # imported here, so that export and trace load neither the debugger nor the server
    if argv[:1] == ["debug"]:
        from tui.debug import main as debug
        return debug(argv[1:])
    if argv[:1] == ["exercise"]:
        from tui.answers import main as answers
        return answers(argv[1:])
    if argv[:1] == ["serve"]:
        from tui.serve import main as serve
        return serve(argv[1:])
    try:
        if argv and argv[0] in COMMANDS:
            return run_command(argv[0], argv[1:])
        if argv and not argv[0].startswith("-"):
            raise ValueError(f"unknown command {argv[0]!r}; the commands are {', '.join(COMMANDS)}, "
                             "or none to open the app (see stepprop --help)")
        args = parser().parse_args(argv)
        options = options_from(args)
        session = Session.start(options)  # refused options are reported here, before the screen changes
    except (OSError, ValueError) as error:
        return refuse(error)
    from tui.app import BackpropApp

    # What is loaded by now (modules, classes, the first step) lives as long as the app: frozen, the garbage collector
    # never walks it again, where its first full pass would otherwise fall on the first frame.
    gc.freeze()
    BackpropApp(options, session, exercise=args.exercise).run()
    return 0
