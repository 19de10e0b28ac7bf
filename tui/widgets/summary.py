"""SummaryBar: the network, its data, the training step and the current loss, wrapped between parts."""

from __future__ import annotations

from textual.content import Content

from tui.session import Session
from tui.widgets.wrapped import Wrapped


def summary_content(session: Session) -> list[Content]:
    """The summary's parts; the bar wraps between them, never inside one."""
    net, o = session.net, session.options
    sizes = " → ".join(str(n) for n in net.sizes)
    parts = [
        Content.assemble((sizes, "bold"), f"  m = {session.m}"),
        Content.assemble("data ", (session.data_text, "bold")),
        Content.assemble(f"step {net.steps}  ", (f"loss {session.loss:.4f}", "bold")),
        Content(f"{net.hidden} → {net.output}  {net.loss_name}"),
        Content(f"{net.layout_name} layout  {net.bias} bias  {net.init} init  seed {net.seed}  lr {o.lr:g}"),
    ]
    return parts


class SummaryBar(Wrapped):
    """What network this is, on what data, and how far training has gone: a line, or more on narrow screens."""

    GAP = "  │  "

    def show(self, session: Session) -> None:
        self.set_items(summary_content(session))
