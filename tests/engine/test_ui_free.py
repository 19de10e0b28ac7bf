"""The engine stands alone: importing and running it loads no terminal-UI library."""

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    import sys
    import engine
    from engine import Network, datasets, gradient_check

    net = Network(layout="columns", bias="augmented")
    X, Y = datasets.question("columns")
    events = list(net.step(X, Y))
    gradient_check(net, X, Y)
    from engine.exercise import check
    assert check(Network(), *datasets.question(), "dW2", "np.dot(A1.T, dZ2)").right
    assert net.steps == 1 and len(events) == 14, (net.steps, len(events))
    loaded = sorted(name for name in sys.modules if name.split(".")[0] in ("textual", "rich", "tui"))
    assert not loaded, loaded
    print("ok")
""")


def test_engine_imports_no_ui():
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_the_check_would_notice_a_ui_import():
    # The same script, with textual imported first, must fail: the assertion above is live.
    done = subprocess.run([sys.executable, "-c", "import textual\n" + SCRIPT], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode != 0
    assert "textual" in done.stderr
