"""The classroom page in Chromium: a page elsewhere cannot open a session, and the app's page needs no internet."""

from __future__ import annotations

import http.server
import threading
from urllib.parse import urlsplit

import pytest
from page_helpers import open_app, screen_text

# A page on another origin, as any site a student visits could be, that tries to open a session on their server.
# It is served from another port of the same machine: Chromium already keeps public sites (and pages Playwright
# makes up) from loopback addresses, but not a local page, and other browsers may keep nothing from them.
KNOCK = b"""<!DOCTYPE html><html><body><script>
window.knock = (url) => new Promise(resolve => {
  const ws = new WebSocket(url);
  ws.onopen = () => { ws.close(); resolve("open"); };
  ws.onerror = () => resolve("refused");
});
</script></body></html>"""


class Knock(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(KNOCK)

    def log_message(self, *_) -> None:
        pass


@pytest.fixture
def elsewhere():
    """The address of a page on another origin, http://localhost:PORT/, for as long as the test runs."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Knock)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join()


def knock(browser, page_url: str, port: int) -> tuple[str, list[str]]:
    """What the page at page_url gets when it opens a websocket to the server, "open" or "refused", and what
    Chromium said on the page's console."""
    page = browser.new_page()
    said = []
    page.on("console", lambda message: said.append(message.text))
    page.goto(page_url)
    return page.evaluate("url => window.knock(url)", f"ws://127.0.0.1:{port}/ws?width=80&height=24"), said


def test_a_page_on_another_origin_cannot_open_a_session(serve, browser, elsewhere):
    served = serve()
    got, said = knock(browser, elsewhere, served.port)
    assert got == "refused"
    assert any("Unexpected response code: 403" in text for text in said), said
    served.wait_log(rf"refused /ws \(403\) from a page at {elsewhere}")
    page = open_app(browser, served.url)  # the server's own page still opens its tab
    assert "Z1 = X @ W1 + b1" in screen_text(page)
    assert served.log.count("tab opened") == 1


def test_allow_origin_lets_a_proxys_page_in(serve, browser, elsewhere):
    served = serve("--allow-origin", elsewhere)
    assert knock(browser, elsewhere, served.port)[0] == "open"
    served.wait_log("tab opened")
    assert "refused" not in served.log


def test_the_page_renders_with_the_network_cut_off(serve, browser):
    served = serve()
    attempted, asked = [], []

    def cut_off(route) -> None:
        url = route.request.url
        asked.append(url)
        if urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            attempted.append(url)
            route.abort("internetdisconnected")

    browser.route("**/*", cut_off)
    page = open_app(browser, served.url)
    page.keyboard.press("n")
    page.wait_for_function("() => document.body.innerText.includes('event 2 of')")
    assert attempted == []  # nothing was asked of another host
    assert any(url.endswith("/static/js/textual.js") for url in asked)  # the cut-off saw the page's requests
    fonts = page.evaluate("""async () => { await document.fonts.ready;
        return [...document.fonts].filter(f => f.family.includes('Roboto Mono')).map(f => f.status); }""")
    assert "loaded" in fonts  # the terminal's font came from the server itself
