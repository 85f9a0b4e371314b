"""A form sent twice (a double click, a reload after posting) records once: the same
person saving the same thing again within a few minutes adds nothing."""

from __future__ import annotations

import datetime as dt

REPEAT_WINDOW = dt.timedelta(minutes=10)


def is_repeat(earlier_at: dt.datetime | None, now: dt.datetime) -> bool:
    """Whether something saved at `earlier_at` is recent enough for an identical save now
    to be the same submission sent twice."""
    return earlier_at is not None and dt.timedelta(0) <= now - earlier_at <= REPEAT_WINDOW
