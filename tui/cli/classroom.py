"""The classroom server: textual-serve with a seat limit, one app process a tab started without a shell."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import shlex
import signal
import time
from typing import Any

import aiohttp_jinja2
from aiohttp import WSCloseCode, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, log, to_int

GRACE = 3.0  # seconds a closed tab's app has to quit before its process is killed
STARTING = 20.0  # seconds a starting app may hold a core's turn before the next tab starts anyway
HOST = re.compile(r"([A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\])(:\d+)?")

FULL_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>stepprop: the class is full</title></head>
<body style="background:#0c181f;color:#eee;font-family:monospace;padding:3em">
<h1>The class is full</h1>
<p>All {seats} seats are taken: {seats} tabs have stepprop open.</p>
<p>Ask your teacher, or reload this page when someone closes their tab.</p>
</body></html>
"""
# textual-serve's page asks a font host for Roboto Mono; the font ships in its static folder, so it is served from here
# and a classroom without internet gets the same page. Every <link> to another host goes.
ELSEWHERE = re.compile(r'\s*<link\b[^>]*\bhref="(?:[a-z]+:)?//[^"]*"[^>]*>', re.IGNORECASE)
FONTS = """<style>
      @font-face {{ font-family: "Roboto Mono"; font-style: normal; font-weight: 100 700;
                   src: url("{static}fonts/RobotoMono-VariableFont_wght.ttf") format("truetype"); }}
      @font-face {{ font-family: "Roboto Mono"; font-style: italic; font-weight: 100 700;
                   src: url("{static}fonts/RobotoMono-Italic-VariableFont_wght.ttf") format("truetype"); }}
    </style>
    <link rel="preload" href="{static}fonts/RobotoMono-VariableFont_wght.ttf" as="font" type="font/ttf" crossorigin>
  </head>"""
FOREIGN = ("stepprop serve answers only its own page: this request came from a page at {origin}, not from "
           "{host}. A proxy in front of it needs --allow-origin {origin}.")
FULL_TERMINAL = ("\x1b[2J\x1b[H The class is full: all {seats} seats are taken.\r\n\r\n"
                 " Ask your teacher, or reload this page when someone closes their tab.\r\n")


def say(text: str) -> None:
    """One line of the server's log, for the teacher's terminal."""
    print(f"{time.strftime('%H:%M:%S')} {text}", flush=True)


