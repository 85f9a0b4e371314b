"""Coaching services: every write is `<thing>_<action>(*, actor, ...)` in one transaction.

Reads that pages need in bulk (`preparation_status`) take a constant number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from rapport import access
from rapport.errors import Refused
from rapport.framework import questions as bank
from rapport.framework.checklists import (
    CHECKLIST_PHASES,
    IC_PREPARATION,
    MANAGER_PREPARATION,
    PRE_MEETING,
    ChecklistItem,
)
from rapport.framework.levels import LEVEL_LABELS
from rapport.growth.models import (
    ChecklistTick,
    Feedback,
    Goal,
    ImprovementPlan,
    MeetingVisit,
    OrgQuestion,
    QuestionAsked,
)
from rapport.growth.selectors import PRESENT_FOR, open_plan_for
from rapport.growth.services.career import (
    area_key,
    development_plan_update,
    goal_action_item_link,
    goal_create,
    goal_progress_add,
    goal_update,
    plan_changed_during,
)
from rapport.growth.services.peers import (
    peer_request_answer,
    peer_request_create,
    peer_request_decline,
    peer_request_expired,
    peer_summary_write,
)
from rapport.meetings import services as meeting_services
from rapport.meetings.models import ActionItem, Meeting, Series, SharedNotes, Topic
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
    "plan_changed_during",
]

# Visits ------------------------------------------------------------------------


@transaction.atomic
def meeting_seen(*, actor: Person, meeting: Meeting, now: dt.datetime | None = None) -> None:
    """Record that a participant opened the meeting's page (first and last time)."""
    # Only the two participants' visits count towards preparing; anyone else leaves no trace.
    if not access.takes_part_in(actor, meeting.series):
        return
    now = now or timezone.now()
    updated = MeetingVisit.objects.filter(person=actor, meeting=meeting).update(last_seen_at=now)
    if not updated:
        MeetingVisit.objects.get_or_create(
            person=actor, meeting=meeting, defaults={"first_seen_at": now, "last_seen_at": now}
        )


# The page renews its visit this often while it is open and visible.
RENEW_AFTER = dt.timedelta(seconds=5)


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

# The manager's "pre" list: the seed's preparation list, plus the two lines of the
# pre-meeting checklist it does not already cover.
PRE_ITEMS: tuple[ChecklistItem, ...] = MANAGER_PREPARATION + tuple(
    item for item in PRE_MEETING if item.key in ("agenda_ready", "set_aside_distractions")
)
PHASE_ITEMS: dict[str, tuple[ChecklistItem, ...]] = {**CHECKLIST_PHASES, "pre": PRE_ITEMS}

# Lines that tick themselves from data, and how (shown next to them).
AUTOMATIC: dict[str, str] = {
    "review_last_notes": "Ticks itself once you open the last held meeting's page after it.",
    "check_action_items": (
        "Ticks itself once you open a meeting page of this 1:1 after the newest open "
        "action item was added."
    ),
    "prepare_feedback_examples": "Ticks itself once you record feedback for this meeting.",
    "agenda_ready": "Ticks itself once you add a topic to this meeting.",
}

# The post-meeting line the development plan ticks (when it changed during the meeting);
# its hint joins the others'.
PLAN_LINE = "updated_development_plan"
AUTOMATIC[PLAN_LINE] = "Ticked itself: the development plan changed during this meeting."

# IC prompt -> (topic kind, prefix of the topic text).
IC_PROMPT_TOPICS: dict[str, tuple[str, str]] = {
    "topics": ("", ""),
    "questions": ("", "Question: "),
    "goal_updates": ("skills", "Goal update: "),
    "blockers": ("tactical", "Blocker: "),
    "wins": ("status", "Win: "),
}


@dataclass(frozen=True, slots=True)
class PreparationStatus:
    """How ready a coming 1:1 is, for the manager's home page."""

    manager_done: int
    manager_total: int
    report_topics: int

    @property
    def manager_prepared(self) -> bool:
        return self.manager_done == self.manager_total

    @property
    def report_prepared(self) -> bool:
        return self.report_topics > 0


