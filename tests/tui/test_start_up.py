"""Start-up loads only what the first screen needs; the dialogs and the engine's other tools load when first used."""

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

LATER = ("engine.doctor.diagnosis", "engine.export", "engine.gradcheck", "tui.screens.doctor", "tui.screens.gradcheck",
         "tui.screens.help", "tui.screens.mistakes", "csv", "argparse")

SCRIPT = textwrap.dedent(f"""
    import asyncio, sys
    from tui.app import BackpropApp

    async def main():
        app = BackpropApp()
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            print(sorted(name for name in {LATER!r} if name in sys.modules))
            styled = lambda: any(str(path).endswith("dialogs.tcss") for path, _ in app.stylesheet.source)
            print("dialog styles" if styled() else "no dialog styles")
            await pilot.press("question_mark")
            await pilot.pause()
            print("help" if "tui.screens.help" in sys.modules else "no help")
            print("dialog styles" if styled() else "no dialog styles")

    asyncio.run(main())
""")


def test_the_first_screen_loads_no_dialog_and_no_doctor_and_help_loads_when_asked_for():
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:4] == ["[]", "no dialog styles", "help", "dialog styles"], done.stdout


def test_engine_attributes_load_on_first_use():
    script = "import engine; f = engine.gradient_check; import sys; print(f.__module__, 'engine.export' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["engine.gradcheck", "False"], done.stderr


GC_SCRIPT = textwrap.dedent("""
    import asyncio, gc
    from tui.app import BackpropApp

    async def main():
        gc.disable()  # as tui.cli.launch starts
        app = BackpropApp()
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            print(gc.isenabled(), gc.get_freeze_count() > 0)

    asyncio.run(main())
""")


def test_the_collector_paused_for_start_up_resumes_after_the_first_frame():
    # Left off, garbage from a long training (every step's events) would never be collected.
    done = subprocess.run([sys.executable, "-c", GC_SCRIPT], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["True", "True"], done.stderr


def test_a_command_runs_with_the_collector_on(tmp_path):
    script = ("import gc, sys; gc.disable(); from tui.cli.main import main; "
              f"main(['export', '-o', {str(tmp_path / 'out.py')!r}]); print(gc.isenabled())")
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["True"], done.stderr
