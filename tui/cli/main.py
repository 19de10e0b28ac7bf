"""The `stepprop` command: the app, or one of its commands (export, trace, debug, exercise, serve)."""

from __future__ import annotations

import sys
from pathlib import Path

from tui.errors import refuse
from tui.session import Options, Session
from tui.startup import collect_from_here


def run_command(name: str, argv: list[str]) -> int:
    """`stepprop export` or `stepprop trace`: the network and data the app would show, written out."""
    from tui.cli.arguments import command_parser, options_from

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
    try:
        return dispatch(argv)
    except KeyboardInterrupt:  # Ctrl-C while a command works (a script running under debug, say): one line too
        print("stepprop: stopped (Ctrl-C)", file=sys.stderr)
        return 130


def dispatch(argv: list[str]) -> int:
    """The app, or the command argv names."""
    command = argv[0] if argv and not argv[0].startswith("-") else None
    if command is not None:
        collect_from_here()  # a command runs with the collector on; the app turns it on after its first frame
    # imported here, so that export and trace load neither the debugger nor the server
    if command == "debug":
        from tui.cli.debug import main as debug
        return debug(argv[1:])
    if command == "exercise":
        from tui.cli.answers import main as answers
        return answers(argv[1:])
    if command == "serve":
        from tui.cli.serve import main as serve
        return serve(argv[1:])
    try:
        if argv:
            from tui.cli.arguments import COMMANDS, options_from, parser

            if command in COMMANDS:
                return run_command(command, argv[1:])
            if command is not None:
                raise ValueError(f"unknown command {command!r}; the commands are {', '.join(COMMANDS)}, "
                                 "or none to open the app (see stepprop --help)")
            args = parser().parse_args(argv)
            options, exercise = options_from(args), args.exercise
        else:
            options, exercise = Options(), False  # the parser's defaults, without the cost of building it
        session = Session.start(options)  # refused options are reported here, before the screen changes
    except (OSError, ValueError) as error:
        return refuse(error)
    from tui.app import BackpropApp

    BackpropApp(options, session, exercise=exercise).run()
    return 0
