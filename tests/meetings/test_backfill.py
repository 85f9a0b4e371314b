"""Laying out a series' past in one call, under the same rules as the one-at-a-time services."""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.db import connection

from rapport.errors import Refused
from rapport.meetings.models import ActionItem, Meeting, PrivateNote, Series, Topic
from rapport.meetings.services import (
    PastItem,
    PastMeeting,
    PastPrivateNote,
    PastTopic,
    series_backfill,
    series_past_slots,
)
from rapport.meetings.services.backfill import backfill_bulk_load

# The personas' series start today: their past is laid out up to now.
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.fixture
def series(cast: SimpleNamespace) -> Series:
    return Series.objects.get(report=cast.ray, ended_on__isnull=True)


def week(n: int) -> dt.datetime:
    return NOW - dt.timedelta(weeks=n)


def held(when: dt.datetime, **fields: object) -> PastMeeting:
    return PastMeeting(scheduled_at=when, ended_at=when + dt.timedelta(minutes=30), **fields)


def test_it_writes_held_cancelled_and_moved_meetings_and_carries_what_was_not_discussed(
    cast: SimpleNamespace, series: Series
) -> None:
    moved_to = held(week(3) + dt.timedelta(days=1), mood=4)
    plan = [
        held(
            week(5),
            mood=3,
            topics=[
                PastTopic(author=cast.ray, text="On-call load", at=week(5) - dt.timedelta(hours=5)),
                PastTopic(
                    author=cast.mia,
                    text="Release plan",
                    at=week(5) + dt.timedelta(minutes=5),
                    discussed=True,
                ),
            ],
            notes={"their_topics": "- On-call load: not reached"},
            private_notes=[PastPrivateNote(author=cast.mia, body="MIA-ONLY-5512", at=week(5))],
            items=[
                PastItem(
                    owner=cast.ray,
                    text="Write the runbook",
                    due_on=week(4).date(),
                    status="done",
                    done_on=week(4).date(),
                ),
                PastItem(owner=cast.mia, text="Ask for a budget", due_on=week(4).date()),
            ],
        ),
        PastMeeting(
            scheduled_at=week(3),
            cancelled_by=cast.ray,
            cancelled_at=week(3) - dt.timedelta(hours=30),
            reason="Release day: can we move it?",
            moved_to=moved_to,
        ),
        moved_to,
    ]

    done = series_backfill(actor=cast.mia, series=series, meetings=plan, now=NOW)

    first, called_off, second = (Meeting.objects.get(pk=pk) for pk in done.meetings)
    assert [m.status for m in (first, called_off, second)] == ["held", "rescheduled", "held"]
    assert first.held_minutes == 30 and first.mood == 3
    called_off.refresh_from_db()
    assert called_off.moved_to_id == second.pk and called_off.notice_hours == 30
    assert called_off.cancelled_by == cast.ray
    # The topic not reached in the first meeting went to the next, then along when it moved.
    chain = Topic.objects.filter(text="On-call load").order_by("pk")
    assert [t.meeting_id for t in chain] == [first.pk, called_off.pk, second.pk]
    assert chain[1].carried_from_id == chain[0].pk and chain[2].carried_from_id == chain[1].pk
    assert chain[2].discussed and not chain[0].discussed
    assert Topic.objects.get(text="Release plan").added_before_start is False
    note = PrivateNote.objects.get()
    assert "MIA-ONLY-5512" not in note.sealed_body and note.body == "MIA-ONLY-5512"
    assert ActionItem.objects.filter(status="done").get().done_on == week(4).date()
    series.refresh_from_db()
    assert series.started_on == week(5).astimezone(ZoneInfo(series.timezone)).date()
    # Planned ahead from now, and nothing dated after it but the schedule.
    assert Meeting.objects.filter(series=series, status="scheduled", scheduled_at__gt=NOW).exists()
    assert not Meeting.objects.filter(series=series, scheduled_at__lt=NOW, created_at__gt=NOW)
    assert not Meeting.objects.filter(series=series, status="scheduled", scheduled_at__lt=NOW)


