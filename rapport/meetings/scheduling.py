"""Where a series' occurrences fall: pure date arithmetic in the series' timezone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

CAREER_MEETING_MINUTES = 50  # progress 15 + feedback 15 + planning 15 + actions 5
HORIZON_WEEKS = 8
# A career slot is due when its interval has passed, less a few days of slack so
# a monthly career 1:1 is not pushed a whole cycle by a one-day drift.
CAREER_SLACK_DAYS = 3


def first_occurrence_date(start: dt.date, weekday: int) -> dt.date:
    """The first date on or after start that falls on weekday (Monday is 0)."""
    return start + dt.timedelta(days=(weekday - start.weekday()) % 7)


def occurrences(
    *,
    anchor: dt.date,
    weekday: int,
    start_time: dt.time,
    timezone: str,
    frequency_weeks: int,
    after: dt.datetime,
) -> Iterator[dt.datetime]:
    """Aware datetimes of the cadence, from the first one after `after`, endlessly."""
    tz = ZoneInfo(timezone)
    day = first_occurrence_date(anchor, weekday)
    step = dt.timedelta(weeks=frequency_weeks)
    after_local = after.astimezone(tz).date()
    if day < after_local:
        skipped = (after_local - day).days // step.days
        day += step * skipped
    while True:
        moment = dt.datetime.combine(day, start_time, tzinfo=tz)
        if moment > after:
            yield moment
        day += step


def career_is_due(
    *, last_career: dt.date | None, series_start: dt.date, on: dt.date, every_weeks: int
) -> bool:
    """Whether a meeting on `on` should be the career-focused one."""
    since = last_career or series_start
    return (on - since).days >= every_weeks * 7 - CAREER_SLACK_DAYS
