"""`stepprop serve`: the app in every student's browser tab, one app process a tab, served by textual-serve."""

from __future__ import annotations

import argparse
import re
import sys

from tui.cli.arguments import _Parser, add_options, options_from
from tui.errors import os_error
from tui.session import Session

ORIGIN = re.compile(r"https?://([^/\s:\[\]]+|\[[0-9a-f:.]+\])(:\d{1,5})?/?", re.IGNORECASE)  # what a browser sends as Origin
INSTALL = "stepprop serve needs textual-serve: pip install 'stepprop[serve]' (or pip install textual-serve)"


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="stepprop serve", description="Serve the app to browsers: every tab gets its own app, "
                "started with the options below.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine "
                   "only; 0.0.0.0 for every network it is on)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.add_argument("--max-sessions", type=int, default=40, metavar="N",
                   help="tabs open at once (default 40); one more gets a page saying the class is full")
    p.add_argument("--allow-origin", action="append", default=[], metavar="URL",
                   help="a page address besides this server's own that may open tabs, such as "
                        "https://class.example.org for a proxy in front of it (repeat for more); pages anywhere "
                        "else get 403")
    return add_options(p)


def app_command(args: argparse.Namespace) -> list[str]:
    """The command every tab runs: this Python, the app, and each app option given to serve, as an argv list."""
    argv = [sys.executable, "-m", "tui"]
    for action in add_options(argparse.ArgumentParser(add_help=False))._actions:
        value = getattr(args, action.dest)
        if value != action.default:
            argv += [action.option_strings[-1], str(value)]
    return argv


def main(argv: list[str]) -> int:
    try:
        args = parser().parse_args(argv)
        if args.max_sessions < 1 or not 0 < args.port < 65536:
            raise ValueError(f"expected --max-sessions ≥ 1 and --port in 1..65535, got {args.max_sessions} "
                             f"and {args.port}")
        for origin in args.allow_origin:
            if not ORIGIN.fullmatch(origin):
                raise ValueError(f"expected --allow-origin as scheme://host or scheme://host:port, such as "
                                 f"https://class.example.org; got {origin!r}")
        Session.start(options_from(args))  # bad sizes or data fail here, once, not in every tab
        from tui.cli.classroom import Classroom
    except ModuleNotFoundError as error:
        if (error.name or "").partition(".")[0] not in ("textual_serve", "aiohttp", "aiohttp_jinja2", "jinja2"):
            raise
        print(f"stepprop: {INSTALL}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"stepprop serve: {os_error(error)}", file=sys.stderr)
        return 2
    except ValueError as error:
        print(f"stepprop serve: {error}", file=sys.stderr)
        return 2
    try:
        Classroom(app_command(args), args.host, args.port, args.max_sessions, tuple(args.allow_origin)).serve()
    except OSError as error:  # the port is taken, or the address is not this machine's
        print(f"stepprop serve: cannot listen on {args.host} port {args.port}: {error.strerror}", file=sys.stderr)
        return 2
    return 0

