"""Laying out a series' past: meetings held, cancelled and moved, with what was written in them.

One service, `series_backfill`, for whoever brings history in: the demo, the large generated
organisation, an import. It applies the rules of the one-at-a-time services (who may do
what, the mood scale, the real length, a reason for every cancellation, "reschedule at
once", career never dropped, undiscussed topics roll over, private notes sealed for their
author) to a whole plan at once, and writes it in a few bulk inserts per table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from rapport import access
from rapport.errors import Refused
from rapport.framework.agenda import (
    HELD_MINUTES_MAX,
    HELD_MINUTES_MIN,
    MOOD_MAX,
    MOOD_MIN,
    is_held_minutes,
    is_mood,
)
from rapport.framework.cadence import reschedule_refusal
from rapport.meetings import scheduling
from rapport.meetings.models import ActionItem, Meeting, PrivateNote, Series, SharedNotes, Topic
from rapport.meetings.services.common import _clean_text
from rapport.meetings.services.meetings import _career_hand_over, topics_carry_over
from rapport.meetings.services.notes import NOTE_LIMIT
from rapport.meetings.services.series import _untouched, series_schedule
from rapport.people import keys
from rapport.people.models import Person

REASON_LIMIT = 300


@dataclass(slots=True)
class PastTopic:
    """A talking point added to a past meeting at `at`, by one of the two people."""

    author: Person
    text: str
    at: dt.datetime
    kind: str = ""
    discussed: bool = False


@dataclass(slots=True)
class PastItem:
    """An action item agreed in a past meeting, and how it turned out by now."""

    owner: Person
    text: str
    due_on: dt.date | None = None
    status: str = ActionItem.Status.OPEN
    done_on: dt.date | None = None


@dataclass(slots=True)
class PastPrivateNote:
    """What one participant wrote for themselves on a past meeting, and when."""

    author: Person
    body: str
    at: dt.datetime


@dataclass(eq=False, slots=True)
class PastMeeting:
    """One past occurrence: held (`ended_at` set) or called off (`cancelled_by` set).

    A moved meeting names its new occurrence in `moved_to`, which is in the same plan.
    Topics carried over from the meeting before arrive by themselves; `carried_discussed`
    says whether they were reached this time.
    """

    scheduled_at: dt.datetime
    career: bool = False
    duration_minutes: int | None = None  # the series' (or a career 1:1's) length if None
    topics: list[PastTopic] = field(default_factory=list)
    carried_discussed: bool = True
    # Held
    started_at: dt.datetime | None = None  # on time if None
    ended_at: dt.datetime | None = None
    mood: int | None = None
    notes: dict[str, str] = field(default_factory=dict)
    private_notes: list[PastPrivateNote] = field(default_factory=list)
    items: list[PastItem] = field(default_factory=list)
    # Called off
    cancelled_by: Person | None = None
    cancelled_at: dt.datetime | None = None
    reason: str = ""
    moved_to: PastMeeting | None = None

    @property
    def held(self) -> bool:
        return self.ended_at is not None

    @property
    def closed_at(self) -> dt.datetime:
        closed = self.ended_at if self.held else self.cancelled_at
        assert closed is not None
        return closed


@dataclass(frozen=True, slots=True)
class Backfilled:
    """What was written: the meetings in the plan's order (with their ids), and counts."""

    meetings: list[Meeting]
    topics: int
    items: int
    private_notes: int


def series_past_slots(series: Series, *, since: dt.date, until: dt.datetime) -> list[tuple]:
    """The series' occurrences from `since` to `until` and whether each is career-focused.

    The scheduler's own pieces (occurrences, career_is_due): the slots a plan starts from.
    """
    slots, last_career = [], None
    for moment in scheduling.occurrences(
        anchor=since,
        weekday=series.weekday,
        start_time=series.start_time,
        timezone=series.timezone,
        frequency_weeks=series.frequency_weeks,
        after=dt.datetime.combine(since, dt.time(0), tzinfo=ZoneInfo(series.timezone)),
    ):
        if moment >= until:
            break
        career = scheduling.career_is_due(
            last_career=last_career,
            series_start=since,
            on=moment.date(),
            every_weeks=series.career_every_weeks,
        )
        last_career = moment.date() if career else last_career
        slots.append((moment, career))
    return slots


