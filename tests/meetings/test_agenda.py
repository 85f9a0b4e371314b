"""The shared agenda: who added what and when, ticking, tagging, ordering, and author-only edits."""

from __future__ import annotations

import datetime as dt
import os
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connections

from rapport.errors import Refused
from rapport.meetings import services
from rapport.meetings.models import Topic, agenda_order


def agenda_texts(meeting) -> list[str]:
    topics = meeting.topics.all()
    return [topic.text for topic in agenda_order(topics, report_id=meeting.series.report_id)]


def test_a_topic_added_ahead_counts_as_prepared(ray, meeting) -> None:
    early = meeting.scheduled_at - dt.timedelta(days=1)
    topic = services.topic_add(actor=ray, meeting=meeting, text="Career ladder", now=early)
    assert topic.added_before_start
    assert topic.author == ray


def test_a_topic_added_after_the_start_is_marked_as_added_during(mia, ray, meeting) -> None:
    start = meeting.scheduled_at - dt.timedelta(minutes=5)
    services.meeting_start(actor=mia, meeting=meeting, now=start)
    meeting.refresh_from_db()
    topic = services.topic_add(
        actor=ray, meeting=meeting, text="Something came up", now=start + dt.timedelta(minutes=1)
    )
    assert not topic.added_before_start


def test_the_reports_topics_come_first_on_the_agenda(mia, ray, meeting) -> None:
    services.topic_add(actor=mia, meeting=meeting, text="Team update")
    services.topic_add(actor=ray, meeting=meeting, text="My blocker")
    services.topic_add(actor=mia, meeting=meeting, text="Feedback on the demo")
    services.topic_add(actor=ray, meeting=meeting, text="Course budget")
    assert agenda_texts(meeting) == [
        "My blocker",
        "Course budget",
        "Team update",
        "Feedback on the demo",
    ]


def test_a_topic_moves_within_its_side_of_the_agenda(mia, ray, meeting) -> None:
    first = services.topic_add(actor=ray, meeting=meeting, text="First")
    services.topic_add(actor=mia, meeting=meeting, text="Manager topic")
    second = services.topic_add(actor=ray, meeting=meeting, text="Second")
    services.topic_move(actor=mia, topic=second, direction=-1)
    assert agenda_texts(meeting) == ["Second", "First", "Manager topic"]
    first.refresh_from_db()
    services.topic_move(actor=ray, topic=first, direction=1)  # already last of ray's topics
    assert agenda_texts(meeting) == ["Second", "First", "Manager topic"]


def test_only_the_author_rewrites_or_removes_a_topic(mia, ray, meeting) -> None:
    topic = services.topic_add(actor=ray, meeting=meeting, text="Original")
    with pytest.raises(PermissionDenied):
        services.topic_update(actor=mia, topic=topic, text="Rewritten")
    with pytest.raises(PermissionDenied):
        services.topic_delete(actor=mia, topic=topic)
    services.topic_update(actor=ray, topic=topic, text="  Rewritten   by me ")
    topic.refresh_from_db()
    assert topic.text == "Rewritten by me"
    services.topic_delete(actor=ray, topic=topic)
    assert not Topic.objects.filter(pk=topic.pk).exists()


def test_both_people_tick_and_tag_topics(mia, ray, meeting) -> None:
    topic = services.topic_add(actor=ray, meeting=meeting, text="Deploy pain")
    services.topic_set_discussed(actor=mia, topic=topic, discussed=True)
    services.topic_set_kind(actor=ray, topic=topic, kind="tactical")
    topic.refresh_from_db()
    assert (topic.discussed, topic.kind) == (True, "tactical")
    with pytest.raises(Refused, match="Unknown"):
        services.topic_set_kind(actor=ray, topic=topic, kind="gossip")


def test_empty_or_oversized_topics_are_refused(ray, meeting) -> None:
    with pytest.raises(Refused, match="needs some text"):
        services.topic_add(actor=ray, meeting=meeting, text="   ")
    with pytest.raises(Refused, match="500"):
        services.topic_add(actor=ray, meeting=meeting, text="x" * 501)
    assert meeting.topics.count() == 0


def test_a_held_meetings_agenda_is_history(mia, ray, meeting) -> None:
    topic = services.topic_add(actor=ray, meeting=meeting, text="Kept as it was")
    services.meeting_complete(actor=mia, meeting=meeting, held_minutes=30)
    topic.refresh_from_db()
    with pytest.raises(Refused):
        services.topic_set_discussed(actor=mia, topic=topic, discussed=True)
    with pytest.raises(Refused):
        services.topic_update(actor=ray, topic=topic, text="Changed")
    with pytest.raises(Refused):
        services.topic_add(actor=ray, meeting=meeting, text="Late")
    topic.refresh_from_db()
    assert (topic.text, topic.discussed) == ("Kept as it was", False)


def test_reordering_with_a_stale_list_is_refused(mia, ray, meeting) -> None:
    one = services.topic_add(actor=ray, meeting=meeting, text="One")
    two = services.topic_add(actor=ray, meeting=meeting, text="Two")
    services.topic_add(actor=mia, meeting=meeting, text="Three")
    with pytest.raises(Refused, match="changed meanwhile"):
        services.topics_reorder(actor=mia, meeting=meeting, ordered_ids=[two.pk, one.pk])
    assert agenda_texts(meeting) == ["One", "Two", "Three"]


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL"),
    reason="many app servers writing at once is PostgreSQL's case; needs DATABASE_URL",
)
def test_fifty_topics_added_at_once_through_many_connections_get_fifty_positions(
    transactional_db, cast
) -> None:
    meeting = cast.ray.series.get().meetings.filter(status="scheduled").first()

    def add(number: int) -> None:
        try:
            who = cast.ray if number % 2 else cast.mia
            services.topic_add(actor=who, meeting=meeting, text=f"Topic {number}")
        finally:
            connections.close_all()  # this thread's own connection, like another app server

    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(add, range(50)))
    positions = list(meeting.topics.values_list("position", flat=True))
    assert len(positions) == 50 and len(set(positions)) == 50
