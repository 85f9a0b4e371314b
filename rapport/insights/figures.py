"""The figures of each 1:1 relationship, for a team or a single relationship, in fixed queries.

Every figure says how it is computed (its formula), over which window, and which
rows are behind it. The thresholds and the rules that judge the figures live in
rapport.framework (indicators, thresholds, cadence): this module only counts.

The meeting figures look at each series' last held 1:1s (8 by default); the dated
figures (action items, feedback, meetings held) at the last 90 days; cancellations at
the organisation's cancellation window, through the series warnings' own count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Avg, Count, F, Max, Q, QuerySet, Window
from django.db.models.functions import RowNumber, TruncMonth
from django.utils import timezone

from rapport import access
from rapport.framework import indicators
from rapport.framework.cadence import cadence_for_level
from rapport.framework.levels import level_or_default
from rapport.framework.thresholds import ORGANISATION_FIELDS, thresholds_with
from rapport.growth.models import DevelopmentPlan, Goal
from rapport.insights.models import Retrospective, Threshold
from rapport.meetings.models import ActionItem, Meeting, Series, Topic
from rapport.meetings.selectors import SeriesOverview, series_overviews
from rapport.people.models import Organisation, Person

# Hooks wired at merge by the parts of Rapport that record these things. Each takes the
# series ids and `now` and returns {series_id: value}; None means "not recorded yet".
# goals: (goals open, goals with a progress update within the window).
GoalsHook = Callable[[list[int], dt.datetime, int], dict[int, tuple[int, int]] | None]
# reviews: the latest review date of each series that has one.
ReviewsHook = Callable[[list[int], dt.datetime], dict[int, dt.date] | None]
# retrospectives: the ratings (1-5) of each series, oldest first.
RetrospectivesHook = Callable[[list[int], dt.datetime], dict[int, list[int]] | None]


def _not_recorded_yet(*_args: object) -> None:
    return None


def _goal_progress(ids: list[int], now: dt.datetime, weeks: int) -> dict[int, tuple[int, int]]:
    """Per series whose IC has active goals: how many, and how many had a progress update
    within the last `weeks` weeks (1 query)."""
    reports = dict(Series.objects.filter(pk__in=ids).values_list("pk", "report_id"))
    since = now - dt.timedelta(weeks=weeks)
    rows = (
        Goal.objects.filter(owner_id__in=set(reports.values()), status=Goal.Status.ACTIVE)
        .values("owner_id")
        .annotate(
            active=Count("pk", distinct=True),
            updated=Count("pk", filter=Q(progress__written_at__gte=since), distinct=True),
        )
        .order_by()
    )
    by_owner = {row["owner_id"]: (row["active"], row["updated"]) for row in rows}
    return {pk: by_owner[report] for pk, report in reports.items() if report in by_owner}


def _review_dates(ids: list[int], _now: dt.datetime) -> dict[int, dt.date]:
    """The next review date of each series' development plan, where one is set (1 query)."""
    return dict(
        DevelopmentPlan.objects.filter(series_id__in=ids, next_review_on__isnull=False).values_list(
            "series_id", "next_review_on"
        )
    )


goal_progress_hook: GoalsHook = _goal_progress
review_dates_hook: ReviewsHook = _review_dates


def retrospective_ratings(series_ids: list[int], now: dt.datetime) -> dict[int, list[int]]:
    """The retrospective ratings of each series, oldest first (one query)."""
    ratings: dict[int, list[int]] = {}
    rows = (
        Retrospective.objects.filter(series_id__in=series_ids, answered_at__lte=now)
        .order_by("answered_at", "pk")
        .values_list("series_id", "rating")
    )
    for series_id, rating in rows:
        ratings.setdefault(series_id, []).append(rating)
    return ratings


retrospective_ratings_hook: RetrospectivesHook = retrospective_ratings

NO_GOALS = "No goals recorded yet."
NO_REVIEW = "No review date recorded yet."
NO_RETROSPECTIVES = "No retrospectives yet."


