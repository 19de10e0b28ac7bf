"""The sparkline of ‖dh_t‖: one block per time step on a log scale, drawn from a real step's gradients."""

from pilot_helpers import screen_text
from textual.app import App, ComposeResult

from engine import Network, datasets
from engine.through_time import gradient_norms
from tui.widgets.sparkline import GradientSparkline, bars, caption


def test_each_time_step_is_a_block_on_a_log_scale():
    assert bars([1e-3, 1e-2, 1e-1, 1.0]) == "▁▃▆█"
    assert bars([2.0, 2.0]) == "██"
    assert bars([0.0, 1.0, 10.0]) == " ▁█"
    assert bars([]) == ""
    assert caption([1e-3, 1.0]) == "t 0→1  min 1.0e-03  max 1.0e+00  log scale"


class One(App):
    def compose(self) -> ComposeResult:
        yield GradientSparkline()


async def test_the_widget_draws_a_vanishing_rnn_gradient():
    X, Y = datasets.remember(T=16, symbols=4, m=16, noise=2.0)
    net = Network(inputs=(16, 4), layers="rnn 16, linear 4, softmax", loss="ce", init="xavier")
    norms = gradient_norms(list(net.step(X, Y, lr=0.0)))
    app = One()
    async with app.run_test(size=(80, 4)) as pilot:
        spark = app.query_one(GradientSparkline)
        spark.show(norms)
        await pilot.pause()
        first = screen_text(app).splitlines()[0]
        assert first.startswith("‖dh_t‖ " + bars(norms) + "  t 0→15  min ")
        assert bars(norms)[0] == "▁" and bars(norms)[-1] == "█"  # vanished at t = 0, whole at the last step
        spark.show(())
        await pilot.pause()
        assert screen_text(app).strip() == ""
