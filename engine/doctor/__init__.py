"""The shape doctor: a whitelist parser for NumPy lines, their shape rules, diagnoses, and break-it's mistakes."""

from __future__ import annotations

_DIAGNOSIS = ("Diagnosis", "Mistake", "diagnose", "mistakes")

__all__ = list(_DIAGNOSIS)


def __getattr__(name: str):
    # loaded on first use, so the engine's events (which need only the shape-rule marks) stay light
    if name in _DIAGNOSIS:
        from engine.doctor import diagnosis
        return getattr(diagnosis, name)
    raise AttributeError(f"module 'engine.doctor' has no attribute {name!r}")
