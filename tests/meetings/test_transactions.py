"""Every service is one transaction: when it refuses, nothing it began to write remains."""

from __future__ import annotations

import datetime as dt
import inspect

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.errors import Refused
from rapport.meetings import services
from rapport.meetings.models import ActionItem, Meeting, Topic

WRITES = [
    name
    for name, function in inspect.getmembers(services, inspect.isfunction)
    if function.__module__.startswith(services.__name__)
    and not name.startswith("_")
    and "actor" in inspect.signature(function).parameters
]


def test_every_service_that_acts_for_someone_is_listed() -> None:
    assert {"meeting_cancel", "topic_move", "shared_notes_save", "action_item_update"} <= set(
        WRITES
    )


@pytest.mark.parametrize("name", WRITES)
def test_every_acting_service_runs_in_a_transaction(name: str) -> None:
    # transaction.atomic used as a decorator leaves the wrapped function behind.
    assert hasattr(getattr(services, name), "__wrapped__"), f"{name} is not @transaction.atomic"


def test_a_refused_service_issues_no_write(mia, meeting) -> None:
    with CaptureQueriesContext(connection) as queries, pytest.raises(Refused):
        services.meeting_complete(actor=mia, meeting=meeting, held_minutes=0)
    writes = [
        q["sql"] for q in queries.captured_queries if q["sql"].split()[0] in {"INSERT", "UPDATE"}
    ]
    assert writes == []


def test_a_move_refused_half_way_leaves_the_agenda_as_it_was(mia, ray, meeting) -> None:
    one = services.topic_add(actor=ray, meeting=meeting, text="One")
    services.topic_add(actor=ray, meeting=meeting, text="Two")
    before = list(meeting.topics.values_list("pk", "position"))
    with pytest.raises(Refused):
        services.topic_move(actor=mia, topic=one, direction=5)
    assert list(meeting.topics.values_list("pk", "position")) == before


def test_a_refused_cancellation_creates_no_meeting(mia, meeting) -> None:
    count = Meeting.objects.count()
    with pytest.raises(Refused):
        services.meeting_cancel(
            actor=mia,
            meeting=meeting,
            reason="x" * 301,
            new_time=meeting.scheduled_at + dt.timedelta(days=1),
        )
    assert Meeting.objects.count() == count
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"


def test_a_refused_item_update_changes_nothing(mia, ray, olga, meeting) -> None:
    item = services.action_item_add(actor=mia, meeting=meeting, text="Draft", owner=ray)
    with pytest.raises(Refused):
        services.action_item_update(actor=mia, item=item, text="New", owner=olga, due_on=None)
    item.refresh_from_db()
    assert (item.text, item.owner) == ("Draft", ray)
    assert ActionItem.objects.count() == 1
    assert Topic.objects.count() == 0
