"""Start-up loads only what the first screen needs; the dialogs and the engine's other tools load when first used."""

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

LATER = ("engine.doctor.diagnosis", "engine.export", "engine.gradcheck", "tui.screens.doctor", "tui.screens.gradcheck",
         "tui.screens.help", "tui.screens.mistakes")

SCRIPT = textwrap.dedent(f"""
    import asyncio, sys
    from tui.app import BackpropApp

    async def main():
        app = BackpropApp()
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            print(sorted(name for name in {LATER!r} if name in sys.modules))
            await pilot.press("question_mark")
            await pilot.pause()
            print("help" if "tui.screens.help" in sys.modules else "no help")

    asyncio.run(main())
""")


def test_the_first_screen_loads_no_dialog_and_no_doctor_and_help_loads_when_asked_for():
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["[]", "help"], done.stdout


def test_engine_attributes_load_on_first_use():
    script = "import engine; f = engine.gradient_check; import sys; print(f.__module__, 'engine.export' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["engine.gradcheck", "False"], done.stderr
