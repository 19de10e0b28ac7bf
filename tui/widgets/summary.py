"""SummaryBar: the network, its data, the training step and the current loss on one line."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from tui.session import Session


def summary_content(session: Session) -> Content:
    """Each part whole: the line wraps between parts, never inside one."""
    net, o = session.net, session.options
    sizes = " → ".join(str(n) for n in net.sizes)
    parts = [
        Content.assemble((sizes, "bold"), f"  m = {session.m}"),
        Content.assemble("data ", (session.data_text, "bold")),
        Content.assemble(f"step {net.steps}  ", (f"loss {session.loss:.4f}", "bold")),
        Content(f"{net.hidden} → {net.output}  {net.loss_name}"),
        Content(f"{net.layout_name} layout  {net.bias} bias  {net.init} init  lr {o.lr:g}"),
    ]
    return Content("  │  ").join(parts)


class SummaryBar(Static):
    """One line saying what network this is and how far training has gone."""

    def show(self, session: Session) -> None:
        self.update(summary_content(session))
