"""SummaryBar: the network, its data, the training step and the current loss, wrapped between parts."""

from __future__ import annotations

from textual.content import Content

from engine import layers
from tui.session import Session
from tui.widgets.wrapped import Wrapped


def summary_content(session: Session) -> list[Content]:
    """The summary's parts; the bar wraps between them, never inside one."""
    net, o = session.net, session.options
    detail = f"  {net.detail} detail" if net.detail != "compact" else ""
    if o.layers:  # a stack: its layers in short form, then the loss
        inputs = net.inputs[0] if len(net.inputs) == 1 else net.inputs  # a sequence's (T, D), an image's (C, H, W)
        network = [Content.assemble((f"{inputs} → " + layers.short(layers.parse(o.layers)), "bold"),
                                    f"  m = {session.m}")]
        kinds = [Content(f"{net.loss_name}{detail}")]
    else:
        network = [Content.assemble((" → ".join(str(n) for n in net.sizes), "bold"), f"  m = {session.m}")]
        kinds = [Content(f"{net.hidden} → {net.output}  {net.loss_name}{detail}")]
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
