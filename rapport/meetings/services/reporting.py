"""Writes to people that their 1:1s follow: a new manager ends one series and starts another.

People sit below meetings, so these compose the people app's own write with the
series it implies; every interface changes reporting lines through these.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from rapport.meetings.services.series import series_end, series_follow_level, series_start
from rapport.people import services as people
from rapport.people.models import Organisation, Person


def series_follow_manager(*, person: Person, now: dt.datetime | None = None) -> None:
    """End the person's open 1:1 (its history stays) and start one with their manager now."""
    for series in person.series.filter(ended_on__isnull=True):
        series_end(series=series, now=now)
    if person.manager is not None and person.is_active and person.manager.is_active:
        series_start(manager=person.manager, report=person, now=now)


@transaction.atomic
def person_invite(
    *, actor: Person, manager: Person | None = None, now: dt.datetime | None = None, **fields: Any
) -> Person:
    """Add a person (see `people.services.person_invite`) and start their 1:1 with the manager."""
    person = people.person_invite(actor=actor, manager=manager, now=now, **fields)
    if manager is not None:
        series_start(manager=manager, report=person, now=now)
    return person


@transaction.atomic
def person_update(
    *, actor: Person, person: Person, now: dt.datetime | None = None, **fields: Any
) -> Person:
    """Change someone's details; a new manager starts a new 1:1, a new level its cadence."""
    old_manager_id, old_level = person.manager_id, person.level
    person = people.person_update(actor=actor, person=person, now=now, **fields)
    if old_manager_id != person.manager_id:
        series_follow_manager(person=person, now=now)
    elif old_level != person.level:
        for series in person.series.filter(ended_on__isnull=True):
            series_follow_level(series=series, now=now)
    return person


@transaction.atomic
def person_deactivate(*, actor: Person, person: Person, now: dt.datetime | None = None) -> Person:
    """Stop someone signing in; their history stays, their open 1:1 ends."""
    person = people.person_deactivate(actor=actor, person=person, now=now)
    for series in person.series.filter(ended_on__isnull=True):
        series_end(series=series, now=now)
    return person


@transaction.atomic
def person_reactivate(*, actor: Person, person: Person, now: dt.datetime | None = None) -> Person:
    """Let a deactivated person sign in again and resume their 1:1."""
    person = people.person_reactivate(actor=actor, person=person, now=now)
    manager = person.manager
    open_series = person.series.filter(ended_on__isnull=True).exists()
    if manager is not None and manager.is_active and not open_series:
        series_start(manager=manager, report=person, now=now)
    return person


@transaction.atomic
def roster_import(
    *,
    actor: Person | None,
    organisation: Organisation,
    text: str,
    send_invites: bool = False,
    now: dt.datetime | None = None,
) -> people.RosterResult:
    """Import a roster CSV (all lines or nothing); everyone with a new manager gets a new 1:1."""
    result = people.roster_import(
        actor=actor, organisation=organisation, text=text, send_invites=send_invites, now=now
    )
    for person in result.moved:
        series_follow_manager(person=person, now=now)
    return result
