from __future__ import annotations

from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "rapport.meetings"
    label = "meetings"
    verbose_name = "Meetings"
