from __future__ import annotations

from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "rapport.insights"
    label = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from rapport.insights.kept import watch_writes

        # Every connection's writes move the aggregates' stamp on (`insights.kept`).
        connection_created.connect(watch_writes, dispatch_uid="insights.kept.watch_writes")
