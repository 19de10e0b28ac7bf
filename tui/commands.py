"""StepCommands: the app's main actions, and a jump to every event, in the command palette."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

ACTIONS = (
    ("Next event", "next", "Compute and show the next operation"),
    ("Previous event", "previous", "Show the operation before this one"),
    ("First event", "first", "Go to the first forward operation"),
    ("Last event", "last", "Go to the last update"),
    ("Next phase", "next_phase", "Jump to the first event of the next phase"),
    ("Previous phase", "previous_phase", "Jump to the start of this or the previous phase"),
    ("Finish step", "finish_step", "Apply the update and start the next training step"),
    ("Train", "train", "Train the number of steps in the train field, in the background"),
    ("Gradient check", "gradient_check", "Every parameter's gradient against central differences"),
    ("Shape doctor", "doctor", "Diagnose a NumPy expression over the step's matrices"),
    ("Break it", "break_it", "The common wrong versions of this backward formula, and what NumPy says"),
    ("Export script", "export", "Write this network as a standalone NumPy script"),
    ("More digits", "precision(1)", "Show one more decimal place"),
    ("Fewer digits", "precision(-1)", "Show one fewer decimal place"),
    ("Keys and conventions", "help", "Show every key and the layout conventions"),
)


class StepCommands(Provider):
    """Commands for stepping, and "Jump to dW1" for each event of the step."""

    def _commands(self) -> list[tuple[str, object, str]]:
        app = self.app
        commands = [(label, partial(app.run_action, action), help) for label, action, help in ACTIONS]
        for i, p in enumerate(app.session.plan):
            commands.append((f"Jump to {p.name}", partial(app.jump, i), f"{p.phase}: {p.formula}"))
        return commands

    async def discover(self) -> Hits:
        for label, callback, help in self._commands():
            yield DiscoveryHit(label, callback, help=help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, callback, help in self._commands():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), callback, help=help)