def thresholds_for(organisation: Organisation) -> dict[str, int]:
    """The organisation's thresholds: its own values over the framework's defaults (1 query)."""
    own = dict(Threshold.objects.filter(organisation=organisation).values_list("key", "value"))
    for name in ORGANISATION_FIELDS:
        own[name] = getattr(organisation, name)
    merged = thresholds_with(own)
    merged["overdue_grace_days"] = organisation.overdue_grace_days
    return merged


@dataclass
class MeetingPoint:
    """One held 1:1 of the window, with its agenda counts: a row behind several figures."""

    pk: int
    scheduled_at: dt.datetime
    kind: str
    mood: int | None
    talk_share: int | None
    topics: int = 0
    ic_topics: int = 0
    ic_before_start: int = 0
    status_topics: int = 0


@dataclass
class Relationship:
    """Every figure of one 1:1 relationship, and the 16 signs judged from them."""

    series: Series
    overview: SeriesOverview
    level: str
    window_meetings: int
    window_days: int
    goal_weeks: int = 6
    meetings: list[MeetingPoint] = field(default_factory=list)  # oldest first
    items: dict[str, dict[str, int]] = field(default_factory=dict)  # "ic"/"manager"
    feedback: dict[str, int] = field(default_factory=dict)
    held_days: int = 0
    planned_days: int = 0
    last_career: dt.datetime | None = None
    days_since_career: int | None = None
    career_never: bool = False
    goals: tuple[int, int] | None = None
    review_constructive: int | None = None
    review_on: dt.date | None = None
    retrospectives: list[int] | None = None
    readings: list[indicators.Reading] = field(default_factory=list)

    # Meeting figures ------------------------------------------------------------

    @property
    def held(self) -> int:
        return len(self.meetings)

    @property
    def ic_agenda_share(self) -> int | None:
        total = sum(m.topics for m in self.meetings)
        return _percent(sum(m.ic_topics for m in self.meetings), total)

    @property
    def ic_preparation(self) -> int | None:
        return _percent(sum(1 for m in self.meetings if m.ic_before_start), len(self.meetings))

    @property
    def status_share(self) -> int | None:
        total = sum(m.topics for m in self.meetings)
        return _percent(sum(m.status_topics for m in self.meetings), total)

    @property
    def talk_points(self) -> list[int]:
        return [m.talk_share for m in self.meetings if m.talk_share is not None]

    @property
    def talk_share(self) -> int | None:
        points = self.talk_points
        return round(sum(points) / len(points)) if points else None

    @property
    def moods(self) -> list[int]:
        return [m.mood for m in self.meetings if m.mood is not None]

    @property
    def mood_average(self) -> float | None:
        moods = self.moods
        return sum(moods) / len(moods) if moods else None

    @property
    def mood_drop(self) -> float | None:
        """How far the mood of the later half of the window sits below the earlier half."""
        moods = self.moods
        if len(moods) < 2:
            return None
        half = len(moods) // 2
        early, late = moods[:half], moods[len(moods) - half :]
        return sum(early) / len(early) - sum(late) / len(late)

    # Dated figures --------------------------------------------------------------

    def on_time(self, side: str) -> int | None:
        counts = self.items.get(side, {})
        return _percent(counts.get("on_time", 0), counts.get("due", 0))

    @property
    def items_due(self) -> int:
        return sum(counts.get("due", 0) for counts in self.items.values())

    @property
    def items_on_time_share(self) -> int | None:
        on_time = sum(counts.get("on_time", 0) for counts in self.items.values())
        return _percent(on_time, self.items_due)

    @property
    def overdue_items(self) -> int:
        return sum(counts.get("overdue", 0) for counts in self.items.values())

    @property
    def cancellations(self) -> int:
        return self.overview.manager_cancellations

    @property
    def cadence_kept(self) -> int | None:
        return _percent(min(self.held_days, self.planned_days), self.planned_days)

    @property
    def feedback_valued_share(self) -> int | None:
        return _percent(self.feedback.get("acted", 0), self.feedback.get("count", 0))

    @property
    def feedback_acknowledged_share(self) -> int | None:
        return _percent(self.feedback.get("acknowledged", 0), self.feedback.get("count", 0))

    @property
    def career_interval_days(self) -> int:
        return cadence_for_level(self.level).career_interval_days

    @property
    def goal_progress_share(self) -> int | None:
        return None if self.goals is None else _percent(self.goals[1], self.goals[0])

    # Signs ------------------------------------------------------------------------

    @property
    def warnings(self) -> list[indicators.Reading]:
        return [reading for reading in self.readings if reading.fires]

    @property
    def indicators(self) -> list[indicators.Reading]:
        return [reading for reading in self.readings if not reading.is_warning]

    @property
    def signs(self) -> list[indicators.Reading]:
        return [reading for reading in self.readings if reading.is_warning]

    def figures(self) -> dict[str, object]:
        """The numbers the framework's `judge` reads."""
        return {
            "held": self.held,
            "ic_agenda_share": self.ic_agenda_share,
            "ic_preparation": self.ic_preparation,
            "status_share": self.status_share,
            "talk_share": self.talk_share,
            "talk_measured": len(self.talk_points),
            "items_due": self.items_due,
            "items_on_time_share": self.items_on_time_share,
            "overdue_items": self.overdue_items,
            "feedback_count": self.feedback.get("count", 0),
            "feedback_valued_share": self.feedback_valued_share,
            "constructive_count": self.feedback.get("constructive", 0),
            "review_constructive": self.review_constructive,
            "mood_average": self.mood_average,
            "mood_drop": self.mood_drop,
            "cancellations": self.cancellations,
            "days_since_career": self.days_since_career,
            "career_never": self.career_never,
            "goal_progress_share": self.goal_progress_share,
            "retrospective_latest": self.retrospectives[-1] if self.retrospectives else None,
        }


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _window_start(now: dt.datetime, days: int) -> dt.datetime:
    return now - dt.timedelta(days=days)


