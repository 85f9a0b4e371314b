"""How far ahead a date typed in may reach: a goal's target, a development plan's next
review, an action item's due date, days away."""

from __future__ import annotations

from datetime import date

# Ten years holds any career plan; a later year is a slip of the keyboard (9999 for 2029)
# that would then sit at the end of every list for good.
YEARS_AHEAD = 10


def latest_day(today: date) -> date:
    """The last day a date typed in on `today` may name."""
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February, in a year that has none
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def too_far_refusal(day: date | None, today: date, *, what: str) -> str | None:
    """Why `day` may not be `what` (“The target date”), or None when it is near enough."""
    if day is None or day <= latest_day(today):
        return None
    return (
        f"{what} is more than {YEARS_AHEAD} years ahead ({day:%d %b %Y}): "
        f"choose a date up to {latest_day(today):%d %b %Y}."
    )
