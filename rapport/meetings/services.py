"""Every write to series, meetings, agendas, notes and action items."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone

from rapport import access
from rapport.framework.cadence import (
    ADJUSTMENT_REASONS,
    Cadence,
    cadence_for_level,
    is_frequency_allowed,
)
from rapport.meetings import scheduling
from rapport.meetings.models import (
    ActionItem,
    Meeting,
    PrivateNote,
    Series,
    SharedNotes,
    Topic,
    agenda_order,
)
from rapport.people.models import Person

DEFAULT_START_TIME = dt.time(10, 0)
DEFAULT_WEEKDAY = 1  # Tuesday: clear of Monday planning and Friday wind-down


class ServiceError(ValueError):
    """A request the domain refuses, with a message meant for the person."""


class NotesConflict(ServiceError):
    """Someone saved the notes since this version was loaded."""

    def __init__(self, current: SharedNotes | PrivateNote) -> None:
        super().__init__("These notes were changed elsewhere since you loaded them.")
        self.current = current


# Series ----------------------------------------------------------------------


@transaction.atomic
def series_start(*, manager: Person, report: Person, on: dt.date | None = None) -> Series:
    """Open the standing 1:1 between a manager and a report, with the level's cadence."""
    cadence = cadence_for_level(report.level or "confirmed")
    started_on = on or timezone.localdate()
    series = Series.objects.create(
        organisation_id=report.organisation_id,
        manager=manager,
        report=report,
        started_on=started_on,
        frequency_weeks=cadence.default_frequency_weeks,
        duration_minutes=cadence.default_duration_minutes,
        career_every_weeks=cadence.career_interval_weeks,
        weekday=DEFAULT_WEEKDAY,
        start_time=_default_start_time(manager, report, started_on, cadence),
        timezone=manager.timezone,
    )
    series_schedule(series=series)
    return series


def _default_start_time(
    manager: Person, report: Person, started_on: dt.date, cadence: Cadence
) -> dt.time:
    """A shared working hour for both, clear of the manager's other standing 1:1s that day."""
    on = scheduling.first_occurrence_date(started_on, DEFAULT_WEEKDAY)
    busy = []
    for other in Series.objects.filter(
        Q(manager=manager) | Q(report=manager), ended_on__isnull=True, weekday=DEFAULT_WEEKDAY
    ):
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
    frequency_weeks: int,
    duration_minutes: int,
    career_every_weeks: int,
    weekday: int,
    start_time: dt.time,
    reason: str,
    note: str = "",
) -> Series:
    """Change when and how often a 1:1 happens; a departure from the level needs a reason."""
    access.series_check_manager(actor, series)
    if not 15 <= duration_minutes <= 120:
        raise ServiceError("A 1:1 lasts between 15 and 120 minutes.")
    if not 1 <= frequency_weeks <= 8 or not 1 <= career_every_weeks <= 26:
        raise ServiceError("Choose a frequency of 1 to 8 weeks and a career interval up to 26.")
    if not 0 <= weekday <= 6:
        raise ServiceError("Choose a weekday from Monday to Sunday.")
    if reason and reason not in dict(ADJUSTMENT_REASONS):
        raise ServiceError("Choose one of the framework's reasons to adjust a cadence.")
    if len(note) > 500:
        raise ServiceError("The note is limited to 500 characters.")
    if (
        cadence_departs(
            series.report.level or "confirmed",
            frequency_weeks=frequency_weeks,
            duration_minutes=duration_minutes,
            career_every_weeks=career_every_weeks,
        )
        and not reason
    ):
        raise ServiceError(
            "This cadence differs from the framework's for the level: choose a reason."
        )
    series.frequency_weeks = frequency_weeks
    series.duration_minutes = duration_minutes
    series.career_every_weeks = career_every_weeks
    series.weekday = weekday
    series.start_time = start_time
    # The manager typed the time in their own timezone: the series now follows it.
    series.timezone = actor.timezone
    series.cadence_reason = reason
    series.cadence_note = note.strip()
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
    _reschedule_future(series)
    return series


