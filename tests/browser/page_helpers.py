"""Page helpers: read the terminal in a browser tab as text, wait for text, and type into a field like a person."""

from __future__ import annotations

TIMEOUT = 30_000  # ms; the first screen takes about a second, a loaded 2-core machine more

SCREEN = "() => document.body.innerText.replaceAll('\\u00a0', ' ')"


def screen_text(page) -> str:
    """What the tab shows, one line per terminal row (xterm.js's DOM renderer keeps the text in the page)."""
    return page.evaluate(SCREEN)


def wait_for_text(page, pattern: str, timeout: int = TIMEOUT) -> str:
    """Wait until the screen matches the regular expression; returns the screen."""
    try:
        page.wait_for_function(f"p => new RegExp(p).test(({SCREEN})())", arg=pattern, timeout=timeout)
    except Exception as error:
        raise AssertionError(f"the tab never showed {pattern!r}; it shows:\n{screen_text(page)}") from error
    return screen_text(page)


def open_app(context, url: str):
    """A new tab on the app, once its first screen is there, with the keyboard on the terminal."""
    page = context.new_page()
    page.goto(url)
    wait_for_text(page, r"event 1 of \d+")
    page.click(".textual-terminal")
    return page


def type_into_field(page, key: str, text: str, shows: str) -> None:
    """Reach a field with key, type text over it and press enter, each stage once it shows, as a person would.

    A field reached by a key has its text selected, so typing replaces it; keys sent in the same instant as the
    one that focuses the field could arrive before that selection, so typing waits for the editing key bar.
    """
    page.keyboard.press(key)
    wait_for_text(page, "enter apply")
    page.keyboard.type(text)
    wait_for_text(page, shows)
    page.keyboard.press("Enter")
