"""Reads of organisations and people: the operator's choice of organisation, days away."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from rapport.errors import Refused
from rapport.people.models import Absence, Organisation


def organisation_chosen(name: str | None, *, creatable: bool = False) -> Organisation:
    """The organisation named (any case), or the only one there is; Refused otherwise."""
    organisations = list(Organisation.objects.order_by("name"))
    names = ", ".join(organisation.name for organisation in organisations)
    if name:
        matches = [o for o in organisations if o.name.casefold() == name.strip().casefold()]
        if len(matches) == 1:
            return matches[0]
        raise Refused(f"no organisation named “{name}” (there are: {names or 'none'})")
    if len(organisations) == 1:
        return organisations[0]
    if not organisations:
        raise Refused(
            "there is no organisation yet: set up Rapport first (`rapport serve` prints "
            "the link, or `rapport createadmin`)"
            + (", or import with --create-org NAME" if creatable else "")
        )
    raise Refused(f"there are several organisations ({names}): choose one with --org NAME")


def days_away_of(
    people: Iterable[int], *, first: dt.date, last: dt.date
) -> dict[int, list[tuple[dt.date, dt.date]]]:
    """Each person's days away overlapping [first, last], as (first day, last day) pairs."""
    away: dict[int, list[tuple[dt.date, dt.date]]] = {}
    for person_id, starts_on, ends_on in Absence.objects.filter(
        person_id__in=list(people), starts_on__lte=last, ends_on__gte=first
    ).values_list("person_id", "starts_on", "ends_on"):
        away.setdefault(person_id, []).append((starts_on, ends_on))
    return away