@transaction.atomic
def series_follow_level(*, series: Series) -> Series:
    """Put an open series without a cadence override on its report's level's cadence."""
    if not series.is_open or series.cadence_reason:
        return series
    cadence = cadence_for_level(series.report.level or "confirmed")
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
    _reschedule_future(series)
    return series


def cadence_departs(
    level: str, *, frequency_weeks: int, duration_minutes: int, career_every_weeks: int
) -> bool:
    """Whether a cadence leaves the framework's row for the level (then it needs a reason)."""
    cadence = cadence_for_level(level)
    return (
        not is_frequency_allowed(level, frequency_weeks)
        or not cadence.allows_duration(duration_minutes)
        or career_every_weeks != cadence.career_interval_weeks
    )


def _reschedule_future(series: Series) -> None:
    """Regenerate untouched future meetings; ones with agenda or notes keep their slot."""
    future = series.meetings.filter(
        status=Meeting.Status.SCHEDULED, scheduled_at__gt=timezone.now()
    )
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
    series_schedule(series=series)


def series_schedule(*, series: Series, now: dt.datetime | None = None) -> list[Meeting]:
    """Create the series' meetings up to the planning horizon; returns the new ones.

    Slots close to an existing meeting (held, moved, cancelled or kept after a
    cadence change) are left alone, so calling it again never doubles a week.
    """
    if not series.is_open:
        return []
    now = now or timezone.now()
    horizon = now + dt.timedelta(weeks=scheduling.HORIZON_WEEKS)
    existing = list(series.meetings.order_by("scheduled_at"))
    upcoming = any(m.scheduled_at > now and m.is_open for m in existing)
    # Two meetings closer than half a period would be the same slot twice.
    too_close = dt.timedelta(days=series.frequency_weeks * 7 / 2)
    created: list[Meeting] = []
    for moment in scheduling.occurrences(
        anchor=series.started_on,
        weekday=series.weekday,
        start_time=series.start_time,
        timezone=series.timezone,
        frequency_weeks=series.frequency_weeks,
        after=now,
    ):
        if moment > horizon and (created or upcoming):
            break
        if any(abs(m.scheduled_at - moment) < too_close for m in existing):
            continue
        career = scheduling.career_is_due(
            last_career=_last_career_before(existing, moment),
            series_start=series.started_on,
            on=moment.date(),
            every_weeks=series.career_every_weeks,
        )
        meeting = _meeting_create(series, moment, career=career)
        existing.append(meeting)
        created.append(meeting)
    return created


def _last_career_before(meetings: list[Meeting], moment: dt.datetime) -> dt.date | None:
    """The day of the last career-focused meeting before `moment` that was not called off."""
    return max(
        (
            m.scheduled_at.astimezone(moment.tzinfo).date()
            for m in meetings
            if m.is_career and m.scheduled_at < moment and not m.is_called_off
        ),
        default=None,
    )


def _meeting_create(series: Series, moment: dt.datetime, *, career: bool) -> Meeting:
    duration = series.duration_minutes
    if career:
        duration = scheduling.career_minutes(duration)
    meeting = Meeting.objects.create(
        series=series,
        scheduled_at=moment,
        kind=Meeting.Kind.CAREER if career else Meeting.Kind.REGULAR,
        duration_minutes=duration,
    )
    SharedNotes.objects.create(meeting=meeting)
    return meeting


def next_meeting(meeting: Meeting) -> Meeting | None:
    """The next scheduled meeting of the same series, scheduling one if none exists."""
    later = meeting.series.meetings.filter(
        status=Meeting.Status.SCHEDULED, scheduled_at__gt=meeting.scheduled_at
    ).exclude(pk=meeting.pk)
    found = later.order_by("scheduled_at").first()
    if found is None:
        # Plan from this meeting on: it may be the last one inside the horizon.
        start = max(meeting.scheduled_at, timezone.now())
        if series_schedule(series=meeting.series, now=start):
            found = later.order_by("scheduled_at").first()
    return found


# Running a meeting -------------------------------------------------------------


@transaction.atomic
def meeting_start(*, actor: Person, meeting: Meeting, now: dt.datetime | None = None) -> Meeting:
    """Open the meeting: topics added from now on count as added during it."""
    access.meeting_check_manager(actor, meeting)
    if meeting.status != Meeting.Status.SCHEDULED:
        raise ServiceError("Only a scheduled meeting can be started.")
    if meeting.started_at is None:
        meeting.started_at = now or timezone.now()
        meeting.save(update_fields=["started_at"])
    return meeting