class Tab(AppService):
    """One browser tab's app: started from an argv list (no shell), and ended for sure when the tab closes."""

    def __init__(self, argv: list[str], **kwargs: Any):
        super().__init__(shlex.join(argv), **kwargs)
        self.argv = argv
        self.ended = ""
        self._ending: asyncio.Future[None] | None = None
        self._unsent = 0  # bytes of the first screen not yet sent
        self._drawn = asyncio.Event()

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=self._build_environment(width=width, height=height))
        self._stdin = process.stdin
        return process

    async def start(self, width: int, height: int) -> None:
        self._unsent = width * height  # a first screen writes at least a character a cell, escapes besides
        await super().start(width, height)

    async def on_data(self, payload: bytes) -> None:
        self._unsent -= len(payload)
        if self._unsent <= 0:
            self._drawn.set()
        await super().on_data(payload)

    async def drawn(self, seconds: float) -> None:
        """Wait until the app has sent its first screen, or has ended, for at most `seconds`."""
        drawn = asyncio.ensure_future(self._drawn.wait())
        await asyncio.wait([drawn, self._task], timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        drawn.cancel()

    async def stop(self) -> None:
        """End the app's process once, however many callers ask (the closed tab, the server shutting down)."""
        if self._ending is None:
            self._ending = asyncio.ensure_future(self._end())
        await asyncio.shield(self._ending)

    async def _end(self) -> None:
        """Ask the app to quit; a worker thread deep in a NumPy product may not listen, so after GRACE, kill it."""
        process = self._process
        if process is None:
            return
        await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
        if process.returncode is None:
            await self.send_meta({"type": "quit"})
        try:
            await asyncio.wait_for(asyncio.shield(process.wait()), GRACE)
            self.ended = "quit"
        except TimeoutError:
            process.kill()
            await process.wait()
            self.ended = f"killed after {GRACE:g} s"
        if self._task is not None:
            await self._task
            self._task = None


class Classroom(Server):
    """Serves the app to at most `seats` tabs at once; one more gets a page saying the class is full."""

    def __init__(self, argv: list[str], host: str, port: int, seats: int, origins: tuple[str, ...] = ()):
        super().__init__(shlex.join(argv), host=host, port=port, title="stepprop")
        self.argv = argv
        self.seats = seats
        self.origins = {origin.lower().rstrip("/") for origin in origins}  # pages elsewhere allowed in, such as a proxy's
        self.tabs: set[Tab] = set()
        self.sockets: set[web.WebSocketResponse] = set()
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        self.starting = asyncio.Semaphore(cores)  # apps starting at once: one a core

    @property
    def full(self) -> bool:
        return len(self.tabs) >= self.seats

    def initialize_logging(self) -> None:
        super().initialize_logging()
        for name in ("textual-serve", "aiohttp.access"):  # a line per request would bury the seat count
            logging.getLogger(name).setLevel(logging.WARNING)

    def serve(self, debug: bool = False) -> None:
        """textual-serve's serve(), but the address is announced once the socket listens, not before."""
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(signal_number, self.request_exit)
            except NotImplementedError:  # Windows: Ctrl+C still stops the server, as KeyboardInterrupt
                pass
        web.run_app(self._make_app(), host=self.host, port=self.port, handle_signals=False, loop=loop,
                    print=lambda _: self.listening())

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self.own_pages_only)
        return app

    @web.middleware
    async def own_pages_only(self, request: web.Request, handler) -> web.StreamResponse:
        """403 for a request a page on another origin makes: any web page a student visits could otherwise open a
        session on their server (browsers let a page open a websocket anywhere), or fetch its downloads."""
        origin = request.headers.get("Origin")
        if origin is not None and not self.allows(origin, request.host):
            say(f"refused {request.path} (403) from a page at {origin}")
            raise web.HTTPForbidden(text=FOREIGN.format(origin=origin, host=request.host))
        return await handler(request)

    def allows(self, origin: str, host: str) -> bool:
        """A page served from this host (the address the browser used), or an origin given with --allow-origin."""
        origin = origin.lower().rstrip("/")
        scheme, _, where = origin.partition("://")
        return origin in self.origins or (scheme in ("http", "https") and where == host.lower())

    async def on_startup(self, app: web.Application) -> None:
        pass  # textual-serve prints its logo here

    def listening(self) -> None:
        where = f"http://{self.host}:{self.port}"
        if self.host in ("0.0.0.0", "::"):
            where = f"http://THIS-MACHINE'S-ADDRESS:{self.port} (find it with `hostname -I` or `ipconfig`)"
        say(f"stepprop serve: students open {where}")
        say(f"every tab runs: {self.command}")
        say(f"{self.seats} seats; press Ctrl+C to stop")

    async def on_shutdown(self, app: web.Application) -> None:
        """Close every tab's connection, so each handler ends its app before the server stops."""
        await asyncio.gather(*(socket.close(code=WSCloseCode.GOING_AWAY) for socket in list(self.sockets)))
        await asyncio.gather(*(tab.stop() for tab in list(self.tabs)))

    async def handle_index(self, request: web.Request) -> web.Response:
        """The page that opens the app, built for the address the browser used, or the class-full page."""
        if self.full:
            return web.Response(text=FULL_PAGE.format(seats=self.seats), content_type="text/html", status=503)
        host = request.host if HOST.fullmatch(request.host) else f"{self.host}:{self.port}"
        secure = request.scheme == "https"
        context = {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": f"{'wss' if secure else 'ws'}://{host}/ws",
            "config": {"static": {"url": f"{'https' if secure else 'http'}://{host}/static/"}},
            "application": {"name": self.title},
        }
        page = aiohttp_jinja2.render_string("app_index.html", request, context)
        page = ELSEWHERE.sub("", page).replace("</head>", FONTS.format(static=context["config"]["static"]["url"]), 1)
        return web.Response(text=page, content_type="text/html")

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One tab: start its app, relay keys and screen until the tab closes, then end the app's process."""
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        self.sockets.add(websocket)
        try:
            if self.full:  # the page loaded while a seat was free, and someone took it since
                await websocket.send_bytes(FULL_TERMINAL.format(seats=self.seats).encode())
                async for _ in websocket:
                    pass
            else:
                await self.seat(request, websocket)
        finally:
            self.sockets.discard(websocket)
        return websocket

    async def seat(self, request: web.Request, websocket: web.WebSocketResponse) -> None:
        """A seat for this tab: its own app process, for as long as the tab stays open."""
        tab = Tab(self.argv, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                  close=websocket.close, download_manager=self.download_manager, debug=self.debug)
        self.tabs.add(tab)  # before the first await, so tabs opening together cannot take more seats than exist
        try:
            width = min(max(to_int(request.query.get("width", "80"), 80), 20), 500)  # a screen, not a DoS
            height = min(max(to_int(request.query.get("height", "24"), 24), 10), 200)
            async with self.starting:  # tabs that open together start in turn, so the first get going first
                await tab.start(width, height)
                say(f"tab opened: pid {tab.pid}; {len(self.tabs)} of {self.seats} seats taken")
                await tab.drawn(STARTING)
            await self._process_messages(websocket, tab)
        except Exception as error:  # a malformed message from a browser ends that tab, not the server
            log.exception(error)
        finally:
            await asyncio.shield(tab.stop())
            await websocket.close()
            self.tabs.discard(tab)
            say(f"tab closed: pid {tab.pid} ended ({tab.ended}); {len(self.tabs)} of {self.seats} seats taken")
