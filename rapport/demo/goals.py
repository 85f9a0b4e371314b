"""The demo's career story: goals with progress (one achieved), a development plan, peer
feedback with a summary, and feedback acknowledged and acted on, for each demo IC.

Everything is written through the growth services, dated back over the six months.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from rapport import access
from rapport.growth import services as growth
from rapport.meetings.models import Meeting, Series
from rapport.people.models import Organisation

# (title, why, area, the progress updates as (weeks ago, text, percent)).
ACHIEVED = (
    "Own one service's on-call runbook",
    "On-call confidence is the first thing the next level asks for.",
    "delivery",
    (
        (22, "Read the last ten incidents and listed the gaps.", 20),
        (18, "Drafted the runbook; reviewed with the team lead.", 60),
        (14, "Used it in a real incident; fixed two steps.", 100),
    ),
)
ACTIVE = (
    "Lead a design review from start to decision",
    "Leading reviews shows the craft and the collaboration the ladder expects.",
    "craft",
    (
        (10, "Picked the webhook retry design; booked the review.", 15),
        (6, "Wrote the options paper; two rounds of comments.", 45),
        (2, "Ran the review; one open question on idempotency.", 70),
    ),
)
QUIET = (
    "Present the team's work at the engineering all-hands",
    "Visibility outside the team.",
    "collaboration",
    ((9, "Asked for a slot in the next all-hands.", 10),),
)
ACTED_ON = (
    "Tried it in the next planning: wrote the risks down first.",
    "Paired with a senior on the next two reviews.",
)
PEER_ANSWER = (
    "Calm and thorough in incidents; explains what they are doing as they go.",
    "Raise concerns earlier in design reviews instead of afterwards.",
    "In the March outage they kept the incident channel readable for everyone.",
)
SUMMARY = (
    "Two colleagues answered. **Strengths**: calm in incidents, clear explanations. "
    "**One thing to work on**: raise concerns earlier in design reviews. "
    "This matches the craft goal: let's use the next review to practise it."
)


def _weeks_ago(now: dt.datetime, weeks: float) -> dt.datetime:
    return now - dt.timedelta(weeks=weeks)


def _goal(series: Series, story: tuple, now: dt.datetime, *, created_weeks: int) -> object:
    title, why, area, updates = story
    created = _weeks_ago(now, created_weeks)
    goal = growth.goal_create(
        actor=series.report,
        series=series,
        title=title,
        why=why,
        area=area,
        target_on=timezone.localdate(created) + dt.timedelta(weeks=created_weeks + 8),
        now=created,
    )
    for weeks, text, percent in updates:
        growth.goal_progress_add(
            actor=series.manager if weeks % 2 else series.report,
            goal=goal,
            text=text,
            percent=percent,
            now=_weeks_ago(now, weeks),
        )
    return goal


def _story(series: Series, now: dt.datetime) -> None:
    achieved = _goal(series, ACHIEVED, now, created_weeks=24)
    growth.goal_update(
        actor=series.manager,
        goal=achieved,
        changes={"status": "achieved"},
        now=_weeks_ago(now, 13),
    )
    active = _goal(series, ACTIVE, now, created_weeks=12)
    _goal(series, QUIET, now, created_weeks=10)
    items = list(access.action_items_visible_to(series.manager).filter(series=series)[:1])
    for item in items:
        growth.goal_action_item_link(
            actor=series.manager, goal=active, item=item, now=_weeks_ago(now, 3)
        )
    career = (
        series.meetings.filter(
            kind=Meeting.Kind.CAREER, status=Meeting.Status.HELD, started_at__isnull=False
        )
        .order_by("-scheduled_at")
        .first()
    )
    changed = career.started_at + dt.timedelta(minutes=40) if career else _weeks_ago(now, 2)
    growth.development_plan_update(
        actor=series.manager,
        series=series,
        focus_areas=["craft", "collaboration"],
        next_review_on=timezone.localdate(now) + dt.timedelta(weeks=6),
        notes="Practise leading reviews; get visible outside the team.",
        meeting=career,
        now=changed,
    )
    _peers(series, now)
    _feedback(series, now)


def _peers(series: Series, now: dt.datetime) -> None:
    # Peers of the IC: people with a manager, not the IC's own reports, on another team first.
    candidates = access.peer_colleagues_for(series.manager, series).exclude(manager=None)
    colleagues = list(candidates.exclude(manager=series.report))
    colleagues = [c for c in colleagues if c.manager_id != series.manager_id][:2] or colleagues[:2]
    if not colleagues:
        return
    asked = _weeks_ago(now, 5)
    requests = growth.peer_request_create(
        actor=series.manager,
        series=series,
        colleague_ids=[c.pk for c in colleagues],
        message="Ahead of the next career 1:1.",
        now=asked,
    )
    strengths, change, example = PEER_ANSWER
    growth.peer_request_answer(
        actor=requests[0].colleague,
        request=requests[0],
        strengths=strengths,
        change=change,
        example=example,
        now=asked + dt.timedelta(days=3),
    )
    for request in requests[1:]:
        growth.peer_request_decline(
            actor=request.colleague, request=request, now=asked + dt.timedelta(days=4)
        )
    growth.peer_summary_write(
        actor=series.manager, series=series, text=SUMMARY, now=asked + dt.timedelta(days=10)
    )


def _feedback(series: Series, now: dt.datetime) -> None:
    """What the IC did with the feedback acted on, and the rest acknowledged (not acted on)."""
    records = access.feedback_visible_to(series.report).filter(
        series=series, given_to=series.report
    )
    for record in records:
        if record.acted_on_at is not None:
            growth.feedback_mark(
                actor=series.report,
                feedback=record,
                acted_on=True,
                note=ACTED_ON[series.pk % len(ACTED_ON)],
                now=record.acted_on_at,
            )
        elif record.acknowledged_at is None:
            moment = min(record.created_at + dt.timedelta(days=1), now)
            growth.feedback_mark(
                actor=series.report, feedback=record, acknowledged=True, now=moment
            )


def add_goals_story(organisation: Organisation, now: dt.datetime) -> None:
    """Give each demo IC of an open 1:1 goals, a plan, peer feedback and feedback acted on."""
    open_series = (
        Series.objects.filter(organisation=organisation, ended_on__isnull=True)
        .select_related("manager", "report")
        .order_by("pk")
    )
    for series in open_series:
        _story(series, now)
    _pending_for_a_demo_login(list(open_series), now)


# Signed in as the junior, one sees a request waiting for an answer on the home page.
PENDING_FOR = "junior@example.com"


def _pending_for_a_demo_login(open_series: list[Series], now: dt.datetime) -> None:
    for series in open_series:
        colleague = access.peer_colleagues_for(series.manager, series).filter(email=PENDING_FOR)
        colleague = colleague.exclude(manager=series.manager).exclude(manager=series.report)
        colleague = colleague.first()
        if colleague is not None:
            growth.peer_request_create(
                actor=series.manager,
                series=series,
                colleague_ids=[colleague.pk],
                message="You worked with them on the platform migration.",
                now=now - dt.timedelta(days=2),
            )
            return
