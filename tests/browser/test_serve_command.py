"""`stepprop serve` without a browser: its options, its address, its tabs' commands, and a full class's socket."""

from __future__ import annotations

import asyncio
import re
import socket
import subprocess
import sys
from pathlib import Path

import aiohttp

ANSI = re.compile(rb"\x1b\[[0-9;?<>$]*[A-Za-z~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][A-Z0-9]|\x1b[=>]")


async def read_until(ws, text: str, timeout: float = 30) -> str:
    """The terminal output of a tab's websocket, without escape sequences, once it contains text."""
    received = b""
    async with asyncio.timeout(timeout):
        while text not in (screen := ANSI.sub(b"", received).decode(errors="replace")):
            message = await ws.receive()
            assert message.type == aiohttp.WSMsgType.BINARY, f"the tab ended before showing {text!r}: {message}"
            received += message.data
    return screen


def stepprop(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, timeout=60)


def test_serve_without_textual_serve_says_how_to_get_it():
    run = subprocess.run([sys.executable, "-c", "import sys; sys.modules['textual_serve'] = None; "
                          "from tui.cli.main import main; raise SystemExit(main(['serve']))"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert run.stderr == ("stepprop: stepprop serve needs textual-serve: pip install 'stepprop[serve]' "
                          "(or pip install textual-serve)\n")


def test_bad_options_are_refused_before_anything_listens():
    sizes = stepprop("serve", "--sizes", "4,x,3")
    assert sizes.returncode == 2
    assert sizes.stderr.startswith("stepprop serve: sizes: entry 2 of '4,x,3' is 'x'")
    seats = stepprop("serve", "--max-sessions", "0")
    assert seats.returncode == 2
    assert "expected --max-sessions ≥ 1 and --port in 1..65535, got 0 and 8000" in seats.stderr
    assert "serve the app to browsers" in stepprop("--help").stdout


def test_serve_listens_on_loopback_only_unless_told(serve):
    served = serve()
    listening = [line.split()[1] for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
                 if line.split()[3] == "0A"]  # 0A: LISTEN
    assert f"0100007F:{served.port:04X}" in listening  # 127.0.0.1, little-endian hex
    assert not [a for a in listening if a.endswith(f":{served.port:04X}") and a != f"0100007F:{served.port:04X}"]


async def test_options_reach_every_tab_as_arguments_never_as_shell_text(serve, tmp_path):
    X = tmp_path / "x $(touch pwned).csv"
    Y = tmp_path / "y; touch pwned2 #.csv"
    X.write_text("0,0\n0,1\n1,0\n1,1\n0.5,0.5\n")
    Y.write_text("0\n1\n1\n0\n1\n")
    served = serve("--data", str(X), "--targets", str(Y), "--sizes", "2,4,1", "--lr", "0.25")
    assert "--data '" in served.wait_log(r"every tab runs: .*")[0].group(0)  # quoted, as a person would copy it
    async with aiohttp.ClientSession() as client:
        async with client.ws_connect(f"{served.url}ws?width=120&height=40") as ws:
            screen = await read_until(ws, "event 1 of")
    assert "2 → 4 → 1  m = 5" in screen and "lr 0.25" in screen
    served.wait_log(r"tab closed: pid \d+ ended \(quit\)")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([X.name, Y.name])  # no pwned, no pwned2


async def test_a_socket_that_arrives_when_the_class_is_full_is_told_so_and_starts_nothing(serve):
    served = serve("--max-sessions", "1")
    async with aiohttp.ClientSession() as client:
        async with client.ws_connect(f"{served.url}ws") as seated:
            await read_until(seated, "event 1 of")
            async with client.ws_connect(f"{served.url}ws") as late:
                screen = await read_until(late, "reload this page")
            assert "The class is full: all 1 seats are taken." in screen
            await seated.send_json(["stdin", "n"])
            await read_until(seated, "event 2 of")
    served.wait_log(r"tab closed: pid \d+ ended \(quit\); 0 of 1 seats taken")
    assert served.log.count("tab opened") == 1


def test_a_taken_port_is_reported_in_one_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = stepprop("serve", "--port", str(port))
    assert run.returncode == 2
    assert run.stderr.startswith(f"stepprop serve: cannot listen on 127.0.0.1 port {port}: ")
    assert run.stderr.count("\n") == 1


async def test_an_app_that_does_not_quit_when_its_tab_closes_is_killed():
    """A worker thread inside one long NumPy call does not stop for the quit message; the tab's process still ends."""
    from textual_serve.download_manager import DownloadManager

    from tui.cli.classroom import GRACE, Tab

    async def nothing(*_):
        pass

    stuck = "import time; print('__GANGLION__', flush=True); time.sleep(60)"  # reads no quit message, ever
    tab = Tab([sys.executable, "-c", stuck], write_bytes=nothing, write_str=nothing, close=nothing,
              download_manager=DownloadManager())
    await tab.start(80, 24)
    await tab.stop()
    assert tab.ended == f"killed after {GRACE:g} s"
    assert not Path(f"/proc/{tab.pid}").exists()


async def test_the_page_points_each_browser_back_at_the_address_it_used(serve):
    """With --host 0.0.0.0 students use the machine's address; the page's websocket must use it too."""
    served = serve()
    async with aiohttp.ClientSession() as client:
        async with client.get(served.url, headers={"Host": "192.168.1.20:8000"}) as response:
            page = await response.text()
        assert 'data-session-websocket-url="ws://192.168.1.20:8000/ws"' in page
        async with client.get(served.url, headers={"Host": 'x"><script>'}) as response:
            page = await response.text()
        assert f'data-session-websocket-url="ws://127.0.0.1:{served.port}/ws"' in page and 'x">' not in page


async def test_a_socket_or_request_from_a_page_elsewhere_is_refused_with_403(serve):
    served = serve("--allow-origin", "https://class.example.org")
    own = f"http://127.0.0.1:{served.port}"
    async with aiohttp.ClientSession() as client:
        for origin in ("http://elsewhere.test", "null", f"http://127.0.0.1:{served.port + 1}", f"{own}.evil.test"):
            try:
                await client.ws_connect(f"{served.url}ws", headers={"Origin": origin})
                raise AssertionError(f"a page at {origin} opened a session")
            except aiohttp.WSServerHandshakeError as error:
                assert error.status == 403, origin
            async with client.get(served.url, headers={"Origin": origin}) as response:
                assert response.status == 403, origin
                assert f"a page at {origin}, not from 127.0.0.1:{served.port}" in await response.text()
        for origin in (own, "https://class.example.org", None):  # its own page, the proxy's, and no browser at all
            headers = {"Origin": origin} if origin else {}
            async with client.ws_connect(f"{served.url}ws", headers=headers) as ws:
                await read_until(ws, "event 1 of")
    served.wait_log(r"refused /ws \(403\) from a page at http://elsewhere.test")
    assert served.log.count("tab opened") == 3


def test_a_malformed_allow_origin_is_refused_before_anything_listens():
    run = stepprop("serve", "--allow-origin", "class.example.org/app")
    assert run.returncode == 2
    assert run.stderr == ("stepprop serve: expected --allow-origin as scheme://host or scheme://host:port, such as "
                          "https://class.example.org; got 'class.example.org/app'\n")


async def test_the_page_asks_no_other_host_for_anything(serve):
    served = serve()
    async with aiohttp.ClientSession() as client:
        async with client.get(served.url) as response:
            page = await response.text()
        elsewhere = re.findall(r"""(?:src|href)\s*=\s*["']((?:[a-z]+:)?//[^"']*)""", page)
        assert elsewhere and all(url.startswith(f"http://127.0.0.1:{served.port}/static/") for url in elsewhere)
        assert "fonts.googleapis" not in page and "@font-face" in page
        font = re.search(r'url\("([^"]+RobotoMono-VariableFont_wght\.ttf)"\)', page).group(1)
        async with client.get(font) as response:
            assert response.status == 200 and len(await response.read()) > 10_000  # the font itself, served here
