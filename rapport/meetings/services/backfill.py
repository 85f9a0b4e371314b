"""Laying out a series' past: meetings held, cancelled and moved, with what was written in them.

One service, `series_backfill`, for whoever brings history in: the demo, the large generated
organisation, an import. It applies the rules of the one-at-a-time services (who may do
what, the mood scale, the real length, a reason for every cancellation, "reschedule at
once", career never dropped, undiscussed topics roll over, private notes sealed for their
author) to a whole plan at once, and writes it in a few bulk inserts per table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from itertools import repeat
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone

from rapport import access
from rapport.errors import Refused
from rapport.framework.agenda import (
    agenda_plan,
    is_held_minutes,
)
from rapport.framework.cadence import reschedule_refusal
from rapport.framework.levels import level_or_default
from rapport.meetings import scheduling
from rapport.meetings.models import (
    ActionItem,
    Meeting,
    PartTime,
    PrivateNote,
    Series,
    SharedNotes,
    Topic,
)
from rapport.meetings.services.common import _check_held_minutes, _check_mood, _clean_text
from rapport.meetings.services.meetings import _career_hand_over, topics_carry_over
from rapport.meetings.services.notes import NOTE_LIMIT
from rapport.meetings.services.rows import RowTable, moment_value, utc_moment_value
from rapport.meetings.services.series import _untouched, series_schedule
from rapport.people import keys
from rapport.people.models import Person

REASON_LIMIT = 300
TOPIC_KINDS = frozenset(Topic.Kind.values)
ITEM_STATUSES = frozenset(ActionItem.Status.values)
SECTIONS = frozenset(SharedNotes.SECTIONS)


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
    """What was written: the meetings' ids in the plan's order (by time), and counts."""

    meetings: list[int]
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
    known = list(series.meetings.values_list("pk", "scheduled_at", "status"))
    # The plan lies in the past: what is planned ahead now is still there once it is written.
    planned_ahead = any(
        when > now and status == Meeting.Status.SCHEDULED for _pk, when, status in known
    )
    past = series.meetings.filter(scheduled_at__lt=now)
    if past_ids := [pk for pk, when, _status in known if when < now]:
        untouched = set(
            _untouched(past.filter(status=Meeting.Status.SCHEDULED)).values_list("pk", flat=True)
        )
        if untouched != set(past_ids):
            raise Refused("This 1:1 already has a history: it is laid out only once.")
        Meeting.objects.filter(pk__in=past_ids).delete()
    first_day = plan[0].scheduled_at.astimezone(ZoneInfo(series.timezone)).date() if plan else None
    if first_day is not None and first_day < series.started_on:
        series.started_on = first_day
        series.save(update_fields=["started_on"])
    else:
        series.save(update_fields=["started_on"])  # takes the write lock before ids are drawn
    topics, pending = _topics_lay_out(plan)
    ids = _meetings_write(plan, series, now, _topic_counts(plan, topics, series.report_id))
    _topics_write(topics, ids)
    items = _items_write(plan, ids, series, actor)
    notes = _private_notes_write(plan, ids, series)
    _part_times_write(plan, ids, series)
    if not planned_ahead:
        series_schedule(series=series, now=now)
    if plan:
        last = plan[-1]
        row = Meeting(
            pk=ids[-1],
            series=series,
            scheduled_at=last.scheduled_at,
            kind=Meeting.Kind.CAREER if last.career else Meeting.Kind.REGULAR,
        )
        if pending:
            topics_carry_over(meeting=row, now=last.closed_at)
        if not last.held and last.moved_to is None and last.career:
            _career_hand_over(row)
    return Backfilled(ids, len(topics), items, notes)


# The tables the backfill fills, and the indexes it reads by while it runs: in a bulk load
# the others are built once at the end rather than kept up row by row.
BULK_TABLES = (
    "meetings_meeting",
    "meetings_sharednotes",
    "meetings_topic",
    "meetings_actionitem",
    "meetings_privatenote",
    "meetings_parttime",
)
BULK_KEPT_INDEXES = (("meetings_meeting", '("series_id")'), ("meetings_topic", '("meeting_id")'))
BULK_CACHE_KIB = 256 * 1024


# The notes' HTML kept by text for one bulk load's many series (`SharedNotes.html_kept`),
# else for one series.
_notes_html: ContextVar[Callable[[str], str] | None] = ContextVar("notes_html", default=None)


@contextmanager
def backfill_bulk_load() -> Iterator[None]:
    """One transaction for backfilling many series into an empty database: on SQLite with a
    page cache the size of the load, and the indexes the backfill does not read by dropped,
    then created again from their own definitions (SQLite's schema changes roll back with
    the transaction: all or nothing). The notes' HTML is kept across its series, and let go
    at its end."""
    kept = _notes_html.set(SharedNotes.html_kept())
    try:
        with transaction.atomic():
            if connection.vendor == "sqlite":
                with _sqlite_bulk_load():
                    yield
            else:
                yield
    finally:
        _notes_html.reset(kept)


@contextmanager
def _sqlite_bulk_load() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        cache = cursor.fetchone()[0]
        cursor.execute(
            "SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'index' AND sql "
            f"LIKE 'CREATE INDEX %%' AND tbl_name IN ({', '.join(['%s'] * len(BULK_TABLES))}) "
            "ORDER BY rowid",
            BULK_TABLES,
        )
        dropped = [
            (name, sql)
            for table, name, sql in cursor.fetchall()
            if not any(
                table == kept and sql.endswith(columns) for kept, columns in BULK_KEPT_INDEXES
            )
        ]
        cursor.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
        try:
            for name, _sql in dropped:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
            yield
            for _name, sql in dropped:
                cursor.execute(sql)
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(cache)}")


# Rules ------------------------------------------------------------------------------


def _check_plan(
    plan: list[PastMeeting], series: Series, people: set[int], now: dt.datetime
) -> None:
    in_plan = {id(m) for m in plan}
    today = timezone.localdate(now)
    previous: dt.datetime | None = None
    cleaned: dict[str, str] = {}  # a topic's text as stored, by its text as given
    for index, meeting in enumerate(plan):
        when = meeting.scheduled_at
        if timezone.is_naive(when):
            raise Refused("A past meeting's time needs its timezone.")
        if previous is not None and when == previous:
            raise Refused(f"Two past meetings at {when:%d %B %Y, %H:%M}.")
        previous = when
        held = meeting.ended_at is not None
        if held == (meeting.cancelled_by is not None):
            raise Refused(f"The meeting of {when:%d %B %Y} was either held or called off.")
        closed = meeting.closed_at
        if closed > now or when >= now:
            raise Refused("History lies in the past: nothing is held or cancelled after now.")
        if meeting.duration_minutes is not None and not is_held_minutes(meeting.duration_minutes):
            raise Refused("A planned length is between 1 and 480 minutes.")
        if held:
            _check_held(meeting, people, today)
        else:
            _check_called_off(meeting, people, in_plan, plan[index + 1 : index + 2])
        for topic in meeting.topics:
            _check_topic(topic, people, closed=closed, held=held, cleaned=cleaned)
        if meeting.moved_to is not None and meeting.moved_to.scheduled_at <= closed:
            raise Refused("The new time must be in the future.")


def _check_held(meeting: PastMeeting, people: set[int], today: dt.date) -> None:
    started = meeting.started_at or meeting.scheduled_at
    minutes = round(_elapsed(started, meeting.closed_at) / 60)
    _check_held_minutes(minutes)
    _check_mood(meeting.mood)
    unknown = meeting.notes.keys() - SECTIONS
    if unknown:
        raise Refused(f"Unknown notes section: {', '.join(sorted(unknown))}.")
    if any(len(text) > NOTE_LIMIT for text in meeting.notes.values()):
        raise Refused(f"A notes section is limited to {NOTE_LIMIT:,} characters.")
    authors = [note.author.id for note in meeting.private_notes]
    if len(set(authors)) != len(authors) or not set(authors) <= people:
        raise Refused("A private note belongs to one of the two people, one note each.")
    for note in meeting.private_notes:
        if len(note.body) > NOTE_LIMIT:
            raise Refused(f"A note is limited to {NOTE_LIMIT:,} characters.")
    for item in meeting.items:
        if item.owner.id not in people:
            raise Refused("The owner is one of the two people in this 1:1.")
        if item.status not in ITEM_STATUSES:
            raise Refused("Status is open, done or dropped.")
        if (item.status == ActionItem.Status.DONE) != (item.done_on is not None):
            raise Refused("A done action item has the day it was done, and only a done one.")
        if item.done_on is not None and item.done_on > today:
            raise Refused("An action item is done by today, not later.")


def _elapsed(start: dt.datetime, end: dt.datetime) -> float:
    """Seconds really elapsed: two times in the same timezone subtract as wall clocks would."""
    return (end.astimezone(dt.UTC) - start.astimezone(dt.UTC)).total_seconds()


def _check_called_off(
    meeting: PastMeeting, people: set[int], in_plan: set[int], later: list[PastMeeting]
) -> None:
    assert meeting.cancelled_by is not None
    if meeting.cancelled_by.id not in people or meeting.cancelled_at is None:
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


def _check_topic(
    topic: PastTopic, people: set[int], *, closed: dt.datetime, held: bool, cleaned: dict[str, str]
) -> None:
    if topic.author.id not in people:
        raise Refused("Only the two people of a 1:1 add to its agenda.")
    if topic.kind and topic.kind not in TOPIC_KINDS:
        raise Refused("Unknown topic kind.")
    if topic.at > closed:
        raise Refused("This meeting is closed: add the topic to the next one.")
    if topic.discussed and not held:
        raise Refused("Nothing is discussed in a meeting that did not take place.")
    text = topic.text
    if (kept := cleaned.get(text)) is None:
        kept = cleaned[text] = _clean_text(text)
    topic.text = kept


# Writes -----------------------------------------------------------------------------
# Rows go in with one executemany per table and generation: the plan was checked above,
# and building a model object per row would cost more than everything else together.
# People are named by `.id`, their primary key's attribute: `.pk` is a property, read for
# every topic, item and note of the history (in the checks above too).


def _meetings_write(
    plan: list[PastMeeting], series: Series, now: dt.datetime, counts: list[tuple[int, ...]]
) -> list[int]:
    at = moment_value()
    start = dt.datetime.combine(series.started_on, dt.time(0), tzinfo=ZoneInfo(series.timezone))
    ahead = dt.timedelta(weeks=scheduling.HORIZON_WEEKS)
    table = RowTable(Meeting, MEETING_COLUMNS)
    ids = table.ids(len(plan))
    id_of = {id(meeting): pk for meeting, pk in zip(plan, ids, strict=True)}
    moved_from = {id(m.moved_to): m for m in plan if m.moved_to is not None}
    minutes, career_minutes = (
        series.duration_minutes,
        scheduling.career_minutes(series.duration_minutes),
    )
    series_id, manager_id = series.pk, series.manager_id
    career_kind, regular_kind = Meeting.Kind.CAREER.value, Meeting.Kind.REGULAR.value
    held, moved_status, cancelled = (
        Meeting.Status.HELD.value,
        Meeting.Status.RESCHEDULED.value,
        Meeting.Status.CANCELLED.value,
    )
    sections = SharedNotes.SECTIONS
    blank = ("",) * (2 * len(sections))
    html = _notes_html.get() or SharedNotes.html_kept()
    rows, notes = [], []
    for meeting, pk, topic_counts in zip(plan, ids, counts, strict=True):
        career = meeting.career
        length = meeting.duration_minutes or (career_minutes if career else minutes)
        scheduled = meeting.scheduled_at
        source = moved_from.get(id(meeting))
        # Planned within the scheduler's horizon (or when it was moved), never before the
        # series began, never after now.
        created = at(min(source.cancelled_at if source else max(start, scheduled - ahead), now))
        kind = career_kind if career else regular_kind
        ended = meeting.ended_at
        if ended is not None:  # held
            started = meeting.started_at or scheduled
            held_minutes = round(_elapsed(started, ended) / 60)
            closed = at(ended)
            row = (pk, series_id, at(scheduled), length, kind, held, at(started), closed,
                   held_minutes, meeting.mood, None, None, "", None, 0, None, created,
                   *topic_counts)  # fmt: skip
        else:
            moved = meeting.moved_to
            notice = int(_elapsed(meeting.cancelled_at, scheduled) // 3600)
            closed = at(meeting.cancelled_at)
            row = (pk, series_id, at(scheduled), length, kind,
                   moved_status if moved else cancelled, None, None, None, None,
                   meeting.cancelled_by.id, closed, " ".join(meeting.reason.split()),
                   notice, 1, id_of[id(moved)] if moved else None, created,
                   *topic_counts)  # fmt: skip
        rows.append(row)
        written = meeting.notes
        texts = [written.get(key, "") for key in sections] if written else None
        if texts and any(texts):
            notes.append((pk, *texts, *map(html, texts), 1, manager_id, closed))
        else:
            notes.append((pk, *blank, 0, None, created))
    # A moved meeting points at its new occurrence, written in the same batch: the new
    # occurrences go first, so that no row waits for its reference (while one waits, SQLite
    # looks for references to every meeting written, in every table, index or not).
    targets = {id_of[key] for key in moved_from}
    table.insert(sorted(rows, key=lambda row: row[0] not in targets))
    shared = RowTable(SharedNotes, NOTES_COLUMNS)
    shared.insert_new(notes)
    return ids


def _part_times_write(plan: list[PastMeeting], ids: list[int], series: Series) -> None:
    """The shared timer moved through each held meeting's plan, stretched to its real length."""
    at = utc_moment_value()
    utc = dt.UTC
    level = level_or_default(series.report.level)
    career_kind, regular_kind = Meeting.Kind.CAREER.value, Meeting.Kind.REGULAR.value
    minutes = series.duration_minutes
    career_minutes = scheduling.career_minutes(minutes)
    # (length, kind, real length) -> the parts' keys and how long after the start each
    # begins, or None outside the framework: a series' meetings run over by a few amounts.
    plans: dict[tuple[int, str, dt.timedelta], tuple[tuple[str, ...], list] | None] = {}
    rows = []
    for meeting, pk in zip(plan, ids, strict=True):
        if (ended := meeting.ended_at) is None:
            continue
        career = meeting.career
        kind = career_kind if career else regular_kind
        length = meeting.duration_minutes or (career_minutes if career else minutes)
        # In UTC, as the timer keeps time: a change of clocks during a meeting moves nothing.
        started = (meeting.started_at or meeting.scheduled_at).astimezone(utc)
        closed = ended.astimezone(utc)
        key = (length, kind, closed - started)
        if (parts := plans.get(key, False)) is False:
            parts = plans[key] = _parts_stretched(length, kind, level, closed - started)
        if parts is None:
            continue
        keys_, offsets = parts
        edges = [at(started + offset) for offset in offsets]
        edges.append(at(closed))
        rows.extend(zip(repeat(pk), keys_, edges, edges[1:]))
    RowTable(PartTime, PART_TIME_COLUMNS).insert_new(rows)