def _phase_items(phase: str) -> tuple[ChecklistItem, ...]:
    try:
        return PHASE_ITEMS[phase]
    except KeyError:
        raise Refused("A checklist phase is pre, during or post.") from None


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
    items = _phase_items(phase)
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


def checklist_state(
    person: Person, meeting: Meeting, phase: str
) -> list[tuple[ChecklistItem, bool, bool]]:
    """Each line of the person's checklist: (item, ticked, ticks itself from data)."""
    items = _phase_items(phase)
    hand = set(
        ChecklistTick.objects.filter(meeting=meeting, person=person, phase=phase).values_list(
            "item_key", flat=True
        )
    )
    auto = _automatic_ticks([meeting], {meeting.pk: person.pk}) if phase == "pre" else {}
    done = auto.get(meeting.pk, {})
    lines = [(item, done.get(item.key, item.key in hand), item.key in done) for item in items]
    if phase == "post" and access.is_manager_in(person, meeting.series):
        # "Updated development plan if needed": ticks itself when the plan changed in the
        # meeting; ticked by hand when no change was needed.
        changed = plan_changed_during(meeting)
        lines = [
            (item, ticked or changed, changed) if item.key == PLAN_LINE else (item, ticked, auto)
            for item, ticked, auto in lines
        ]
    return lines


def preparation_status(meetings: Iterable[Meeting]) -> dict[int, PreparationStatus]:
    """Per meeting: how much of the manager's pre-meeting list is done, and the IC's topics.

    A constant number of queries whatever the number of meetings.
    """
    meetings = list(meetings)
    if not meetings:
        return {}
    series = {
        row["pk"]: row
        for row in Series.objects.filter(pk__in={m.series_id for m in meetings}).values(
            "pk", "manager_id", "report_id"
        )
    }
    managers = {m.pk: series[m.series_id]["manager_id"] for m in meetings}
    series_of = {m.pk: m.series_id for m in meetings}
    auto = _automatic_ticks(meetings, managers)
    hand: dict[int, set[str]] = defaultdict(set)
    for meeting_id, person_id, key in ChecklistTick.objects.filter(
        meeting__in=meetings, phase="pre"
    ).values_list("meeting_id", "person_id", "item_key"):
        if managers[meeting_id] == person_id:
            hand[meeting_id].add(key)
    report_topics: dict[int, int] = defaultdict(int)
    for meeting_id, author_id in Topic.objects.filter(meeting__in=meetings).values_list(
        "meeting_id", "author_id"
    ):
        if author_id == series[series_of[meeting_id]]["report_id"]:
            report_topics[meeting_id] += 1
    result = {}
    for meeting in meetings:
        done = sum(
            auto[meeting.pk][item.key] if item.key in AUTOMATIC else item.key in hand[meeting.pk]
            for item in PRE_ITEMS
        )
        result[meeting.pk] = PreparationStatus(done, len(PRE_ITEMS), report_topics[meeting.pk])
    return result


