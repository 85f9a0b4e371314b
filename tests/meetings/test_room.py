"""Room services: modes, the timer, video link, summary, recap, notes merged per section."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from rapport.errors import Refused
from rapport.meetings import selectors, services
from rapport.meetings.models import Meeting, SharedNotes


def notes_of(meeting: Meeting) -> SharedNotes:
    return SharedNotes.objects.get_or_create(meeting=meeting)[0]


def test_the_mode_follows_the_meetings_state(mia, meeting) -> None:
    assert selectors.default_mode(meeting) == "prepare"
    services.meeting_start(actor=mia, meeting=meeting)
    assert selectors.default_mode(meeting) == "run"
    services.meeting_complete(actor=mia, meeting=meeting, held_minutes=30)
    assert selectors.default_mode(meeting) == "wrap"


def test_a_regular_plan_puts_the_career_check_before_the_closing(meeting) -> None:
    keys = [box.key for box in selectors.plan_for(meeting)]
    assert keys[-2:] == ["career_check", "closing"]
    assert keys[0] == "opening"
    assert sum(box.minutes for box in selectors.plan_for(meeting)) == meeting.duration_minutes


def test_a_career_plan_has_the_four_parts(meeting) -> None:
    meeting.kind = Meeting.Kind.CAREER
    meeting.duration_minutes = 50
    plan = selectors.plan_for(meeting)
    assert len(plan) == 4
    assert [box.minutes for box in plan] == [15, 15, 15, 5]


def test_either_person_moves_the_timer_once_started(mia, ray, meeting) -> None:
    with pytest.raises(Refused, match="Start the meeting"):
        services.meeting_set_section(actor=ray, meeting=meeting, section="opening")
    services.meeting_start(actor=mia, meeting=meeting)
    moment = timezone.now() - dt.timedelta(minutes=2)
    services.meeting_set_section(actor=ray, meeting=meeting, section="their_topics", now=moment)
    meeting.refresh_from_db()
    assert meeting.section == "their_topics"
    assert meeting.section_started_at == moment
    services.meeting_set_section(actor=mia, meeting=meeting, section="closing")
    meeting.refresh_from_db()
    assert meeting.section == "closing"


def test_the_timer_refuses_a_section_outside_the_plan(mia, meeting) -> None:
    services.meeting_start(actor=mia, meeting=meeting)
    with pytest.raises(Refused, match="not a part"):
        services.meeting_set_section(actor=mia, meeting=meeting, section="progress_review")


def test_an_outsider_cannot_move_the_timer(mia, olga, meeting) -> None:
    services.meeting_start(actor=mia, meeting=meeting)
    with pytest.raises(Http404):
        services.meeting_set_section(actor=olga, meeting=meeting, section="opening")


def test_the_video_link_must_be_a_web_address(ray, meeting) -> None:
    with pytest.raises(Refused, match="web address"):
        services.meeting_set_video_link(
            actor=ray, meeting=meeting, video_link="javascript:alert(1)"
        )
    services.meeting_set_video_link(
        actor=ray, meeting=meeting, video_link=" https://meet.test/abc "
    )
    meeting.refresh_from_db()
    assert meeting.video_link == "https://meet.test/abc"
    services.meeting_set_video_link(actor=ray, meeting=meeting, video_link="")
    meeting.refresh_from_db()
    assert meeting.video_link == ""


def test_the_summary_is_saved_and_limited(ray, meeting) -> None:
    services.meeting_set_summary(actor=ray, meeting=meeting, summary="- Ship the RFC\n")
    meeting.refresh_from_db()
    assert meeting.summary == "- Ship the RFC"
    with pytest.raises(Refused, match="limited"):
        services.meeting_set_summary(actor=ray, meeting=meeting, summary="x" * 20_001)


def test_changes_to_different_sections_merge(mia, ray, meeting) -> None:
    notes = notes_of(meeting)
    base = notes.sections()
    first = services.shared_notes_save(
        actor=ray, notes=notes, sections={**base, "their_topics": "Deploys"}, bases=base
    )
    assert first.saved == ("their_topics",) and first.conflicts == ()
    # Mia loaded the notes before Ray saved: her change is to another section.
    second = services.shared_notes_save(
        actor=mia, notes=notes, sections={**base, "feedback": "Great demo"}, bases=base
    )
    assert second.conflicts == ()
    notes.refresh_from_db()
    assert notes.their_topics == "Deploys"
    assert notes.feedback == "Great demo"


def test_a_section_both_changed_is_a_conflict_and_the_rest_is_saved(mia, ray, meeting) -> None:
    notes = notes_of(meeting)
    base = notes.sections()
    services.shared_notes_save(
        actor=ray, notes=notes, sections={**base, "context": "Ray's"}, bases=base
    )
    result = services.shared_notes_save(
        actor=mia,
        notes=notes,
        sections={**base, "context": "Mia's", "follow_up": "Revisit"},
        bases=base,
    )
    assert result.conflicts == ("context",)
    assert result.saved == ("follow_up",)
    notes.refresh_from_db()
    assert notes.context == "Ray's"  # nothing overwritten silently
    assert notes.follow_up == "Revisit"


def test_typing_the_same_text_as_the_other_person_is_no_conflict(mia, ray, meeting) -> None:
    notes = notes_of(meeting)
    base = notes.sections()
    services.shared_notes_save(actor=ray, notes=notes, sections={"context": "Same"}, bases=base)
    result = services.shared_notes_save(
        actor=mia, notes=notes, sections={"context": "Same"}, bases=base
    )
    assert result.conflicts == ()


def test_a_merge_needs_a_base_for_every_section_sent(ray, meeting) -> None:
    notes = notes_of(meeting)
    with pytest.raises(Refused, match="starting text"):
        services.shared_notes_save(actor=ray, notes=notes, sections={"context": "x"}, bases={})
    with pytest.raises(Refused, match="Unknown"):
        services.shared_notes_save(
            actor=ray, notes=notes, sections={"secret": "x"}, bases={"secret": ""}
        )


def test_the_split_compares_discussed_topics_with_the_levels_target(mia, ray, meeting) -> None:
    kinds = ["tactical", "tactical", "career", "skills"]
    for index, kind in enumerate(kinds):
        topic = services.topic_add(actor=ray, meeting=meeting, text=f"T{index}", kind=kind)
        services.topic_set_discussed(actor=mia, topic=topic, discussed=True)
    services.topic_add(actor=mia, meeting=meeting, text="Not discussed", kind="career")
    rows = {row.key: row for row in selectors.actual_split("junior", meeting.topics.all())}
    assert rows["tactical"].target == 50 and rows["tactical"].actual == 50
    assert rows["career"].actual == 25
    assert selectors.report_share(list(meeting.topics.all()), ray.pk) == 80


def test_the_recap_carries_shared_notes_and_items_never_private_notes(mia, ray, meeting) -> None:
    notes = notes_of(meeting)
    services.shared_notes_save(
        actor=mia, notes=notes, sections={"their_topics": "Deploys"}, bases=notes.sections()
    )
    services.private_note_save(actor=mia, meeting=meeting, body="PRIVATE-xyz", version=0)
    services.action_item_add(
        actor=mia, meeting=meeting, text="Write the RFC", owner=ray, due_on=dt.date(2026, 12, 5)
    )
    text = selectors.recap(meeting, notes, meeting.action_items.all())
    assert text.startswith(f"## 1:1 with {ray.name}")
    assert "- Deploys" in text
    assert f"- [ ] {ray.name} will write the RFC by 2026-12-05" in text
    assert "PRIVATE-xyz" not in text
