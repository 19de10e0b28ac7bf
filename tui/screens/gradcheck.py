"""GradCheckScreen: each parameter's analytic gradient against central differences, and the event behind it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from engine import Event

PASS = 1e-6  # float64 central differences land far below this when the gradient is right


def check_content(errors: dict[str, float], events: list[Event], sampled: set[str]) -> Content:
    by_name = {e.name: e for e in events}
    rows = [Content.styled("parameter  relative error     event that produced the gradient", "bold")]
    for key, error in errors.items():
        event = by_name[f"d{key}"]
        mark = ("✓", "bold $text-success") if error <= PASS else ("✗", "bold $text-error")
        note = "  (sampled entries)" if key in sampled else ""
        rows.append(Content.assemble(
            f"{key:<10} {error:9.1e} ", mark, f"      #{event.index + 1} {event.formula}{note}"))
    rows.append(Content(""))
    rows.append(Content.styled(
        "‖analytic − numeric‖ / (‖analytic‖ + ‖numeric‖), numeric = (L(θ+ε) − L(θ−ε)) / 2ε with ε = 1e-6; "
        f"✓ below {PASS:.0e}.", "$text-muted"))
    return Content("\n").join(rows)


class GradCheckScreen(ModalScreen[None]):
    """Shows "checking…" until the app hands it the errors."""

    BINDINGS = [Binding("escape,q,g", "dismiss", "close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="gradcheck"):
            yield Static(Content.styled("Gradient check", "bold"))
            yield Static("checking every parameter by central differences…", id="gradcheck-table")
            yield Static("escape closes", classes="hint")

    def show(self, errors: dict[str, float], events: list[Event], sampled: set[str]) -> None:
        self.query_one("#gradcheck-table", Static).update(check_content(errors, events, sampled))
