"""Page helpers: read the terminal in a browser tab as text, wait for text, and click on text like a person."""

from __future__ import annotations

import re

TIMEOUT = 30_000  # ms; the first screen takes about a second, a loaded 2-core machine more

SCREEN = "() => document.body.innerText.replaceAll('\\u00a0', ' ')"


def screen_text(page) -> str:
    """What the tab shows, one line per terminal row (xterm.js's DOM renderer keeps the text in the page)."""
    return page.evaluate(SCREEN)


def wait_for_text(page, pattern: str, timeout: int = TIMEOUT, gone: bool = False) -> str:
    """Wait until the screen matches the regular expression (or, with gone, no longer does); returns the screen."""
    test = f"new RegExp(p).test(({SCREEN})())"
    try:
        page.wait_for_function(f"p => {'!' if gone else ''}{test}", arg=pattern, timeout=timeout)
    except Exception as error:
        state = "still showed" if gone else "never showed"
        raise AssertionError(f"the tab {state} {pattern!r}; it shows:\n{screen_text(page)}") from error
    return screen_text(page)


def open_app(context, url: str):
    """A new tab on the app, once its first screen is there, with the keyboard on the terminal."""
    page = context.new_page()
    page.goto(url)
    wait_for_text(page, r"event 1 of \d+")
    page.click(".textual-terminal")
    return page


def click_text(page, pattern: str, group: int = 0) -> None:
    """Click the middle of the first character that `group` of pattern matches on screen, as a person would."""
    rows = page.locator(".xterm-rows > div")
    lines = page.evaluate("() => [...document.querySelectorAll('.xterm-rows > div')]"
                          ".map(row => row.textContent.replaceAll('\\u00a0', ' '))")
    for index, line in enumerate(lines):
        if match := re.search(pattern, line):
            box = rows.nth(index).bounding_box()
            cell = box["width"] / len(line)
            page.mouse.click(box["x"] + (match.start(group) + 0.5) * cell, box["y"] + box["height"] / 2)
            return
    raise AssertionError(f"nothing on screen matches {pattern!r}:\n{screen_text(page)}")


def replace_field(page, pattern: str, text: str, group: int = 0) -> None:
    """Click the input showing pattern, clear it with end and backspace, type text and press enter.

    Each stage waits to be seen, as a person's eyes would: an Input selects all of its text when it gets focus,
    and a burst of keys sent in the same instant as the click can land before that selection.
    """
    click_text(page, pattern, group)
    page.keyboard.press("End")
    for _ in range(12):
        page.keyboard.press("Backspace")
    wait_for_text(page, pattern, gone=True)
    page.keyboard.type(text)
    wait_for_text(page, re.escape(text))
    page.keyboard.press("Enter")
