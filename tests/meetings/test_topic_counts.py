"""Each meeting's topic counts, kept by the topic services, equal a count from scratch."""

from __future__ import annotations

import datetime as dt
import importlib
from types import SimpleNamespace

from django.db import connection
from django.db.models import Count, F, Q

from rapport.meetings import services
from rapport.meetings.models import Meeting, Series, Topic
from rapport.meetings.services import PastMeeting, PastTopic, series_backfill

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def counted_from_scratch() -> dict[int, tuple[int, int]]:
    """Per meeting: its topics and its report's, counted from the topics themselves."""
    rows = Meeting.objects.annotate(
        topics_found=Count("topics"),
        report_found=Count("topics", filter=Q(topics__author_id=F("series__report_id"))),
    ).values_list("pk", "topics_found", "report_found")
    return {pk: (topics, report) for pk, topics, report in rows}


def kept() -> dict[int, tuple[int, int]]:
    rows = Meeting.objects.values_list("pk", "kept_topics", "kept_report_topics")
    return {pk: (topics, report) for pk, topics, report in rows}


def following(meeting: Meeting) -> Meeting:
    return Meeting.objects.after(meeting).filter(status="scheduled").first()


def test_adding_and_removing_topics_keeps_the_counts(mia, ray, meeting) -> None:
    services.topic_add(actor=ray, meeting=meeting, text="Pairing with Sam")
    services.topic_add(actor=ray, meeting=meeting, text="Conference talk")
    mine = services.topic_add(actor=mia, meeting=meeting, text="Team re-org")
    meeting.refresh_from_db()
    assert (meeting.kept_topics, meeting.kept_report_topics) == (3, 2)
    services.topic_delete(actor=mia, topic=mine)
    theirs = meeting.topics.filter(author=ray).first()
    services.topic_delete(actor=ray, topic=theirs)
    meeting.refresh_from_db()
    assert (meeting.kept_topics, meeting.kept_report_topics) == (1, 1)
    assert kept() == counted_from_scratch()


def test_topics_carried_to_the_next_meeting_are_counted_there(mia, ray, meeting) -> None:
    done = services.topic_add(actor=ray, meeting=meeting, text="Pairing with Sam")
    services.topic_add(actor=ray, meeting=meeting, text="Conference talk")
    services.topic_add(actor=mia, meeting=meeting, text="Team re-org")
    services.topic_set_discussed(actor=mia, topic=done, discussed=True)
    services.meeting_complete(actor=mia, meeting=meeting, held_minutes=30)
    after = following(meeting)
    assert (after.kept_topics, after.kept_report_topics) == (2, 1)
    assert kept() == counted_from_scratch()


def test_a_skipped_meeting_hands_its_counts_on_and_a_moved_one_takes_them_along(
    mia, ray, meeting
) -> None:
    services.topic_add(actor=ray, meeting=meeting, text="Salary review")
    now = meeting.scheduled_at - dt.timedelta(hours=30)
    services.meeting_cancel(actor=mia, meeting=meeting, reason="Sick day", skip=True, now=now)
    assert kept() == counted_from_scratch()
    nxt = following(meeting)
    services.topic_add(actor=mia, meeting=nxt, text="Hiring plan", now=now)
    moved = services.meeting_cancel(
        actor=mia,
        meeting=nxt,
        reason="Offsite",
        new_time=nxt.scheduled_at + dt.timedelta(days=1),
        now=now,
    )
    nxt.refresh_from_db()
    moved.refresh_from_db()
    assert (nxt.kept_topics, nxt.kept_report_topics) == (0, 0)
    assert (moved.kept_topics, moved.kept_report_topics) == (2, 1)
    assert kept() == counted_from_scratch()


def test_a_backfilled_past_is_counted(cast: SimpleNamespace) -> None:
    series = Series.objects.get(report=cast.ray, ended_on__isnull=True)
    week = [NOW - dt.timedelta(weeks=n) for n in range(6)]
    plan = [
        PastMeeting(
            scheduled_at=week[5],
            ended_at=week[5] + dt.timedelta(minutes=30),
            topics=[
                PastTopic(author=cast.ray, text="On-call load", at=week[5] - dt.timedelta(hours=5)),
                PastTopic(author=cast.mia, text="Release plan", at=week[5], discussed=True),
            ],
        ),
        PastMeeting(
            scheduled_at=week[4],
            ended_at=week[4] + dt.timedelta(minutes=30),
            topics=[PastTopic(author=cast.ray, text="Course", at=week[4], discussed=True)],
        ),
    ]
    series_backfill(actor=cast.mia, series=series, meetings=plan, now=NOW)
    counts = kept()
    assert counts == counted_from_scratch()
    assert sum(topics for topics, _ in counts.values()) == Topic.objects.count() > 3


def test_the_migration_counts_every_meeting_as_the_services_do(mia, ray, meeting) -> None:
    services.topic_add(actor=ray, meeting=meeting, text="Pairing with Sam")
    services.topic_add(actor=mia, meeting=meeting, text="Team re-org")
    Meeting.objects.update(kept_topics=0, kept_report_topics=0)
    migration = importlib.import_module("rapport.meetings.migrations.0009_topic_counts_kept")
    with connection.cursor() as cursor:
        cursor.execute(migration.COUNT_TOPICS)
    assert kept() == counted_from_scratch()
    meeting.refresh_from_db()
    assert (meeting.kept_topics, meeting.kept_report_topics) == (2, 1)
