"""Rapport's demo: a small organisation with a story (`demo_load`), and a large generated one
(`large.organisation_generate`) for trying Rapport at scale. Both write through the services."""

from __future__ import annotations

from rapport.demo import retrospectives as _retrospectives  # noqa: F401 (adds its step)
from rapport.demo.generator import STEPS, Built, DemoRefused, demo_exists, demo_load
from rapport.demo.story import DEMO_LOGINS, DEMO_ORGANISATION, DEMO_PASSWORD, PERSONAS

__all__ = [
    "DEMO_LOGINS",
    "DEMO_ORGANISATION",
    "DEMO_PASSWORD",
    "PERSONAS",
    "STEPS",
    "Built",
    "DemoRefused",
    "demo_exists",
    "demo_load",
]
