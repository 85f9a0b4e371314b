"""Coaching services: self-ticking checklists, questions in context, feedback, plans."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapport.errors import Refused
from rapport.growth import selectors, services
from rapport.growth.models import (
    ChecklistTick,
    Feedback,
    Goal,
    ImprovementPlan,
    MeetingVisit,
    QuestionAsked,
)
from rapport.meetings import services as meeting_services
from rapport.meetings.models import ActionItem, Meeting, SharedNotes, Topic
from tests.failing import refuse_inserts


def state(person, meeting, phase="pre"):
    return {
        item.key: (ticked, auto)
        for item, ticked, auto in selectors.checklist_state(person, meeting, phase)
    }


def hold(meeting, *, ended_at):
    Meeting.objects.filter(pk=meeting.pk).update(status="held", ended_at=ended_at)
    meeting.refresh_from_db()


@pytest.fixture
def after(meeting):
    """The meeting after `meeting`, which becomes the previous (held) one in some tests."""
    return Meeting.objects.after(meeting).first()


# Visits -----------------------------------------------------------------------------


def test_meeting_seen_keeps_the_first_visit_and_moves_the_last(mia, meeting):
    first = timezone.now() - dt.timedelta(hours=2)
    services.meeting_seen(actor=mia, meeting=meeting, now=first)
    services.meeting_seen(actor=mia, meeting=meeting, now=first + dt.timedelta(hours=1))
    visit = MeetingVisit.objects.get(person=mia, meeting=meeting)
    assert visit.first_seen_at == first
    assert visit.last_seen_at == first + dt.timedelta(hours=1)


def test_meeting_seen_ignores_people_outside_the_meeting(olga, meeting):
    services.meeting_seen(actor=olga, meeting=meeting)
    assert not MeetingVisit.objects.filter(person=olga).exists()


# Checklist ------------------------------------------------------------------------


def test_last_notes_tick_once_the_manager_opens_the_held_meeting_after_it_ended(
    mia, meeting, after
):
    ended = timezone.now() - dt.timedelta(days=1)
    hold(meeting, ended_at=ended)
    services.meeting_seen(actor=mia, meeting=meeting, now=ended - dt.timedelta(minutes=5))
    assert state(mia, after)["review_last_notes"] == (False, True)
    services.meeting_seen(actor=mia, meeting=meeting, now=ended + dt.timedelta(hours=1))
    assert state(mia, after)["review_last_notes"] == (True, True)


def test_action_items_tick_once_a_meeting_page_is_opened_after_the_newest_open_item(
    mia, ray, meeting
):
    services.meeting_seen(actor=mia, meeting=meeting, now=timezone.now() - dt.timedelta(hours=1))
    meeting_services.action_item_add(actor=ray, meeting=meeting, text="Ship it", owner=ray)
    assert state(mia, meeting)["check_action_items"] == (False, True)
    services.meeting_seen(actor=mia, meeting=meeting)
    assert state(mia, meeting)["check_action_items"] == (True, True)


def test_action_items_tick_when_nothing_is_open(mia, meeting):
    assert state(mia, meeting)["check_action_items"] == (True, True)


def test_feedback_and_agenda_lines_tick_from_the_managers_own_records(mia, ray, meeting):
    meeting_services.topic_add(actor=ray, meeting=meeting, text="Ray's topic")
    assert state(mia, meeting)["agenda_ready"] == (False, True)
    meeting_services.topic_add(actor=mia, meeting=meeting, text="Team news")
    services.feedback_give(
        actor=mia, meeting=meeting, kind="positive", situation="s", behaviour="b", impact="i"
    )
    lines = state(mia, meeting)
    assert lines["agenda_ready"] == (True, True)
    assert lines["prepare_feedback_examples"] == (True, True)


def test_hand_ticks_toggle_and_are_unique(mia, meeting):
    for _ in range(2):
        services.checklist_tick(
            actor=mia, meeting=meeting, phase="pre", item_key="note_org_updates", ticked=True
        )
    assert ChecklistTick.objects.filter(meeting=meeting, person=mia).count() == 1
    assert state(mia, meeting)["note_org_updates"] == (True, False)
    services.checklist_tick(
        actor=mia, meeting=meeting, phase="pre", item_key="note_org_updates", ticked=False
    )
    assert state(mia, meeting)["note_org_updates"] == (False, False)


def test_the_post_meeting_checklist_is_ticked_by_hand(mia, meeting):
    services.checklist_tick(
        actor=mia, meeting=meeting, phase="post", item_key="documented_key_points", ticked=True
    )
    assert state(mia, meeting, "post")["documented_key_points"] == (True, False)


@pytest.mark.parametrize(
    ("phase", "key"), [("pre", "review_last_notes"), ("pre", "nope"), ("later", "x")]
)
def test_automatic_and_unknown_lines_cannot_be_ticked_by_hand(mia, meeting, phase, key):
    with pytest.raises(Refused):
        services.checklist_tick(actor=mia, meeting=meeting, phase=phase, item_key=key, ticked=True)
    assert not ChecklistTick.objects.exists()


def test_preparation_status_counts_and_uses_a_constant_number_of_queries(
    mia, ray, rita, series, meeting
):
    meetings = list(Meeting.objects.filter(series__manager=mia, status="scheduled"))
    assert len(meetings) > 2
    with CaptureQueriesContext(connection) as few:
        selectors.preparation_status(meetings[:1])
    meeting_services.topic_add(actor=ray, meeting=meeting, text="Mine")
    services.checklist_tick(
        actor=mia, meeting=meeting, phase="pre", item_key="note_org_updates", ticked=True
    )
    with CaptureQueriesContext(connection) as many:
        status = selectors.preparation_status(meetings)
    assert len(many) == len(few)
    assert status[meeting.pk].report_prepared and status[meeting.pk].report_topics == 1
    assert not status[meeting.pk].manager_prepared
    # nothing held, nothing open: notes and action items tick themselves, plus one by hand
    assert status[meeting.pk].manager_done == 3
    assert status[meeting.pk].manager_total == len(selectors.PRE_ITEMS)


def test_preparation_prompts_add_topics_of_the_right_kind(ray, meeting):
    topic = services.preparation_topic_add(
        actor=ray, meeting=meeting, prompt="blockers", text="  CI is  slow "
    )
    assert (topic.text, topic.kind, topic.author_id) == ("Blocker: CI is slow", "tactical", ray.pk)
    with pytest.raises(Refused):
        services.preparation_topic_add(actor=ray, meeting=meeting, prompt="wins", text=" ")


# Questions ------------------------------------------------------------------------


def test_suggestions_skip_questions_asked_in_the_last_eight_weeks(mia, meeting):
    first = selectors.question_suggestions(meeting, category="long_term", limit=1)[0]
    services.question_ask(actor=mia, meeting=meeting, question_key=first.key)
    keys = [s.key for s in selectors.question_suggestions(meeting, category="long_term")]
    assert first.key not in keys
    later = timezone.now() + dt.timedelta(weeks=9)
    keys = [s.key for s in selectors.question_suggestions(meeting, category="long_term", now=later)]
    assert first.key in keys


def test_placeholders_use_the_level_and_a_readable_fallback(mia, meeting):
    texts = " ".join(s.text for s in selectors.question_suggestions(meeting, limit=100))
    assert "Junior expectations" in texts
    assert "[" not in texts
    assert "your current focus" in texts


def test_placeholders_use_the_latest_goal(mia, ray, meeting):
    services.goal_set(actor=mia, meeting=meeting, skill="system design", criterion="ownership")
    texts = [s.text for s in selectors.question_suggestions(meeting, limit=100)]
    assert "What progress have you made on system design?" in texts
    assert "How do you feel you're performing at ownership?" in texts
    assert Goal.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.goal_set(actor=ray, meeting=meeting, skill="mine")


def test_without_a_category_suggestions_mix_the_categories(meeting):
    suggestions = selectors.question_suggestions(meeting, limit=4)
    assert len({s.category for s in suggestions}) == 4


def test_placeholders_fall_back_to_a_skills_topic(ray, meeting):
    meeting_services.topic_add(actor=ray, meeting=meeting, text="Testing", kind="skills")
    texts = [s.text for s in selectors.question_suggestions(meeting, category="current_growth")]
    assert "What progress have you made on Testing?" in texts


def test_organisation_questions_are_suggested_and_can_be_asked(mia, ray, zed, meeting):
    own = services.org_question_add(actor=mia, category_key="blockers", text="What slows you?")
    first = selectors.question_suggestions(meeting, category="blockers")[0]
    assert (first.text, first.org_id) == ("What slows you?", own.pk)
    services.question_ask(actor=mia, meeting=meeting, org_question_id=own.pk)
    assert own.pk not in [s.org_id for s in selectors.question_suggestions(meeting)]
    assert selectors.questions_asked_in(meeting) == ["What slows you?"]
    other = services.org_question_add(actor=zed, category_key="blockers", text="Globex only")
    assert "Globex only" not in [s.text for s in selectors.question_suggestions(meeting)]
    with pytest.raises(Refused):
        services.question_ask(actor=mia, meeting=meeting, org_question_id=other.pk)
    with pytest.raises(PermissionDenied):
        services.org_question_add(actor=ray, category_key="blockers", text="Mine")


def test_only_the_manager_marks_questions_asked(ray, meeting):
    with pytest.raises(PermissionDenied):
        services.question_ask(actor=ray, meeting=meeting, question_key="what_drains_you")
    assert not QuestionAsked.objects.exists()


# Feedback -------------------------------------------------------------------------


def test_feedback_is_stored_and_appended_to_the_shared_notes(mia, ray, meeting):
    notes = SharedNotes.objects.get(meeting=meeting)
    meeting_services.shared_notes_save(
        actor=ray,
        notes=notes,
        sections={"feedback": "Ray wrote this first"},
        bases=notes.sections(),
    )
    record = services.feedback_give(
        actor=mia,
        meeting=meeting,
        kind="constructive",
        situation="Friday's demo",
        behaviour="skipped the tests",
        impact="a late bug",
    )
    assert (record.given_by, record.given_to, record.series_id) == (mia, ray, meeting.series_id)
    notes.refresh_from_db()
    assert notes.feedback.startswith("Ray wrote this first\n- **Constructive**")
    assert "Friday's demo" in notes.feedback and "a late bug" in notes.feedback


def test_feedback_never_overwrites_notes_typed_meanwhile(mia, ray, meeting):
    notes = SharedNotes.objects.get(meeting=meeting)
    loaded = notes.sections()  # what Ray's page started from
    services.feedback_give(
        actor=mia, meeting=meeting, kind="positive", situation="s", behaviour="b", impact="i"
    )
    result = meeting_services.shared_notes_save(
        actor=ray, notes=notes, sections={"feedback": "typed meanwhile"}, bases=loaded
    )
    assert result.conflicts == ("feedback",)
    notes.refresh_from_db()
    assert "**Positive**" in notes.feedback


def test_feedback_needs_the_whole_example(mia, meeting):
    with pytest.raises(Refused, match="impact"):
        services.feedback_give(
            actor=mia, meeting=meeting, kind="positive", situation="s", behaviour="b", impact=" "
        )
    assert not Feedback.objects.exists()
    assert SharedNotes.objects.get(meeting=meeting).feedback == ""


def test_only_the_recipient_marks_feedback_acknowledged_or_acted_on(mia, ray, meeting):
    record = services.feedback_give(
        actor=mia, meeting=meeting, kind="positive", situation="s", behaviour="b", impact="i"
    )
    with pytest.raises(PermissionDenied):
        services.feedback_mark(actor=mia, feedback=record, acknowledged=True)
    services.feedback_mark(actor=ray, feedback=record, acted_on=True)
    record.refresh_from_db()
    assert record.acted_on_at is not None and record.acknowledged_at is not None


# Improvement plan ---------------------------------------------------------------------


def test_a_plan_creates_weekly_check_ins_as_items_and_topics(mia, series, meeting):
    today = timezone.localdate()
    plan = services.plan_create(
        actor=mia,
        meeting=meeting,
        expectations="Every PR has tests",
        ends_on=today + dt.timedelta(weeks=4),
    )
    assert selectors.open_plan_for(series) == plan
    items = ActionItem.objects.filter(series=series).order_by("due_on")
    assert [i.due_on for i in items] == [today + dt.timedelta(weeks=w) for w in (1, 2, 3, 4)]
    assert all(i.owner_id == mia.pk and i.text == "Check in on Every PR has tests" for i in items)
    topics = Topic.objects.filter(text__startswith="Improvement plan check-in")
    upcoming = Meeting.objects.filter(
        series=series,
        status="scheduled",
        scheduled_at__gt=timezone.now(),
        scheduled_at__date__lte=plan.ends_on,
    ).exclude(pk=meeting.pk)
    assert upcoming.exists()
    assert {t.meeting_id for t in topics} == set(upcoming.values_list("pk", flat=True))
    assert {t.kind for t in topics} == {"tactical"}


@pytest.mark.parametrize(
    ("expectations", "weeks"), [("", 4), ("Clear", 0), ("Clear", None), ("Clear", 40)]
)
def test_a_bad_plan_writes_nothing(mia, meeting, expectations, weeks):
    ends_on = None if weeks is None else timezone.localdate() + dt.timedelta(weeks=weeks)
    with pytest.raises(Refused):
        services.plan_create(actor=mia, meeting=meeting, expectations=expectations, ends_on=ends_on)
    assert not ImprovementPlan.objects.exists()
    assert not ActionItem.objects.exists()


def refuse_topic_inserts() -> None:
    """Any new topic fails: a failure halfway through a plan."""
    refuse_inserts("meetings_topic")


def test_a_plan_failing_halfway_rolls_everything_back(mia, series, meeting):
    refuse_topic_inserts()
    with pytest.raises(DatabaseError):
        services.plan_create(
            actor=mia,
            meeting=meeting,
            expectations="Every PR has tests",
            ends_on=timezone.localdate() + dt.timedelta(weeks=4),
        )
    assert not ImprovementPlan.objects.exists()
    assert not ActionItem.objects.exists()


def test_only_the_manager_creates_a_plan_and_only_one_is_open(mia, ray, meeting):
    ends_on = timezone.localdate() + dt.timedelta(weeks=2)
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=ray, meeting=meeting, expectations="x", ends_on=ends_on)
    services.plan_create(actor=mia, meeting=meeting, expectations="x", ends_on=ends_on)
    with pytest.raises(Refused):
        services.plan_create(actor=mia, meeting=meeting, expectations="y", ends_on=ends_on)
    assert ImprovementPlan.objects.count() == 1
