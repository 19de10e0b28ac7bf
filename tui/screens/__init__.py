"""Screens shown over the main view."""
