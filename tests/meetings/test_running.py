"""Running a meeting: starting it, marking it held, and calling it off without losing anything."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from rapport.errors import Refused
from rapport.meetings import services
from rapport.meetings.models import Meeting, Topic


def later_meetings(meeting: Meeting) -> list[Meeting]:
    return list(Meeting.objects.after(meeting).filter(status="scheduled"))


def test_the_manager_starts_the_meeting(mia, meeting) -> None:
    now = meeting.scheduled_at + dt.timedelta(minutes=2)
    services.meeting_start(actor=mia, meeting=meeting, now=now)
    meeting.refresh_from_db()
    assert meeting.started_at == now


@pytest.mark.parametrize("run", [services.meeting_start, services.meeting_complete])
def test_running_early_asks_without_wording_the_question_for_a_page(mia, meeting, run) -> None:
    # The pages word "Start early?" and "Mark held early?" in the reader's terms (when,
    # "in 3 days"): the service only says why it asks, and nothing is written.
    now = meeting.scheduled_at - dt.timedelta(days=3)
    with pytest.raises(services.NeedsConfirmation) as asked:
        run(actor=mia, meeting=meeting, ask_if_early=True, now=now)
    assert str(asked.value) == "This 1:1 is more than 2 hours away: confirm to go ahead."
    meeting.refresh_from_db()
    assert (meeting.status, meeting.started_at) == ("scheduled", None)
    run(actor=mia, meeting=meeting, now=now)
    meeting.refresh_from_db()
    assert meeting.started_at is not None


def test_the_report_cannot_start_or_close_the_meeting(ray, meeting) -> None:
    with pytest.raises(PermissionDenied):
        services.meeting_start(actor=ray, meeting=meeting)
    with pytest.raises(PermissionDenied):
        services.meeting_complete(actor=ray, meeting=meeting, held_minutes=30)


def test_an_outsider_cannot_touch_the_meeting(omar, meeting) -> None:
    with pytest.raises(Http404):
        services.meeting_start(actor=omar, meeting=meeting)


def test_marking_held_records_the_real_length_and_mood(mia, meeting) -> None:
    services.meeting_complete(actor=mia, meeting=meeting, held_minutes=42, mood=4)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.held_minutes, meeting.mood) == ("held", 42, 4)
    assert meeting.ended_at is not None


def test_undiscussed_topics_roll_into_the_next_meeting_when_held(mia, ray, meeting) -> None:
    done = services.topic_add(actor=ray, meeting=meeting, text="Pairing with Sam")
    pending = services.topic_add(actor=ray, meeting=meeting, text="Conference talk")
    mine = services.topic_add(actor=mia, meeting=meeting, text="Team re-org")
    services.topic_set_discussed(actor=mia, topic=done, discussed=True)
    services.meeting_complete(actor=mia, meeting=meeting, held_minutes=30)
    following = later_meetings(meeting)[0]
    carried = list(following.topics.order_by("position"))
    assert [topic.text for topic in carried] == ["Conference talk", "Team re-org"]
    assert [topic.carried_from_id for topic in carried] == [pending.pk, mine.pk]
    assert [topic.author_id for topic in carried] == [ray.pk, mia.pk]
    assert all(topic.added_before_start and not topic.discussed for topic in carried)


def test_carried_topics_are_not_carried_twice(mia, ray, meeting) -> None:
    services.topic_add(actor=ray, meeting=meeting, text="Conference talk")
    services.meeting_complete(actor=mia, meeting=meeting, held_minutes=30)
    assert services.topics_carry_over(meeting=meeting) == 0
    assert Topic.objects.filter(text="Conference talk").count() == 2


def test_a_cancelled_meeting_hands_its_topics_to_the_next_one(mia, ray, meeting) -> None:
    services.topic_add(actor=ray, meeting=meeting, text="Salary review")
    now = meeting.scheduled_at - dt.timedelta(hours=30)
    services.meeting_cancel(actor=mia, meeting=meeting, reason="Sick day", skip=True, now=now)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    assert (meeting.cancelled_by, meeting.notice_hours, meeting.cancel_reason) == (
        mia,
        30,
        "Sick day",
    )
    following = later_meetings(meeting)[0]
    assert [topic.text for topic in following.topics.all()] == ["Salary review"]


def test_a_moved_meeting_takes_its_agenda_and_notes_along(mia, ray, meeting) -> None:
    services.topic_add(actor=ray, meeting=meeting, text="Salary review")
    services.private_note_save(actor=mia, meeting=meeting, body="Bring the numbers", version=0)
    services.shared_notes_save(
        actor=ray,
        notes=meeting.shared_notes,
        sections={"their_topics": "Draft"},
        bases=meeting.shared_notes.sections(),
    )
    new_time = meeting.scheduled_at + dt.timedelta(days=2)
    moved = services.meeting_cancel(actor=ray, meeting=meeting, reason="Dentist", new_time=new_time)
    meeting.refresh_from_db()
    assert moved is not None and meeting.moved_to == moved
    assert meeting.status == Meeting.Status.RESCHEDULED
    assert moved.scheduled_at == new_time
    moved = Meeting.objects.get(pk=moved.pk)
    assert [topic.text for topic in moved.topics.all()] == ["Salary review"]
    assert moved.shared_notes.their_topics == "Draft"
    assert moved.private_notes.get(author=mia).body == "Bring the numbers"


def test_cancelling_needs_a_reason_and_a_future_new_time(mia, meeting) -> None:
    with pytest.raises(Refused, match="why"):
        services.meeting_cancel(actor=mia, meeting=meeting, reason="  ", skip=True)
    past = meeting.scheduled_at - dt.timedelta(days=400)
    with pytest.raises(Refused, match="future"):
        services.meeting_cancel(actor=mia, meeting=meeting, reason="Busy", new_time=past)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED
    assert meeting.cancelled_at is None


def test_a_closed_meeting_cannot_be_held_or_cancelled_again(mia, meeting) -> None:
    services.meeting_complete(actor=mia, meeting=meeting, held_minutes=30)
    with pytest.raises(Refused):
        services.meeting_complete(actor=mia, meeting=meeting, held_minutes=30)
    with pytest.raises(Refused):
        services.meeting_cancel(actor=mia, meeting=meeting, reason="Oops", skip=True)


def test_both_people_record_the_mood_check_in(mia, ray, meeting) -> None:
    services.meeting_set_mood(actor=ray, meeting=meeting, mood=2)
    meeting.refresh_from_db()
    assert meeting.mood == 2
    with pytest.raises(Refused, match="1 to 5"):
        services.meeting_set_mood(actor=mia, meeting=meeting, mood=9)
    meeting.refresh_from_db()
    assert meeting.mood == 2


def test_nothing_changes_in_a_series_that_has_ended(series, mia, ray, meeting) -> None:
    services.topic_add(actor=ray, meeting=meeting, text="Kept with the history")
    services.series_end(series=series)
    meeting.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.topic_add(actor=ray, meeting=meeting, text="Late topic")
    with pytest.raises(PermissionDenied):
        services.private_note_save(actor=mia, meeting=meeting, body="x", version=0)
