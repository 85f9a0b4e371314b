"""Writes to one meeting take turns, each checking what the one before it left.

Two tabs, or both people at once, send their writes with the meeting as each page last saw
it: a stale copy here stands for the second request, read before the first one committed.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connections

from rapport.errors import Refused
from rapport.meetings.models import Meeting
from rapport.meetings.services import (
    meeting_cancel,
    meeting_complete,
    topic_add,
)
from tests.conftest import free_time
from tests.other_connection import (
    holding_row,
    postgres_only,
    until_a_transaction_waits_for_a_lock,
)


def _stale(meeting: Meeting) -> Meeting:
    return Meeting.objects.get(pk=meeting.pk)


def test_a_meeting_held_in_one_tab_is_not_cancelled_from_the_other(mia, ray, meeting) -> None:
    seen_by_ray = _stale(meeting)
    meeting_complete(actor=mia, meeting=meeting)
    with pytest.raises(Refused, match="Only a scheduled meeting"):
        meeting_cancel(actor=ray, meeting=seen_by_ray, reason="Sick", skip=True)
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.HELD


def test_a_meeting_moved_in_one_tab_is_not_moved_again_from_the_other(mia, meeting) -> None:
    other_tab = _stale(meeting)
    later = free_time(meeting, meeting.scheduled_at + dt.timedelta(days=1))
    meeting_cancel(actor=mia, meeting=meeting, reason="Offsite", new_time=later)
    count = Meeting.objects.count()
    with pytest.raises(Refused, match="Only a scheduled meeting"):
        meeting_cancel(
            actor=mia, meeting=other_tab, reason="Offsite", new_time=later + dt.timedelta(hours=2)
        )
    assert Meeting.objects.count() == count


def test_a_cancelled_meeting_is_not_marked_held_from_another_tab(mia, ray, meeting) -> None:
    other_tab = _stale(meeting)
    meeting_cancel(actor=ray, meeting=meeting, reason="Sick", skip=True)
    with pytest.raises(Refused, match="already closed"):
        meeting_complete(actor=mia, meeting=other_tab)
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.CANCELLED


def test_no_topic_lands_on_a_meeting_closed_meanwhile(mia, ray, meeting) -> None:
    seen_by_ray = _stale(meeting)
    meeting_complete(actor=mia, meeting=meeting)
    with pytest.raises(Refused, match="closed"):
        topic_add(actor=ray, meeting=seen_by_ray, text="One more thing")
    assert not meeting.topics.filter(text="One more thing").exists()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_cancellation_waits_for_the_meeting_being_held_then_is_refused(mia, ray, meeting):
    # Mia's "Mark held" holds the row and has written it, not committed yet.
    other = holding_row("meetings_meeting", meeting.pk)
    with other.cursor() as cursor:
        cursor.execute("UPDATE meetings_meeting SET status = 'held' WHERE id = %s", [meeting.pk])
    outcome: list[str] = []

    def ray_cancels() -> None:  # another server thread, with its own connection
        try:
            meeting_cancel(actor=ray, meeting=meeting, reason="Sick", skip=True)
            outcome.append("cancelled")
        except Refused as refused:
            outcome.append(str(refused))
        finally:
            connections.close_all()

    thread = threading.Thread(target=ray_cancels)
    thread.start()
    try:
        until_a_transaction_waits_for_a_lock()
    finally:
        other.commit()
        other.close()
        thread.join()
    assert outcome == ["Only a scheduled meeting can be cancelled or moved."]
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.HELD
