"""stepprop's engine: a pure-NumPy network whose training step is one event per matrix operation."""

from importlib import import_module

from engine.events import PHASES, Event
from engine.network import Network

# Loaded on first use, so that showing a step imports only what a step needs: name -> (module, attribute).
_LATER = {
    "datasets": ("engine.datasets", None),
    "doctor": ("engine.doctor", None),
    "export": ("engine.export", None),
    "trace": ("engine.trace", None),
    "gradient_check": ("engine.gradcheck", "gradient_check"),
    "diagnose": ("engine.doctor", "diagnose"),
    "Diagnosis": ("engine.doctor", "Diagnosis"),
}

__all__ = ["Network", "Event", "PHASES", "gradient_check", "datasets", "diagnose", "Diagnosis", "doctor", "export",
           "trace"]


def __getattr__(name: str):
    if name not in _LATER:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    module, attribute = _LATER[name]
    value = import_module(module)
    if attribute is not None:
        value = getattr(value, attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