def held_window(series_ids: list[int], *, last: int, now: dt.datetime) -> QuerySet[Meeting]:
    """The last `last` held 1:1s of each series, as one windowed query."""
    return (
        Meeting.objects.filter(
            series_id__in=series_ids, status=Meeting.Status.HELD, scheduled_at__lte=now
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("series_id")],
                order_by=[F("scheduled_at").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=last)
    )


def relationships(
    viewer: Person, series_qs: QuerySet[Series], *, now: dt.datetime | None = None
) -> list[Relationship]:
    """Every figure of these series (visible to the viewer), in a fixed number of queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    thresholds = thresholds_for(viewer.organisation)
    overviews = series_overviews(viewer, series_qs, now=now)
    ids = [overview.series.pk for overview in overviews]
    if not ids:
        return []
    window_days = thresholds["window_days"]
    start = _window_start(now, window_days)
    found = {
        overview.series.pk: Relationship(
            series=overview.series,
            overview=overview,
            level=level_or_default(overview.series.report.level),
            window_meetings=thresholds["window_meetings"],
            window_days=window_days,
            goal_weeks=thresholds["goal_progress_weeks"],
        )
        for overview in overviews
    }

    # 1. The window's held meetings, then their agenda counts per meeting.
    points: dict[int, MeetingPoint] = {}
    rows = held_window(ids, last=thresholds["window_meetings"], now=now).values_list(
        "pk", "series_id", "scheduled_at", "kind", "mood", "manager_talk_share"
    )
    for pk, series_id, at, kind, mood, talk in sorted(rows, key=lambda row: (row[2], row[0])):
        point = MeetingPoint(pk=pk, scheduled_at=at, kind=kind, mood=mood, talk_share=talk)
        points[pk] = point
        found[series_id].meetings.append(point)
    if points:
        ic = Q(author_id=F("meeting__series__report_id"))
        counts = (
            Topic.objects.filter(meeting_id__in=list(points))
            .values("meeting_id")
            .annotate(
                total=Count("pk"),
                ic=Count("pk", filter=ic),
                ic_before=Count("pk", filter=ic & Q(added_before_start=True)),
                status=Count("pk", filter=Q(kind=Topic.Kind.STATUS)),
            )
            .order_by()
        )
        for row in counts:
            point = points[row["meeting_id"]]
            point.topics, point.ic_topics = row["total"], row["ic"]
            point.ic_before_start, point.status_topics = row["ic_before"], row["status"]

    # 2. Action items: due in the window (done by their date or not), open past due.
    items = (
        ActionItem.objects.filter(series_id__in=ids)
        .exclude(status=ActionItem.Status.DROPPED)
        .values("series_id", "owner_id")
        .annotate(
            due=Count("pk", filter=Q(due_on__gte=start.date(), due_on__lt=today)),
            on_time=Count(
                "pk",
                filter=Q(
                    due_on__gte=start.date(),
                    due_on__lt=today,
                    status=ActionItem.Status.DONE,
                    done_on__lte=F("due_on"),
                ),
            ),
            overdue=Count("pk", filter=Q(status=ActionItem.Status.OPEN, due_on__lt=today)),
        )
        .order_by()
    )
    for row in items:
        rel = found[row["series_id"]]
        side = "ic" if row["owner_id"] == rel.series.report_id else "manager"
        bucket = rel.items.setdefault(side, {"due": 0, "on_time": 0, "overdue": 0})
        for key in ("due", "on_time", "overdue"):
            bucket[key] += row[key]

    # 3. Feedback of the window (through the viewer's access: participants only).
    feedback = (
        access.feedback_visible_to(viewer)
        .filter(series_id__in=ids, created_at__gte=start)
        .values("series_id")
        .annotate(
            count=Count("pk"),
            positive=Count("pk", filter=Q(kind="positive")),
            constructive=Count("pk", filter=Q(kind="constructive")),
            acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
            acted=Count("pk", filter=Q(acknowledged_at__isnull=False, acted_on_at__isnull=False)),
        )
        .order_by()
    )
    for row in feedback:
        found[row["series_id"]].feedback = {k: v for k, v in row.items() if k != "series_id"}

    # 4. Held vs planned in the window, and the last career talk: a career 1:1 held,
    #    or a career topic discussed in a held 1:1.
    held = Q(status=Meeting.Status.HELD, scheduled_at__lte=now)
    for row in (
        Meeting.objects.filter(series_id__in=ids)
        .values("series_id")
        .annotate(
            held_days=Count("pk", filter=held & Q(scheduled_at__gte=start)),
            last_career=Max("scheduled_at", filter=held & Q(kind=Meeting.Kind.CAREER)),
        )
        .order_by()
    ):
        rel = found[row["series_id"]]
        rel.held_days, rel.last_career = row["held_days"], row["last_career"]
    for row in (
        Topic.objects.filter(
            meeting__series_id__in=ids,
            kind=Topic.Kind.CAREER,
            discussed=True,
            meeting__status=Meeting.Status.HELD,
            meeting__scheduled_at__lte=now,
        )
        .values("meeting__series_id")
        .annotate(last=Max("meeting__scheduled_at"))
        .order_by()
    ):
        rel = found[row["meeting__series_id"]]
        if rel.last_career is None or row["last"] > rel.last_career:
            rel.last_career = row["last"]

    # 5. What other parts of Rapport record (goals, reviews, retrospectives): hooks.
    goals = goal_progress_hook(ids, now, thresholds["goal_progress_weeks"])
    reviews = review_dates_hook(ids, now)
    ratings = retrospective_ratings_hook(ids, now)

    if reviews:
        _review_feedback(viewer, found, reviews, thresholds["review_lookback_days"])

    for rel in found.values():
        series = rel.series
        since = max(start.date(), series.started_on)
        rel.planned_days = max(0, (today - since).days // (7 * series.frequency_weeks))
        if rel.last_career is not None:
            rel.days_since_career = (now - rel.last_career).days
        else:  # never discussed: counted from the 1:1's start, as the series warnings do
            rel.career_never = True
            rel.days_since_career = (today - series.started_on).days
        if goals is not None:
            rel.goals = goals.get(series.pk)
        if ratings is not None:
            rel.retrospectives = ratings.get(series.pk, [])
        rel.readings = indicators.judge(rel.figures(), thresholds, level=rel.level)
    return [found[pk] for pk in ids]


def _review_feedback(
    viewer: Person, found: dict[int, Relationship], reviews: dict[int, dt.date], days: int
) -> None:
    """Constructive feedback in the `days` before each series' review date (one query)."""
    first = min(reviews.values()) - dt.timedelta(days=days)
    dates = (
        access.feedback_visible_to(viewer)
        .filter(series_id__in=list(reviews), kind="constructive", created_at__date__gte=first)
        .values_list("series_id", "created_at")
    )
    for pk, on in reviews.items():
        if pk in found:
            found[pk].review_on, found[pk].review_constructive = on, 0
    for pk, created in dates:
        on = reviews[pk]
        if on - dt.timedelta(days=days) <= created.date() <= on and pk in found:
            found[pk].review_constructive += 1


