"""Reads of growth: open plans, cadence suggestions, and the career pages (goals, plan,
feedback log, peer feedback)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from rapport import access
from rapport.errors import Refused
from rapport.framework.cadence import ADJUSTMENT_REASONS, cadence_departs
from rapport.framework.goals import DEFAULT_AREAS, GOAL_STALE_AFTER, area_label, goal_is_stale
from rapport.framework.levels import level_or_default
from rapport.growth.models import (
    DevelopmentPlan,
    Feedback,
    Goal,
    GoalChange,
    GoalProgress,
    ImprovementPlan,
    MeetingVisit,
    PeerAnswer,
    PeerRequest,
    PeerSummary,
    PlanChange,
)
from rapport.meetings.models import ActionItem, Meeting, Series
from rapport.people.models import Person

# How long a visit counts as "on the page": the page renews it while it is open and visible.
PRESENT_FOR = dt.timedelta(seconds=12)


def open_plan_for(series: Series) -> ImprovementPlan | None:
    """The series' open underperformance plan, if any (a reason to meet weekly)."""
    return ImprovementPlan.objects.filter(series=series, status=ImprovementPlan.Status.OPEN).first()


MOOD_WINDOW = 3  # the last held meetings compared with the ones before them
MOOD_DROP = 1.0  # on the 1-5 scale


@dataclass(frozen=True)
class CadenceSuggestion:
    """A change the data calls for, with the framework's reason to pre-fill the form."""

    key: str
    frequency_weeks: int
    reason: str
    why: str

    @property
    def reason_label(self) -> str:
        return dict(ADJUSTMENT_REASONS).get(self.reason, "")

    def form_initial(self, series: Series) -> dict[str, object]:
        """The cadence form's values with this suggestion applied."""
        return {
            "frequency_weeks": self.frequency_weeks,
            "duration_minutes": series.duration_minutes,
            "career_every_weeks": series.career_every_weeks,
            "weekday": series.weekday,
            "start_time": series.start_time,
            "reason": self.reason,
            "note": self.why,
        }


def _open_plan(series: Series) -> bool:
    return open_plan_for(series) is not None


def _mood_dropped(series: Series) -> bool:
    moods = list(
        series.meetings.filter(status=Meeting.Status.HELD, mood__isnull=False)
        .order_by("-scheduled_at")
        .values_list("mood", flat=True)[: MOOD_WINDOW * 2]
    )
    if len(moods) < MOOD_WINDOW + 1:
        return False
    recent, before = moods[:MOOD_WINDOW], moods[MOOD_WINDOW:]
    return sum(before) / len(before) - sum(recent) / len(recent) >= MOOD_DROP


def _reason_for_weekly(series: Series) -> str:
    """No reason once weekly brings the series back to its level's cadence, else its own."""
    departs = cadence_departs(
        level_or_default(series.report.level),
        frequency_weeks=1,
        duration_minutes=series.duration_minutes,
        career_every_weeks=series.career_every_weeks,
    )
    return series.cadence_reason if departs else ""


def cadence_suggestions(series: Series) -> list[CadenceSuggestion]:
    """What Rapport suggests for this series' cadence, most pressing first (may be empty)."""
    if not series.is_open or series.frequency_weeks == 1:
        return []
    report = series.report
    rules = (
        (
            _open_plan(series),
            "plan",
            "performance_concern",
            "An underperformance plan is open: meet weekly to check in on it.",
        ),
        (
            report.level == "junior",
            "junior",
            _reason_for_weekly(series),
            "The framework meets juniors every week.",
        ),
        (
            _mood_dropped(series),
            "mood",
            "individual_needs",
            f"{report.first_name}'s mood dropped over the last {MOOD_WINDOW} 1:1s: "
            "meet more often for a while.",
        ),
        (
            report.remote,
            "remote",
            "remote",
            f"{report.first_name} works remotely: weekly 1:1s keep the connection.",
        ),
    )
    return [
        CadenceSuggestion(key=key, frequency_weeks=1, reason=reason, why=why)
        for applies, key, reason, why in rules
        if applies
    ]


