"""The app's keys: each binding's footer label, and the longer text the help screen shows."""

from textual.binding import Binding

ENDS = Binding.Group("first/last")
PHASE = Binding.Group("phase")
DIGITS = Binding.Group("digits")
EXAMPLE = Binding.Group("example")


BINDINGS = [
    Binding("n,right,space", "next", "next", key_display="n/→/␣", tooltip="next event"),
    Binding("p,left", "previous", "back", key_display="p/←", tooltip="previous event, shown as before"),
    Binding("home", "first", "first", group=ENDS, tooltip="first event"),
    Binding("end", "last", "last", group=ENDS, tooltip="last event"),
    Binding("left_square_bracket", "previous_phase", "previous phase", key_display="[", group=PHASE,
            tooltip="start of this phase, or the previous one"),
    Binding("right_square_bracket", "next_phase", "next phase", key_display="]", group=PHASE,
            tooltip="start of the next phase"),
    Binding("t", "finish_step", "step", tooltip="finish this step (apply the update) and start the next"),
    Binding("T", "train", "train", tooltip="train the number of steps in the train field; T again stops"),
    Binding("g", "gradient_check", "check", tooltip="gradient check: every parameter against central differences"),
    Binding("d", "doctor", "doctor", tooltip="shape doctor: diagnose any expression over the step's matrices"),
    Binding("b", "break_it", "break it", tooltip="on a backward event: the common wrong versions, and why"),
    Binding("w", "write_it", "write", tooltip="write it yourself: type each line of the step, checked against "
            "the engine tensor by tensor; h hints, r reveals"),
    Binding("x", "export", "export", tooltip="export this network and its parameters as a standalone NumPy script"),
    Binding("plus,equals_sign", "precision(1)", "more digits", key_display="+", group=DIGITS,
            tooltip="one more decimal place"),
    Binding("minus", "precision(-1)", "fewer digits", key_display="-", group=DIGITS,
            tooltip="one fewer decimal place"),
    Binding("comma", "example(-1)", "previous example", key_display=",", group=EXAMPLE,
            tooltip="arrays of images: the previous example, each channel a slice"),
    Binding("full_stop", "example(1)", "next example", key_display=".", group=EXAMPLE,
            tooltip="arrays of images: the next example, each channel a slice"),
    # priority: the keys typed right after s or e belong in the field, even when they arrive in the same instant
    Binding("s", "edit_sizes", "sizes", priority=True, tooltip="edit the layer sizes: type 4,5,3 and press enter"),
    Binding("a", "architecture", "layers", priority=True,
            tooltip="edit the layers as one line ('linear 3, sigmoid') or pick a preset"),
    Binding("e", "edit", "edit", priority=True, tooltip="edit the other options: tab and shift+tab move between fields, "
            "enter applies one, escape leaves"),
    Binding("escape", "leave_input", "leave", key_display="esc", show=False, priority=True,
            tooltip="leave an input; what was typed and not applied is forgotten"),
    Binding("question_mark", "help", "help", key_display="?", tooltip="this help"),
    Binding("q", "quit", "quit", tooltip="quit"),
]

# The keys of a field, with priority: each acts at once, so the keys typed after it, however fast, reach the field
# (or the stepping keys) the screen then shows focused.
FIELD_KEYS = [
    Binding("tab", "next_field", "next field", show=False, priority=True,
            tooltip="the train field (enter there trains); in a field, the next one (shift+tab the previous)"),
    Binding("shift+tab", "previous_field", "previous field", show=False, priority=True,
            tooltip="in a field, the previous one"),
    Binding("enter", "submit_field", "apply", show=False, priority=True,
            tooltip="in a text field: apply it, and give the keys back to stepping; on a choice: open its list, "
            "where enter chooses and moves on to the next field"),
]

# What the key bar shows while a field has the keys, after the field's name.
EDITING = [("enter", "apply"), ("tab", "next field"), ("shift+tab", "previous"), ("esc", "leave")]
