"""What the meetings services share: how they clean and check input, the question they may ask."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from rapport.errors import Refused, clean_text
from rapport.framework.agenda import (
    HELD_MINUTES_MAX,
    HELD_MINUTES_MIN,
    MOOD_MAX,
    MOOD_MIN,
    is_held_minutes,
    is_mood,
)
from rapport.framework.cadence import WORKDAY_START, working_hours_concern

if TYPE_CHECKING:
    from rapport.people.models import Person


def _clean_text(text: str, *, limit: int = 500, what: str = "A topic") -> str:
    return clean_text(text, limit=limit, what=what, one_line=True, empty=f"{what} needs some text.")


def _check_mood(mood: int | None) -> None:
    if mood is not None and not is_mood(mood):
        raise Refused(f"Mood is on a scale from {MOOD_MIN} to {MOOD_MAX}.")


def _check_held_minutes(minutes: int) -> None:
    if not is_held_minutes(minutes):
        raise Refused(
            f"The real length must be between {HELD_MINUTES_MIN} and {HELD_MINUTES_MAX} minutes."
        )


class NeedsConfirmation(Refused):
    """Allowed but unusual enough to ask first: confirmed, the same call goes through."""

    status = 409


def outside_hours_concerns(
    reader: Person, people: Iterable[Person], start: dt.datetime, minutes: int
) -> list[str]:
    """Whose working hours a 1:1 at `start` for `minutes` leaves, each on their own clock, in
    the words of the one asked (`reader`, named first): empty when inside everyone's."""
    concerns = []
    for person in sorted(people, key=lambda p: p.pk != reader.pk):
        local = start.astimezone(person.tzinfo)
        concern = working_hours_concern(local, minutes)
        if concern is not None:
            concerns.append(_outside_hours_words(person, reader, local, minutes, concern))
    return concerns


def _outside_hours_words(
    person: Person, reader: Person, start: dt.datetime, minutes: int, concern: str
) -> str:
    """Whose working hours a time leaves, and how, for the one reading it."""
    end = start + dt.timedelta(minutes=minutes)
    if person.pk == reader.pk:  # the reader's own clock is the one the time is shown on
        how = {
            "weekend": f"it is a {start:%A}",
            "early": f"it starts before {WORKDAY_START:%H:%M}",
            "late": f"it would end at {end:%H:%M}",
        }[concern]
        return f"for you: {how}"
    ending = f", ending at {end:%H:%M}" if concern == "late" else ""
    return f"for {person.first_name} ({person.timezone}): it is {start:%A %H:%M} there{ending}"