def _automatic_ticks(
    meetings: list[Meeting], person_for: dict[int, int]
) -> dict[int, dict[str, bool]]:
    """The self-ticking lines for each meeting, seen from one person per meeting (5 queries).

    - review_last_notes: the person opened the previous held meeting's page after it ended
      (true when there is no earlier held meeting);
    - check_action_items: the person's latest visit to any meeting page of the series (which
      lists the open action items) is later than the newest open item's creation (true when
      nothing is open);
    - prepare_feedback_examples: the person recorded feedback for this meeting;
    - agenda_ready: the person added a topic to this meeting.
    """
    series_ids = {m.series_id for m in meetings}
    latest = max(m.scheduled_at for m in meetings)
    held = list(
        Meeting.objects.filter(
            series_id__in=series_ids, status=Meeting.Status.HELD, scheduled_at__lt=latest
        ).values("pk", "series_id", "scheduled_at", "ended_at", "duration_minutes")
    )
    visits = list(
        MeetingVisit.objects.filter(
            meeting__series_id__in=series_ids, person_id__in=set(person_for.values())
        ).values_list("person_id", "meeting_id", "meeting__series_id", "last_seen_at")
    )
    newest_open: dict[int, dt.datetime] = {}
    for series_id, created in ActionItem.objects.filter(
        series_id__in=series_ids, status=ActionItem.Status.OPEN
    ).values_list("series_id", "created_at"):
        newest_open[series_id] = max(created, newest_open.get(series_id, created))
    feedback = set(
        Feedback.objects.filter(meeting__in=meetings).values_list("meeting_id", "given_by_id")
    )
    topics = set(Topic.objects.filter(meeting__in=meetings).values_list("meeting_id", "author_id"))

    result = {}
    for meeting in meetings:
        person_id = person_for[meeting.pk]
        seen = {mid: at for pid, mid, _, at in visits if pid == person_id}
        seen_in_series = [
            at for pid, _, sid, at in visits if pid == person_id and sid == meeting.series_id
        ]
        previous = max(
            (
                h
                for h in held
                if h["series_id"] == meeting.series_id and h["scheduled_at"] < meeting.scheduled_at
            ),
            key=lambda h: h["scheduled_at"],
            default=None,
        )
        if previous is None:
            reviewed = True
        else:
            ended = previous["ended_at"] or previous["scheduled_at"] + dt.timedelta(
                minutes=previous["duration_minutes"]
            )
            reviewed = seen.get(previous["pk"]) is not None and seen[previous["pk"]] >= ended
        newest = newest_open.get(meeting.series_id)
        checked = newest is None or any(at >= newest for at in seen_in_series)
        result[meeting.pk] = {
            "review_last_notes": reviewed,
            "check_action_items": checked,
            "prepare_feedback_examples": (meeting.pk, person_id) in feedback,
            "agenda_ready": (meeting.pk, person_id) in topics,
        }
    return result


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


# The seed's prompts speak about the IC; their preparation view speaks to them.
IC_PROMPT_LABELS: dict[str, str] = {
    "topics": "Topics you want to discuss",
    "questions": "Questions you have",
    "goal_updates": "Updates on your goals",
    "blockers": "Blockers or challenges",
    "wins": "Wins to share",
}


def ic_prompts() -> tuple[ChecklistItem, ...]:
    """The seed's preparation prompts for the IC, addressed to them."""
    return tuple(
        ChecklistItem(item.key, IC_PROMPT_LABELS.get(item.key, item.text))
        for item in IC_PREPARATION
    )


# Questions ---------------------------------------------------------------------

RECENT = dt.timedelta(weeks=8)
FALLBACK_FOCUS = "your current focus"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A question ready to ask: from the bank (key) or the organisation (org_id)."""

    category: str
    text: str
    key: str = ""
    org_id: int | None = None


def _asked_recently(series: Series, now: dt.datetime) -> tuple[set[str], set[int]]:
    rows = QuestionAsked.objects.filter(series=series, asked_at__gte=now - RECENT).values_list(
        "question_key", "org_question_id"
    )
    return {key for key, _ in rows if key}, {org for _, org in rows if org}


def placeholder_values(series: Series) -> dict[str, str]:
    """What [level], [skill] and [criterion] mean for this report, with readable fallbacks."""
    goal = Goal.objects.filter(owner_id=series.report_id, status=Goal.Status.ACTIVE).first()
    focus = ""
    if goal is not None:
        skill, criterion = goal.title, goal.criterion or goal.title
    else:
        topic = (
            Topic.objects.filter(meeting__series=series, kind=Topic.Kind.SKILLS)
            .order_by("-created_at", "-pk")
            .first()
        )
        focus = _shorten(topic.text) if topic else FALLBACK_FOCUS
        skill = criterion = focus
    level = series.report.level
    return {
        "level": LEVEL_LABELS.get(level, "your level's") if level else "your level's",
        "skill": skill,
        "criterion": criterion,
    }


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def question_suggestions(
    meeting: Meeting,
    *,
    category: str | None = None,
    limit: int = 5,
    now: dt.datetime | None = None,
) -> list[Suggestion]:
    """Questions not asked in this series in the last 8 weeks, placeholders filled."""
    if category is not None and category not in bank.QUESTION_CATEGORIES:
        raise Refused("Unknown question category.")
    now = now or timezone.now()
    series = meeting.series
    keys, org_ids = _asked_recently(series, now)
    values = placeholder_values(series)
    own = OrgQuestion.objects.filter(organisation_id=series.organisation_id).exclude(pk__in=org_ids)
    if category is not None:
        own = own.filter(category_key=category)
    suggestions = [
        Suggestion(category=q.category_key, text=q.text, org_id=q.pk) for q in own[:limit]
    ]
    room = max(limit - len(suggestions), 0)
    for question in _fresh_questions(keys, category, room):
        text = bank.fill_placeholders(question.text, **values)
        suggestions.append(Suggestion(category=question.category, text=text, key=question.key))
    return suggestions


def _fresh_questions(asked: set[str], category: str | None, limit: int) -> list[bank.Question]:
    """The bank's fresh questions: of one category in order, or one per category in turn."""
    if category is not None:
        return bank.suggest_questions(asked_recently=asked, category=category, limit=limit)
    per_category = [
        bank.suggest_questions(asked_recently=asked, category=key, limit=limit)
        for key in bank.QUESTION_CATEGORIES
    ]
    mixed = [
        q
        for rank in range(limit)
        for fresh in per_category
        if rank < len(fresh)
        for q in [fresh[rank]]
    ]
    return mixed[:limit]


