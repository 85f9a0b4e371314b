"""Every write to a series: starting, ending, its cadence and its planned meetings."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from rapport import access
from rapport.errors import Refused
from rapport.framework.cadence import (
    Cadence,
    CadenceChoice,
    cadence_for_level,
    cadence_refusal,
)
from rapport.framework.levels import level_or_default
from rapport.meetings import scheduling
from rapport.meetings.models import Meeting, Series, SharedNotes
from rapport.meetings.services.common import NeedsConfirmation, outside_hours_concerns
from rapport.meetings.services.rows import RowTable, moment_value
from rapport.people.models import Person

DEFAULT_START_TIME = dt.time(10, 0)
DEFAULT_WEEKDAY = 1  # Tuesday: clear of Monday planning and Friday wind-down
CADENCE_NOTE_LIMIT = 500
PREVIEW_COUNT = 6  # meetings shown before a cadence change is saved
START_BATCH = 500  # series written together by series_start_many, with their planned meetings


@transaction.atomic
def series_start(
    *, manager: Person, report: Person, on: dt.date | None = None, now: dt.datetime | None = None
) -> Series:
    """Open the standing 1:1 between a manager and a report, with the level's cadence."""
    return series_start_many(pairs=[(manager, report)], on=on, now=now)[0]


@transaction.atomic
def series_start_many(
    *,
    pairs: Sequence[tuple[Person, Person]],
    on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> list[Series]:
    """Open the standing 1:1s of many (manager, report) pairs, in order, as `series_start`
    would one after the other: a few bulk writes for all of them."""
    if not pairs:
        return []
    now = now or timezone.now()
    started_on = on or timezone.localdate(now)
    standing = _standing_series({manager.pk for manager, _ in pairs})
    started = []
    for manager, report in pairs:
        cadence = cadence_for_level(level_or_default(report.level))
        series = Series(
            organisation_id=report.organisation_id,
            manager=manager,
            report=report,
            started_on=started_on,
            frequency_weeks=cadence.default_frequency_weeks,
            duration_minutes=cadence.default_duration_minutes,
            career_every_weeks=cadence.career_interval_weeks,
            weekday=DEFAULT_WEEKDAY,
            start_time=_default_start_time(
                manager, report, started_on, cadence, standing.get(manager.pk, [])
            ),
            timezone=manager.timezone,
        )
        for person in (manager.pk, report.pk):
            standing.setdefault(person, []).append(series)
        started.append(series)
    for first in range(0, len(started), START_BATCH):
        batch = started[first : first + START_BATCH]
        Series.objects.bulk_create(batch)
        _meetings_insert([m for series in batch for m in _schedule_build(series, [], now)])
    return started


def _standing_series(people: set[int]) -> dict[int, list[Series]]:
    """The open 1:1s on the default weekday of each of these people, as manager or report."""
    found: dict[int, list[Series]] = {}
    ordered = sorted(people)
    for first in range(0, len(ordered), START_BATCH):  # a bounded number of query parameters
        chunk = set(ordered[first : first + START_BATCH])
        for series in Series.objects.filter(
            Q(manager_id__in=chunk) | Q(report_id__in=chunk),
            ended_on__isnull=True,
            weekday=DEFAULT_WEEKDAY,
        ).order_by("pk"):
            for person in {series.manager_id, series.report_id} & chunk:
                found.setdefault(person, []).append(series)
    return found


def _default_start_time(
    manager: Person, report: Person, started_on: dt.date, cadence: Cadence, standing: list[Series]
) -> dt.time:
    """A shared working hour for both, clear of the manager's other standing 1:1s that day."""
    on = scheduling.first_occurrence_date(started_on, DEFAULT_WEEKDAY)
    busy = []
    for other in standing:
        start = dt.datetime.combine(on, other.start_time, tzinfo=ZoneInfo(other.timezone))
        busy.append((start, start + dt.timedelta(minutes=other.duration_minutes)))
    return scheduling.shared_start_time(
        manager.timezone,
        report.timezone,
        on,
        busy=busy,
        minutes=cadence.default_duration_minutes,
    )


@transaction.atomic
def series_end(
    *, series: Series, on: dt.date | None = None, now: dt.datetime | None = None
) -> None:
    """Close a series: its history stays, its empty future meetings go.

    A future meeting that already holds topics, notes or items is kept, marked as
    called off, so nothing anyone wrote disappears with the series.
    """
    now = now or timezone.now()
    series.ended_on = on or timezone.localdate(now)
    series.save(update_fields=["ended_on"])
    future = series.meetings.filter(status=Meeting.Status.SCHEDULED, scheduled_at__gt=now)
    untouched = _untouched(future)
    Meeting.objects.filter(pk__in=list(untouched.values_list("pk", flat=True))).delete()
    for meeting in future:
        meeting.status = Meeting.Status.CANCELLED
        meeting.cancelled_at = now
        meeting.cancel_reason = "This 1:1 series ended."
        meeting.notice_hours = int((meeting.scheduled_at - now).total_seconds() // 3600)
        meeting.sequence += 1
        meeting.save(
            update_fields=["status", "cancelled_at", "cancel_reason", "notice_hours", "sequence"]
        )


def _untouched(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Meetings nobody has written anything on yet: safe to drop and regenerate."""
    return (
        meetings.filter(
            started_at__isnull=True,
            topics__isnull=True,
            action_items__isnull=True,
            private_notes__isnull=True,
        )
        .exclude(shared_notes__version__gt=0)
        .distinct()
    )


@transaction.atomic
def series_update_cadence(
    *,
    actor: Person,
    series: Series,
    choice: CadenceChoice,
    ask_if_outside_hours: bool = False,
    now: dt.datetime | None = None,
) -> Series:
    """Change when and how often a 1:1 happens; a departure from the level needs a reason.

    With `ask_if_outside_hours`, a new weekday, time or length that puts the 1:1 outside
    either person's working hours (on their own clock) raises NeedsConfirmation instead;
    the same call without it saves it.
    """
    _check_cadence(actor, series, choice)
    if ask_if_outside_hours:
        _ask_if_outside_hours(actor, series, choice, now=now or timezone.now())
    # The manager typed the time in their own timezone: the series now follows it.
    _apply_cadence(series, choice, zone=actor.timezone)
    series.save(
        update_fields=[
            "frequency_weeks",
            "duration_minutes",
            "career_every_weeks",
            "weekday",
            "start_time",
            "timezone",
            "cadence_reason",
            "cadence_note",
        ]
    )
    _reschedule_future(series, now=now)
    return series


def _check_cadence(actor: Person, series: Series, choice: CadenceChoice) -> None:
    access.series_check_manager(actor, series)
    refusal = cadence_refusal(
        level_or_default(series.report.level),
        frequency_weeks=choice.frequency_weeks,
        duration_minutes=choice.duration_minutes,
        career_every_weeks=choice.career_every_weeks,
        weekday=choice.weekday,
        reason=choice.reason,
    )
    if refusal:
        raise Refused(refusal)
    if len(choice.note) > CADENCE_NOTE_LIMIT:
        raise Refused(f"The note is limited to {CADENCE_NOTE_LIMIT} characters.")


def _ask_if_outside_hours(
    actor: Person, series: Series, choice: CadenceChoice, *, now: dt.datetime
) -> None:
    """Ask before a cadence's 1:1s fall outside either person's working hours, in the
    manager's words: the slot on their clock, the other person's on theirs.

    Each person's clock is read on every date of the coming year: when clocks change on
    different dates in the two zones, a slot inside both days now may leave one later.
    """
    if _same_slot(series, choice, zone=actor.timezone):
        return  # nothing about its hours changes: asked, if at all, when it was set
    slot = f"at {choice.start_time:%H:%M} on {scheduling.WEEKDAY_NAMES[choice.weekday]}s"
    people = (series.manager, series.report)
    dates = _year_of_occurrences(series, choice, zone=actor.timezone, now=now)
    regular, career = choice.duration_minutes, scheduling.career_minutes(choice.duration_minutes)
    lengths = [(regular, f"The 1:1 {slot}")]
    if career > regular:  # "late" may concern only the longer career-focused 1:1s
        lengths.append((career, f"The career-focused 1:1 {slot} ({career} minutes)"))
    for minutes, what in lengths:
        for start in dates:  # on the manager's clock, as the series will be
            if concerns := outside_hours_concerns(actor, people, start, minutes):
                when = "" if start == dates[0] else f" once the clocks change (from {start:%d %B})"
                raise NeedsConfirmation(
                    f"{what} is outside working hours{when} {'; and '.join(concerns)}. "
                    "Keep this cadence anyway?"
                )


def _same_slot(series: Series, choice: CadenceChoice, *, zone: str) -> bool:
    """Whether a choice keeps the series' weekday, time, length and timezone."""
    return (series.weekday, series.start_time, series.duration_minutes, series.timezone) == (
        choice.weekday,
        choice.start_time,
        choice.duration_minutes,
        zone,
    )


def _year_of_occurrences(
    series: Series, choice: CadenceChoice, *, zone: str, now: dt.datetime
) -> list[dt.datetime]:
    """The dates a cadence would give over the coming year (at least one)."""
    moments = scheduling.occurrences(
        anchor=series.started_on,
        weekday=choice.weekday,
        start_time=choice.start_time,
        timezone=zone,
        frequency_weeks=choice.frequency_weeks,
        after=now,
    )
    until = now + dt.timedelta(days=366)
    first = next(moments)
    return [first, *itertools.takewhile(lambda moment: moment <= until, moments)]


def _apply_cadence(series: Series, choice: CadenceChoice, *, zone: str) -> None:
    """Set the choice on the series, unsaved; its start time is read in `zone`."""
    series.frequency_weeks = choice.frequency_weeks
    series.duration_minutes = choice.duration_minutes
    series.career_every_weeks = choice.career_every_weeks
    series.weekday = choice.weekday
    series.start_time = choice.start_time
    series.timezone = zone
    series.cadence_reason = choice.reason
    series.cadence_note = choice.note.strip()


@dataclass(frozen=True, slots=True)
class PlannedMeeting:
    """One meeting a cadence would give: when, whether career-focused, kept from before."""

    at: dt.datetime
    career: bool
    kept: bool


@transaction.atomic  # one consistent view of the meetings it plans around
def series_cadence_preview(
    *,
    actor: Person,
    series: Series,
    choice: CadenceChoice,
    count: int = PREVIEW_COUNT,
    now: dt.datetime | None = None,
) -> list[PlannedMeeting]:
    """A dry run of series_update_cadence: the next meetings it would leave; writes nothing."""
    _check_cadence(actor, series, choice)
    now = now or timezone.now()
    future = series.meetings.filter(status=Meeting.Status.SCHEDULED, scheduled_at__gt=now)
    dropped = set(_untouched(future).values_list("pk", flat=True))
    existing = [m for m in series.meetings.order_by("scheduled_at") if m.pk not in dropped]
    draft = copy.copy(series)
    _apply_cadence(draft, choice, zone=actor.timezone)
    kept = [
        PlannedMeeting(m.scheduled_at, m.is_career, kept=True)
        for m in existing
        if m.scheduled_at > now and m.is_open
    ]
    new = [
        PlannedMeeting(moment, career, kept=False)
        for moment, career in itertools.islice(_planned(draft, existing, after=now), count)
    ]
    return sorted(kept + new, key=lambda planned: planned.at)[:count]


@transaction.atomic
def series_follow_level(*, series: Series, now: dt.datetime | None = None) -> Series:
    """Put an open series without a cadence override on its report's level's cadence."""
    if not series.is_open or series.cadence_reason:
        return series
    cadence = cadence_for_level(level_or_default(series.report.level))
    wanted = {
        "frequency_weeks": cadence.default_frequency_weeks,
        "duration_minutes": cadence.default_duration_minutes,
        "career_every_weeks": cadence.career_interval_weeks,
    }
    if all(getattr(series, name) == value for name, value in wanted.items()):
        return series
    for name, value in wanted.items():
        setattr(series, name, value)
    series.save(update_fields=list(wanted))
    _reschedule_future(series, now=now)
    return series


def _reschedule_future(series: Series, *, now: dt.datetime | None = None) -> None:
    """Regenerate untouched future meetings; ones with agenda or notes keep their slot."""
    now = now or timezone.now()
    future = series.meetings.filter(status=Meeting.Status.SCHEDULED, scheduled_at__gt=now)
    untouched = list(_untouched(future).values_list("pk", flat=True))
    Meeting.objects.filter(pk__in=untouched).delete()
    # Kept meetings (they hold an agenda or notes) keep their slot but take the new length;
    # calendars pick that up through SEQUENCE.
    for meeting in future.exclude(pk__in=untouched):
        wanted = series.duration_minutes
        if meeting.is_career:
            wanted = scheduling.career_minutes(wanted)
        if meeting.duration_minutes != wanted:
            meeting.duration_minutes = wanted
            meeting.sequence = F("sequence") + 1
            meeting.save(update_fields=["duration_minutes", "sequence"])
    series_schedule(series=series, now=now)


@transaction.atomic
def series_schedule(*, series: Series, now: dt.datetime | None = None) -> list[Meeting]:
    """Create the series' meetings up to the planning horizon; returns the new ones.

    Slots close to an existing meeting (held, moved, cancelled or kept after a
    cadence change) are left alone, so calling it again never doubles a week.
    """
    if not series.is_open:
        return []
    now = now or timezone.now()
    existing = list(series.meetings.order_by("scheduled_at"))
    created = _schedule_build(series, existing, now)
    _meetings_insert(created)
    return created


def _schedule_build(series: Series, existing: list[Meeting], now: dt.datetime) -> list[Meeting]:
    """The series' new meetings up to the planning horizon, around `existing`; not saved."""
    horizon = now + dt.timedelta(weeks=scheduling.HORIZON_WEEKS)
    upcoming = any(m.scheduled_at > now and m.is_open for m in existing)
    created: list[Meeting] = []
    for moment, career in _planned(series, existing, after=now):
        if moment > horizon and (created or upcoming):
            break
        # Planned now, or then when history is laid out; never later than the present.
        meeting = _meeting_build(series, moment, career=career, created_at=min(now, timezone.now()))
        created.append(meeting)
    return created


def _meetings_insert(meetings: list[Meeting]) -> None:
    """Write planned meetings, each with its empty shared notes, as rows (a roster import
    plans thousands; a model object saved each would cost more than the rest), and give
    each meeting its id. In the caller's transaction, which holds SQLite's write lock."""
    at = moment_value()
    table = RowTable(
        Meeting, ("series_id", "scheduled_at", "duration_minutes", "kind", "created_at")
    )
    ids = table.ids(len(meetings))
    table.insert(
        [
            (pk, m.series_id, at(m.scheduled_at), m.duration_minutes, str(m.kind), at(m.created_at))
            for pk, m in zip(ids, meetings, strict=True)
        ]
    )
    notes = RowTable(SharedNotes, ("meeting_id", "updated_at"))
    notes.insert(
        [
            (pk, meeting_id, at(m.created_at))
            for pk, meeting_id, m in zip(notes.ids(len(meetings)), ids, meetings, strict=True)
        ]
    )
    for meeting, pk in zip(meetings, ids, strict=True):
        meeting.pk = pk


def _planned(
    series: Series, existing: list[Meeting], *, after: dt.datetime
) -> Iterator[tuple[dt.datetime, bool]]:
    """The series' next new meetings as (moment, is_career), around the existing ones."""
    return scheduling.planned(
        anchor=series.started_on,
        weekday=series.weekday,
        start_time=series.start_time,
        timezone=series.timezone,
        frequency_weeks=series.frequency_weeks,
        career_every_weeks=series.career_every_weeks,
        after=after,
        # A called-off career 1:1 did not happen: the next slot takes its place.
        existing=[(m.scheduled_at, m.is_career and not m.is_called_off) for m in existing],
    )


def _meeting_build(
    series: Series, moment: dt.datetime, *, career: bool, created_at: dt.datetime | None = None
) -> Meeting:
    """A planned occurrence, not saved yet."""
    duration = series.duration_minutes
    if career:
        duration = scheduling.career_minutes(duration)
    return Meeting(
        series=series,
        scheduled_at=moment,
        kind=Meeting.Kind.CAREER if career else Meeting.Kind.REGULAR,
        duration_minutes=duration,
        created_at=created_at or timezone.now(),
    )


def _meeting_create(
    series: Series, moment: dt.datetime, *, career: bool, created_at: dt.datetime | None = None
) -> Meeting:
    meeting = _meeting_build(series, moment, career=career, created_at=created_at)
    meeting.save()
    SharedNotes.objects.create(meeting=meeting, updated_at=meeting.created_at)
    return meeting


def next_meeting(meeting: Meeting, *, now: dt.datetime | None = None) -> Meeting | None:
    """The next scheduled meeting of the same series, scheduling one if none exists."""
    later = meeting.series.meetings.filter(
        status=Meeting.Status.SCHEDULED, scheduled_at__gt=meeting.scheduled_at
    ).exclude(pk=meeting.pk)
    found = later.order_by("scheduled_at").first()
    if found is None:
        # Plan from this meeting on: it may be the last one inside the horizon.
        start = max(meeting.scheduled_at, now or timezone.now())
        if series_schedule(series=meeting.series, now=start):
            found = later.order_by("scheduled_at").first()
    return found
