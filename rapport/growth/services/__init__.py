"""Coaching services: every write is `<thing>_<action>(*, actor, ...)` in one transaction.

The reads they rest on (checklists, preparation, question suggestions) are in `selectors`.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from rapport import access, compiled
from rapport.career import services as career_services
from rapport.errors import Refused, clean_text
from rapport.framework import questions as bank
from rapport.growth.models import (
    ChecklistTick,
    Feedback,
    Goal,
    ImprovementPlan,
    MeetingVisit,
    OrgQuestion,
    QuestionAsked,
)
from rapport.growth.selectors import (
    AUTOMATIC,
    PRESENT_FOR,
    checklist_items,
    open_plan_for,
    plan_check_ins,
    shorten,
)
from rapport.growth.services.career import (
    area_key,
    development_plan_update,
    goal_action_item_link,
    goal_create,
    goal_progress_add,
    goal_update,
)
from rapport.growth.services.peers import (
    peer_request_answer,
    peer_request_create,
    peer_request_decline,
    peer_request_expired,
    peer_summary_write,
)
from rapport.meetings import services as meeting_services
from rapport.meetings.models import Meeting, SharedNotes, Topic
from rapport.people.audit import Action, audit_record
from rapport.people.models import Person

# The career writes live in their own modules and are reached through this package too.
__all__ = [
    "area_key",
    "development_plan_update",
    "goal_action_item_link",
    "goal_create",
    "goal_progress_add",
    "goal_update",
    "peer_request_answer",
    "peer_request_create",
    "peer_request_decline",
    "peer_request_expired",
    "peer_summary_write",
]

# Visits ------------------------------------------------------------------------


# The page renews its visit this often while it is open and visible.
RENEW_AFTER = dt.timedelta(seconds=5)


def _visit(person: Person, meeting: int) -> QuerySet[MeetingVisit]:
    return MeetingVisit.objects.filter(person=person, meeting_id=meeting)


# What `meeting_seen` is told when its caller did not read the visit.
UNREAD = object()


def meeting_seen(
    *,
    actor: Person,
    meeting: Meeting,
    now: dt.datetime | None = None,
    seen_at: dt.datetime | object | None = UNREAD,
) -> None:
    """Record that a participant opened the meeting's page (first and last time).

    `seen_at`: when the visit was last renewed (None: there is none), when the page read it
    with its own rows; a reload moments after the last one then costs no statement at all.
    Each write is one statement (a creation or a renewal): no transaction is opened."""
    # Only the two participants' visits count towards preparing; anyone else leaves no trace.
    if not access.takes_part_in(actor, meeting.series):
        return
    now = now or timezone.now()
    if seen_at is UNREAD:
        # Most views come back to a page seen before: its visit is read with a compiled query.
        visit = compiled.first(_visit, actor, meeting.pk)
        seen_at = visit.last_seen_at if visit is not None else None
    if seen_at is None:
        visit, created = MeetingVisit.objects.get_or_create(
            person=actor, meeting=meeting, defaults={"first_seen_at": now, "last_seen_at": now}
        )
        if created:
            return
        seen_at = visit.last_seen_at
    # A visit renewed moments ago is left alone: a reload writes nothing.
    if seen_at < now - RENEW_AFTER:
        meeting_visit_renew(actor=actor, meeting=meeting, now=now)


def meeting_visit_renew(*, actor: Person, meeting: Meeting, now: dt.datetime | None = None) -> None:
    """The participant still has the meeting's page open (one UPDATE, none most of the time)."""
    now = now or timezone.now()
    MeetingVisit.objects.filter(
        person=actor, meeting=meeting, last_seen_at__lt=now - RENEW_AFTER
    ).update(last_seen_at=now)


def meeting_visit_end(*, actor: Person, meeting: Meeting, now: dt.datetime | None = None) -> None:
    """The participant closed the meeting's page: they no longer count as on it."""
    now = now or timezone.now()
    MeetingVisit.objects.filter(
        person=actor, meeting=meeting, last_seen_at__gte=now - PRESENT_FOR
    ).update(last_seen_at=now - PRESENT_FOR)


# Checklists --------------------------------------------------------------------


# IC prompt -> (topic kind, prefix of the topic text).
IC_PROMPT_TOPICS: dict[str, tuple[str, str]] = {
    "topics": ("", ""),
    "questions": ("", "Question: "),
    "goal_updates": ("skills", "Goal update: "),
    "blockers": ("tactical", "Blocker: "),
    "wins": ("status", "Win: "),
}


@transaction.atomic
def checklist_tick(
    *,
    actor: Person,
    meeting: Meeting,
    phase: str,
    item_key: str,
    ticked: bool,
    now: dt.datetime | None = None,
) -> None:
    """Tick (or untick) a line of the actor's own checklist for a meeting."""
    access.meeting_check_change(actor, meeting)
    items = checklist_items(phase)
    if item_key not in {item.key for item in items}:
        raise Refused("That is not a line of this checklist.")
    if phase == "pre" and item_key in AUTOMATIC:
        raise Refused(AUTOMATIC[item_key])
    ticks = ChecklistTick.objects.filter(
        meeting=meeting, person=actor, phase=phase, item_key=item_key
    )
    if ticked:
        ChecklistTick.objects.get_or_create(
            meeting=meeting,
            person=actor,
            phase=phase,
            item_key=item_key,
            defaults={"ticked_at": now or timezone.now()},
        )
    else:
        ticks.delete()