def _parts_stretched(
    length: int, kind: str, level: str, real: dt.timedelta
) -> tuple[tuple[str, ...], list[dt.timedelta]] | None:
    """The agenda's parts and when each begins after the start, stretched to the real length;
    None for a length outside what the framework plans for."""
    try:
        boxes = agenda_plan(duration_minutes=length, kind=kind, level=level)
    except ValueError:
        return None
    scale = real / dt.timedelta(minutes=length)
    return (
        tuple(box.key for box in boxes),
        [dt.timedelta(minutes=box.start_minute * scale) for box in boxes],
    )


MEETING_COLUMNS = (
    "series_id", "scheduled_at", "duration_minutes", "kind", "status", "started_at",
    "ended_at", "held_minutes", "mood", "cancelled_by_id", "cancelled_at", "cancel_reason",
    "notice_hours", "sequence", "moved_to_id", "created_at", "kept_topics", "kept_report_topics",
    "kept_report_topics_early", "kept_status_topics",
)  # fmt: skip
NOTES_COLUMNS = (
    "meeting_id",
    *SharedNotes.SECTIONS,
    *(f"{key}_html" for key in SharedNotes.SECTIONS),
    "version",
    "updated_by_id",
    "updated_at",
)
TOPIC_COLUMNS = (
    "meeting_id", "author_id", "text", "kind", "position", "added_before_start", "discussed",
    "carried_from_id", "created_at",
)  # fmt: skip
ITEM_COLUMNS = (
    "series_id", "meeting_id", "owner_id", "text", "due_on", "status", "done_on",
    "created_by_id", "created_at",
)  # fmt: skip
PART_TIME_COLUMNS = ("meeting_id", "part", "started_at", "ended_at")
PRIVATE_COLUMNS = ("meeting_id", "author_id", "sealed_body", "version", "updated_at")


