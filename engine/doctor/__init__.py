"""The shape doctor: a whitelist parser for NumPy lines, their shape rules, diagnoses, and break-it's mistakes."""

from __future__ import annotations

_LAZY = {
    "Diagnosis": "diagnosis", "Fix": "diagnosis", "diagnose": "diagnosis",
    "RIGHT_VALUES": "diagnosis", "RIGHT_SHAPE": "diagnosis", "RUNS": "diagnosis",
    "Mistake": "breakit", "mistakes": "breakit",
    "Axes": "axes", "left_name": "grammar", "NotReached": "grammar",
}

__all__ = list(_LAZY)


def __getattr__(name: str):
    # loaded on first use, so the engine's events (which need only the shape-rule marks) stay light
    if name in _LAZY:
        from importlib import import_module
        return getattr(import_module(f"engine.doctor.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'engine.doctor' has no attribute {name!r}")
