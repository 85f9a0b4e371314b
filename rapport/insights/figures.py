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
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connections
from django.db.models import (
    Avg,
    Case,
    Count,
    Expression,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL, Star
from django.db.models.functions import Coalesce, RowNumber, TruncDate
from django.utils import timezone

from rapport import access, compiled
from rapport.framework import indicators
from rapport.framework.cadence import cadence_for_level
from rapport.framework.levels import level_or_default
from rapport.framework.thresholds import ORGANISATION_FIELDS, thresholds_with
from rapport.growth.models import Goal
from rapport.insights.models import Retrospective
from rapport.meetings.models import ActionItem, Meeting, Series, Topic
from rapport.meetings.selectors import figure_counts_since, series_figure_counts
from rapport.people.models import Organisation, Person


class RowCount(Subquery):
    """How many distinct rows a correlated queryset (filtered on an OuterRef) has."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _counted)"
    output_field = IntegerField()

    def __init__(self, queryset: QuerySet) -> None:
        super().__init__(queryset.order_by().values("pk").distinct())


def plain_count(rows: QuerySet, *, function: str = "COUNT", field: str = "pk") -> Subquery:
    """How many rows a correlated queryset has (or another aggregate `function` of one of
    their fields), as a plain subquery over the correlated index: for rows a join cannot
    repeat (`RowCount` counts those that one can, at the cost of a derived table)."""
    return Subquery(
        rows.order_by().annotate(n=Func(F(field), function=function)).values("n"),
        output_field=IntegerField(),
    )


# Bits kept for each sum in `packed_counts`: far above the topics or ratings of one 1:1's
# window (a sum is at most a few hundred).
PACKED_BITS = 20


def packed_counts(rows: QuerySet, *fields: str | Expression) -> Subquery:
    """How many rows a correlated queryset has and the sum of each of `fields` (a field's
    name, or an expression of the row) over them, packed in one whole number (the count,
    then each sum in the next `PACKED_BITS` bits, the last sum in the lowest), as one plain
    subquery: a subquery runs once per outer row, and one walk of the rows' index costs
    about what each of three separate ones did (`unpacked` reads the number back)."""
    packed: Expression = Func(Star(), function="COUNT", output_field=IntegerField())
    for summed in fields:
        summed = F(summed) if isinstance(summed, str) else summed
        total = Coalesce(Func(summed, function="SUM", output_field=IntegerField()), 0)
        packed = packed * Value(1 << PACKED_BITS) + total
    return Subquery(rows.order_by().annotate(n=packed).values("n"), output_field=IntegerField())


def unpacked(packed: int, sums: int) -> tuple[int, ...]:
    """The count then each of the `sums` sums that `packed_counts` packed in one number."""
    mask = (1 << PACKED_BITS) - 1
    return tuple(packed >> PACKED_BITS * shift & mask for shift in range(sums, -1, -1))


def counted_if(condition: Q) -> Case:
    """1 for a row that meets the condition, else 0: summed, how many rows meet it."""
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


# What the figures' pages read of each series and of its two people (their names and the
# report's level): the statement stays short, and few values are converted.
SERIES_READ = ("organisation", "manager", "report", "started_on", "ended_on", "frequency_weeks")
PERSON_READ = ("name", "level")


def _annotated(
    series_qs: QuerySet[Series],
    *,
    now: dt.datetime,
    start: dt.datetime,
    goals_since: dt.datetime,
) -> QuerySet[Series]:
    """The series with what the figures read of each, as subqueries of the one series query:
    1:1s held in the window, the last career topic discussed, the next review date, and the
    report's active goals with how many had a progress update since `goals_since`."""
    held = Meeting.objects.filter(
        series=OuterRef("pk"), status=Meeting.Status.HELD, scheduled_at__lte=now
    )
    career_topics = Topic.objects.filter(
        meeting__series=OuterRef("pk"),
        kind=Topic.Kind.CAREER,
        discussed=True,
        meeting__status=Meeting.Status.HELD,
        meeting__scheduled_at__lte=now,
    ).order_by("-meeting__scheduled_at")
    goals = Goal.objects.filter(owner=OuterRef("report_id"), status=Goal.Status.ACTIVE)
    people = [f"{person}__{name}" for person in ("report", "manager") for name in PERSON_READ]
    return (
        series_qs.select_related("report", "manager")
        .only(*SERIES_READ, *people)
        .annotate(
            held_in_window=plain_count(held.filter(scheduled_at__gte=start)),
            last_career_topic=Subquery(career_topics.values("meeting__scheduled_at")[:1]),
            review_on=F("development_plan__next_review_on"),
            goals_active=plain_count(goals),
            goals_updated=RowCount(goals.filter(progress__written_at__gte=goals_since)),
        )
    )


def retrospective_points(
    series_ids: list[int], now: dt.datetime
) -> dict[int, list[tuple[dt.datetime, int]]]:
    """When each series' retrospectives were answered, and their ratings, oldest first."""
    points: dict[int, list[tuple[dt.datetime, int]]] = {}
    for series_id, answered_at, rating in compiled.rows(_retrospective_rows, series_ids, now):
        points.setdefault(series_id, []).append((answered_at, rating))
    return points


def _retrospective_rows(series_ids: list[int], now: dt.datetime) -> QuerySet[Retrospective]:
    return (
        Retrospective.objects.filter(series_id__in=series_ids, answered_at__lte=now)
        .order_by("answered_at", "pk")
        .values_list("series_id", "answered_at", "rating")
    )


NO_GOALS = "No goals recorded yet."
NO_REVIEW = "No review date recorded yet."
NO_RETROSPECTIVES = "No retrospectives yet."


def thresholds_for(organisation: Organisation) -> dict[str, int]:
    """The organisation's thresholds: its own values over the framework's defaults, as the
    organisation keeps them (no query)."""
    own = dict(organisation.own_thresholds)
    for name in ORGANISATION_FIELDS:
        own[name] = getattr(organisation, name)
    merged = thresholds_with(own)
    merged["overdue_grace_days"] = organisation.overdue_grace_days
    return merged


class MeetingPoint(NamedTuple):
    """One held 1:1 of the window, with its agenda counts: a row behind several figures (a
    named tuple: a page makes one per held 1:1 of each row's window)."""

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
    overview: Series  # the series as the series warnings count it (series_figure_counts)
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
    retrospective_dates: list[dt.datetime] = field(default_factory=list)
    # Per month of the trends: action items due, and done by their date.
    items_by_month: dict[tuple[int, int], list[int]] = field(default_factory=dict)
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
        return _mean(self.talk_points, rounded=True)

    @property
    def moods(self) -> list[int]:
        return [m.mood for m in self.meetings if m.mood is not None]

    @property
    def mood_average(self) -> float | None:
        return _mean(self.moods)

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
    # Kept once read: a team's page sorts by them and shows each row's several times. The
    # readings are judged before any of them is read (`relationships`).

    @functools.cached_property
    def warnings(self) -> list[indicators.Reading]:
        return [reading for reading in self.readings if reading.fires]

    @functools.cached_property
    def indicators(self) -> list[indicators.Reading]:
        return [reading for reading in self.readings if not reading.is_warning]

    @functools.cached_property
    def signs(self) -> list[indicators.Reading]:
        return [reading for reading in self.readings if reading.is_warning]

    @property
    def waiting(self) -> int:
        """How many warning signs are not judged yet (too little data)."""
        return sum(1 for reading in self.signs if reading.no_data)

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


def _mean(values: Sequence[int], *, rounded: bool = False) -> float | None:
    """The average, rounded to a whole number when asked; None for no values."""
    if not values:
        return None
    mean = sum(values) / len(values)
    return round(mean) if rounded else mean


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


# Series whose window is read one index scan each (`held_window_ids`); SQLite allows 500
# terms in one compound SELECT.
WINDOW_SCANS_MAX = 200


def held_window_ids(
    series_ids: list[int], *, last: int, now: dt.datetime
) -> Expression | QuerySet[Meeting]:
    """The ids of `held_window`'s meetings, as an expression for `pk__in`: for up to
    `WINDOW_SCANS_MAX` series, one `LIMIT` subquery a series walking its (series,
    scheduled_at) index from `now` back (a `UNION ALL` of them), instead of ranking every
    held 1:1 of their history; `held_window` itself for more series."""
    if len(series_ids) > WINDOW_SCANS_MAX:
        return held_window(series_ids, last=last, now=now).values("pk")
    connection = connections[Meeting.objects.db]
    name = connection.ops.quote_name
    meeting_id, series, status, scheduled_at = (
        name(Meeting._meta.get_field(field).column)
        for field in ("id", "series", "status", "scheduled_at")
    )
    scan = (
        f"SELECT {meeting_id} FROM (SELECT {meeting_id} FROM {name(Meeting._meta.db_table)}"
        f" WHERE {series} = %s AND {status} = %s AND {scheduled_at} <= %s"
        f" ORDER BY {scheduled_at} DESC, {meeting_id} DESC LIMIT %s) window_{{n}}"
    )
    sql = " UNION ALL ".join(scan.format(n=n) for n in range(len(series_ids)))
    at = connection.ops.adapt_datetimefield_value(now)
    params = [value for pk in series_ids for value in (pk, Meeting.Status.HELD.value, at, last)]
    return RawSQL(sql, params)


# What the figures count of the window's feedback (in two subqueries of the series query).
FEEDBACK_COUNTS = ("count", "positive", "constructive", "acknowledged", "acted")

# Which series a page reads the figures of: `scope(viewer, series_id)` is an `access`
# queryset of series the viewer takes part in (`series_id` None where it names none). A
# module's function, so that each scope is one compiled shape.
Scope = Callable[[Person, int | None], QuerySet[Series]]


def relationships(
    viewer: Person,
    scope: Scope,
    series_id: int | None = None,
    *,
    now: dt.datetime | None = None,
    thresholds: dict[str, int] | None = None,
    by_month: bool = True,
) -> list[Relationship]:
    """Every figure of the series `scope(viewer, series_id)` gives, in a fixed number of
    queries, each compiled to SQL once per process (`compiled.rows`); the items counted per
    month of the trends too `by_month` (a page showing no trends reads the window's only)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    thresholds = thresholds or thresholds_for(viewer.organisation)
    window_days = thresholds["window_days"]
    start = _window_start(now, window_days)
    counted = compiled.rows(
        _figures_series,
        viewer,
        series_id,
        now,
        start,
        now - dt.timedelta(weeks=thresholds["goal_progress_weeks"]),
        *figure_counts_since(viewer, now=now),
        scope=scope,
        lookback_days=thresholds["review_lookback_days"],
    )
    ids = [series.pk for series in counted]
    if not ids:
        return []
    found = {
        series.pk: Relationship(
            series=series,
            overview=series,
            level=level_or_default(series.report.level),
            window_meetings=thresholds["window_meetings"],
            window_days=window_days,
            goal_weeks=thresholds["goal_progress_weeks"],
        )
        for series in counted
    }

    # 1. The window's held meetings with their agenda counts.
    rows = compiled.rows(_window_meetings, ids, now, thresholds["window_meetings"])
    for pk, series_id, *point in sorted(rows, key=lambda row: (row[2], row[0])):
        # The columns after the series are the point's fields, in their order.
        found[series_id].meetings.append(MeetingPoint(pk, *point))

    # 2. Action items: due in the window (done by their date or not), open past due; and
    #    `by_month`, per month of the trends, those due and those done by their date.
    months = _months(today, TREND_MONTHS) if by_month else []
    month_starts = [dt.date(*month, 1) for month in months]
    # Only the items some count can take: due since the earlier of the window and the
    # trends, or still open past due (the history's other items would count nothing).
    since = min([start.date(), *month_starts])
    items = compiled.rows(_item_counts, ids, since, start.date(), today, *month_starts)
    for row in items:
        rel = found[row["series_id"]]
        side = "ic" if row["owner_id"] == rel.series.report_id else "manager"
        bucket = rel.items.setdefault(side, {"due": 0, "on_time": 0, "overdue": 0})
        for key in ("due", "on_time", "overdue"):
            bucket[key] += row[key]
        if row.get("month") is not None:
            month = rel.items_by_month.setdefault(months[row["month"]], [0, 0])
            month[0] += row["month_due"]
            month[1] += row["month_on_time"]

    # 3. Feedback of the window, counted in the series query.
    for series in counted:
        if series.feedback_packed:
            counts = (*unpacked(series.feedback_packed, 2), *unpacked(series.feedback_marks, 1))
            found[series.pk].feedback = dict(zip(FEEDBACK_COUNTS, counts, strict=True))

    # 4. Retrospectives; constructive feedback before a review date, where one is set.
    ratings = retrospective_points(ids, now)
    for series in counted:
        if series.review_on:
            found[series.pk].review_on = series.review_on
            found[series.pk].review_constructive = series.review_constructive

    for series in counted:
        rel = found[series.pk]
        # The last career talk: a career 1:1 held, or a career topic discussed in a held 1:1.
        career = [at for at in (series.last_career, series.last_career_topic) if at is not None]
        rel.last_career = max(career) if career else None
        rel.held_days = series.held_in_window
        since = max(start.date(), series.started_on)
        rel.planned_days = max(0, (today - since).days // (7 * series.frequency_weeks))
        if rel.last_career is not None:
            rel.days_since_career = (now - rel.last_career).days
        else:  # never discussed: counted from the 1:1's start, as the series warnings do
            rel.career_never = True
            rel.days_since_career = (today - series.started_on).days
        if series.goals_active:
            rel.goals = (series.goals_active, series.goals_updated)
        answered = ratings.get(series.pk, [])
        rel.retrospectives = [rating for _, rating in answered]
        rel.retrospective_dates = [at for at, _ in answered]
        rel.readings = indicators.judge(
            rel.figures(),
            thresholds,
            level=rel.level,
            manager=_named(series.manager, viewer),
            ic=_named(series.report, viewer),
        )
    return [found[pk] for pk in ids]


def _named(person: Person, viewer: Person) -> str:
    """How a sign's sentence names one of the two people for this reader."""
    return indicators.YOU if person.pk == viewer.pk else person.first_name


def _figures_series(
    viewer: Person,
    series_id: int | None,
    now: dt.datetime,
    start: dt.datetime,
    goals_since: dt.datetime,
    next_from: dt.datetime,
    cancellations_from: dt.datetime,
    *,
    scope: Scope,
    lookback_days: int,
) -> QuerySet[Series]:
    """The scope's series with every count the figures read of each, in one query: those
    of the window from `start`, the feedback through the viewer's access (participants
    only), and the meetings' counts the series warnings read (`series_figure_counts`)."""
    feedback = access.feedback_visible_to(viewer).filter(
        series=OuterRef("pk"), created_at__gte=start
    )
    acknowledged = feedback.filter(acknowledged_at__isnull=False)
    # Two walks of the series' feedback of the window count all five (three numbers at
    # most fit in one packed whole number): how many and of each kind; how many
    # acknowledged, and acted on.
    return series_figure_counts(
        _annotated(scope(viewer, series_id), now=now, start=start, goals_since=goals_since),
        next_from=next_from,
        window=cancellations_from,
        extra={
            "feedback_packed": packed_counts(
                feedback, counted_if(Q(kind="positive")), counted_if(Q(kind="constructive"))
            ),
            "feedback_marks": packed_counts(acknowledged, counted_if(Q(acted_on_at__isnull=False))),
            "review_constructive": _review_feedback(viewer, lookback_days),
        },
    )


def _window_meetings(series_ids: list[int], now: dt.datetime, last: int) -> QuerySet[Meeting]:
    """The last `last` held 1:1s of each series, with their agenda counts as the topic
    services keep them on each meeting (no topic is read), in no order: the caller sorts."""
    window = held_window_ids(series_ids, last=last, now=now)
    return (
        Meeting.objects.filter(pk__in=window)
        .order_by()
        .values_list(
            "pk",
            "series_id",
            "scheduled_at",
            "kind",
            "mood",
            "manager_talk_share",
            "kept_topics",
            "kept_report_topics",
            "kept_report_topics_early",
            "kept_status_topics",
        )
    )


def _item_counts(
    series_ids: list[int],
    since: dt.date,
    window_from: dt.date,
    today: dt.date,
    *month_starts: dt.date,
) -> QuerySet[ActionItem]:
    """The series' items due since `since` or open past due, counted per owner: due in the
    window and done by their date, open past due; and per month of the trends
    (`month_starts`, where given) due and done by their date."""
    on_time = Q(status=ActionItem.Status.DONE, done_on__lte=F("due_on"))
    in_window = Q(due_on__gte=window_from, due_on__lt=today)
    open_past_due = Q(status=ActionItem.Status.OPEN, due_on__lt=today)
    # Only the items some count can take: done or open, due since `since` and before today,
    # or open past due; never every item of the series' history. Each side of the choice
    # names the series, so the database reads each as one range of the (series, status,
    # due_on) index per series and status.
    of_series = Q(series_id__in=series_ids)
    kept = Q(status__in=[ActionItem.Status.OPEN, ActionItem.Status.DONE])
    due_since = kept & Q(due_on__gte=since, due_on__lt=today)
    counted = ActionItem.objects.filter((of_series & due_since) | (of_series & open_past_due))
    counts = {
        "due": Count("pk", filter=in_window),
        "on_time": Count("pk", filter=in_window & on_time),
        "overdue": Count("pk", filter=open_past_due),
    }
    if not month_starts:
        return counted.values("series_id", "owner_id").annotate(**counts).order_by()
    in_trend = Q(due_on__gte=month_starts[0], due_on__lt=today)
    month = Case(
        When(in_trend, then=_month_index("due_on", month_starts)), output_field=IntegerField()
    )
    return (
        counted.annotate(month=month)
        .values("series_id", "owner_id", "month")
        .annotate(
            **counts,
            month_due=Count("pk", filter=in_trend),
            month_on_time=Count("pk", filter=in_trend & on_time),
        )
        .order_by()
    )


def _review_feedback(viewer: Person, days: int) -> Subquery:
    """The constructive feedback of the series (the outer query's) in the `days` before
    its review date, both days counted as dates in UTC (a subquery)."""
    lookback = dt.timedelta(days=days)
    return plain_count(
        access.feedback_visible_to(viewer)
        .filter(series=OuterRef("pk"), kind="constructive")
        .annotate(
            on=TruncDate("created_at", tzinfo=dt.UTC),
            on_ahead=TruncDate(F("created_at") + lookback, tzinfo=dt.UTC),
        )
        .filter(on__lte=OuterRef("review_on"), on_ahead__gte=OuterRef("review_on"))
    )


def relationship_for(viewer: Person, series: Series, *, now: dt.datetime | None = None):
    """The figures of one relationship the viewer takes part in (fetched through access)."""
    return relationships(viewer, _visible_series, series.pk, now=now)[0]


def _visible_series(viewer: Person, series_id: int | None) -> QuerySet[Series]:
    return access.series_visible_to(viewer).filter(pk=series_id)


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


def figure_cards(rel: Relationship, viewer: Person) -> list[FigureCard]:
    """The figures of §1, in the order the page lists them (retrospectives as a hook), the
    two people named for the viewer ("you", or a first name)."""
    ic, manager = _named(rel.series.report, viewer), _named(rel.series.manager, viewer)
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
            f"{ic} {_pct_text(rel.on_time('ic'))} · {indicators.mid_sentence(manager)} "
            f"{_pct_text(rel.on_time('manager'))} · {rel.overdue_items} open past due",
            days,
            "items",
        ),
        "career": (
            f"{career} (every {rel.career_interval_days} days for the level)",
            "all history",
            "",
        ),
        "cancellations": (
            f"{rel.cancellations} cancelled by {indicators.mid_sentence(manager)} · "
            f"{rel.held_days} held of "
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


def _month_index(field: str, starts: Sequence[dt.date | dt.datetime]) -> Case:
    """Which of these months (their first days or instants, oldest first) the row's `field`
    falls in, 0 for the first: compared in SQL, where truncating each row to its month
    would call a function per row (a Python one on SQLite). The rows are those from the
    first month on."""
    return Case(
        *(
            When(**{f"{field}__lt": later}, then=Value(index))
            for index, later in enumerate(starts[1:])
        ),
        default=Value(len(starts) - 1),
        output_field=IntegerField(),
    )


def _monthly_meetings(
    series_ids: list[int], manager_id: int | None, now: dt.datetime, *starts: dt.datetime
) -> QuerySet[Meeting]:
    """Per month from `starts` (each month's first instant) to `now`, the series' held
    1:1s' topics and those the report brought, their average mood and manager talk share,
    and the 1:1s the manager called off (`manager_id`: the manager of every one of these
    series, None when they have several)."""
    held = Q(status=Meeting.Status.HELD)
    # Called off by the manager, as the series warnings count them. With one manager for
    # all the series, no series is joined: PostgreSQL hashed every series of every
    # organisation to join the months' meetings to theirs.
    manager = F("series__manager") if manager_id is None else manager_id
    return (
        Meeting.objects.filter(
            series_id__in=series_ids, scheduled_at__gte=starts[0], scheduled_at__lte=now
        )
        .annotate(month=_month_index("scheduled_at", starts))
        .values("month")
        .annotate(
            # The held 1:1s' topics, and those the report brought, as the topic services
            # keep them on each meeting.
            topics=Sum("kept_topics", filter=held),
            ic_topics=Sum("kept_report_topics", filter=held),
            mood=Avg("mood", filter=held),
            talk=Avg("manager_talk_share", filter=held),
            cancelled=Count(
                "pk",
                filter=Q(
                    status__in=[Meeting.Status.CANCELLED, Meeting.Status.RESCHEDULED],
                    cancelled_by=manager,
                ),
            ),
        )
        .order_by()
    )


def _key(value: dt.date | dt.datetime) -> tuple[int, int]:
    return value.year, value.month


def trends(
    rows: list[Relationship], *, now: dt.datetime | None = None
) -> dict[str, list[tuple[str, float | None]]]:
    """Per calendar month: IC agenda share, manager talk share, mood, items done on time,
    manager cancellations and the average retrospective rating of these relationships
    (already checked visible), in one query: the items and ratings are the rows' own."""
    now = now or timezone.now()
    series_ids = [rel.series.pk for rel in rows]
    today = timezone.localdate(now)
    keys = _months(today, TREND_MONTHS)
    zone = timezone.get_current_timezone()
    starts = [dt.datetime.combine(dt.date(*key, 1), dt.time(), tzinfo=zone) for key in keys]
    start = starts[0]
    managers = {rel.series.manager_id for rel in rows}
    manager_id = managers.pop() if len(managers) == 1 else None
    monthly_rows = (
        compiled.rows(_monthly_meetings, series_ids, manager_id, now, *starts) if series_ids else []
    )
    meetings = {keys[row["month"]]: row for row in monthly_rows}
    items: dict[tuple[int, int], dict[str, int]] = {}
    for rel in rows:
        for key, (due, on_time) in rel.items_by_month.items():
            month = items.setdefault(key, {"due": 0, "on_time": 0})
            month["due"] += due
            month["on_time"] += on_time
    monthly: dict[tuple[int, int], list[int]] = {}
    for rel in rows:
        for at, rating in zip(rel.retrospective_dates, rel.retrospectives or [], strict=True):
            local = timezone.localtime(at)
            if local >= start:
                monthly.setdefault(_key(local), []).append(rating)
    ratings = {key: sum(values) / len(values) for key, values in monthly.items()}
    labels = [dt.date(year, month, 1).strftime("%b") for year, month in keys]

    def series(values: list[float | None]) -> list[tuple[str, float | None]]:
        return list(zip(labels, values, strict=True))

    def rounded(value: float | None, digits: int = 0) -> float | None:
        return None if value is None else round(value, digits)

    return {
        "agenda": series(
            [
                _percent(meetings[k]["ic_topics"] or 0, meetings[k]["topics"] or 0)
                if k in meetings
                else None
                for k in keys
            ]
        ),
        "talk": series([rounded(meetings[k]["talk"]) if k in meetings else None for k in keys]),
        "mood": series([rounded(meetings[k]["mood"], 1) if k in meetings else None for k in keys]),
        "on_time": series(
            [_percent(items[k]["on_time"], items[k]["due"]) if k in items else None for k in keys]
        ),
        "cancellations": series([meetings[k]["cancelled"] if k in meetings else 0 for k in keys]),
        "retrospectives": series([rounded(ratings.get(k), 1) for k in keys]),
    }
