"""The README's commands are the ones CI runs and the package installs."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ci_runs_the_readme_test_command_verbatim():
    command = ROOT.joinpath(".ci/run").read_text().strip().splitlines()[-1]
    assert "pytest" in command and "pip install" in command
    assert f"\n{command}\n" in ROOT.joinpath("README.md").read_text()


def test_readme_run_command_starts_the_installed_console_script():
    scripts = tomllib.loads(ROOT.joinpath("pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"stepprop": "tui.cli.launch:main"}  # which starts with the collector off, then runs tui.cli.main
    assert "\npython3 -m venv .venv && .venv/bin/pip install . && .venv/bin/stepprop\n" in \
        ROOT.joinpath("README.md").read_text()
