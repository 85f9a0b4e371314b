"""The meeting page is one selector's dataclass, in a number of queries that does not grow."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.growth import selectors as growth_selectors
from rapport.growth.models import MeetingVisit
from rapport.meetings import services
from rapport.people.models import Absence, AuditEvent

# The most the page may cost in any mode, whatever is on the agenda or in the notes.
PAGE_QUERY_CEILING = 40
# What a repeat view costs, visit and audit row already written: the session and the person,
# the notes (with the visit, presence, private note, audit fold and days away beside them),
# the topics, the action items and the neighbouring meetings; wrap mode adds the timer's
# part times. No transaction: nothing is written.
REPEAT_VIEW_QUERIES = {"prepare": 6, "run": 6, "wrap": 7}


def _fill(mia, ray, meeting, n: int) -> None:
    for i in range(n):
        author = mia if i % 2 else ray
        services.topic_add(actor=author, meeting=meeting, text=f"Topic {i}", kind="tactical")
        services.action_item_add(
            actor=mia, meeting=meeting, text=f"Item {i}", owner=ray if i % 2 else mia, due_on=None
        )


def _queries(client, meeting, mode: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("meeting", args=[meeting.pk]), {"mode": mode})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("mode", ["prepare", "run", "wrap"])
def test_the_meeting_page_costs_the_same_queries_however_full_the_meeting_is(
    client_for, mia, ray, meeting, mode
) -> None:
    services.meeting_start(actor=mia, meeting=meeting)
    for person in (mia, ray):
        client = client_for(person)
        _fill(mia, ray, meeting, 1)
        _queries(client, meeting, mode)  # the first visit records it; count from the next
        few = _queries(client, meeting, mode)
        _fill(mia, ray, meeting, 12)
        many = _queries(client, meeting, mode)
        assert many == few, f"{person.first_name}'s {mode} page grew from {few} to {many}"
        assert many <= PAGE_QUERY_CEILING


def test_the_meeting_page_is_a_dataclass_the_template_renders_by_name(mia, ray, meeting) -> None:
    services.topic_add(actor=ray, meeting=meeting, text="Release plan", kind="tactical")
    page = growth_selectors.meeting_page(ray, meeting)
    assert dataclasses.is_dataclass(page)
    context = page.context()
    assert context["mode"] == "prepare"
    assert context["other"] == mia
    assert [t.text for t in context["report_topics"]] == ["Release plan"]
    assert context["split_rows"] if page.wrap_up else "split_rows" not in context


def test_an_unknown_mode_falls_back_to_the_meetings_own(mia, meeting) -> None:
    services.meeting_start(actor=mia, meeting=meeting)
    assert growth_selectors.meeting_page(mia, meeting, mode="nonsense").mode == "run"
    assert growth_selectors.meeting_page(mia, meeting, mode="wrap").wrap_up is not None


@pytest.mark.parametrize("mode", ["prepare", "run", "wrap"])
def test_a_repeat_view_reads_in_a_few_queries_and_writes_nothing(
    client_for, mia, ray, meeting, mode
) -> None:
    services.meeting_start(actor=mia, meeting=meeting)
    _fill(mia, ray, meeting, 3)
    for person in (mia, ray):
        client = client_for(person)
        _queries(client, meeting, mode)  # the first view records the visit and the read
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("meeting", args=[meeting.pk]), {"mode": mode})
        assert response.status_code == 200
        # The bookkeeping's savepoint is the test's transaction's (a served page sends none).
        statements = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
        assert not [s for s in statements if not s.startswith("SELECT")], statements
        assert len(statements) <= REPEAT_VIEW_QUERIES[mode], statements


def test_the_page_renews_the_visit_and_records_the_read_only_when_due(
    client_for, mia, ray, meeting
) -> None:
    client = client_for(mia)
    url = reverse("meeting", args=[meeting.pk])
    client.get(url)
    visit = MeetingVisit.objects.get(person=mia, meeting=meeting)
    assert AuditEvent.objects.filter(actor=mia, action="meeting_view").count() == 1
    client.get(url)  # moments later: neither written again
    assert MeetingVisit.objects.get(pk=visit.pk).last_seen_at == visit.last_seen_at
    assert AuditEvent.objects.filter(actor=mia, action="meeting_view").count() == 1
    long_ago = visit.last_seen_at - dt.timedelta(minutes=30)
    MeetingVisit.objects.filter(pk=visit.pk).update(last_seen_at=long_ago)
    AuditEvent.objects.filter(actor=mia).update(at=long_ago)
    client.get(url)  # later: the visit renewed, the read recorded again
    assert MeetingVisit.objects.get(pk=visit.pk).last_seen_at > long_ago
    assert AuditEvent.objects.filter(actor=mia, action="meeting_view").count() == 2
    client_for(ray).get(url)  # the report reads their own 1:1: nothing recorded
    assert not AuditEvent.objects.filter(actor=ray, action="meeting_view").exists()
    assert MeetingVisit.objects.filter(person=ray, meeting=meeting).exists()


def test_the_page_says_who_else_is_on_it(client_for, mia, ray, meeting) -> None:
    url = reverse("meeting", args=[meeting.pk])
    assert "Ray is not on this page" in client_for(mia).get(url).content.decode()
    client_for(ray).get(url)
    assert "Ray is on this page too" in client_for(mia).get(url).content.decode()
    MeetingVisit.objects.filter(person=ray).update(
        last_seen_at=MeetingVisit.objects.get(person=ray).last_seen_at - dt.timedelta(minutes=1)
    )
    assert "Ray is not on this page" in client_for(mia).get(url).content.decode()


def test_the_page_shows_the_viewers_own_private_note_only(client_for, mia, ray, meeting) -> None:
    services.private_note_save(actor=mia, meeting=meeting, body="Ask about the move", version=0)
    url = reverse("meeting", args=[meeting.pk])
    opened = growth_selectors.meeting_opened(mia, meeting.pk, now=meeting.scheduled_at)
    assert opened.private_note.body == "Ask about the move"
    assert opened.private_note.author_id == mia.pk
    assert opened.private_note.meeting_id == meeting.pk
    assert (
        growth_selectors.meeting_opened(ray, meeting.pk, now=meeting.scheduled_at).private_note
        is None
    )
    assert "Ask about the move" in client_for(mia).get(url).content.decode()
    assert "Ask about the move" not in client_for(ray).get(url).content.decode()


@pytest.mark.parametrize(
    ("offset", "near"), [(-2, False), (-1, True), (0, True), (1, True), (2, False)]
)
def test_days_away_are_looked_at_only_near_the_meetings_day(
    mia, ray, meeting, offset: int, near: bool
) -> None:
    day = meeting.scheduled_at.astimezone(dt.UTC).date() + dt.timedelta(days=offset)
    Absence.objects.create(person=ray, starts_on=day, ends_on=day)
    opened = growth_selectors.meeting_opened(mia, meeting.pk, now=meeting.scheduled_at)
    assert opened.maybe_away is near
