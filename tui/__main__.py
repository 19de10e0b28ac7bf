"""Run the app as `python -m tui`."""

from tui.launch import main

raise SystemExit(main())