def _topics_lay_out(plan: list[PastMeeting]) -> tuple[list[tuple], int]:
    """New topics, then each generation of carried copies, in the order their ids are drawn;
    returns them and how many of the last meeting's topics are still undiscussed (they roll
    into the next meeting). A topic is (meeting index, author, text, kind, position, added
    before start, discussed, the index of the topic it was carried from, created at)."""
    index_of = {id(meeting): index for index, meeting in enumerate(plan)}
    following: dict[int, int] = {}
    for index, meeting in enumerate(plan):
        if meeting.moved_to is not None:
            following[index] = index_of[id(meeting.moved_to)]
        elif index + 1 < len(plan):
            following[index] = index + 1
    positions = [0] * len(plan)
    topics: list[tuple] = []
    for index, meeting in enumerate(plan):
        started = meeting.started_at or meeting.scheduled_at
        for topic in sorted(meeting.topics, key=lambda t: t.at):
            positions[index] += 1
            topics.append(
                (index, topic.author.id, topic.text, topic.kind, positions[index],
                 topic.at < started, topic.discussed, None, topic.at)
            )  # fmt: skip
    pending, first = 0, 0
    while first < len(topics):
        generation_end = len(topics)
        for source in range(first, generation_end):
            index, author, text, kind, *_rest, discussed, _source, _when = topics[source]
            if discussed:
                continue
            target = following.get(index)
            if target is None:
                pending += 1
                continue
            positions[target] += 1
            meeting = plan[target]
            topics.append(
                (target, author, text, kind, positions[target], True,
                 meeting.held and meeting.carried_discussed, source, plan[index].closed_at)
            )  # fmt: skip
        first = generation_end
    return topics, pending


