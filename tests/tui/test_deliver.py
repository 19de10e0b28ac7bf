"""In a terminal, x writes the export beside the learner and never over a file that is already there."""

from __future__ import annotations

from pilot_helpers import screen_text

from tui.app import BackpropApp


async def test_x_twice_in_a_terminal_writes_a_second_file_beside_the_first(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "stepprop_4-3-3_rows_vector_step0.py").write_text("# the learner's own edits\n")
    app = BackpropApp()
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("x")
        await pilot.pause()
        assert f"to {tmp_path / 'stepprop_4-3-3_rows_vector_step0-2.py'}" in screen_text(app)
        await pilot.press("x")
        await pilot.pause()
        assert f"to {tmp_path / 'stepprop_4-3-3_rows_vector_step0-3.py'}" in screen_text(app)
    assert (tmp_path / "stepprop_4-3-3_rows_vector_step0.py").read_text() == "# the learner's own edits\n"
    assert "def backward" in (tmp_path / "stepprop_4-3-3_rows_vector_step0-3.py").read_text()