@transaction.atomic
def preparation_topic_add(
    *, actor: Person, meeting: Meeting, prompt: str, text: str, now: dt.datetime | None = None
) -> Topic:
    """The IC answers a preparation prompt: it becomes a topic of the right kind."""
    if prompt not in IC_PROMPT_TOPICS:
        raise Refused("Unknown preparation prompt.")
    kind, prefix = IC_PROMPT_TOPICS[prompt]
    text = " ".join(text.split())
    if not text:
        raise Refused("Write something first.")
    return meeting_services.topic_add(
        actor=actor, meeting=meeting, text=prefix + text, kind=kind, now=now
    )


# Questions ---------------------------------------------------------------------


@transaction.atomic
def question_ask(
    *,
    actor: Person,
    meeting: Meeting,
    question_key: str = "",
    org_question_id: int | None = None,
    answer: str = "",
    now: dt.datetime | None = None,
) -> QuestionAsked:
    """Record that the manager asked a question in this meeting, and the IC's answer if given."""
    access.coaching_check_manager(actor, meeting)
    org_question = None
    if org_question_id is not None:
        org_question = OrgQuestion.objects.filter(
            pk=org_question_id, organisation_id=meeting.series.organisation_id
        ).first()
        if org_question is None:
            raise Refused("Unknown question.")
        question_key = ""
    elif question_key not in bank.QUESTIONS_BY_KEY:
        raise Refused("Unknown question.")
    asked = QuestionAsked.objects.create(
        series=meeting.series,
        meeting=meeting,
        question_key=question_key,
        org_question=org_question,
        asked_by=actor,
        asked_at=now or timezone.now(),
    )
    if answer.strip():
        # An aspiration's answer becomes a new version of it; any other joins the notes.
        question = bank.QUESTIONS_BY_KEY.get(question_key)
        category = bank.QUESTION_CATEGORIES[
            question.category if question else org_question.category_key
        ]
        career_services.meeting_answer_record(
            actor=actor,
            meeting=meeting,
            question_key=question_key,
            question_text=question.text if question else org_question.text,
            group_key=category.group,
            answer=answer,
            now=now,
        )
    return asked


@transaction.atomic
def org_question_add(
    *, actor: Person, category_key: str, text: str, now: dt.datetime | None = None
) -> OrgQuestion:
    """Add one of the organisation's own questions under a category of the bank."""
    access.org_question_check_add(actor)
    if category_key not in bank.QUESTION_CATEGORIES:
        raise Refused("Choose a category for the question.")
    text = clean_text(
        text, limit=300, what="A question", one_line=True, empty="A question needs some text."
    )
    return OrgQuestion.objects.create(
        organisation_id=actor.organisation_id,
        category_key=category_key,
        text=text,
        created_by=actor,
        created_at=now or timezone.now(),
    )


@transaction.atomic
def goal_set(
    *,
    actor: Person,
    meeting: Meeting,
    skill: str,
    criterion: str = "",
    now: dt.datetime | None = None,
) -> Goal:
    """Name what the report is working on: a new goal, the questions' [skill] and [criterion]."""
    access.coaching_check_manager(actor, meeting)
    skill = " ".join(skill.split())
    if not skill or len(skill) > 120:
        raise Refused("A goal names a skill in up to 120 characters.")
    return goal_create(
        actor=actor,
        series=meeting.series,
        title=skill,
        criterion=" ".join(criterion.split())[:120],
        now=now,
    )


# Feedback ----------------------------------------------------------------------

FEEDBACK_LIMIT = 1000


def _feedback_line(feedback: Feedback) -> str:
    kind = feedback.get_kind_display()
    return (
        f"- **{kind}** ({feedback.given_by.name} → {feedback.given_to.name}): "
        f"Situation: {feedback.situation} Behaviour: {feedback.behaviour} "
        f"Impact: {feedback.impact}"
    )


