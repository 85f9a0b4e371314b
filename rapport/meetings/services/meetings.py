"""Every write to one meeting: starting, holding, the mood, cancelling or moving it,
the shared timer, the video link and the summary."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from rapport import access
from rapport.errors import Refused
from rapport.framework.agenda import (
    HELD_MINUTES_MIN,
)
from rapport.framework.cadence import (
    EARLY_START_CONFIRM_HOURS,
    SERIES_MINUTES,
    move_refusal,
    reschedule_refusal,
)
from rapport.framework.markdown import render_markdown
from rapport.meetings import scheduling
from rapport.meetings.models import Meeting, PartTime, PrivateNote, SharedNotes, Topic
from rapport.meetings.selectors import is_early_to_run, plan_for
from rapport.meetings.services.common import (
    NeedsConfirmation,
    _check_held_minutes,
    _check_mood,
    outside_hours_concerns,
)
from rapport.meetings.services.series import _meeting_create, next_meeting
from rapport.meetings.services.topics import meeting_lock, topic_counts_refresh
from rapport.people.models import Person


def _ask_if_early(meeting: Meeting, now: dt.datetime) -> None:
    """Ask before starting or closing a 1:1 well before its time (usually a wrong click).

    The interface words the question for its reader (the web: when, and how far away)."""
    if is_early_to_run(meeting, now):
        raise NeedsConfirmation(
            f"This 1:1 is more than {EARLY_START_CONFIRM_HOURS} hours away: confirm to go ahead."
        )


def _check_still_scheduled(
    actor: Person,
    meeting: Meeting,
    *,
    refusal: str,
    ask_if_early: bool,
    now: dt.datetime | None,
) -> dt.datetime:
    """The manager starts or closes a meeting still scheduled; returns the moment it happens."""
    access.meeting_check_manager(actor, meeting)
    if meeting_lock(meeting).status != Meeting.Status.SCHEDULED:
        raise Refused(refusal)
    now = now or timezone.now()
    if ask_if_early:
        _ask_if_early(meeting, now)
    return now


def _check_took_place(actor: Person, meeting: Meeting) -> None:
    access.meeting_check_change(actor, meeting)
    if meeting_lock(meeting).is_called_off:
        raise Refused("This meeting did not take place.")


@transaction.atomic
def meeting_start(
    *,
    actor: Person,
    meeting: Meeting,
    ask_if_early: bool = False,
    now: dt.datetime | None = None,
) -> Meeting:
    """Open the meeting: topics added from now on count as added during it.

    With `ask_if_early`, more than EARLY_START_CONFIRM_HOURS before its time it
    raises NeedsConfirmation instead; the same call without it starts the meeting.
    """
    now = _check_still_scheduled(
        actor,
        meeting,
        refusal="Only a scheduled meeting can be started.",
        ask_if_early=ask_if_early,
        now=now,
    )
    if meeting.started_at is None:
        meeting.started_at = now
        meeting.save(update_fields=["started_at"])
    return meeting


@transaction.atomic
def meeting_complete(
    *,
    actor: Person,
    meeting: Meeting,
    held_minutes: int | None = None,
    mood: int | None = None,
    ask_if_early: bool = False,
    now: dt.datetime | None = None,
) -> Meeting:
    """Mark the meeting held; topics not discussed roll into the next meeting.

    With `ask_if_early`, a meeting never started and more than
    EARLY_START_CONFIRM_HOURS ahead raises NeedsConfirmation instead.
    """
    now = _check_still_scheduled(
        actor,
        meeting,
        refusal="This meeting is already closed.",
        ask_if_early=ask_if_early,
        now=now,
    )
    _check_mood(mood)
    started = meeting.started_at or meeting.scheduled_at
    if held_minutes is None:
        held_minutes = max(HELD_MINUTES_MIN, round((now - started).total_seconds() / 60))
    _check_held_minutes(held_minutes)
    meeting.status = Meeting.Status.HELD
    meeting.started_at = started
    meeting.ended_at = now
    meeting.held_minutes = held_minutes
    if mood is not None:
        meeting.mood = mood
    meeting.save(update_fields=["status", "started_at", "ended_at", "held_minutes", "mood"])
    _part_times_close(meeting, now=now)
    topics_carry_over(meeting=meeting, now=now)
    return meeting


def topics_carry_over(
    *, meeting: Meeting, to: Meeting | None = None, now: dt.datetime | None = None
) -> int:
    """Copy the meeting's undiscussed topics onto the next meeting (or `to`); returns how many."""
    pending = list(meeting.topics.filter(discussed=False, carried_to__isnull=True))
    target = (to or next_meeting(meeting, now=now)) if pending else None
    created_at = now or timezone.now()
    if target is None:
        return 0
    meeting_lock(target)
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
            created_at=created_at,
        )
        for offset, topic in enumerate(pending)
    )
    topic_counts_refresh([target.pk])
    return len(pending)