@transaction.atomic
def meeting_complete(
    *,
    actor: Person,
    meeting: Meeting,
    held_minutes: int | None = None,
    mood: int | None = None,
    now: dt.datetime | None = None,
) -> Meeting:
    """Mark the meeting held; topics not discussed roll into the next meeting."""
    access.meeting_check_manager(actor, meeting)
    if meeting.status != Meeting.Status.SCHEDULED:
        raise ServiceError("This meeting is already closed.")
    now = now or timezone.now()
    if mood is not None and not 1 <= mood <= 5:
        raise ServiceError("Mood is on a scale from 1 to 5.")
    started = meeting.started_at or meeting.scheduled_at
    if held_minutes is None:
        held_minutes = max(1, round((now - started).total_seconds() / 60))
    if not 1 <= held_minutes <= 480:
        raise ServiceError("The real length must be between 1 and 480 minutes.")
    meeting.status = Meeting.Status.HELD
    meeting.started_at = started
    meeting.ended_at = now
    meeting.held_minutes = held_minutes
    if mood is not None:
        meeting.mood = mood
    meeting.save(update_fields=["status", "started_at", "ended_at", "held_minutes", "mood"])
    topics_carry_over(meeting=meeting)
    return meeting


def topics_carry_over(*, meeting: Meeting, to: Meeting | None = None) -> int:
    """Copy the meeting's undiscussed topics onto the next meeting (or `to`); returns how many."""
    pending = list(meeting.topics.filter(discussed=False, carried_to__isnull=True))
    target = (to or next_meeting(meeting)) if pending else None
    if target is None:
        return 0
    start = (target.topics.aggregate(top=Max("position"))["top"] or 0) + 1
    Topic.objects.bulk_create(
        Topic(
            meeting=target,
            author_id=topic.author_id,
            text=topic.text,
            kind=topic.kind,
            position=start + offset,
            added_before_start=True,
            carried_from=topic,
        )
        for offset, topic in enumerate(pending)
    )
    return len(pending)


@transaction.atomic
def meeting_set_mood(*, actor: Person, meeting: Meeting, mood: int) -> Meeting:
    """Record the opening check-in on mood and energy (1 low to 5 high)."""
    access.meeting_check_change(actor, meeting)
    if meeting.is_called_off:
        raise ServiceError("This meeting did not take place.")
    if not 1 <= mood <= 5:
        raise ServiceError("Mood is on a scale from 1 to 5.")
    meeting.mood = mood
    meeting.save(update_fields=["mood"])
    return meeting


