"""The command line sits above the app: nothing in the app imports tui.cli, and nothing the app loads reads sys.argv."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TUI = REPO / "tui"
BELOW = ("tui/errors.py", "tui/startup.py")  # the helpers the app and the command line share


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def app_files() -> list[Path]:
    """Every module of tui/ but the command line's room and `python -m tui`, which is the command line's door."""
    return sorted(p for p in TUI.rglob("*.py")
                  if "cli" not in p.relative_to(TUI).parts[:1] and p.name != "__main__.py")


def imported(path: Path) -> set[str]:
    """The modules a file imports, at the top or inside a function, as absolute names."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module_name(path).split(".")
                package = package[: len(package) - node.level + (path.name == "__init__.py")]
                base = ".".join(package + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def reads_argv(source: str) -> list[int]:
    """Lines that read sys.argv when the module is imported or its functions run (a __main__ block is neither)."""
    tree = ast.parse(source)
    main_blocks = [n for n in tree.body if isinstance(n, ast.If) and "__main__" in ast.unparse(n.test)]
    skipped = {id(n) for block in main_blocks for n in ast.walk(block)}
    return [n.lineno for n in ast.walk(tree) if id(n) not in skipped and isinstance(n, ast.Attribute)
            and n.attr == "argv" and isinstance(n.value, ast.Name) and n.value.id == "sys"
            and isinstance(n.ctx, ast.Load)]


def test_no_app_module_imports_the_command_line():
    files = app_files()
    assert {"tui.app", "tui.session", "tui.debug", "tui.screens.doctor", "tui.widgets.event_card"} \
        <= {module_name(p) for p in files}  # the walk finds the app
    offenders = {module_name(p): sorted(n for n in imported(p) if n == "tui.cli" or n.startswith("tui.cli."))
                 for p in files}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_shared_helpers_import_nothing_of_tui():
    for name in BELOW:
        assert not {n for n in imported(REPO / name) if n.split(".")[0] == "tui"}, name


def test_the_static_checks_would_notice_an_import_or_an_argv(tmp_path):
    source = "import sys\ndef f():\n    from tui.cli.main import main\n    return main(sys.argv[1:])\n"
    (tmp_path / "widget.py").write_text(source)
    assert "tui.cli.main" in imported(tmp_path / "widget.py")
    assert reads_argv(source) == [4]
    assert reads_argv("import sys\nsys.argv = ['x']\nif __name__ == '__main__':\n    print(sys.argv)\n") == []


SCRIPT = textwrap.dedent("""
    import importlib, json, sys
    pulled = {}
    for name in NAMES:
        importlib.import_module(name)
        pulled[name] = sorted(m for m in sys.modules if m == "tui.cli" or m.startswith("tui.cli."))
    files = sorted({getattr(m, "__file__", None) or "" for m in list(sys.modules.values())})
    print(json.dumps({"pulled": pulled, "files": [f for f in files if f.startswith(ROOTS)]}))
""")


def load_in_a_fresh_python(names: list[str]) -> dict:
    roots = (str(TUI), str(REPO / "engine"))
    script = f"NAMES = {names!r}\nROOTS = {roots!r}\n" + SCRIPT
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_importing_every_app_module_loads_no_command_line_and_nothing_that_reads_argv():
    names = [module_name(p) for p in app_files()]
    loaded = load_in_a_fresh_python(names)
    assert {name: cli for name, cli in loaded["pulled"].items() if cli} == {}
    readers = {f: lines for f in loaded["files"] if f.endswith(".py")
               if (lines := reads_argv(Path(f).read_text(encoding="utf-8")))}
    assert readers == {}
    assert any(f.endswith("tui/app.py") for f in loaded["files"])  # the scan saw the app's own files


def test_the_fresh_python_would_notice_the_command_line():
    loaded = load_in_a_fresh_python(["tui.session", "tui.cli.serve"])
    assert loaded["pulled"]["tui.session"] == []
    assert "tui.cli.serve" in loaded["pulled"]["tui.cli.serve"]


def test_python_dash_m_tui_is_the_command_line():
    done = subprocess.run([sys.executable, "-m", "tui", "export", "--help"], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: stepprop export")
