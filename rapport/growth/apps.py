from __future__ import annotations

from django.apps import AppConfig


class GrowthConfig(AppConfig):
    name = "rapport.growth"
    label = "growth"
    verbose_name = "Growth"
