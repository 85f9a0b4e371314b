from __future__ import annotations

from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "rapport.insights"
    label = "insights"
    verbose_name = "Insights"
