"""Screens shown over the main view."""

from pathlib import Path

# Their styling, read when the first of them opens: the first screen does not parse rules it does not show.
DIALOGS_CSS = Path(__file__).with_name("dialogs.tcss")