def people_on_meeting_page(
    *, viewer: Person, meeting: Meeting, now: dt.datetime | None = None
) -> set[int]:
    """The other participants (their ids) whose page of this meeting is open now."""
    now = now or timezone.now()
    series = meeting.series
    others = {series.manager_id, series.report_id} - {viewer.pk}
    return set(
        MeetingVisit.objects.filter(
            meeting=meeting, person_id__in=others, last_seen_at__gte=now - PRESENT_FOR
        ).values_list("person_id", flat=True)
    )


# Career: goals, the development plan, the feedback log, peer feedback -----------------
#
# Each page is assembled in a constant number of queries, however many goals, updates and
# feedback records there are.


@dataclass(frozen=True)
class GoalView:
    """A goal with its progress, its change log and the action items linked to it."""

    goal: Goal
    progress: list[GoalProgress]
    changes: list[GoalChange]
    action_items: list[ActionItem]
    stale: bool

    @property
    def percent(self) -> int | None:
        """The share done given by the latest update that gave one."""
        return next((p.percent for p in reversed(self.progress) if p.percent is not None), None)

    @property
    def last_update(self) -> GoalProgress | None:
        return self.progress[-1] if self.progress else None

    @property
    def area_label(self) -> str:
        return area_label(self.goal.area) if self.goal.area else ""


@dataclass(frozen=True)
class PlanArea:
    """A focus area of the plan and the goals filed under it."""

    key: str
    label: str
    goals: list[GoalView]


@dataclass(frozen=True)
class PlanView:
    """The development plan of a 1:1, its areas with their goals, and its change log."""

    plan: DevelopmentPlan | None
    areas: list[PlanArea]
    other_goals: list[GoalView]
    changes: list[PlanChange]

    @property
    def focus_areas(self) -> list[str]:
        return list(self.plan.focus_areas) if self.plan else []


@dataclass(frozen=True)
class GoalsPage:
    """Everything the goals page of one relationship shows."""

    series: Series
    report: Person
    can_change: bool
    active: list[GoalView]
    closed: list[GoalView]
    plan: PlanView
    open_items: list[ActionItem]
    areas: tuple[tuple[str, str], ...] = DEFAULT_AREAS
    stale_after_weeks: int = GOAL_STALE_AFTER.days // 7

    @property
    def goals(self) -> list[GoalView]:
        return self.active + self.closed


def _cutoff(viewer: Person, series: Series) -> dt.datetime | None:
    """What someone no longer managing sees stops when their 1:1 ended."""
    if series.is_open:
        return None
    ended = dt.datetime.combine(series.ended_on + dt.timedelta(days=1), dt.time.min)
    return timezone.make_aware(ended, dt.UTC)


def _goal_views(viewer: Person, series: Series, now: dt.datetime) -> list[GoalView]:
    """The goals of this relationship's IC as the viewer may see them (4 queries)."""
    cutoff = _cutoff(viewer, series)
    goals = access.goals_visible_to(viewer)
    if series.is_open:
        goals = goals.filter(owner_id=series.report_id)
    else:
        goals = goals.filter(series=series)
    progress = access.goal_progress_visible_to(viewer).select_related("written_by")
    changes = access.goal_changes_visible_to(viewer).select_related("changed_by")
    if cutoff is not None:
        progress = progress.filter(written_at__lt=cutoff)
    goals = goals.prefetch_related(
        Prefetch("progress", queryset=progress.order_by("written_at", "pk"), to_attr="_progress"),
        Prefetch("changes", queryset=changes.order_by("changed_at", "pk"), to_attr="_changes"),
        Prefetch(
            "action_items",
            queryset=ActionItem.objects.select_related("owner").order_by("pk"),
            to_attr="_items",
        ),
    ).order_by("-created_at", "-pk")
    views = []
    for goal in goals:
        if cutoff is not None:
            _as_it_was(goal, cutoff)
        last = goal._progress[-1].written_at if goal._progress else goal.created_at
        stale = (
            goal.status == Goal.Status.ACTIVE
            and cutoff is None
            and goal_is_stale(last_update_at=last, now=now)
        )
        views.append(GoalView(goal, goal._progress, goal._changes, goal._items, stale))
    return views