@transaction.atomic
def series_backfill(
    *,
    actor: Person,
    series: Series,
    meetings: Sequence[PastMeeting],
    now: dt.datetime | None = None,
) -> Backfilled:
    """Write the series' past as planned, then plan ahead from `now`; all or nothing.

    Only the series' manager may, and only on a series without history yet: meetings
    planned in the past that nobody touched are replaced by the plan. The series begins
    on its first past meeting's day if that is earlier than its start.
    """
    access.series_check_manager(actor, series)
    now = now or timezone.now()
    plan = sorted(meetings, key=lambda m: m.scheduled_at)
    people = {series.manager_id, series.report_id}
    _check_plan(plan, series, people, now)
    past = series.meetings.filter(scheduled_at__lt=now)
    if (
        past.exclude(status=Meeting.Status.SCHEDULED).exists()
        or past.exclude(pk__in=_untouched(past.filter(status=Meeting.Status.SCHEDULED))).exists()
    ):
        raise Refused("This 1:1 already has a history: it is laid out only once.")
    Meeting.objects.filter(pk__in=list(_untouched(past).values_list("pk", flat=True))).delete()
    if plan:
        first_day = plan[0].scheduled_at.astimezone(ZoneInfo(series.timezone)).date()
        if first_day < series.started_on:
            series.started_on = first_day
            series.save(update_fields=["started_on"])
    rows = _meetings_write(plan, series, now)
    topics, last_topics = _topics_write(plan, rows, series)
    items = _items_write(plan, rows, series, actor)
    notes = _private_notes_write(plan, rows, series)
    series_schedule(series=series, now=now)
    if plan:
        last, last_row = plan[-1], rows[-1]
        if last_topics:
            topics_carry_over(meeting=last_row, now=last.closed_at)
        if not last.held and last.moved_to is None and last.career:
            _career_hand_over(last_row)
    return Backfilled(rows, topics, items, notes)


# Rules ------------------------------------------------------------------------------


def _check_plan(
    plan: list[PastMeeting], series: Series, people: set[int], now: dt.datetime
) -> None:
    in_plan = {id(m) for m in plan}
    today = timezone.localdate(now)
    previous: dt.datetime | None = None
    for index, meeting in enumerate(plan):
        when = meeting.scheduled_at
        if timezone.is_naive(when):
            raise Refused("A past meeting's time needs its timezone.")
        if previous is not None and when == previous:
            raise Refused(f"Two past meetings at {when:%d %B %Y, %H:%M}.")
        previous = when
        if meeting.held == (meeting.cancelled_by is not None):
            raise Refused(f"The meeting of {when:%d %B %Y} was either held or called off.")
        if meeting.closed_at > now or when >= now:
            raise Refused("History lies in the past: nothing is held or cancelled after now.")
        if meeting.duration_minutes is not None and not is_held_minutes(meeting.duration_minutes):
            raise Refused("A planned length is between 1 and 480 minutes.")
        if meeting.held:
            _check_held(meeting, people, today)
        else:
            _check_called_off(meeting, people, in_plan, plan[index + 1 :])
        for topic in meeting.topics:
            _check_topic(meeting, topic, people)
        if meeting.moved_to is not None and meeting.moved_to.scheduled_at <= meeting.closed_at:
            raise Refused("The new time must be in the future.")


def _check_held(meeting: PastMeeting, people: set[int], today: dt.date) -> None:
    started = meeting.started_at or meeting.scheduled_at
    minutes = round((meeting.closed_at - started).total_seconds() / 60)
    if not is_held_minutes(minutes):
        raise Refused(
            f"The real length must be between {HELD_MINUTES_MIN} and {HELD_MINUTES_MAX} minutes."
        )
    if meeting.mood is not None and not is_mood(meeting.mood):
        raise Refused(f"Mood is on a scale from {MOOD_MIN} to {MOOD_MAX}.")
    unknown = set(meeting.notes) - set(SharedNotes.SECTIONS)
    if unknown:
        raise Refused(f"Unknown notes section: {', '.join(sorted(unknown))}.")
    if any(len(text) > NOTE_LIMIT for text in meeting.notes.values()):
        raise Refused(f"A notes section is limited to {NOTE_LIMIT:,} characters.")
    authors = [note.author.pk for note in meeting.private_notes]
    if len(set(authors)) != len(authors) or not set(authors) <= people:
        raise Refused("A private note belongs to one of the two people, one note each.")
    for note in meeting.private_notes:
        if len(note.body) > NOTE_LIMIT:
            raise Refused(f"A note is limited to {NOTE_LIMIT:,} characters.")
    for item in meeting.items:
        if item.owner.pk not in people:
            raise Refused("The owner is one of the two people in this 1:1.")
        if item.status not in ActionItem.Status.values:
            raise Refused("Status is open, done or dropped.")
        if (item.status == ActionItem.Status.DONE) != (item.done_on is not None):
            raise Refused("A done action item has the day it was done, and only a done one.")
        if item.done_on is not None and item.done_on > today:
            raise Refused("An action item is done by today, not later.")


