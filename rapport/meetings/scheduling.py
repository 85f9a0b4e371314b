"""Where a series' occurrences fall: pure date arithmetic in the series' timezone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from rapport.framework.cadence import (
    SUGGESTED_END,
    SUGGESTED_START,
    WORKDAY_END,
    WORKDAY_START,
    working_hours_concern,
)

CAREER_MEETING_MINUTES = 50  # progress 15 + feedback 15 + planning 15 + actions 5
CAREER_MAX_MINUTES = 60  # the framework's career 1:1 lasts 45-60 minutes
# When no hour lies inside both people's working days (their zones are too far apart).
FALLBACK_START_TIME = dt.time(10, 0)
HORIZON_WEEKS = 8
# A career slot is due when its interval has passed, less a few days of slack so
# a monthly career 1:1 is not pushed a whole cycle by a one-day drift.
CAREER_SLACK_DAYS = 3
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


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
        moment = first_valid_local(dt.datetime.combine(day, start_time), tz)
        if moment > after:
            yield moment
        day += step


def planned(
    *,
    anchor: dt.date,
    weekday: int,
    start_time: dt.time,
    timezone: str,
    frequency_weeks: int,
    career_every_weeks: int,
    after: dt.datetime,
    existing: list[tuple[dt.datetime, bool]],
) -> Iterator[tuple[dt.datetime, bool]]:
    """The cadence's new meetings after `after` as (moment, is_career), endlessly.

    `existing` holds the meetings already there as (moment, counts as a career 1:1);
    a slot closer than half a period to one of them is the same slot and is skipped.
    """
    taken = list(existing)
    too_close = dt.timedelta(days=frequency_weeks * 7 / 2)
    for moment in occurrences(
        anchor=anchor,
        weekday=weekday,
        start_time=start_time,
        timezone=timezone,
        frequency_weeks=frequency_weeks,
        after=after,
    ):
        if any(abs(other - moment) < too_close for other, _ in taken):
            continue
        last_career = max(
            (
                other.astimezone(moment.tzinfo).date()
                for other, career in taken
                if career and other < moment
            ),
            default=None,
        )
        career = career_is_due(
            last_career=last_career,
            series_start=anchor,
            on=moment.date(),
            every_weeks=career_every_weeks,
        )
        taken.append((moment, career))
        yield moment, career


def career_is_due(
    *, last_career: dt.date | None, series_start: dt.date, on: dt.date, every_weeks: int
) -> bool:
    """Whether a meeting on `on` should be the career-focused one."""
    since = last_career or series_start
    return (on - since).days >= every_weeks * 7 - CAREER_SLACK_DAYS


def exists_locally(moment: dt.datetime) -> bool:
    """Whether an aware wall time exists in its zone (false inside a daylight-saving gap)."""
    # In a gap the earlier reading takes the offset from before the change, the later one
    # the offset after it (PEP 495): a gap is where the later offset is the larger. No
    # conversion either, so the last hours of the year 9999 are read without overflowing.
    earlier = moment.replace(fold=0).utcoffset()
    later = moment.replace(fold=1).utcoffset()
    return earlier is None or later is None or earlier >= later


def first_valid_local(wall: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """The wall time in tz, or the first local minute after it when the clocks skip it."""
    moment = wall.replace(tzinfo=tz)
    # A gap is at most a day long (Samoa 2011); minutes keep the result on a round time.
    for _ in range(24 * 60):
        if exists_locally(moment):
            return moment
        moment = (moment.replace(tzinfo=None) + dt.timedelta(minutes=1)).replace(tzinfo=tz)
    return moment


def career_minutes(series_minutes: int) -> int:
    """A career-focused 1:1 keeps its four parts (50 min) and stays within 45-60 minutes."""
    return min(max(series_minutes, CAREER_MEETING_MINUTES), CAREER_MAX_MINUTES)


def shared_start_times(
    manager_tz: str, report_tz: str, on: dt.date, *, minutes: int = 60
) -> list[dt.time]:
    """Whole hours (manager's local time) to suggest for a 1:1 of `minutes` on `on`, in order:
    those inside both people's suggested hours, else those inside both working days."""
    zones = (ZoneInfo(manager_tz), ZoneInfo(report_tz))
    preferred = _shared_hours(zones, on, minutes, within=(SUGGESTED_START, SUGGESTED_END))
    return preferred or _shared_hours(zones, on, minutes, within=(WORKDAY_START, WORKDAY_END))


def _shared_hours(
    zones: tuple[ZoneInfo, ZoneInfo], on: dt.date, minutes: int, *, within: tuple[dt.time, dt.time]
) -> list[dt.time]:
    """Whole hours on the first zone's clock when a 1:1 of `minutes` (an hour at least) lies
    `within` these hours on both people's clocks, and inside both working days."""
    first, last = within
    found = []
    for hour in range(first.hour, last.hour):
        start = dt.datetime.combine(on, dt.time(hour), tzinfo=zones[0])
        if all(_fits(start.astimezone(zone), minutes, within) for zone in zones):
            found.append(dt.time(hour))
    return found


def _fits(local: dt.datetime, minutes: int, within: tuple[dt.time, dt.time]) -> bool:
    """Whether a 1:1 at `local` (a person's clock) lies within the hours for an hour at least
    (a career-focused 1:1 runs up to one) and inside the working day for its `minutes`."""
    first, last = within
    end = local + dt.timedelta(minutes=max(minutes, 60))
    inside = end.date() == local.date() and first <= local.time() and end.time() <= last
    # The working-hours rule has the last word, whatever the hours searched.
    return inside and working_hours_concern(local, minutes) is None


def shared_start_time(
    manager_tz: str,
    report_tz: str,
    on: dt.date,
    *,
    busy: list[tuple[dt.datetime, dt.datetime]] = (),
    minutes: int = 60,
) -> dt.time:
    """The first shared hour (`shared_start_times`) that is not busy; else the first shared
    one; else, when no hour is inside both working days, the manager's 10:00."""
    shared = shared_start_times(manager_tz, report_tz, on, minutes=minutes)
    zone = ZoneInfo(manager_tz)
    for time in shared:
        start = dt.datetime.combine(on, time, tzinfo=zone)
        end = start + dt.timedelta(minutes=minutes)
        if not any(start < busy_end and busy_start < end for busy_start, busy_end in busy):
            return time
    return shared[0] if shared else FALLBACK_START_TIME


def wall_clock_in(
    weekday: int, time: dt.time, *, from_tz: str, to_tz: str, around: dt.date
) -> tuple[int, dt.time]:
    """The weekday and time in to_tz of a weekly slot set in from_tz (its next one from around)."""
    day = first_occurrence_date(around, weekday)
    there = first_valid_local(dt.datetime.combine(day, time), ZoneInfo(from_tz))
    there = there.astimezone(ZoneInfo(to_tz))
    return there.weekday(), there.time().replace(tzinfo=None)