@transaction.atomic
def feedback_give(
    *,
    actor: Person,
    meeting: Meeting,
    kind: str,
    situation: str,
    behaviour: str,
    impact: str,
    now: dt.datetime | None = None,
) -> Feedback:
    """Record feedback to the other participant and append it to the notes' feedback section.

    The append bumps the notes' version, so an editor holding an older version gets the
    usual conflict instead of overwriting it.
    """
    access.meeting_check_change(actor, meeting)
    if meeting.is_called_off:
        raise Refused("This meeting was called off: give the feedback in the next one.")
    if kind not in Feedback.Kind.values:
        raise Refused("Feedback is positive or constructive.")
    parts = {
        "situation": " ".join(situation.split()),
        "behaviour": " ".join(behaviour.split()),
        "impact": " ".join(impact.split()),
    }
    missing = [name for name, text in parts.items() if not text]
    if missing:
        raise Refused(
            "A specific example needs a situation, a behaviour and an impact "
            f"(missing: {', '.join(missing)})."
        )
    if any(len(text) > FEEDBACK_LIMIT for text in parts.values()):
        raise Refused(f"Each part is limited to {FEEDBACK_LIMIT:,} characters.")
    series = meeting.series
    given_to = series.report if actor.pk == series.manager_id else series.manager
    now = now or timezone.now()
    feedback = Feedback.objects.create(
        meeting=meeting,
        series=series,
        given_by=actor,
        given_to=given_to,
        kind=kind,
        created_at=now,
        **parts,
    )
    notes, _ = SharedNotes.objects.select_for_update().get_or_create(meeting=meeting)
    notes.feedback = "\n".join(filter(None, [notes.feedback.rstrip(), _feedback_line(feedback)]))
    SharedNotes.objects.filter(pk=notes.pk).update(
        **SharedNotes.with_html({"feedback": notes.feedback}),
        version=F("version") + 1,
        updated_by=actor,
        updated_at=now,
    )
    audit_record(
        actor=actor, subject=given_to, action=Action.FEEDBACK_GIVE, target=feedback, now=now
    )
    return feedback


@transaction.atomic
def feedback_mark(
    *,
    actor: Person,
    feedback: Feedback,
    acknowledged: bool | None = None,
    acted_on: bool | None = None,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> Feedback:
    """The recipient says the feedback was acknowledged, or acted upon with a note of what
    they did (or takes it back)."""
    access.feedback_check_recipient(actor, feedback)
    now = now or timezone.now()
    if note is not None:
        feedback.acted_on_note = clean_text(
            note, limit=FEEDBACK_LIMIT, what="What you did", one_line=True
        )
    if acknowledged is not None:
        feedback.acknowledged_at = now if acknowledged else None
    if acted_on is not None:
        feedback.acted_on_at = now if acted_on else None
        if acted_on and feedback.acknowledged_at is None:
            feedback.acknowledged_at = now
    if acted_on is False:
        feedback.acted_on_note = ""
    feedback.save(update_fields=["acknowledged_at", "acted_on_at", "acted_on_note"])
    audit_record(actor=actor, subject=actor, action=Action.FEEDBACK_MARK, target=feedback, now=now)
    return feedback


# Difficult conversations -----------------------------------------------------

PLAN_MAX_WEEKS = 26


@transaction.atomic
def plan_create(
    *,
    actor: Person,
    meeting: Meeting,
    expectations: str,
    ends_on: dt.date | None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> ImprovementPlan:
    """An underperformance plan: its weekly check-ins become the manager's action items and
    topics of the coming meetings up to the end date; all or nothing."""
    access.coaching_check_manager(actor, meeting)
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    expectations = expectations.strip()
    if not expectations:
        raise Refused("A plan starts with clear expectations.")
    if len(expectations) > 2000:
        raise Refused("Expectations are limited to 2,000 characters.")
    if ends_on is None:
        raise Refused("A plan needs an end date (its timeline).")
    if ends_on <= today:
        raise Refused("The end date is in the future.")
    if ends_on > today + dt.timedelta(weeks=PLAN_MAX_WEEKS):
        raise Refused(f"A plan lasts at most {PLAN_MAX_WEEKS} weeks.")
    series = meeting.series
    if open_plan_for(series) is not None:
        raise Refused("This 1:1 already has an open plan.")
    plan = ImprovementPlan.objects.create(
        series=series,
        created_by=actor,
        expectations=expectations,
        starts_on=today,
        ends_on=ends_on,
        created_at=now,
    )
    summary = shorten(" ".join(expectations.split()), 200)
    for day in plan_check_ins(today, ends_on):
        meeting_services.action_item_add(
            actor=actor,
            meeting=meeting,
            text=f"Check in on {summary}",
            owner=actor,
            due_on=day,
            now=now,
        )
    coming = Meeting.objects.filter(
        series=series,
        status=Meeting.Status.SCHEDULED,
        scheduled_at__gt=now,
        scheduled_at__date__lte=ends_on,
    ).exclude(pk=meeting.pk)
    for upcoming in coming:
        meeting_services.topic_add(
            actor=actor,
            meeting=upcoming,
            text=f"Improvement plan check-in: {summary}",
            kind=Topic.Kind.TACTICAL,
            now=now,
        )
    audit_record(
        actor=actor, subject=series.report, action=Action.PLAN_CREATE, target=plan, now=now
    )
    return plan


@transaction.atomic
def plan_close(
    *, actor: Person, meeting: Meeting, status: str, now: dt.datetime | None = None
) -> ImprovementPlan:
    """Close the series' open plan: expectations met, or closed otherwise."""
    access.coaching_check_manager(actor, meeting)
    if status not in (ImprovementPlan.Status.MET, ImprovementPlan.Status.CLOSED):
        raise Refused("A plan closes as met or closed.")
    plan = open_plan_for(meeting.series)
    if plan is None:
        raise Refused("This 1:1 has no open plan.")
    plan.status = status
    plan.save(update_fields=["status"])
    audit_record(
        actor=actor, subject=plan.series.report, action=Action.PLAN_CLOSE, target=plan, now=now
    )
    return plan
