"""Presets: the picker's names and labels, and the preset the running options are; engine.presets holds them."""

from engine.presets import NAMES, PRESETS, Preset, matching

__all__ = ["NAMES", "PRESETS", "Preset", "matching"]
