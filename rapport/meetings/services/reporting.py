"""Writes to people that their 1:1s follow: a new manager ends one series and starts another.

People sit below meetings, so each of these wraps the people app's own write (the person
record: `rapport.people.services`) with the series it implies. Every interface changes people
and reporting lines through these: `report_invite`, `report_update`, `report_deactivate`,
`report_reactivate` and `roster_apply`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from rapport.meetings.models import Series
from rapport.meetings.services.series import (
    START_BATCH,
    series_end,
    series_follow_level,
    series_start,
    series_start_many,
)
from rapport.people import services as people
from rapport.people.models import Person


def _series_end_open(person: Person, *, now: dt.datetime | None) -> None:
    """End the person's open 1:1 as their report; its history stays."""
    for series in person.series.filter(ended_on__isnull=True):
        series_end(series=series, now=now)


def series_follow_manager(*, person: Person, now: dt.datetime | None = None) -> None:
    """End the person's open 1:1 (its history stays) and start one with their manager now."""
    _series_end_open(person, now=now)
    if (manager := _manager_to_follow(person)) is not None:
        series_start(manager=manager, report=person, now=now)


def _manager_to_follow(person: Person) -> Person | None:
    """The manager an active person has a 1:1 with, if both are active."""
    manager = person.manager
    if manager is not None and person.is_active and manager.is_active:
        return manager
    return None


@transaction.atomic
def report_invite(
    *, actor: Person, manager: Person | None = None, now: dt.datetime | None = None, **fields: Any
) -> Person:
    """Invite a person (`people.services.person_invite`) and start their 1:1 with the manager."""
    person = people.person_invite(actor=actor, manager=manager, now=now, **fields)
    if manager is not None:
        series_start(manager=manager, report=person, now=now)
    return person


@transaction.atomic
def report_update(
    *, actor: Person, person: Person, now: dt.datetime | None = None, **fields: Any
) -> Person:
    """Change someone's details (`people.services.person_update`); their 1:1s follow.

    A new manager ends the open 1:1 and starts one with the new manager; a new level
    brings the open 1:1 to that level's cadence.
    """
    old_manager_id, old_level = person.manager_id, person.level
    person = people.person_update(actor=actor, person=person, now=now, **fields)
    if old_manager_id != person.manager_id:
        series_follow_manager(person=person, now=now)
    elif old_level != person.level:
        for series in person.series.filter(ended_on__isnull=True):
            series_follow_level(series=series, now=now)
    return person


@transaction.atomic
def report_deactivate(*, actor: Person, person: Person, now: dt.datetime | None = None) -> Person:
    """Stop someone signing in (`people.services.person_deactivate`) and end their open 1:1."""
    person = people.person_deactivate(actor=actor, person=person, now=now)
    _series_end_open(person, now=now)
    return person


@transaction.atomic
def report_reactivate(*, actor: Person, person: Person, now: dt.datetime | None = None) -> Person:
    """Let someone sign in again (`people.services.person_reactivate`) and resume their 1:1."""
    person = people.person_reactivate(actor=actor, person=person, now=now)
    manager = person.manager
    resumes = manager is not None and manager.is_active
    if resumes and not person.series.filter(ended_on__isnull=True).exists():
        series_start(manager=manager, report=person, now=now)
    return person


@transaction.atomic
def roster_apply(*, now: dt.datetime | None = None, **roster: Any) -> people.RosterResult:
    """Import a roster (`people.services.roster_import`); everyone with a new manager gets a
    new 1:1. One transaction: a refusal anywhere leaves everything as it was."""
    result = people.roster_import(now=now, **roster)
    # As `series_follow_manager` for each, with their open 1:1s found together and the new
    # ones started together.
    open_series = _open_series_of([person.pk for person in result.moved])
    starting = []
    for person in result.moved:
        for series in open_series.get(person.pk, []):
            series_end(series=series, now=now)
        if (manager := _manager_to_follow(person)) is not None:
            starting.append((manager, person))
    series_start_many(pairs=starting, now=now)
    return result


def _open_series_of(reports: list[int]) -> dict[int, list[Series]]:
    """The open 1:1s of each of these people as the report, oldest first."""
    found: dict[int, list[Series]] = {}
    for first in range(0, len(reports), START_BATCH):  # a bounded number of query parameters
        chunk = reports[first : first + START_BATCH]
        for series in Series.objects.filter(report_id__in=chunk, ended_on__isnull=True).order_by(
            "pk"
        ):
            found.setdefault(series.report_id, []).append(series)
    return found