def relationship_for(viewer: Person, series: Series, *, now: dt.datetime | None = None):
    """The figures of one relationship the viewer takes part in (fetched through access)."""
    qs = access.series_visible_to(viewer).filter(pk=series.pk)
    return relationships(viewer, qs, now=now)[0]


def by_signs(rows: Iterable[Relationship]) -> list[Relationship]:
    """Most warning signs first, then by name."""
    return sorted(rows, key=lambda rel: (-len(rel.warnings), rel.series.report.name))


@dataclass(frozen=True, slots=True)
class FigureCard:
    """One figure as the relationship page shows it: value, formula, window, rows behind it."""

    key: str
    title: str
    value: str
    formula: str
    window: str
    rows: str  # which table of rows is behind it: "meetings", "items", "feedback", or ""


def days_ago(days: int) -> str:
    return "today" if days == 0 else ("yesterday" if days == 1 else f"{days} days ago")


def _pct_text(value: int | None) -> str:
    return "—" if value is None else f"{value}%"


def figure_cards(rel: Relationship) -> list[FigureCard]:
    """The figures of §1, in the order the page lists them (retrospectives as a hook)."""
    meetings = f"the last {rel.window_meetings} held 1:1s ({rel.held} found)"
    days = f"the last {rel.window_days} days"
    mood = "—" if rel.mood_average is None else f"{rel.mood_average:.1f} / 5"
    if rel.mood_drop is not None and rel.mood_drop > 0:
        mood += f", down {rel.mood_drop:.1f}"
    elif rel.mood_drop is not None and rel.mood_drop < 0:
        mood += f", up {-rel.mood_drop:.1f}"
    career = (
        "never in the record" if rel.days_since_career is None else days_ago(rel.days_since_career)
    )
    feedback = rel.feedback
    goals = NO_GOALS if rel.goals is None else f"{rel.goals[1]} of {rel.goals[0]} goals"
    review = (
        NO_REVIEW
        if rel.review_on is None
        else f"{rel.review_constructive} before the review of {rel.review_on:%d %b %Y}"
    )
    retro = (
        NO_RETROSPECTIVES
        if not rel.retrospectives
        else " → ".join(str(rating) for rating in rel.retrospectives)
    )
    values = {
        "ic_agenda_share": (_pct_text(rel.ic_agenda_share), meetings, "meetings"),
        "ic_preparation": (_pct_text(rel.ic_preparation), meetings, "meetings"),
        "items_on_time": (
            f"IC {_pct_text(rel.on_time('ic'))} · manager {_pct_text(rel.on_time('manager'))}"
            f" · {rel.overdue_items} open past due",
            days,
            "items",
        ),
        "career": (
            f"{career} (every {rel.career_interval_days} days for the level)",
            "all history",
            "",
        ),
        "cancellations": (
            f"{rel.cancellations} cancelled by the manager · {rel.held_days} held of "
            f"{rel.planned_days} planned by the cadence",
            f"cancellations: the organisation's window; held vs planned: {days}",
            "",
        ),
        "feedback": (
            f"{feedback.get('count', 0)} ({feedback.get('positive', 0)} positive, "
            f"{feedback.get('constructive', 0)} constructive) · "
            f"{_pct_text(rel.feedback_acknowledged_share)} acknowledged · "
            f"{_pct_text(rel.feedback_valued_share)} acknowledged and acted on",
            days,
            "feedback",
        ),
        "review_feedback": (review, "the review lookback", ""),
        "mood": (mood, meetings, "meetings"),
        "retrospectives": (retro, "all retrospectives", ""),
        "status_share": (_pct_text(rel.status_share), meetings, "meetings"),
        "talk_share": (
            "not measured yet"
            if rel.talk_share is None
            else f"{rel.talk_share}% over {len(rel.talk_points)} measured 1:1s",
            meetings,
            "meetings",
        ),
        "goal_progress": (goals, f"the last {rel.goal_weeks} weeks", ""),
    }
    return [
        FigureCard(key, definition.title, values[key][0], definition.formula, *values[key][1:])
        for key, definition in indicators.FIGURES.items()
    ]