def test_the_slots_follow_the_cadence_and_the_career_interval(series: Series) -> None:
    since = week(12).date()
    slots = series_past_slots(series, since=since, until=NOW)
    assert 11 <= len(slots) <= 13  # ray is junior: weekly
    assert all(b[0] - a[0] == dt.timedelta(weeks=1) for a, b in itertools.pairwise(slots))
    assert any(career for _, career in slots) and not all(career for _, career in slots)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda c: [held(week(2), mood=9)], "Mood is on a scale"),
        (
            lambda c: [PastMeeting(scheduled_at=week(2), ended_at=week(2) + dt.timedelta(hours=9))],
            "real length",
        ),
        (
            lambda c: [
                PastMeeting(
                    scheduled_at=week(2), cancelled_by=c.ray, cancelled_at=week(3), reason=" "
                )
            ],
            "Say briefly why",
        ),
        (
            lambda c: [
                PastMeeting(
                    scheduled_at=week(2),
                    cancelled_by=c.ray,
                    cancelled_at=week(3),
                    reason="Away",
                    moved_to=held(week(1)),
                )
            ],
            "part of the plan",
        ),
        (
            lambda c: [
                PastMeeting(
                    scheduled_at=week(2),
                    career=True,
                    cancelled_by=c.mia,
                    cancelled_at=week(3),
                    reason="Offsite",
                ),
                held(week(1)),
            ],
            "career-focused",
        ),
        (
            lambda c: [
                held(
                    week(2),
                    topics=[PastTopic(author=c.zed, text="Hello", at=week(3))],
                )
            ],
            "two people",
        ),
        (
            lambda c: [
                held(week(2), private_notes=[PastPrivateNote(author=c.olga, body="x", at=NOW)])
            ],
            "private note",
        ),
        (
            lambda c: [
                held(
                    week(2),
                    items=[PastItem(owner=c.ray, text="Later", status="done", done_on=NOW.date())],
                ),
                held(week(1), items=[PastItem(owner=c.rita, text="Not in this 1:1")]),
            ],
            "owner is one of the two",
        ),
        (lambda c: [held(NOW + dt.timedelta(days=1))], "History lies in the past"),
        (
            lambda c: [
                PastMeeting(
                    scheduled_at=week(2),
                    cancelled_by=c.ray,
                    cancelled_at=week(3),
                    reason="Away",
                    topics=[PastTopic(author=c.ray, text="Hi", at=week(4), discussed=True)],
                )
            ],
            "Nothing is discussed",
        ),
    ],
)
def test_it_refuses_what_the_services_refuse_and_writes_nothing(
    cast: SimpleNamespace, series: Series, make, message: str
) -> None:
    before = row_counts()
    with pytest.raises(Refused, match=message):
        series_backfill(actor=cast.mia, series=series, meetings=make(cast), now=NOW)
    assert row_counts() == before


def test_only_the_manager_lays_out_the_past_and_only_once(
    cast: SimpleNamespace, series: Series
) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        series_backfill(actor=cast.ray, series=series, meetings=[held(week(2))], now=NOW)
    series_backfill(actor=cast.mia, series=series, meetings=[held(week(2))], now=NOW)
    before = row_counts()
    with pytest.raises(Refused, match="already has a history"):
        series_backfill(actor=cast.mia, series=series, meetings=[held(week(4))], now=NOW)
    assert row_counts() == before


def test_each_held_meeting_records_its_timer_through_the_plan(
    cast: SimpleNamespace, series: Series
) -> None:
    from rapport.meetings.models import PartTime

    start = week(4)
    plan = [
        PastMeeting(scheduled_at=start, ended_at=start + dt.timedelta(minutes=60), mood=3),
        PastMeeting(
            scheduled_at=week(2), cancelled_by=cast.mia, cancelled_at=week(3), reason="Offsite"
        ),
    ]
    done = series_backfill(actor=cast.mia, series=series, meetings=plan, now=NOW)
    held_id = done.meetings[0]
    stretches = list(PartTime.objects.filter(meeting_id=held_id).order_by("started_at"))
    assert len(stretches) >= 2
    assert stretches[0].started_at == start
    assert stretches[-1].ended_at == start + dt.timedelta(minutes=60)
    for before, after in itertools.pairwise(stretches):
        assert before.ended_at == after.started_at
    assert not PartTime.objects.filter(meeting_id=done.meetings[1]).exists()


def schema() -> list[tuple]:
    """The database's tables and indexes as SQLite keeps them (nothing elsewhere)."""
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name")
        return cursor.fetchall()


def test_a_bulk_load_writes_the_same_and_leaves_the_schema_as_it_was_even_if_interrupted(
    cast: SimpleNamespace, series: Series
) -> None:
    before, counts = schema(), row_counts()

    def plan() -> list[PastMeeting]:
        moved_to = held(week(3) + dt.timedelta(days=1))
        called_off = PastMeeting(
            scheduled_at=week(3),
            cancelled_by=cast.ray,
            cancelled_at=week(4),
            reason="Travelling",
            moved_to=moved_to,
        )
        return [held(week(4), items=[PastItem(owner=cast.ray, text="Draft it")]), called_off,
                moved_to]  # fmt: skip

    with pytest.raises(Refused, match="Interrupted"), backfill_bulk_load():
        series_backfill(actor=cast.mia, series=series, meetings=plan(), now=NOW)
        assert connection.vendor != "sqlite" or len(schema()) < len(before)
        raise Refused("Interrupted")
    assert (schema(), row_counts()) == (before, counts)
    with backfill_bulk_load():
        series_backfill(actor=cast.mia, series=series, meetings=plan(), now=NOW)
    assert schema() == before
    moved = series.meetings.get(status=Meeting.Status.RESCHEDULED)
    assert moved.moved_to.scheduled_at == week(3) + dt.timedelta(days=1)
    assert ActionItem.objects.get(series=series).text == "Draft it"


def test_a_bulk_load_keeps_the_notes_html_across_its_series_and_lets_it_go_at_its_end(
    cast: SimpleNamespace, series: Series
) -> None:
    from rapport.meetings.services import backfill

    notes = {"context": "Same **line** every week"}
    assert backfill._notes_html.get() is None  # outside a bulk load: one series' own
    with backfill_bulk_load():
        kept = backfill._notes_html.get()
        plan = [held(week(5), notes=notes), held(week(4), notes=notes)]
        series_backfill(actor=cast.mia, series=series, meetings=plan, now=NOW)
        assert kept.cache_info().hits >= 1 and kept.cache_info().currsize >= 1
    # The notes' text does not outlive the load in the process's memory.
    assert backfill._notes_html.get() is None
    shared = series.meetings.get(scheduled_at=week(5)).shared_notes
    assert shared.context_html.strip() == "<p>Same <strong>line</strong> every week</p>"