def _check_called_off(
    meeting: PastMeeting, people: set[int], in_plan: set[int], later: list[PastMeeting]
) -> None:
    assert meeting.cancelled_by is not None
    if meeting.cancelled_by.pk not in people or meeting.cancelled_at is None:
        raise Refused("A meeting is called off by one of its two people, at a given time.")
    if " ".join(meeting.reason.split()) == "":
        raise Refused("Say briefly why: the other person deserves to know.")
    if len(meeting.reason) > REASON_LIMIT:
        raise Refused("Keep the reason under 300 characters.")
    moved = meeting.moved_to
    if refusal := reschedule_refusal(new_time_given=moved is not None, skip=moved is None):
        raise Refused(refusal)
    if moved is not None and id(moved) not in in_plan:
        raise Refused("A moved meeting's new occurrence is part of the plan.")
    if meeting.notes or meeting.private_notes or meeting.items:
        raise Refused("A meeting that did not take place has no notes or action items.")
    if moved is None and meeting.career and later and not later[0].career:
        # Career is never dropped: a skipped career 1:1 hands its focus to the next one.
        raise Refused("A skipped career 1:1 makes the next one career-focused.")


def _check_topic(meeting: PastMeeting, topic: PastTopic, people: set[int]) -> None:
    if topic.author.pk not in people:
        raise Refused("Only the two people of a 1:1 add to its agenda.")
    if topic.kind and topic.kind not in Topic.Kind.values:
        raise Refused("Unknown topic kind.")
    if topic.at > meeting.closed_at:
        raise Refused("This meeting is closed: add the topic to the next one.")
    if topic.discussed and not meeting.held:
        raise Refused("Nothing is discussed in a meeting that did not take place.")
    topic.text = _clean_text(topic.text)


# Writes -----------------------------------------------------------------------------


def _meetings_write(plan: list[PastMeeting], series: Series, now: dt.datetime) -> list[Meeting]:
    start = dt.datetime.combine(series.started_on, dt.time(0), tzinfo=ZoneInfo(series.timezone))
    ahead = dt.timedelta(weeks=scheduling.HORIZON_WEEKS)
    moved_from = {id(m.moved_to): m for m in plan if m.moved_to is not None}
    rows = []
    for meeting in plan:
        minutes = meeting.duration_minutes or (
            scheduling.career_minutes(series.duration_minutes)
            if meeting.career
            else series.duration_minutes
        )
        source = moved_from.get(id(meeting))
        # Planned within the scheduler's horizon (or when it was moved), never before the
        # series began.
        created = source.cancelled_at if source else max(start, meeting.scheduled_at - ahead)
        row = Meeting(
            series=series,
            scheduled_at=meeting.scheduled_at,
            duration_minutes=minutes,
            kind=Meeting.Kind.CAREER if meeting.career else Meeting.Kind.REGULAR,
            created_at=min(created, now),
        )
        if meeting.held:
            row.status = Meeting.Status.HELD
            row.started_at = meeting.started_at or meeting.scheduled_at
            row.ended_at = meeting.ended_at
            row.held_minutes = round((meeting.closed_at - row.started_at).total_seconds() / 60)
            row.mood = meeting.mood
        else:
            row.status = (
                Meeting.Status.RESCHEDULED if meeting.moved_to else Meeting.Status.CANCELLED
            )
            row.cancelled_by = meeting.cancelled_by
            row.cancelled_at = meeting.cancelled_at
            row.cancel_reason = " ".join(meeting.reason.split())
            row.notice_hours = int(
                (meeting.scheduled_at - row.cancelled_at).total_seconds() // 3600
            )
            row.sequence = 1
        rows.append(row)
    Meeting.objects.bulk_create(rows, batch_size=500)
    index = {id(m): row for m, row in zip(plan, rows, strict=True)}
    moved = [index[id(m)] for m in plan if m.moved_to is not None]
    for row, meeting in zip(rows, plan, strict=True):
        if meeting.moved_to is not None:
            row.moved_to = index[id(meeting.moved_to)]
    if moved:
        Meeting.objects.bulk_update(moved, ["moved_to"], batch_size=500)
    SharedNotes.objects.bulk_create(
        (
            SharedNotes(
                meeting=row,
                version=1 if any(meeting.notes.values()) else 0,
                updated_by_id=series.manager_id if any(meeting.notes.values()) else None,
                updated_at=meeting.closed_at if any(meeting.notes.values()) else row.created_at,
                **meeting.notes,
            )
            for meeting, row in zip(plan, rows, strict=True)
        ),
        batch_size=500,
    )
    return rows


