"""Every write to a meeting's agenda: adding, editing, ticking and ordering topics."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Func, IntegerField, Max, OuterRef, Subquery
from django.utils import timezone

from rapport import access
from rapport.errors import Refused
from rapport.meetings.models import Meeting, Series, Topic, agenda_order
from rapport.meetings.services.common import _clean_text
from rapport.people.models import Person

# What a write to a meeting checks first: read again under the lock.
LOCKED_STATE = (
    "status", "started_at", "ended_at", "moved_to_id", "sequence", "section", "section_started_at",
)  # fmt: skip


def meeting_lock(meeting: Meeting) -> Meeting:
    """Hold the meeting's row until the transaction ends, and read its state again from it.

    Writes to one meeting take turns, each checking what the one before it left: two tabs,
    or both people at once, never hold and cancel it, move it twice, or add a topic to a
    meeting just closed; two topics added at once get two positions, never the same one.
    (PostgreSQL locks the row; SQLite's IMMEDIATE transactions already take turns.)"""
    state = Meeting.objects.select_for_update().filter(pk=meeting.pk).values(*LOCKED_STATE)
    found = state.first()
    if found is None:
        raise Refused("This meeting no longer exists.")
    for name, value in found.items():
        setattr(meeting, name, value)
    return meeting


def _check_agenda_open(meeting: Meeting) -> None:
    meeting_lock(meeting)
    if meeting.status != Meeting.Status.SCHEDULED:
        raise Refused("This meeting is closed: its agenda is part of its history.")


def _check_may_change_agenda(actor: Person, meeting: Meeting) -> None:
    access.meeting_check_change(actor, meeting)
    _check_agenda_open(meeting)


def _check_kind(kind: str) -> None:
    if kind and kind not in Topic.Kind.values:
        raise Refused("Unknown topic kind.")


# Meetings whose counts one statement refreshes (below SQLite's limit of parameters).
REFRESH_CHUNK = 500


def topic_counts_refresh(meeting_ids: Iterable[int]) -> None:
    """Count again the topics of these meetings, those their report brought, those of the
    report's added before the start, and the status updates (the meetings' `kept_topics`,
    `kept_report_topics`, `kept_report_topics_early` and `kept_status_topics`), from the
    topics themselves: called in the transaction of every write that adds, removes or
    moves a topic or changes its kind."""
    ids = sorted(set(meeting_ids))
    topics = Topic.objects.filter(meeting=OuterRef("pk"))
    report = Series.objects.filter(pk=OuterRef(OuterRef("series_id"))).values("report_id")
    report_topics = topics.filter(author_id=Subquery(report))
    counts = {
        "kept_topics": _count(topics),
        "kept_report_topics": _count(report_topics),
        "kept_report_topics_early": _count(report_topics.filter(added_before_start=True)),
        "kept_status_topics": _count(topics.filter(kind=Topic.Kind.STATUS)),
    }
    for first in range(0, len(ids), REFRESH_CHUNK):
        Meeting.objects.filter(pk__in=ids[first : first + REFRESH_CHUNK]).update(**counts)


def _count(rows) -> Subquery:
    """How many rows a correlated queryset has, as a subquery (0 for none)."""
    return Subquery(
        rows.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
        output_field=IntegerField(),
    )


@transaction.atomic
def topic_add(
    *, actor: Person, meeting: Meeting, text: str, kind: str = "", now: dt.datetime | None = None
) -> Topic:
    """Add a talking point; it remembers whether it came before the meeting started."""
    access.meeting_check_change(actor, meeting)
    if meeting_lock(meeting).status != Meeting.Status.SCHEDULED:
        raise Refused("This meeting is closed: add the topic to the next one.")
    _check_kind(kind)
    now = now or timezone.now()
    started = meeting.started_at or meeting.scheduled_at
    top = meeting.topics.aggregate(top=Max("position"))["top"] or 0
    topic = Topic.objects.create(
        meeting=meeting,
        author=actor,
        text=_clean_text(text),
        kind=kind,
        position=top + 1,
        added_before_start=now < started,
        created_at=now,
    )
    topic_counts_refresh([meeting.pk])
    return topic


@transaction.atomic
def topic_update(
    *,
    actor: Person,
    topic: Topic,
    text: str,
    kind: str | None = None,
    now: dt.datetime | None = None,
) -> Topic:
    """Rewrite a topic (its author only)."""
    access.topic_check_edit(actor, topic)
    _check_agenda_open(topic.meeting)
    topic.text = _clean_text(text)
    fields = ["text"]
    if kind is not None:
        _check_kind(kind)
        topic.kind = kind
        fields.append("kind")
    topic.save(update_fields=fields)
    if kind is not None:
        topic_counts_refresh([topic.meeting_id])
    return topic


@transaction.atomic
def topic_delete(*, actor: Person, topic: Topic, now: dt.datetime | None = None) -> None:
    """Remove a topic (its author only), while the meeting is still open."""
    access.topic_check_edit(actor, topic)
    if meeting_lock(topic.meeting).status != Meeting.Status.SCHEDULED:
        raise Refused("Topics of a closed meeting are part of its history.")
    topic.delete()
    topic_counts_refresh([topic.meeting_id])


@transaction.atomic
def topic_set_discussed(
    *, actor: Person, topic: Topic, discussed: bool, now: dt.datetime | None = None
) -> Topic:
    """Tick a topic as discussed, or untick it."""
    _check_may_change_agenda(actor, topic.meeting)
    topic.discussed = discussed
    topic.save(update_fields=["discussed"])
    return topic


@transaction.atomic
def topic_set_kind(
    *, actor: Person, topic: Topic, kind: str, now: dt.datetime | None = None
) -> Topic:
    """Tag a topic as tactical, skills, career or a status update."""
    _check_may_change_agenda(actor, topic.meeting)
    _check_kind(kind)
    topic.kind = kind
    topic.save(update_fields=["kind"])
    topic_counts_refresh([topic.meeting_id])
    return topic


@transaction.atomic
def topics_reorder(
    *, actor: Person, meeting: Meeting, ordered_ids: list[int], now: dt.datetime | None = None
) -> None:
    """Put the meeting's topics in the given order."""
    _check_may_change_agenda(actor, meeting)
    current = set(meeting.topics.values_list("pk", flat=True))
    if set(ordered_ids) != current or len(ordered_ids) != len(current):
        raise Refused("The agenda changed meanwhile: reload and try again.")
    for position, pk in enumerate(ordered_ids, start=1):
        Topic.objects.filter(pk=pk).update(position=position)


@transaction.atomic
def topic_move(
    *, actor: Person, topic: Topic, direction: int, now: dt.datetime | None = None
) -> None:
    """Move a topic one place up (-1) or down (+1) among the topics of the same person."""
    if direction not in (-1, 1):
        raise Refused("A topic moves one place up or down.")
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
    topics_reorder(
        actor=actor, meeting=meeting, ordered_ids=[other.pk for other in ordered], now=now
    )
