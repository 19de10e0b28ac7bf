"""SummaryBar: the network, its data, the training step and the current loss on one line."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from tui.session import Session


def summary_content(session: Session) -> Content:
    net, o = session.net, session.options
    sizes = " → ".join(str(n) for n in net.sizes)
    return Content.assemble(
        (sizes, "bold"), f"  m = {session.m}",
        "  │  ", f"step {net.steps}", "  ", (f"loss {session.loss:.4f}", "bold"),
        "  │  ", f"{net.hidden} → {net.output}", f"  {net.loss_name}",
        "  │  ", f"{net.layout_name} layout", f"  {net.bias} bias", f"  │  lr {o.lr:g}",
    )


class SummaryBar(Static):
    """One line saying what network this is and how far training has gone."""

    def show(self, session: Session) -> None:
        self.update(summary_content(session))
