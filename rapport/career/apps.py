from __future__ import annotations

from django.apps import AppConfig


class CareerConfig(AppConfig):
    name = "rapport.career"
    label = "career"
    verbose_name = "Career"
