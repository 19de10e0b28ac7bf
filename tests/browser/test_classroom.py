"""A class in Chromium: each tab gets its own app, keys work, x downloads, seats run out politely, tabs end."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from page_helpers import open_app, screen_text, type_into_field, wait_for_text


def test_a_tab_shows_the_first_event_and_n_steps_to_the_next(serve, browser):
    served = serve()
    page = open_app(browser, served.url)
    assert "Z1 = X @ W1 + b1" in screen_text(page)
    page.keyboard.press("n")
    screen = wait_for_text(page, r"event 2 of \d+")
    assert "A1 = sigmoid(Z1)" in screen


def test_editing_sizes_in_a_tab_reruns_the_network(serve, browser):
    served = serve()
    page = open_app(browser, served.url)
    assert "4 → 3 → 3" in screen_text(page)
    type_into_field(page, "s", "4,5,3", r"sizes\s+4,5,3")
    screen = wait_for_text(page, r"4 → 5 → 3")
    assert re.search(r"Z1\s+\(2, 5\)", screen) and "(2, 4) @ (4, 5) + (1, 5) → (2, 5)" in screen


def test_x_in_a_tab_downloads_the_script_to_the_student(serve, browser, tmp_path):
    served = serve("--sizes", "4,5,3")
    page = open_app(browser, served.url)
    with page.expect_download(timeout=30_000) as download:  # the app opens a one-use download address
        page.keyboard.press("x")
    wait_for_text(page, "to your browser's downloads as stepprop_4-5-3_rows_vector_step0.py")
    assert download.value.suggested_filename == "stepprop_4-5-3_rows_vector_step0.py"
    script = tmp_path / "downloaded" / download.value.suggested_filename
    download.value.save_as(script)
    assert "(2, 4) @ (4, 5) + (1, 5) -> (2, 5)" in script.read_text()
    assert not list(tmp_path.glob("*.py"))  # nothing was written on the server
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "loss" in run.stdout


def test_one_tab_more_than_max_sessions_gets_the_class_full_page(serve, browser):
    served = serve("--max-sessions", "2")
    first, second = open_app(browser, served.url), open_app(browser, served.url)
    late = browser.new_page()
    response = late.goto(served.url)
    assert response.status == 503
    wait_for_text(late, "The class is full")
    assert "All 2 seats are taken" in screen_text(late)
    first.close()
    served.wait_log(r"tab closed: .*; 1 of 2 seats taken")
    late.reload()
    wait_for_text(late, r"event 1 of \d+")  # the freed seat is theirs
    second.keyboard.press("n")
    wait_for_text(second, r"event 2 of \d+")  # and the others carried on
    assert "Traceback" not in served.log


def test_closing_a_tab_during_training_ends_its_process(serve, browser):
    served = serve()
    page = open_app(browser, served.url)
    [opened] = served.wait_log(r"tab opened: pid (\d+)")
    pid = int(opened.group(1))
    type_into_field(page, "Tab", "999999", r"train 999999")  # tab reaches the train field; enter trains
    wait_for_text(page, r"\d+ of 999999")
    page.close()
    [closed] = served.wait_log(rf"tab closed: pid {pid} ended \((quit|killed after \d+ s)\); 0 of 40 seats taken")
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        pass
    else:
        raise AssertionError(f"pid {pid} is still running after its tab closed ({closed.group(0)})")
    assert served.process.poll() is None  # the server itself carries on