def questions_asked_in(meeting: Meeting) -> list[str]:
    """The texts of the questions marked asked in this meeting, in order."""
    values = placeholder_values(meeting.series)
    texts = []
    for row in (
        QuestionAsked.objects.filter(meeting=meeting)
        .select_related("org_question")
        .order_by("asked_at", "pk")
    ):
        if row.org_question is not None:
            texts.append(row.org_question.text)
        elif row.question_key in bank.QUESTIONS_BY_KEY:
            texts.append(
                bank.fill_placeholders(bank.QUESTIONS_BY_KEY[row.question_key].text, **values)
            )
    return texts


@transaction.atomic
def question_ask(
    *,
    actor: Person,
    meeting: Meeting,
    question_key: str = "",
    org_question_id: int | None = None,
    now: dt.datetime | None = None,
) -> QuestionAsked:
    """Record that the manager asked a question in this meeting."""
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
    return QuestionAsked.objects.create(
        series=meeting.series,
        meeting=meeting,
        question_key=question_key,
        org_question=org_question,
        asked_by=actor,
        asked_at=now or timezone.now(),
    )


@transaction.atomic
def org_question_add(
    *, actor: Person, category_key: str, text: str, now: dt.datetime | None = None
) -> OrgQuestion:
    """Add one of the organisation's own questions under a category of the bank."""
    access.org_question_check_add(actor)
    if category_key not in bank.QUESTION_CATEGORIES:
        raise Refused("Choose a category for the question.")
    text = " ".join(text.split())
    if not text:
        raise Refused("A question needs some text.")
    if len(text) > 300:
        raise Refused("A question is limited to 300 characters.")
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
        feedback=notes.feedback,
        version=F("version") + 1,
        updated_by=actor,
        updated_at=now,
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
        note = " ".join(note.split())
        if len(note) > FEEDBACK_LIMIT:
            raise Refused(f"What you did is limited to {FEEDBACK_LIMIT:,} characters.")
        feedback.acted_on_note = note
    if acknowledged is not None:
        feedback.acknowledged_at = now if acknowledged else None
    if acted_on is not None:
        feedback.acted_on_at = now if acted_on else None
        if acted_on and feedback.acknowledged_at is None:
            feedback.acknowledged_at = now
    if acted_on is False:
        feedback.acted_on_note = ""
    feedback.save(update_fields=["acknowledged_at", "acted_on_at", "acted_on_note"])
    return feedback


# Difficult conversations -----------------------------------------------------

PLAN_MAX_WEEKS = 26


def plan_check_ins(starts_on: dt.date, ends_on: dt.date) -> list[dt.date]:
    """Weekly check-ins after the start, the last one on the end date."""
    dates = []
    day = starts_on + dt.timedelta(weeks=1)
    while day < ends_on:
        dates.append(day)
        day += dt.timedelta(weeks=1)
    return [*dates, ends_on]


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
    summary = _shorten(" ".join(expectations.split()), 200)
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
    return plan


def plan_check_in_count(plan: ImprovementPlan) -> int:
    """How many weekly check-ins the plan has."""
    return len(plan_check_ins(plan.starts_on, plan.ends_on))
