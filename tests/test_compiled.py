"""Querysets compiled once per connection give what the queryset gives, for any values."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from rapport import access
from rapport.compiled import CompiledQuery
from rapport.meetings import services
from rapport.meetings.models import Meeting, Topic
from rapport.people.models import Person

pytestmark = pytest.mark.django_db

VISIBLE_TOPICS = CompiledQuery(
    lambda person, key: access.topics_visible_to(person).filter(meeting_id=key).order_by("pk")
)
EARLIER_MEETINGS = CompiledQuery(
    lambda series, at, day: (
        Meeting.objects.filter(series_id=series)
        .filter(Q(scheduled_at__lt=at) | Q(cancelled_at__date__lt=day))
        .values_list("pk", "scheduled_at")
        .order_by("pk")
    )
)


def test_it_reads_what_the_queryset_reads_for_each_viewer(mia, ray, olga, meeting) -> None:
    services.topic_add(actor=ray, meeting=meeting, text="Promotion", kind="")
    services.topic_add(actor=mia, meeting=meeting, text="Roadmap", kind="")
    for viewer in (mia, ray, olga):
        expected = list(access.topics_visible_to(viewer).filter(meeting=meeting).order_by("pk"))
        found = VISIBLE_TOPICS.rows(person=viewer, key=meeting.pk)
        assert found == expected
        assert [t.author.name for t in found] == [t.author.name for t in expected]
        assert [t.meeting.series.report_id for t in found] == [ray.pk] * len(expected)
    assert VISIBLE_TOPICS.rows(person=olga, key=meeting.pk) == []


def test_it_runs_without_building_the_query_again(mia, meeting) -> None:
    VISIBLE_TOPICS.rows(person=mia, key=meeting.pk)
    with CaptureQueriesContext(connection) as done:
        VISIBLE_TOPICS.rows(person=mia, key=meeting.pk + 1)
    assert len(done) == 1
    assert str(meeting.pk + 1) in done[0]["sql"]


def test_it_compares_datetimes_and_their_dates(series, meeting) -> None:
    at = meeting.scheduled_at + dt.timedelta(days=30)
    expected = list(
        Meeting.objects.filter(series=series, scheduled_at__lt=at)
        .values_list("pk", "scheduled_at")
        .order_by("pk")
    )
    assert EARLIER_MEETINGS.rows(series=series.pk, at=at, day=at.date()) == expected
    long_ago = at - dt.timedelta(days=3650)
    assert EARLIER_MEETINGS.rows(series=series.pk, at=long_ago, day=long_ago.date()) == []


def test_it_refuses_a_query_that_leaves_a_value_out(mia) -> None:
    leaves_out = CompiledQuery(lambda person, key: Topic.objects.filter(author=person))
    with pytest.raises(ValueError):
        leaves_out.rows(person=mia, key=1)


def test_it_refuses_values_it_cannot_stand_in_for(mia) -> None:
    with pytest.raises(TypeError):
        VISIBLE_TOPICS.rows(person=mia, key=1.0)
    with pytest.raises(TypeError):
        VISIBLE_TOPICS.rows(person=mia, key=None)


def test_it_compares_texts(mia, ray, meeting) -> None:
    services.topic_add(actor=ray, meeting=meeting, text="Promotion", kind="career")
    services.topic_add(actor=mia, meeting=meeting, text="Roadmap", kind="tactical")
    of_kind = CompiledQuery(
        lambda key, kind: Topic.objects.filter(meeting_id=key, kind=kind).values_list("text")
    )
    assert of_kind.rows(key=meeting.pk, kind="career") == [("Promotion",)]
    assert of_kind.rows(key=meeting.pk, kind="tactical") == [("Roadmap",)]
    assert of_kind.rows(key=meeting.pk, kind="skills") == []


def test_a_private_note_is_read_by_its_author_only(mia, ray, meeting) -> None:
    services.private_note_save(actor=mia, meeting=meeting, body="Ask about the move", version=0)
    assert access.private_note_for(mia, meeting).body == "Ask about the move"
    assert access.private_note_for(ray, meeting) is None
    assert access.private_note_for(Person.objects.get(pk=ray.pk), meeting) is None