def _topic_counts(plan: list[PastMeeting], topics: list[tuple], report_id: int) -> list[tuple]:
    """Each meeting's topics, those its report brought, those of the report's added before
    the start, and the status updates (what topic_counts_refresh counts)."""
    counts = [[0, 0, 0, 0] for _ in plan]
    status = Topic.Kind.STATUS.value
    for index, author, _text, kind, _position, before, *_rest in topics:
        theirs = author == report_id
        counts[index][0] += 1
        counts[index][1] += theirs
        counts[index][2] += theirs and before
        counts[index][3] += kind == status
    return [tuple(count) for count in counts]


def _topics_write(topics: list[tuple], ids: list[int]) -> None:
    at = moment_value()
    table = RowTable(Topic, TOPIC_COLUMNS)
    topic_ids = table.ids(len(topics))
    table.insert(
        [
            (pk, ids[index], author, text, kind, position, before, discussed,
             None if source is None else topic_ids[source], at(when))
            for pk, (index, author, text, kind, position, before, discussed, source, when)
            in zip(topic_ids, topics, strict=True)
        ]
    )  # fmt: skip


def _items_write(plan: list[PastMeeting], ids: list[int], series: Series, actor: Person) -> int:
    at = moment_value()
    day = connection.ops.adapt_datefield_value
    table = RowTable(ActionItem, ITEM_COLUMNS)
    cleaned: dict[str, str] = {}
    series_id, actor_id = series.pk, actor.pk

    def clean(text: str) -> str:
        if (kept := cleaned.get(text)) is None:
            kept = cleaned[text] = _clean_text(text, what="An action item")
        return kept

    rows = [
        (series_id, pk, item.owner.id, clean(item.text),
         day(item.due_on), str(item.status), day(item.done_on), actor_id, at(meeting.closed_at))
        for meeting, pk in zip(plan, ids, strict=True)
        for item in meeting.items
    ]  # fmt: skip
    table.insert_new(rows)
    return len(rows)


def _private_notes_write(plan: list[PastMeeting], ids: list[int], series: Series) -> int:
    at = moment_value()
    seal = keys.sealer(series.organisation_id)
    table = RowTable(PrivateNote, PRIVATE_COLUMNS)
    rows = [
        # Sealed for its author at once, like every private note.
        (pk, note.author.id, seal(note.body, note.author.id), 1, at(note.at))
        for meeting, pk in zip(plan, ids, strict=True)
        for note in meeting.private_notes
    ]  # fmt: skip
    table.insert_new(rows)
    return len(rows)