@transaction.atomic
def meeting_cancel(
    *,
    actor: Person,
    meeting: Meeting,
    reason: str,
    new_time: dt.datetime | None = None,
    skip: bool = False,
    now: dt.datetime | None = None,
) -> Meeting | None:
    """Cancel a meeting, recording who, when, the notice and why; returns the new one if moved.

    Either participant may do it, and it is recorded as theirs. A naive `new_time`
    is read in the actor's timezone. A moved meeting takes its agenda and notes
    along; a skipped one (explicitly) hands its undiscussed topics to the next one.
    """
    access.meeting_check_change(actor, meeting)
    if meeting.status != Meeting.Status.SCHEDULED:
        raise ServiceError("Only a scheduled meeting can be cancelled or moved.")
    reason = " ".join(reason.split())
    if not reason:
        raise ServiceError("Say briefly why: the other person deserves to know.")
    if len(reason) > 300:
        raise ServiceError("Keep the reason under 300 characters.")
    if new_time is not None and skip:
        raise ServiceError("Choose a new time or skip this one, not both.")
    if new_time is None and not skip:
        raise ServiceError(
            "Give the new time, or choose “skip this one”: a cancelled 1:1 is best "
            "rescheduled at once."
        )
    now = now or timezone.now()
    if new_time is not None:
        new_time = _check_new_time(actor, meeting, new_time, now=now)
    meeting.cancelled_by = actor
    meeting.cancelled_at = now
    meeting.cancel_reason = reason
    meeting.notice_hours = int((meeting.scheduled_at - now).total_seconds() // 3600)
    meeting.sequence += 1
    moved = None
    if new_time is not None:
        moved = _meeting_create(meeting.series, new_time, career=meeting.is_career)
        if moved.duration_minutes != meeting.duration_minutes:
            moved.duration_minutes = meeting.duration_minutes
            moved.save(update_fields=["duration_minutes"])
        meeting.moved_to = moved
        meeting.status = Meeting.Status.RESCHEDULED
    else:
        meeting.status = Meeting.Status.CANCELLED
    meeting.save(
        update_fields=[
            "cancelled_by",
            "cancelled_at",
            "cancel_reason",
            "notice_hours",
            "moved_to",
            "status",
            "sequence",
        ]
    )
    topics_carry_over(meeting=meeting, to=moved)
    if moved is not None:
        _notes_move(meeting, moved)
    elif meeting.is_career:
        _career_hand_over(meeting)
    return moved


def _career_hand_over(skipped: Meeting) -> Meeting | None:
    """A skipped career 1:1 makes the next regular one career-focused: career is never dropped."""
    following = (
        Meeting.objects.filter(
            series=skipped.series,
            status=Meeting.Status.SCHEDULED,
            scheduled_at__gt=skipped.scheduled_at,
        )
        .order_by("scheduled_at")
        .first()
    )
    if following is None or following.is_career:
        return None
    following.kind = Meeting.Kind.CAREER
    following.duration_minutes = scheduling.career_minutes(following.duration_minutes)
    following.sequence += 1
    following.save(update_fields=["kind", "duration_minutes", "sequence"])
    return following


def _check_new_time(
    actor: Person, meeting: Meeting, new_time: dt.datetime, *, now: dt.datetime
) -> dt.datetime:
    """Refuse a time that does not exist, is past, or lands on another 1:1 of the manager."""
    if timezone.is_naive(new_time):
        new_time = new_time.replace(tzinfo=ZoneInfo(actor.timezone))
    if isinstance(new_time.tzinfo, ZoneInfo) and not scheduling.exists_locally(new_time):
        raise ServiceError(
            f"{new_time:%d %B %Y, %H:%M} does not exist in {new_time.tzinfo.key}: the clocks "
            "skip that hour for daylight saving. Choose another time."
        )
    if new_time <= now:
        raise ServiceError("The new time must be in the future.")
    if clash := manager_clash(meeting, new_time, meeting.duration_minutes):
        with timezone.override(ZoneInfo(actor.timezone)):
            when = timezone.localtime(clash.scheduled_at)
        raise ServiceError(
            f"That overlaps {clash.series.manager.name}'s 1:1 with "
            f"{_other_name(clash, clash.series.manager_id)} at {when:%d %B, %H:%M}: "
            "choose a free time."
        )
    return new_time


def _other_name(meeting: Meeting, person_id: int) -> str:
    series = meeting.series
    return series.report.name if series.manager_id == person_id else series.manager.name


def manager_clash(meeting: Meeting, start: dt.datetime, minutes: int) -> Meeting | None:
    """A scheduled 1:1 of the meeting's manager (either side) overlapping [start, start+minutes)."""
    manager_id = meeting.series.manager_id
    end = start + dt.timedelta(minutes=minutes)
    longest = dt.timedelta(minutes=120)  # the longest a 1:1 may last (series_duration)
    candidates = (
        Meeting.objects.filter(
            Q(series__manager_id=manager_id) | Q(series__report_id=manager_id),
            status=Meeting.Status.SCHEDULED,
            scheduled_at__lt=end,
            scheduled_at__gt=start - longest,
        )
        .exclude(pk=meeting.pk)
        .select_related("series__manager", "series__report")
        .order_by("scheduled_at")
    )
    return next((m for m in candidates if m.planned_end > start), None)


def _notes_move(source: Meeting, target: Meeting) -> None:
    """Take prepared notes along when a meeting moves, so nothing written is stranded."""
    notes = SharedNotes.objects.filter(meeting=source).first()
    if notes is not None and any(notes.sections().values()):
        SharedNotes.objects.filter(meeting=target).update(
            version=F("version") + 1, updated_by=notes.updated_by, **notes.sections()
        )
    PrivateNote.objects.filter(meeting=source).update(meeting=target)


# Agenda --------------------------------------------------------------------------


def _clean_text(text: str, *, limit: int = 500, what: str = "A topic") -> str:
    text = " ".join(text.split())
    if not text:
        raise ServiceError(f"{what} needs some text.")
    if len(text) > limit:
        raise ServiceError(f"{what} is limited to {limit} characters.")
    return text


def _check_agenda_open(meeting: Meeting) -> None:
    if meeting.status != Meeting.Status.SCHEDULED:
        raise ServiceError("This meeting is closed: its agenda is part of its history.")


@transaction.atomic
def topic_add(
    *, actor: Person, meeting: Meeting, text: str, kind: str = "", now: dt.datetime | None = None
) -> Topic:
    """Add a talking point; it remembers whether it came before the meeting started."""
    access.meeting_check_change(actor, meeting)
    if meeting.status != Meeting.Status.SCHEDULED:
        raise ServiceError("This meeting is closed: add the topic to the next one.")
    if kind and kind not in Topic.Kind.values:
        raise ServiceError("Unknown topic kind.")
    now = now or timezone.now()
    started = meeting.started_at or meeting.scheduled_at
    top = meeting.topics.aggregate(top=Max("position"))["top"] or 0
    return Topic.objects.create(
        meeting=meeting,
        author=actor,
        text=_clean_text(text),
        kind=kind,
        position=top + 1,
        added_before_start=now < started,
    )


@transaction.atomic
def topic_update(*, actor: Person, topic: Topic, text: str, kind: str | None = None) -> Topic:
    """Rewrite a topic (its author only)."""
    access.topic_check_edit(actor, topic)
    _check_agenda_open(topic.meeting)
    topic.text = _clean_text(text)
    fields = ["text"]
    if kind is not None:
        if kind and kind not in Topic.Kind.values:
            raise ServiceError("Unknown topic kind.")
        topic.kind = kind
        fields.append("kind")
    topic.save(update_fields=fields)
    return topic


@transaction.atomic
def topic_delete(*, actor: Person, topic: Topic) -> None:
    """Remove a topic (its author only), while the meeting is still open."""
    access.topic_check_edit(actor, topic)
    if topic.meeting.status != Meeting.Status.SCHEDULED:
        raise ServiceError("Topics of a closed meeting are part of its history.")
    topic.delete()


@transaction.atomic
def topic_set_discussed(*, actor: Person, topic: Topic, discussed: bool) -> Topic:
    """Tick a topic as discussed, or untick it."""
    access.meeting_check_change(actor, topic.meeting)
    _check_agenda_open(topic.meeting)
    topic.discussed = discussed
    topic.save(update_fields=["discussed"])
    return topic


@transaction.atomic
def topic_set_kind(*, actor: Person, topic: Topic, kind: str) -> Topic:
    """Tag a topic as tactical, skills, career or a status update."""
    access.meeting_check_change(actor, topic.meeting)
    _check_agenda_open(topic.meeting)
    if kind and kind not in Topic.Kind.values:
        raise ServiceError("Unknown topic kind.")
    topic.kind = kind
    topic.save(update_fields=["kind"])
    return topic


@transaction.atomic
def topics_reorder(*, actor: Person, meeting: Meeting, ordered_ids: list[int]) -> None:
    """Put the meeting's topics in the given order."""
    access.meeting_check_change(actor, meeting)
    _check_agenda_open(meeting)
    current = set(meeting.topics.values_list("pk", flat=True))
    if set(ordered_ids) != current or len(ordered_ids) != len(current):
        raise ServiceError("The agenda changed meanwhile: reload and try again.")
    for position, pk in enumerate(ordered_ids, start=1):
        Topic.objects.filter(pk=pk).update(position=position)


@transaction.atomic
def topic_move(*, actor: Person, topic: Topic, direction: int) -> None:
    """Move a topic one place up (-1) or down (+1) among the topics of the same person."""
    if direction not in (-1, 1):
        raise ServiceError("A topic moves one place up or down.")
    meeting = topic.meeting
    ordered = agenda_order(meeting.topics.all(), report_id=meeting.series.report_id)
    index = next(i for i, other in enumerate(ordered) if other.pk == topic.pk)
    target = index + direction
    # The report's topics come first by design: a move stays within its side.
    if 0 <= target < len(ordered) and (
        (ordered[target].author_id == meeting.series.report_id)
        == (topic.author_id == meeting.series.report_id)
    ):
        ordered[index], ordered[target] = ordered[target], ordered[index]
    topics_reorder(actor=actor, meeting=meeting, ordered_ids=[other.pk for other in ordered])


# Notes -------------------------------------------------------------------------

NOTE_LIMIT = 100_000


@transaction.atomic
def shared_notes_save(
    *, actor: Person, notes: SharedNotes, sections: dict[str, str], version: int
) -> SharedNotes:
    """Save the shared notes unless someone saved since `version` (then NotesConflict)."""
    access.meeting_check_change(actor, notes.meeting)
    unknown = set(sections) - set(SharedNotes.SECTIONS)
    if unknown:
        raise ServiceError(f"Unknown notes section: {', '.join(sorted(unknown))}.")
    if any(len(text) > NOTE_LIMIT for text in sections.values()):
        raise ServiceError(f"A notes section is limited to {NOTE_LIMIT:,} characters.")
    updated = SharedNotes.objects.filter(pk=notes.pk, version=version).update(
        version=F("version") + 1, updated_by=actor, updated_at=timezone.now(), **sections
    )
    notes.refresh_from_db()
    if not updated:
        raise NotesConflict(notes)
    return notes


@transaction.atomic
def private_note_save(*, actor: Person, meeting: Meeting, body: str, version: int) -> PrivateNote:
    """Save the actor's own private note on a meeting, refusing stale versions."""
    access.meeting_check_change(actor, meeting)
    if len(body) > NOTE_LIMIT:
        raise ServiceError(f"A note is limited to {NOTE_LIMIT:,} characters.")
    note, _ = PrivateNote.objects.get_or_create(meeting=meeting, author=actor)
    updated = PrivateNote.objects.filter(pk=note.pk, version=version).update(
        version=F("version") + 1, body=body, updated_at=timezone.now()
    )
    note.refresh_from_db()
    if not updated:
        raise NotesConflict(note)
    return note


# Action items ------------------------------------------------------------------


@transaction.atomic
def action_item_add(
    *,
    actor: Person,
    meeting: Meeting,
    text: str,
    owner: Person,
    due_on: dt.date | None = None,
) -> ActionItem:
    """Record a commitment: who will do what, by when."""
    access.meeting_check_change(actor, meeting)
    series = meeting.series
    if owner.pk not in (series.manager_id, series.report_id):
        raise ServiceError("The owner is one of the two people in this 1:1.")
    return ActionItem.objects.create(
        series=series,
        meeting=meeting,
        owner=owner,
        text=_clean_text(text, what="An action item"),
        due_on=due_on,
        created_by=actor,
    )


@transaction.atomic
def action_item_set_status(
    *, actor: Person, item: ActionItem, status: str, today: dt.date | None = None
) -> ActionItem:
    """Mark an action item open, done (dated today) or dropped."""
    access.action_item_check_change(actor, item)
    if status not in ActionItem.Status.values:
        raise ServiceError("Status is open, done or dropped.")
    item.status = status
    item.done_on = (today or timezone.localdate()) if status == ActionItem.Status.DONE else None
    item.save(update_fields=["status", "done_on"])
    return item


@transaction.atomic
def action_item_update(
    *, actor: Person, item: ActionItem, text: str, owner: Person, due_on: dt.date | None
) -> ActionItem:
    """Change an action item's text, owner or due date."""
    access.action_item_check_change(actor, item)
    if owner.pk not in (item.series.manager_id, item.series.report_id):
        raise ServiceError("The owner is one of the two people in this 1:1.")
    item.text = _clean_text(text, what="An action item")
    item.owner = owner
    item.due_on = due_on
    item.save(update_fields=["text", "owner", "due_on"])
    return item
