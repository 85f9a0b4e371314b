"""What the meetings services share: how they clean and check input, the question they may ask."""

from __future__ import annotations

from rapport.errors import Refused, clean_text
from rapport.framework.agenda import (
    HELD_MINUTES_MAX,
    HELD_MINUTES_MIN,
    MOOD_MAX,
    MOOD_MIN,
    is_held_minutes,
    is_mood,
)


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