@transaction.atomic
def meeting_set_mood(
    *, actor: Person, meeting: Meeting, mood: int, now: dt.datetime | None = None
) -> Meeting:
    """Record the opening check-in on mood and energy (1 low to 5 high)."""
    _check_took_place(actor, meeting)
    _check_mood(mood)
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
    ask_if_outside_hours: bool = False,
    now: dt.datetime | None = None,
) -> Meeting | None:
    """Cancel a meeting, recording who, when, the notice and why; returns the new one if moved.

    Either participant may do it, and it is recorded as theirs. A naive `new_time`
    is read in the actor's timezone. A moved meeting takes its agenda and notes
    along; a skipped one (explicitly) hands its undiscussed topics to the next one.
    With `ask_if_outside_hours`, a new time outside either person's working hours (on
    their own clock) raises NeedsConfirmation instead; the same call without it moves it.
    """
    access.meeting_check_change(actor, meeting)
    if meeting_lock(meeting).status != Meeting.Status.SCHEDULED:
        raise Refused("Only a scheduled meeting can be cancelled or moved.")
    reason = " ".join(reason.split())
    if not reason:
        raise Refused("Say briefly why: the other person deserves to know.")
    if len(reason) > 300:
        raise Refused("Keep the reason under 300 characters.")
    if refusal := reschedule_refusal(new_time_given=new_time is not None, skip=skip):
        raise Refused(refusal)
    now = now or timezone.now()
    if new_time is not None:
        new_time = _check_new_time(actor, meeting, new_time, now=now)
        if ask_if_outside_hours:
            _ask_if_outside_hours(actor, meeting, new_time)
    meeting.cancelled_by = actor
    meeting.cancelled_at = now
    meeting.cancel_reason = reason
    meeting.notice_hours = int((meeting.scheduled_at - now).total_seconds() // 3600)
    meeting.sequence += 1
    moved = None
    if new_time is not None:
        moved = _meeting_create(meeting.series, new_time, career=meeting.is_career, created_at=now)
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
    if moved is not None:
        _agenda_move(meeting, moved)
        _notes_move(meeting, moved)
    else:
        topics_carry_over(meeting=meeting, now=now)
    if moved is None and meeting.is_career:
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
    """Refuse a time that does not exist, is past or too far ahead, or lands on another 1:1
    of the manager."""
    if timezone.is_naive(new_time):
        new_time = new_time.replace(tzinfo=ZoneInfo(actor.timezone))
    if isinstance(new_time.tzinfo, ZoneInfo) and not scheduling.exists_locally(new_time):
        raise Refused(
            f"{new_time:%d %B %Y, %H:%M} does not exist in {new_time.tzinfo.key}: the clocks "
            "skip that hour for daylight saving. Choose another time."
        )
    # A difference of aware times, unlike a sum or a conversion, holds for any year typed.
    if refusal := move_refusal(new_time - now, horizon_weeks=scheduling.HORIZON_WEEKS):
        raise Refused(refusal)
    if clash := manager_clash(meeting, new_time, meeting.duration_minutes):
        with timezone.override(ZoneInfo(actor.timezone)):
            when = timezone.localtime(clash.scheduled_at)
        raise Refused(
            f"That overlaps {clash.series.manager.name}'s 1:1 with "
            f"{_other_name(clash, clash.series.manager_id)} at {when:%d %B, %H:%M}: "
            "choose a free time."
        )
    return new_time


def _ask_if_outside_hours(actor: Person, meeting: Meeting, new_time: dt.datetime) -> None:
    """Ask before moving a 1:1 outside either person's working hours, in the mover's words:
    the time on their clock, the other person's on theirs."""
    series = meeting.series
    minutes = meeting.duration_minutes  # a moved 1:1 keeps its planned length
    concerns = outside_hours_concerns(actor, (series.manager, series.report), new_time, minutes)
    if concerns:
        when = new_time.astimezone(actor.tzinfo)
        raise NeedsConfirmation(
            f"{when:%A %d %B, %H:%M} is outside working hours {'; and '.join(concerns)}. "
            "Move it there anyway?"
        )


def _other_name(meeting: Meeting, person_id: int) -> str:
    series = meeting.series
    return series.report.name if series.manager_id == person_id else series.manager.name


def manager_clash(meeting: Meeting, start: dt.datetime, minutes: int) -> Meeting | None:
    """A scheduled 1:1 of the meeting's manager (either side) overlapping [start, start+minutes)."""
    manager_id = meeting.series.manager_id
    end = start + dt.timedelta(minutes=minutes)
    longest = dt.timedelta(minutes=SERIES_MINUTES[1])  # no 1:1 lasts longer
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


def _agenda_move(source: Meeting, target: Meeting) -> None:
    """A moved meeting takes its whole agenda along, discussed topics included, and its items."""
    source.topics.update(meeting=target)
    topic_counts_refresh([source.pk, target.pk])
    source.action_items.update(meeting=target)
    if source.summary and not target.summary:
        target.summary, target.summary_html = source.summary, source.summary_html
        target.save(update_fields=["summary", "summary_html"])


def _notes_move(source: Meeting, target: Meeting) -> None:
    """Take prepared notes along when a meeting moves, so nothing written is stranded."""
    notes = SharedNotes.objects.filter(meeting=source).first()
    if notes is not None and any(notes.sections().values()):
        SharedNotes.objects.filter(meeting=target).update(
            version=F("version") + 1,
            updated_by=notes.updated_by,
            **notes.sections(),
            **{f"{key}_html": html for key, html in notes.sections_html().items()},
        )
    PrivateNote.objects.filter(meeting=source).update(meeting=target)


# The meeting room ----------------------------------------------------------------

SUMMARY_LIMIT = 20_000


@transaction.atomic
def meeting_set_section(
    *, actor: Person, meeting: Meeting, section: str, now: dt.datetime | None = None
) -> Meeting:
    """Move the shared timer to a section of the plan; either participant may."""
    access.meeting_check_change(actor, meeting)
    if meeting_lock(meeting).status != Meeting.Status.SCHEDULED or meeting.started_at is None:
        raise Refused("Start the meeting first: the timer runs during the meeting.")
    keys = [box.key for box in plan_for(meeting)]
    if section not in keys:
        raise Refused("That is not a part of this meeting's plan.")
    now = now or timezone.now()
    _part_times_close(meeting, now=now)
    PartTime.objects.create(meeting=meeting, part=section, started_at=now)
    meeting.section = section
    meeting.section_started_at = now
    meeting.save(update_fields=["section", "section_started_at"])
    return meeting


def _part_times_close(meeting: Meeting, *, now: dt.datetime) -> None:
    """End the stretch of the timer's current part (the record of how the time went)."""
    PartTime.objects.filter(meeting=meeting, ended_at__isnull=True).update(ended_at=now)


@transaction.atomic
def meeting_set_video_link(
    *, actor: Person, meeting: Meeting, video_link: str, now: dt.datetime | None = None
) -> Meeting:
    """Set (or clear) the link both people join the call with."""
    access.meeting_check_change(actor, meeting)
    link = video_link.strip()
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            raise Refused("A video link is a full web address, starting https://") from None
        if len(link) > 200:
            raise Refused("A video link is limited to 200 characters.")
    meeting.video_link = link
    meeting.save(update_fields=["video_link"])
    return meeting


@transaction.atomic
def meeting_set_summary(
    *, actor: Person, meeting: Meeting, summary: str, now: dt.datetime | None = None
) -> Meeting:
    """Write the summary of key points (Markdown), shared by both people."""
    _check_took_place(actor, meeting)
    if len(summary) > SUMMARY_LIMIT:
        raise Refused(f"A summary is limited to {SUMMARY_LIMIT:,} characters.")
    meeting.summary = summary.strip()
    meeting.summary_html = render_markdown(meeting.summary)
    meeting.save(update_fields=["summary", "summary_html"])
    return meeting