def _topics_write(
    plan: list[PastMeeting], rows: list[Meeting], series: Series
) -> tuple[int, list[Topic]]:
    """New topics, then each generation of carried copies; returns the count and the
    last meeting's undiscussed topics (they roll into the first meeting ahead)."""
    following = {}
    for index, meeting in enumerate(plan):
        if meeting.moved_to is not None:
            following[index] = plan.index(meeting.moved_to)
        elif index + 1 < len(plan):
            following[index] = index + 1
    positions = [0] * len(plan)
    generation: list[tuple[int, Topic]] = []
    for index, (meeting, row) in enumerate(zip(plan, rows, strict=True)):
        started = row.started_at or row.scheduled_at
        for topic in sorted(meeting.topics, key=lambda t: t.at):
            positions[index] += 1
            generation.append(
                (
                    index,
                    Topic(
                        meeting=row,
                        author_id=topic.author.pk,
                        text=topic.text,
                        kind=topic.kind,
                        position=positions[index],
                        added_before_start=topic.at < started,
                        discussed=topic.discussed,
                        created_at=topic.at,
                    ),
                )
            )
    total, last_pending = 0, []
    while generation:
        Topic.objects.bulk_create([topic for _, topic in generation], batch_size=500)
        total += len(generation)
        carried: list[tuple[int, Topic]] = []
        for index, topic in generation:
            if topic.discussed:
                continue
            target = following.get(index)
            if target is None:
                last_pending.append(topic)
                continue
            positions[target] += 1
            meeting = plan[target]
            carried.append(
                (
                    target,
                    Topic(
                        meeting=rows[target],
                        author_id=topic.author_id,
                        text=topic.text,
                        kind=topic.kind,
                        position=positions[target],
                        added_before_start=True,
                        discussed=meeting.held and meeting.carried_discussed,
                        carried_from=topic,
                        created_at=plan[index].closed_at,
                    ),
                )
            )
        generation = carried
    return total, last_pending


def _items_write(plan: list[PastMeeting], rows: list[Meeting], series: Series, actor: Person):
    items = [
        ActionItem(
            series=series,
            meeting=row,
            owner_id=item.owner.pk,
            text=_clean_text(item.text, what="An action item"),
            due_on=item.due_on,
            status=item.status,
            done_on=item.done_on,
            created_by=actor,
            created_at=meeting.closed_at,
        )
        for meeting, row in zip(plan, rows, strict=True)
        for item in meeting.items
    ]
    ActionItem.objects.bulk_create(items, batch_size=500)
    return len(items)


def _private_notes_write(plan: list[PastMeeting], rows: list[Meeting], series: Series) -> int:
    organisation_id = series.organisation_id
    notes = [
        PrivateNote(
            meeting=row,
            author_id=note.author.pk,
            # Sealed for its author at once, like every private note.
            sealed_body=keys.seal(
                note.body, organisation_id=organisation_id, author_id=note.author.pk
            ),
            version=1,
            updated_at=note.at,
        )
        for meeting, row in zip(plan, rows, strict=True)
        for note in meeting.private_notes
    ]
    PrivateNote.objects.bulk_create(notes, batch_size=500)
    return len(notes)