AS_OF_FIELDS = ("title", "why", "area", "criterion", "status")


def _as_it_was(goal: Goal, cutoff: dt.datetime) -> None:
    """Put the goal back as it was at the cutoff (in memory): what a previous manager saw."""
    later = [change for change in goal._changes if change.changed_at >= cutoff]
    goal._changes = [change for change in goal._changes if change.changed_at < cutoff]
    for change in reversed(later):  # the earliest later change holds the value at the cutoff
        if change.field in AS_OF_FIELDS:
            setattr(goal, change.field, change.before)
        elif change.field == "target_on":
            goal.target_on = dt.date.fromisoformat(change.before) if change.before else None
    if goal.status != Goal.Status.ACHIEVED:
        goal.achieved_at = None


def _plan_view(viewer: Person, series: Series, goals: list[GoalView]) -> PlanView:
    plan = access.development_plans_visible_to(viewer).filter(series=series).first()
    changes = (
        list(
            access.plan_changes_visible_to(viewer)
            .filter(plan=plan)
            .select_related("changed_by", "meeting")
            .order_by("-changed_at", "-pk")
        )
        if plan
        else []
    )
    focus = list(plan.focus_areas) if plan else []
    active = [view for view in goals if view.goal.status == Goal.Status.ACTIVE]
    areas = [
        PlanArea(key, area_label(key), [view for view in active if view.goal.area == key])
        for key in focus
    ]
    others = [view for view in active if view.goal.area not in focus]
    return PlanView(plan, areas, others, changes)


def goals_page(viewer: Person, series: Series, *, now: dt.datetime | None = None) -> GoalsPage:
    """The goals page of one relationship: goals, progress, change logs, the plan."""
    now = now or timezone.now()
    views = _goal_views(viewer, series, now)
    can_change = series.is_open and access.takes_part_in(viewer, series)
    items = (
        list(
            access.action_items_visible_to(viewer).filter(
                series=series, status=ActionItem.Status.OPEN
            )
        )
        if can_change
        else []
    )
    return GoalsPage(
        series=series,
        report=series.report,
        can_change=can_change,
        active=[v for v in views if v.goal.status == Goal.Status.ACTIVE],
        closed=[v for v in views if v.goal.status != Goal.Status.ACTIVE],
        plan=_plan_view(viewer, series, views),
        open_items=items,
    )


def active_goals_for(
    viewer: Person, series: Series, *, now: dt.datetime | None = None
) -> list[GoalView]:
    """The IC's active goals, shown beside each meeting of the 1:1 (prepare and run)."""
    now = now or timezone.now()
    return [
        view for view in _goal_views(viewer, series, now) if view.goal.status == Goal.Status.ACTIVE
    ]


# The feedback log ---------------------------------------------------------------------

FEEDBACK_STATES = (
    ("", "Any state"),
    ("waiting", "Not acknowledged yet"),
    ("acknowledged", "Acknowledged, not acted on"),
    ("acted_on", "Acted on"),
)
FEEDBACK_PERIODS = (
    ("", "All time"),
    ("30", "Last 30 days"),
    ("90", "Last 90 days"),
    ("180", "Last 6 months"),
    ("365", "Last year"),
)


@dataclass(frozen=True)
class FeedbackLog:
    """The feedback of one relationship, filtered, with its counts and rates."""

    series: Series
    records: list[Feedback]
    kind: str
    state: str
    period: str
    total: int
    positive: int
    constructive: int
    acknowledged: int
    acted_on: int
    kinds: tuple = tuple(Feedback.Kind.choices)
    states: tuple = FEEDBACK_STATES
    periods: tuple = FEEDBACK_PERIODS

    @property
    def acknowledged_rate(self) -> int | None:
        """Share of the records acknowledged, in whole percent (None with no record)."""
        return share(self.acknowledged, self.total)

    @property
    def acted_on_rate(self) -> int | None:
        """Share of the records acted on, in whole percent (None with no record)."""
        return share(self.acted_on, self.total)


