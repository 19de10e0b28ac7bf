"""SummaryBar: the network, its data, the training step and the current loss, wrapped between parts."""

from __future__ import annotations

from textual.content import Content

from tui.session import Session
from tui.widgets.wrapped import Wrapped


def summary_content(session: Session) -> list[Content]:
    """The summary's parts; the bar wraps between them, never inside one."""
    net, o = session.net, session.options
    detail = f"  {net.detail} detail" if net.detail != "compact" else ""
    network = [Content.assemble((net.short, "bold"), f"  m = {session.m}")]
    kinds = [Content(f"{net.activations}{detail}")]
    return [
        *network,
        Content.assemble("data ", (session.data_text, "bold")),
        Content.assemble(f"step {net.steps}  ", (f"loss {session.loss:.4f}", "bold")),
        *kinds,
        Content(f"{net.layout_name} layout  {net.bias} bias  {net.init} init  seed {net.seed}  lr {o.lr:g}"),
    ]


class SummaryBar(Wrapped):
    """What network this is, on what data, and how far training has gone: a line, or more on narrow screens."""

    GAP = "  │  "

    def show(self, session: Session) -> None:
        self.set_items(summary_content(session))