# Trends: month by month, for one relationship or a whole team -------------------

TREND_MONTHS = 6


def _months(today: dt.date, count: int) -> list[tuple[int, int]]:
    year, month = today.year, today.month
    found = []
    for _ in range(count):
        found.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found[::-1]


def _key(value: dt.date | dt.datetime) -> tuple[int, int]:
    return value.year, value.month


def trends(
    series_ids: list[int], *, now: dt.datetime | None = None, months: int = TREND_MONTHS
) -> dict[str, list[tuple[str, float | None]]]:
    """Per calendar month: IC agenda share, manager talk share, mood, items done on time and
    manager cancellations of these series (already checked visible), in three queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    keys = _months(today, months)
    first = dt.date(*keys[0], 1)
    start = dt.datetime.combine(first, dt.time(), tzinfo=timezone.get_current_timezone())
    held = Q(status=Meeting.Status.HELD)
    meetings = {
        _key(row["month"]): row
        for row in Meeting.objects.filter(
            series_id__in=series_ids, scheduled_at__gte=start, scheduled_at__lte=now
        )
        .annotate(month=TruncMonth("scheduled_at"))
        .values("month")
        .annotate(
            mood=Avg("mood", filter=held),
            talk=Avg("manager_talk_share", filter=held),
            # Called off by the manager, as the series warnings count them.
            cancelled=Count(
                "pk",
                filter=Q(
                    status__in=[Meeting.Status.CANCELLED, Meeting.Status.RESCHEDULED],
                    cancelled_by=F("series__manager"),
                ),
            ),
        )
        .order_by()
    }
    topics = {
        _key(row["month"]): row
        for row in Topic.objects.filter(
            meeting__series_id__in=series_ids,
            meeting__status=Meeting.Status.HELD,
            meeting__scheduled_at__gte=start,
            meeting__scheduled_at__lte=now,
        )
        .annotate(month=TruncMonth("meeting__scheduled_at"))
        .values("month")
        .annotate(
            total=Count("pk"), ic=Count("pk", filter=Q(author_id=F("meeting__series__report_id")))
        )
        .order_by()
    }
    items = {
        _key(row["month"]): row
        for row in ActionItem.objects.filter(
            series_id__in=series_ids, due_on__gte=first, due_on__lt=today
        )
        .exclude(status=ActionItem.Status.DROPPED)
        .annotate(month=TruncMonth("due_on"))
        .values("month")
        .annotate(
            due=Count("pk"),
            on_time=Count("pk", filter=Q(status=ActionItem.Status.DONE, done_on__lte=F("due_on"))),
        )
        .order_by()
    }
    labels = [dt.date(year, month, 1).strftime("%b") for year, month in keys]

    def series(values: list[float | None]) -> list[tuple[str, float | None]]:
        return list(zip(labels, values, strict=True))

    def rounded(value: float | None, digits: int = 0) -> float | None:
        return None if value is None else round(value, digits)

    return {
        "agenda": series(
            [_percent(topics[k]["ic"], topics[k]["total"]) if k in topics else None for k in keys]
        ),
        "talk": series([rounded(meetings[k]["talk"]) if k in meetings else None for k in keys]),
        "mood": series([rounded(meetings[k]["mood"], 1) if k in meetings else None for k in keys]),
        "on_time": series(
            [_percent(items[k]["on_time"], items[k]["due"]) if k in items else None for k in keys]
        ),
        "cancellations": series([meetings[k]["cancelled"] if k in meetings else 0 for k in keys]),
    }