def share(part: int, whole: int) -> int | None:
    """A whole percentage, rounded half up; None when there is nothing to divide."""
    if not whole:
        return None
    return (part * 200 + whole) // (whole * 2)


def feedback_log(
    viewer: Person,
    series: Series,
    *,
    kind: str = "",
    state: str = "",
    period: str = "",
    now: dt.datetime | None = None,
) -> FeedbackLog:
    """Every feedback record of the 1:1, filtered by kind, state and period (1 query)."""
    if kind and kind not in Feedback.Kind.values:
        raise Refused("Feedback is positive or constructive.")
    if state not in dict(FEEDBACK_STATES):
        raise Refused("Unknown feedback state.")
    if period not in dict(FEEDBACK_PERIODS):
        raise Refused("Unknown period.")
    now = now or timezone.now()
    records = access.feedback_visible_to(viewer).filter(series=series)
    if kind:
        records = records.filter(kind=kind)
    if period:
        records = records.filter(created_at__gte=now - dt.timedelta(days=int(period)))
    if state == "waiting":
        records = records.filter(acknowledged_at__isnull=True)
    elif state == "acknowledged":
        records = records.filter(acknowledged_at__isnull=False, acted_on_at__isnull=True)
    elif state == "acted_on":
        records = records.filter(acted_on_at__isnull=False)
    rows = list(records.order_by("-created_at", "-pk"))
    return FeedbackLog(
        series=series,
        records=rows,
        kind=kind,
        state=state,
        period=period,
        total=len(rows),
        positive=sum(r.kind == Feedback.Kind.POSITIVE for r in rows),
        constructive=sum(r.kind == Feedback.Kind.CONSTRUCTIVE for r in rows),
        acknowledged=sum(r.acknowledged_at is not None for r in rows),
        acted_on=sum(r.acted_on_at is not None for r in rows),
    )


# Peer feedback --------------------------------------------------------------------------


@dataclass(frozen=True)
class PeerPage:
    """Peer feedback of one relationship: requests and answers for the manager who asked
    them, summaries for both people."""

    series: Series
    is_manager: bool
    can_ask: bool
    requests: list[PeerRequest]
    answers: dict[int, PeerAnswer]
    summaries: list[PeerSummary]
    colleagues: list[Person]
    today: dt.date

    @property
    def summary(self) -> PeerSummary | None:
        return self.summaries[0] if self.summaries else None


def peer_page(viewer: Person, series: Series, *, now: dt.datetime | None = None) -> PeerPage:
    """The peer feedback page: the IC sees only the summaries (3-5 queries)."""
    now = now or timezone.now()
    is_manager = access.is_manager_in(viewer, series)
    requests: list[PeerRequest] = []
    answers: dict[int, PeerAnswer] = {}
    colleagues: list[Person] = []
    if is_manager:
        requests = list(
            access.peer_requests_visible_to(viewer).filter(series=series, requested_by=viewer)
        )
        answers = {
            a.request_id: a
            for a in access.peer_answers_visible_to(viewer).filter(request__series=series)
        }
        if series.is_open:
            colleagues = list(access.peer_colleagues_for(viewer, series))
    summaries = list(
        access.peer_summaries_visible_to(viewer).filter(series=series).select_related("written_by")
    )
    return PeerPage(
        series=series,
        is_manager=is_manager,
        can_ask=is_manager and series.is_open,
        requests=requests,
        answers=answers,
        summaries=summaries,
        colleagues=colleagues,
        today=timezone.localdate(now),
    )


def pending_peer_requests_for(
    viewer: Person, *, now: dt.datetime | None = None
) -> list[PeerRequest]:
    """Requests waiting for the viewer's answer and not expired: on their home page."""
    today = timezone.localdate(now or timezone.now())
    return list(
        access.peer_requests_visible_to(viewer)
        .filter(colleague=viewer, status=PeerRequest.Status.PENDING, expires_on__gte=today)
        .order_by("expires_on", "pk")
    )


def peer_answer_for(viewer: Person, request: PeerRequest) -> PeerAnswer | None:
    """The answer to a request, for the manager who asked; None for anyone else."""
    return access.peer_answers_visible_to(viewer).filter(request=request).first()
