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
    the words of the one asked (`reader`, named first; those on the reader's clock beside
    them, "for you and Ray"): empty when inside everyone's."""
    offset = start.astimezone(reader.tzinfo).utcoffset()
    found: dict[str, list[str]] = {}  # how, for whom
    for person in sorted(people, key=lambda p: p.pk != reader.pk):
        local = start.astimezone(person.tzinfo)
        concern = working_hours_concern(local, minutes)
        if concern is not None:
            how = _outside_hours_words(local, minutes, concern, local.utcoffset() == offset)
            whom = "you" if person.pk == reader.pk else person.first_name
            if local.utcoffset() != offset:
                whom = f"{whom} ({person.timezone})"
            found.setdefault(how, []).append(whom)
    return [f"for {' and '.join(whom)}: {how}" for how, whom in found.items()]


def _outside_hours_words(start: dt.datetime, minutes: int, concern: str, same_clock: bool) -> str:
    """How a time leaves someone's working hours: on the reader's own clock (the one the
    time is shown on) the reason, on another the time it is there."""
    end = start + dt.timedelta(minutes=minutes)
    if same_clock:
        return {
            "weekend": f"it is a {start:%A}",
            "early": f"it starts before {WORKDAY_START:%H:%M}",
            "late": f"it would end at {end:%H:%M}",
        }[concern]
    ending = f", ending at {end:%H:%M}" if concern == "late" else ""
    return f"it is {start:%A %H:%M} there{ending}"
