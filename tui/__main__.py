"""Run the app as `python -m tui`."""

from tui.cli.launch import main

raise SystemExit(main())
