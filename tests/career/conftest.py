"""Career fixtures: ray moved from mia to omar, so that mia is his previous manager."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from rapport.meetings.services import report_update


def move_to_manager(ada, person, manager) -> None:
    report_update(
        actor=ada,
        person=person,
        name=person.name,
        level=person.level,
        manager=manager,
        timezone=person.timezone,
        remote=person.remote,
        is_org_admin=person.is_org_admin,
    )


@pytest.fixture
def moved(cast, series) -> SimpleNamespace:
    """ray's 1:1 with mia (ended) and his new one with omar (open)."""
    move_to_manager(cast.ada, cast.ray, cast.omar)
    series.refresh_from_db()
    new = cast.ray.series.get(ended_on__isnull=True)
    return SimpleNamespace(old=series, new=new)


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)
