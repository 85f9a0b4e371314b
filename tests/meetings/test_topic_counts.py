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


KEPT = ("kept_topics", "kept_report_topics", "kept_report_topics_early", "kept_status_topics")


def counted_from_scratch() -> dict[int, tuple[int, int, int, int]]:
    """Per meeting: its topics, its report's, the report's added before the start, and the
    status updates, counted from the topics themselves."""
    report = Q(topics__author_id=F("series__report_id"))
    rows = Meeting.objects.annotate(
        topics_found=Count("topics"),
        report_found=Count("topics", filter=report),
        early_found=Count("topics", filter=report & Q(topics__added_before_start=True)),
        status_found=Count("topics", filter=Q(topics__kind=Topic.Kind.STATUS)),
    ).values_list("pk", "topics_found", "report_found", "early_found", "status_found")
    return {pk: tuple(counts) for pk, *counts in rows}


def kept() -> dict[int, tuple[int, int, int, int]]:
    return {pk: tuple(counts) for pk, *counts in Meeting.objects.values_list("pk", *KEPT)}


def kept_of(meeting: Meeting) -> tuple[int, int, int, int]:
    meeting.refresh_from_db()
    return tuple(getattr(meeting, name) for name in KEPT)


def following(meeting: Meeting) -> Meeting:
    return Meeting.objects.after(meeting).filter(status="scheduled").first()


def test_adding_and_removing_topics_keeps_the_counts(mia, ray, meeting) -> None:
    services.topic_add(actor=ray, meeting=meeting, text="Pairing with Sam", kind="status")
    services.topic_add(actor=ray, meeting=meeting, text="Conference talk")
    mine = services.topic_add(actor=mia, meeting=meeting, text="Team re-org", kind="status")
    assert kept_of(meeting) == (3, 2, 2, 2)
    services.topic_delete(actor=mia, topic=mine)
    theirs = meeting.topics.filter(author=ray).first()
    services.topic_delete(actor=ray, topic=theirs)
    assert kept_of(meeting) == (1, 1, 1, 0)
    assert kept() == counted_from_scratch()


def test_the_reports_topics_added_after_the_start_are_not_counted_early(mia, ray, meeting) -> None:
    services.topic_add(actor=ray, meeting=meeting, text="Pairing with Sam")
    after_start = meeting.scheduled_at + dt.timedelta(minutes=5)
    services.topic_add(actor=ray, meeting=meeting, text="Conference talk", now=after_start)
    services.topic_add(actor=mia, meeting=meeting, text="Team re-org")
    assert kept_of(meeting) == (3, 2, 1, 0)
    assert kept() == counted_from_scratch()


def test_retagging_a_topic_keeps_the_status_count(mia, ray, meeting) -> None:
    topic = services.topic_add(actor=ray, meeting=meeting, text="Sprint recap")
    services.topic_set_kind(actor=mia, topic=topic, kind="status")
    assert kept_of(meeting) == (1, 1, 1, 1)
    services.topic_update(actor=ray, topic=topic, text="Sprint recap", kind="career")
    assert kept_of(meeting) == (1, 1, 1, 0)
    services.topic_update(actor=ray, topic=topic, text="Sprint status", kind="status")
    assert kept_of(meeting) == (1, 1, 1, 1)
    services.topic_set_kind(actor=ray, topic=topic, kind="")
    assert kept_of(meeting) == (1, 1, 1, 0)
    assert kept() == counted_from_scratch()


def test_topics_carried_to_the_next_meeting_are_counted_there(mia, ray, meeting) -> None:
    done = services.topic_add(actor=ray, meeting=meeting, text="Pairing with Sam")
    services.topic_add(actor=ray, meeting=meeting, text="Conference talk", kind="status")
    services.topic_add(actor=mia, meeting=meeting, text="Team re-org")
    services.topic_set_discussed(actor=mia, topic=done, discussed=True)
    services.meeting_complete(actor=mia, meeting=meeting, held_minutes=30)
    assert kept_of(following(meeting)) == (2, 1, 1, 1)
    assert kept() == counted_from_scratch()


def test_a_skipped_meeting_hands_its_counts_on_and_a_moved_one_takes_them_along(
    mia, ray, meeting
) -> None:
    services.topic_add(actor=ray, meeting=meeting, text="Salary review", kind="status")
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
    assert kept_of(nxt) == (0, 0, 0, 0)
    assert kept_of(moved) == (2, 1, 1, 1)
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
                PastTopic(author=cast.mia, text="Roadmap", at=week[5], kind="status"),
            ],
        ),
        PastMeeting(
            scheduled_at=week[4],
            ended_at=week[4] + dt.timedelta(minutes=30),
            topics=[
                PastTopic(author=cast.ray, text="Course", at=week[4], discussed=True),
                PastTopic(author=cast.ray, text="Demo", at=week[4], kind="status", discussed=True),
            ],
        ),
    ]
    series_backfill(actor=cast.mia, series=series, meetings=plan, now=NOW)
    counts = kept()
    assert counts == counted_from_scratch()
    topics, _report, early, status = (sum(column) for column in zip(*counts.values(), strict=True))
    assert topics == Topic.objects.count() > 3
    assert early > 0
    # The undiscussed status update is carried on: its copies are counted too.
    assert status == Topic.objects.filter(kind="status").count() > 2


def test_the_migrations_count_every_meeting_as_the_services_do(mia, ray, meeting) -> None:
    services.topic_add(actor=ray, meeting=meeting, text="Pairing with Sam", kind="status")
    after_start = meeting.scheduled_at + dt.timedelta(minutes=5)
    services.topic_add(actor=ray, meeting=meeting, text="Conference talk", now=after_start)
    services.topic_add(actor=mia, meeting=meeting, text="Team re-org", kind="status")
    Meeting.objects.update(**dict.fromkeys(KEPT, 0))
    for name in ("0009_topic_counts_kept", "0012_topic_counts_early_and_status"):
        migration = importlib.import_module(f"rapport.meetings.migrations.{name}")
        with connection.cursor() as cursor:
            cursor.execute(migration.COUNT_TOPICS)
    assert kept() == counted_from_scratch()
    assert kept_of(meeting) == (3, 2, 1, 2)
