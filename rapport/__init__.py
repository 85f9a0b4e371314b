"""Rapport: one-on-ones that grow careers."""

__version__ = "0.1.0"
