"""Reads that depend on the viewer: the overviews behind the home pages.

Every query starts from an `access` queryset, and each overview costs a fixed
number of queries however many reports, meetings or items there are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from rapport import access, compiled
from rapport.framework import agenda as agenda_rules
from rapport.framework.cadence import (
    EARLY_START_CONFIRM_HOURS,
    cancellation_warning,
    cancellation_window_start,
    is_career_overdue,
)
from rapport.framework.documentation import (
    NOTE_SECTIONS,
    NoteSection,
    career_note_layout,
    recap_markdown,
)
from rapport.framework.levels import level_or_default
from rapport.framework.markdown import render_markdown
from rapport.meetings import wording
from rapport.meetings.models import (
    OPENING_ORDER,
    ActionItem,
    Meeting,
    PartTime,
    Series,
    SharedNotes,
    Topic,
    agenda_order,
    opening_of,
)
from rapport.people.models import Organisation, Person
from rapport.people.selectors import any_day_away, days_away_of, page_number
from rapport.people.services import link_lifetime


@dataclass
class SeriesOverview:
    series: Series
    next_meeting: Meeting | None
    open_items: int = 0
    overdue_items: int = 0
    last_held: dt.datetime | None = None
    last_career: dt.datetime | None = None
    manager_cancellations: int = 0
    # Moves by the manager with less notice than the organisation's late-move hours.
    manager_late_moves: int = 0
    warnings: list[str] = field(default_factory=list)
    # Who is away on the next meeting's day, in the viewer's words ("" when nobody is):
    # it should be moved.
    next_away: str = ""

    @property
    def report(self) -> Person:
        return self.series.report

    @property
    def manager(self) -> Person:
        return self.series.manager


def is_early_to_run(meeting: Meeting, now: dt.datetime | None = None) -> bool:
    """Whether starting or closing the meeting now asks first: it is still scheduled, not
    started, and more than EARLY_START_CONFIRM_HOURS away."""
    if meeting.status != Meeting.Status.SCHEDULED or meeting.started_at is not None:
        return False
    ahead = meeting.scheduled_at - (now or timezone.now())
    return ahead > dt.timedelta(hours=EARLY_START_CONFIRM_HOURS)


def meetings_on_days_away(meetings: Iterable[Meeting]) -> set[int]:
    """Ids of the scheduled meetings that fall on a day away of either participant.

    Two queries however many meetings: their participants, then their absences.
    A day away is a date in the absent person's own timezone.
    """
    return set(people_away_on(meetings))


def people_away_on(meetings: Iterable[Meeting]) -> dict[int, frozenset[int]]:
    """Who is away on each scheduled meeting of `meetings` that falls on a day away: the
    meeting's id to the ids of its absent participants (as `meetings_on_days_away`)."""
    meetings = list(meetings)
    if not meetings:
        return {}
    return _on_days_away(_participants(meetings))


# What `_on_days_away` reads of each meeting.
PARTICIPANT_COLUMNS = (
    "pk",
    "scheduled_at",
    "series__manager_id",
    "series__manager__timezone",
    "series__report_id",
    "series__report__timezone",
)


def maybe_on_day_away(meeting: str = "") -> Exists:
    """Whether either participant of the meeting at the outer query's path `meeting` (the
    outer query's own row when empty) is away within a day of its date, as an annotation:
    the window `meetings_on_days_away` reads, so a meeting without it is on no day away
    and needs no query of its own."""
    prefix = f"{meeting}__" if meeting else ""
    at = OuterRef(f"{prefix}scheduled_at")
    one_day = Value(dt.timedelta(days=1))

    def day(moment: Any) -> TruncDate:  # its date in UTC, as `_on_days_away` takes it
        return TruncDate(ExpressionWrapper(moment, output_field=DateTimeField()), tzinfo=dt.UTC)

    return any_day_away(
        Q(person_id=OuterRef(f"{prefix}series__manager_id"))
        | Q(person_id=OuterRef(f"{prefix}series__report_id")),
        first=day(at - one_day),
        last=day(at + one_day),
    )


def _on_days_away(rows: list[tuple[Any, ...]]) -> dict[int, frozenset[int]]:
    """The meetings of `rows` (PARTICIPANT_COLUMNS) on a day away, each to the ids of the
    people away that day (1 query)."""
    if not rows:
        return {}
    people = {row[2] for row in rows} | {row[4] for row in rows}
    first = _day_beside(min(row[1] for row in rows).date(), -1)
    last = _day_beside(max(row[1] for row in rows).date(), 1)
    away = days_away_of(people, first=first, last=last)
    flagged: dict[int, frozenset[int]] = {}
    for pk, at, manager_id, manager_tz, report_id, report_tz in rows:
        absent = frozenset(
            person_id
            for person_id, tz in ((manager_id, manager_tz), (report_id, report_tz))
            if any(
                start <= _local_day(at, _zone(tz)) <= end for start, end in away.get(person_id, ())
            )
        )
        if absent:
            flagged[pk] = absent
    return flagged


def _day_beside(day: dt.date, days: int) -> dt.date:
    """The day `days` away, held at the calendar's first or last day (a 1:1 may sit there)."""
    ordinal = min(max(day.toordinal() + days, 1), dt.date.max.toordinal())
    return dt.date.fromordinal(ordinal)


def _local_day(at: dt.datetime, tz: ZoneInfo | dt.timezone) -> dt.date:
    """The date of `at` in tz; at the calendar's very ends, where tz's date would fall
    outside it, the date in UTC."""
    try:
        return at.astimezone(tz).date()
    except OverflowError:
        return at.date()


def _participants(meetings: list[Meeting]) -> list[tuple[Any, ...]]:
    """(pk, scheduled_at, manager id and timezone, report id and timezone) of the scheduled
    meetings: from the objects when they come with their two people, else in one query."""
    if all(_people_loaded(meeting) for meeting in meetings):
        return [
            (
                m.pk,
                m.scheduled_at,
                m.series.manager_id,
                m.series.manager.timezone,
                m.series.report_id,
                m.series.report.timezone,
            )
            for m in meetings
            if m.status == Meeting.Status.SCHEDULED
        ]
    return list(
        Meeting.objects.filter(
            pk__in=[m.pk for m in meetings], status=Meeting.Status.SCHEDULED
        ).values_list(*PARTICIPANT_COLUMNS)
    )


def meetings_to_move(viewer: Person, *, limit: int) -> list[Meeting]:
    """The viewer's next `limit` scheduled 1:1s that fall on a day away of either person,
    soonest first (2 queries, 3 when some do): the others are read as a few columns only."""
    upcoming = (
        access.meetings_visible_to(viewer)
        .filter(status=Meeting.Status.SCHEDULED, scheduled_at__gte=timezone.now())
        .order_by("scheduled_at")
        .values_list(*PARTICIPANT_COLUMNS)[:limit]
    )
    flagged = _on_days_away(list(upcoming))
    if not flagged:
        return []
    found = list(
        access.meetings_visible_to(viewer)
        .filter(pk__in=list(flagged))
        .select_related("series__manager", "series__report")
        .order_by("scheduled_at")
    )
    for meeting in found:
        meeting.away_words = wording.away_that_day(viewer, meeting.series, flagged[meeting.pk])
    return found


def _people_loaded(meeting: Meeting) -> bool:
    if not Meeting.series.is_cached(meeting):
        return False
    series = meeting.series
    return Series.manager.is_cached(series) and Series.report.is_cached(series)


def _zone(name: str) -> ZoneInfo | dt.timezone:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError):
        return dt.UTC


# A meeting stays "next" (and "upcoming") for a while after its start, so it can be opened
# while it runs.
RUNNING_GRACE = dt.timedelta(hours=2)


def _next_meeting_subquery(next_from: dt.datetime) -> Subquery:
    """The series' first scheduled meeting from `next_from` on (now less RUNNING_GRACE)."""
    return Subquery(
        Meeting.objects.filter(
            series=OuterRef("pk"),
            status=Meeting.Status.SCHEDULED,
            scheduled_at__gte=next_from,
        )
        .order_by("scheduled_at")
        .values("pk")[:1]
    )


def topics_by(author: str) -> Coalesce:
    """How many topics of a meeting (the outer query's) the person in its column `author`
    added, as a subquery on the (meeting, author) index (0 for none)."""
    counted = (
        Topic.objects.filter(meeting_id=OuterRef("pk"), author_id=OuterRef(author))
        .order_by()
        .values("meeting_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def _count(rows: QuerySet[Meeting] | QuerySet[ActionItem]) -> Coalesce:
    """How many of these meetings (or action items) of one series there are, as a subquery
    (0 for none)."""
    counted = rows.order_by().values("series").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def series_counted(
    viewer: Person, series_qs, *, now: dt.datetime, extra: dict[str, Any] | None = None
) -> list[Series]:
    """The series, each annotated in one query with its next meeting's id, last held and
    last career 1:1, and the manager's cancellations and late moves in the warnings window
    (and the `extra` annotations a caller adds to the same query)."""
    return list(_counted(series_qs, extra=extra or {}, **_counting_values(viewer, now=now)))


def visible_series_counted(
    viewer: Person,
    *,
    now: dt.datetime,
    series_id: int | None = None,
    extra: Callable[[], dict[str, Any]] | None = None,
) -> list[Series]:
    """`series_counted` over the series the viewer sees (or the one of them `series_id`), its
    SQL compiled once per process (`extra` gives the added annotations, from nothing)."""
    values = _counting_values(viewer, now=now)
    return compiled.rows(
        _visible_counted,
        viewer,
        series_id,
        values["next_from"],
        values["window"],
        values["late_hours"],
        values["today"],
        extra=extra,
    )


def _visible_counted(
    viewer: Person,
    series_id: int | None,
    next_from: dt.datetime,
    window: dt.datetime,
    late_hours: int,
    today: dt.date,
    *,
    extra: Callable[[], dict[str, Any]] | None,
) -> QuerySet[Series]:
    series_qs = access.series_visible_to(viewer)
    if series_id is not None:
        series_qs = series_qs.filter(pk=series_id)
    return _counted(
        series_qs,
        next_from=next_from,
        window=window,
        late_hours=late_hours,
        today=today,
        extra=extra() if extra else {},
    )


def _counting_values(viewer: Person, *, now: dt.datetime) -> dict[str, Any]:
    """What the counts of `series_counted` depend on besides the series."""
    next_from, window = figure_counts_since(viewer, now=now)
    return {
        "next_from": next_from,
        "window": window,
        "late_hours": viewer.organisation.late_move_notice_hours,
        "today": timezone.localdate(now),
    }


def figure_counts_since(viewer: Person, *, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """What `series_figure_counts` depends on: when a next meeting is looked for from, and
    when the warnings window of cancellations starts."""
    return now - RUNNING_GRACE, _cancellation_window(viewer, now=now)


def _counted(
    series_qs: QuerySet[Series],
    *,
    next_from: dt.datetime,
    window: dt.datetime,
    late_hours: int,
    today: dt.date,
    extra: dict[str, Any],
) -> QuerySet[Series]:
    late_moves = _called_off_since(window).filter(
        status=Meeting.Status.RESCHEDULED, notice_hours__lt=late_hours
    )
    # The series are the viewer's own (`series_visible_to`): each one's open items are theirs
    # to count.
    open_items = ActionItem.objects.filter(series=OuterRef("pk"), status=ActionItem.Status.OPEN)
    return series_figure_counts(
        series_qs,
        next_from=next_from,
        window=window,
        extra={
            "last_held": Subquery(_held_newest_first()[:1]),
            "manager_late_moves": _count(late_moves),
            "open_item_count": _count(open_items),
            "overdue_item_count": _count(open_items.filter(due_on__lt=today)),
            **extra,
        },
    )


def series_figure_counts(
    series_qs: QuerySet[Series],
    *,
    next_from: dt.datetime,
    window: dt.datetime,
    extra: dict[str, Any],
) -> QuerySet[Series]:
    """The series as `series_counted` orders them, each annotated with the counts the
    figures read: its next meeting's id, its last career 1:1 and the manager's
    cancellations in the warnings window (and the `extra` annotations); unrun.
    `series_counted` adds the last held 1:1 and the late moves, for the warnings."""
    # Each figure is a subquery on one series' meetings (the (series, scheduled_at) and
    # (series, status, cancelled_at) indexes), not a join of every meeting of every series
    # grouped afterwards.
    return series_qs.annotate(
        next_meeting_id=_next_meeting_subquery(next_from),
        last_career=Subquery(_held_newest_first().filter(kind=Meeting.Kind.CAREER)[:1]),
        manager_cancellations=manager_cancellations_since(window),
        **extra,
    ).order_by("report__name")


def _held_newest_first() -> QuerySet[Meeting]:
    """When the held meetings of a series (the outer query's) took place, newest first."""
    return (
        Meeting.objects.filter(series=OuterRef("pk"), status=Meeting.Status.HELD)
        .order_by("-scheduled_at")
        .values("scheduled_at")
    )


def _cancellation_window(viewer: Person, *, now: dt.datetime) -> dt.datetime:
    """When the organisation's cancellation window starts."""
    return dt.datetime.combine(
        cancellation_window_start(
            timezone.localdate(now), days=viewer.organisation.cancellation_warning_days
        ),
        dt.time(),
        tzinfo=timezone.get_current_timezone(),
    )


def _called_off_since(window: dt.datetime) -> QuerySet[Meeting]:
    """The meetings of a series (the outer query's) its manager called off since `window`."""
    return Meeting.objects.filter(
        series=OuterRef("pk"), cancelled_by=OuterRef("manager"), cancelled_at__gte=window
    )


def manager_cancellations_since(window: dt.datetime) -> Coalesce:
    """How many meetings of a series (the outer query's) its manager cancelled since
    `window` (the warnings window's start), as an annotation."""
    return _count(_called_off_since(window).filter(status=Meeting.Status.CANCELLED))


def series_overviews(
    viewer: Person, series_qs, *, now: dt.datetime | None = None
) -> list[SeriesOverview]:
    """One line per series: next meeting, open and overdue items, warning signs."""
    now = now or timezone.now()
    return overviews_of(viewer, series_counted(viewer, series_qs, now=now), now=now)


def overviews_of(viewer: Person, rows: list[Series], *, now: dt.datetime) -> list[SeriesOverview]:
    """The overview lines of series read by `series_counted` (with their open and overdue
    items): one query for their next meetings, a second when someone is away near one of
    them, none without series."""
    if not rows:
        return []
    by_pk = {row.pk: row for row in rows}
    # Each next meeting takes its series (and their people) from the rows already read.
    next_ids = [row.next_meeting_id for row in rows if row.next_meeting_id]
    meetings = {
        meeting.pk: meeting
        for meeting in (compiled.rows(_next_meetings, viewer, next_ids) if next_ids else ())
    }
    for meeting in meetings.values():
        meeting.series = by_pk[meeting.series_id]
    # Read only when someone is away near a next meeting: most visits, nobody is.
    away = people_away_on(m for m in meetings.values() if m.maybe_away)
    return [
        _overview(
            viewer,
            row,
            next_meeting=meetings.get(row.next_meeting_id),
            open_items=row.open_item_count,
            overdue_items=row.overdue_item_count,
            next_away=wording.away_that_day(viewer, row, away.get(row.next_meeting_id, ())),
            now=now,
        )
        for row in rows
    ]


# What an overview reads of its next meeting (its line, its preparation, its days away):
# the notes and the timestamps of a running or called-off meeting are left unread.
NEXT_MEETING_FIELDS = ("series_id", "scheduled_at", "duration_minutes", "kind", "status")


def _next_meetings(viewer: Person, meeting_ids: list[int]) -> QuerySet[Meeting]:
    return (
        access.meetings_visible_to(viewer)
        .select_related(None)
        .only(*NEXT_MEETING_FIELDS)
        .filter(pk__in=meeting_ids)
        .annotate(
            report_topics=topics_by("series__report_id"),
            manager_topics=topics_by("series__manager_id"),
            maybe_away=maybe_on_day_away(),
        )
    )


def _overview(
    viewer: Person,
    row: Series,
    *,
    next_meeting: Meeting | None,
    open_items: int,
    overdue_items: int,
    next_away: str,
    now: dt.datetime,
) -> SeriesOverview:
    overview = SeriesOverview(
        series=row,
        next_meeting=next_meeting,
        open_items=open_items,
        overdue_items=overdue_items,
        last_held=row.last_held,
        last_career=row.last_career,
        manager_cancellations=row.manager_cancellations,
        manager_late_moves=row.manager_late_moves,
        next_away=next_away,
    )
    overview.warnings = series_warnings(overview, organisation=viewer.organisation, now=now)
    return overview


def series_warnings(
    overview: SeriesOverview, *, organisation: Organisation, now: dt.datetime
) -> list[str]:
    """The framework's warning signs this relationship shows, in words."""
    series = overview.series
    warnings = []
    sacred = cancellation_warning(
        overview.manager_cancellations,
        overview.manager_late_moves,
        period=_period(organisation.cancellation_warning_days),
        threshold=organisation.cancellation_warning_count,
        late_hours=organisation.late_move_notice_hours,
    )
    if sacred:
        warnings.append(sacred)
    grace = dt.timedelta(weeks=series.frequency_weeks, days=organisation.overdue_grace_days)
    since = overview.last_held or dt.datetime.combine(series.started_on, dt.time(), tzinfo=dt.UTC)
    if now - since > grace:
        what = "No 1:1 held" if overview.last_held else "No 1:1 held yet"
        warnings.append(
            f"Overdue: {what} for {(now - since).days} days (the cadence is every "
            f"{series.frequency_weeks} week{'s' if series.frequency_weeks > 1 else ''})"
        )
    career_since = overview.last_career or dt.datetime.combine(
        series.started_on, dt.time(), tzinfo=dt.UTC
    )
    if is_career_overdue(
        level_or_default(series.report.level),
        (now - career_since).days,
        grace_days=organisation.overdue_grace_days,
    ):
        warnings.append(f"Career not discussed for {(now - career_since).days} days")
    if count := overview.overdue_items:
        warnings.append(f"{count} overdue action item{'s' if count > 1 else ''}")
    return warnings


def _period(days: int) -> str:
    """61 days reads as "2 months", 14 as "14 days"."""
    months = round(days / 30.4)
    return f"{months} months" if months >= 2 else f"{days} days"


def series_overview(
    viewer: Person, series: Series, *, now: dt.datetime | None = None
) -> SeriesOverview:
    """The same line as on the home page, for one series the viewer takes part in."""
    visible = access.series_visible_to(viewer).filter(pk=series.pk)
    return series_overviews(viewer, visible, now=now)[0]


def series_warnings_with(
    viewer: Person,
    series: Series,
    *,
    open_items: list[ActionItem],
    now: dt.datetime | None = None,
) -> list[str]:
    """The warning signs of one series the viewer takes part in, from its open items as
    the viewer sees them, already read: one query (its meeting figures)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    row = visible_series_counted(viewer, now=now, series_id=series.pk)
    return _overview(
        viewer,
        row[0],
        next_meeting=None,
        open_items=len(open_items),
        overdue_items=sum(1 for item in open_items if item.is_overdue(today)),
        next_away="",
        now=now,
    ).warnings


def managed_overviews(viewer: Person, *, now: dt.datetime | None = None) -> list[SeriesOverview]:
    """The viewer's reports, as a manager."""
    return home_overviews(viewer, now=now).managed


@dataclass(frozen=True)
class HomeOverviews:
    """The viewer's 1:1s, read in one pass: the open ones with their reports (as the
    manager) and with their own manager (as the report), and the ended ones."""

    managed: list[SeriesOverview]
    own: list[SeriesOverview]
    ended: list[Series]

    def series_by_pk(self) -> dict[int, Series]:
        """Every series read, open and ended, by key."""
        found = {row.series.pk: row.series for row in (*self.managed, *self.own)}
        return found | {series.pk: series for series in self.ended}


def home_overviews(
    viewer: Person,
    *,
    now: dt.datetime | None = None,
    extra: Callable[[], dict[str, Any]] | None = None,
) -> HomeOverviews:
    """The viewer's 1:1s, open and ended, in one query of series (with the annotations
    `extra` gives added to it)."""
    now = now or timezone.now()
    rows = visible_series_counted(viewer, now=now, extra=extra)
    overviews = overviews_of(viewer, [row for row in rows if row.ended_on is None], now=now)
    return HomeOverviews(
        managed=[row for row in overviews if row.series.manager_id == viewer.pk],
        own=[row for row in overviews if row.series.manager_id != viewer.pk],
        ended=sorted((row for row in rows if row.ended_on is not None), key=lambda row: row.pk),
    )


def open_items_of(viewer: Person, series: dict[int, Series], *, limit: int = 8) -> list[ActionItem]:
    """The viewer's own open items, overdue first, then by due date, each given its series
    from `series` (the viewer's, with their people, already read)."""
    items = compiled.rows(_open_items_of, viewer, limit=limit)
    for item in items:
        if item.series_id in series:
            item.series = series[item.series_id]
    return items


def _open_items_of(viewer: Person, *, limit: int) -> QuerySet[ActionItem]:
    return (
        access.action_items_visible_to(viewer)
        .select_related(None)
        .filter(owner=viewer, status=ActionItem.Status.OPEN)
        .order_by(F("due_on").asc(nulls_last=True), "pk")[:limit]
    )


def past_meetings_of(viewer: Person, *, as_report: bool, limit: int = 6) -> list[Meeting]:
    """Recently held meetings, newest first, as links to their shared notes: their time
    and kind only (their series unread)."""
    return compiled.rows(_past_meetings_of, viewer, as_report=as_report, limit=limit)


def _past_meetings_of(viewer: Person, *, as_report: bool, limit: int) -> QuerySet[Meeting]:
    side = Q(series__report=viewer) if as_report else Q(series__manager=viewer)
    return (
        access.meetings_visible_to(viewer)
        .select_related(None)
        .filter(side, status=Meeting.Status.HELD)
        .only("series_id", "scheduled_at", "kind")
        .order_by("-scheduled_at")[:limit]
    )


# Overdue items older than this fold behind a link on the action items page; each view of
# the page lists this many items at a time.
FOLD_OVERDUE_AFTER = dt.timedelta(weeks=4)
ITEMS_PER_PAGE = 30


@dataclass(frozen=True)
class ActionItemsPage:
    """The viewer's open items across their open 1:1s, overdue first, one page at a time:
    items overdue for longer than FOLD_OVERDUE_AFTER only when `older` is asked for."""

    show: str
    older: bool
    overdue: list[ActionItem]
    upcoming: list[ActionItem]
    overdue_total: int
    upcoming_total: int
    folded: int
    page: int
    pages: int
    fold_weeks: int
    today: dt.date


# What a line of the action items page reads of an item and its related rows
# (web/partials/action_item.html): the other columns are left unread.
ITEM_ROW_FIELDS = (
    "series_id",
    "meeting_id",
    "owner_id",
    "text",
    "due_on",
    "status",
    "done_on",
    "owner__name",
    "series__ended_on",
    "series__manager_id",
    "series__report_id",
    "series__manager__name",
    "series__report__name",
    "meeting__scheduled_at",
)


def action_items_page(
    viewer: Person, *, show: str = "all", older: bool = False, page: object = 1
) -> ActionItemsPage:
    """The action items page; `show` is "all" or "mine" (the viewer's own)."""
    today = timezone.localdate()
    cutoff = today - FOLD_OVERDUE_AFTER
    mine = show == "mine"
    folded = overdue = shown = 0
    for series_folded, series_overdue, series_shown in compiled.rows(
        _item_counts, viewer, today, cutoff, mine=mine, older=older
    ):
        folded += series_folded
        overdue += series_overdue
        shown += series_shown
    pages = max(1, -(-shown // ITEMS_PER_PAGE))
    number = min(max(page_number(page), 1), pages)
    rows = compiled.rows(
        _item_rows, viewer, cutoff, mine=mine, older=older, first=(number - 1) * ITEMS_PER_PAGE
    )
    return ActionItemsPage(
        show=show,
        older=older,
        overdue=[item for item in rows if item.is_overdue(today)],
        upcoming=[item for item in rows if not item.is_overdue(today)],
        overdue_total=overdue,
        upcoming_total=shown - overdue,
        folded=0 if older else folded,
        page=number,
        pages=pages,
        fold_weeks=FOLD_OVERDUE_AFTER.days // 7,
        today=today,
    )


def _open_items_listed(viewer: Person, *, mine: bool) -> QuerySet[ActionItem]:
    """The open items of the viewer's open 1:1s the action items page lists (the viewer's
    own only when `mine`)."""
    items = access.action_items_visible_to(viewer).filter(
        status=ActionItem.Status.OPEN, series__ended_on__isnull=True
    )
    return items.filter(owner=viewer) if mine else items


def _item_counts(
    viewer: Person, today: dt.date, cutoff: dt.date, *, mine: bool, older: bool
) -> QuerySet:
    """Per series: the items folded away, the overdue and the listed ones (the folded or
    the others, as `older`)."""
    old = Q(due_on__lt=cutoff)
    listed = old if older else ~old
    return (
        _open_items_listed(viewer, mine=mine)
        .select_related(None)
        .order_by()
        .values("series")
        .annotate(
            folded=Count("pk", filter=old),
            overdue=Count("pk", filter=Q(due_on__lt=today) & listed),
            shown=Count("pk", filter=listed),
        )
        .values_list("folded", "overdue", "shown")
    )


def _item_rows(
    viewer: Person, cutoff: dt.date, *, mine: bool, older: bool, first: int
) -> QuerySet[ActionItem]:
    """One page of the listed items, in due date order (the overdue ones come first)."""
    items = _open_items_listed(viewer, mine=mine)
    old = Q(due_on__lt=cutoff)
    shown = items.filter(old) if older else items.exclude(old)
    return shown.only(*ITEM_ROW_FIELDS).order_by(F("due_on").asc(nulls_last=True), "pk")[
        first : first + ITEMS_PER_PAGE
    ]


# The viewer's side of a 1:1 -------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """The viewer's side of a 1:1: the manager or the report, the other person, the wording."""

    is_manager: bool
    other: Person
    voice: wording.Voice


def side_in(viewer: Person, series: Series) -> Side:
    """How a page of this series speaks to the viewer (who takes part in it)."""
    is_manager = access.is_manager_in(viewer, series)
    return Side(
        is_manager=is_manager,
        other=series.report if is_manager else series.manager,
        voice=wording.voice_for(viewer, series),
    )


# A person's page -----------------------------------------------------------------


@dataclass(frozen=True)
class PersonPage:
    """One person of the viewer's roster: details, reports, and the 1:1s the viewer sees."""

    subject: Person
    is_self: bool
    is_admin: bool
    manager_visible: bool
    reports: list[dict[str, Any]]  # pk, name, level and is_active of each
    series_list: list[Series]
    has_password: bool
    link_lifetime: str


def person_page(viewer: Person, subject: Person, *, whole_roster: bool | None = None) -> PersonPage:
    """The page of someone the viewer may read (fetched through access first; `whole_roster`
    is whether the viewer reads the whole organisation, when already known)."""
    whole = access.sees_whole_roster(viewer) if whole_roster is None else whole_roster
    # Their manager, if the viewer reads them, and their reports the viewer reads: one query.
    around = compiled.rows(
        _around_person,
        *access.roster_scope(viewer),
        subject,
        subject.manager_id,
        whole_roster=whole,
    )
    return PersonPage(
        subject=subject,
        is_self=subject.pk == viewer.pk,
        is_admin=viewer.is_org_admin,
        manager_visible=any(row["pk"] == subject.manager_id for row in around),
        reports=[
            {key: row[key] for key in ("pk", "name", "level", "is_active")}
            for row in around
            if row["manager_id"] == subject.pk
        ],
        series_list=compiled.rows(_series_with, viewer, subject),
        has_password=subject.has_usable_password(),
        link_lifetime=link_lifetime(),
    )


def _around_person(
    organisation: int,
    person: int,
    manager: int | None,
    subject: Person,
    subject_manager: int | None,
    *,
    whole_roster: bool,
) -> QuerySet[Person]:
    visible = access.people_visible_from(organisation, person, manager, whole_roster=whole_roster)
    # Found by their own indexes (the reports by manager, the manager by key), then checked
    # against the roster: filtered on the organisation first, SQLite reads all of it.
    around = Person.objects.filter(Q(manager=subject) | Q(pk=subject_manager)).values("pk")
    return (
        visible.filter(pk__in=around)
        .order_by("-is_active", "name", "pk")
        .values("pk", "name", "level", "is_active", "manager_id")
    )


def _series_with(viewer: Person, subject: Person) -> QuerySet[Series]:
    return (
        access.series_visible_to(viewer)
        .filter(Q(report=subject) | Q(manager=subject))
        .order_by(F("ended_on").desc(nulls_first=True), "-started_on")
    )


# The meeting room ----------------------------------------------------------------

MODES: tuple[str, ...] = ("prepare", "run", "wrap")
MODE_TITLES: dict[str, str] = {"prepare": "Prepare", "run": "Run", "wrap": "Wrap up"}


def default_mode(meeting: Meeting) -> str:
    """Before the start: prepare; started and not held: run; held (or called off): wrap."""
    if meeting.status == Meeting.Status.SCHEDULED:
        return "run" if meeting.started_at else "prepare"
    return "wrap"


def plan_for(meeting: Meeting) -> tuple[agenda_rules.Timebox, ...]:
    """The framework's timeboxes for this meeting's length, kind and the report's level."""
    try:
        return agenda_rules.agenda_plan(
            duration_minutes=meeting.duration_minutes,
            kind=meeting.kind,
            level=level_or_default(meeting.series.report.level),
        )
    except ValueError:  # a length outside what the framework plans for
        return ()


@dataclass(frozen=True, slots=True)
class SplitRow:
    """One slice of the level's split: the target share and the share of discussed topics."""

    key: str
    label: str
    target: int
    actual: int | None


def actual_split(
    level: str, topics: Iterable[Topic], *, seconds_by_kind: dict[str, float] | None = None
) -> list[SplitRow]:
    """The level's target split beside the actual one.

    Measured from the timer when it recorded time (`seconds_by_kind`), else from the
    discussed topics tagged by kind.
    """
    split = agenda_rules.TIME_SPLITS.get(level_or_default(level), ())
    if seconds_by_kind and sum(seconds_by_kind.values()) > 0:
        counts: Counter[str] | dict[str, float] = seconds_by_kind
    else:
        counts = Counter(topic.kind for topic in topics if topic.discussed and topic.kind)
    tagged = sum(counts.get(part.key, 0) for part in split)
    return [
        SplitRow(
            part.key,
            part.label,
            part.percent,
            round(100 * counts.get(part.key, 0) / tagged) if tagged else None,
        )
        for part in split
    ]


@dataclass(frozen=True, slots=True)
class PartRow:
    """One part of the plan: the minutes planned and the minutes the timer spent in it."""

    key: str
    title: str
    planned: int
    actual: int | None


def part_seconds(meeting: Meeting, *, now: dt.datetime | None = None) -> dict[str, float]:
    """Seconds the shared timer spent in each part (a part still current counts to now)."""
    now = now or timezone.now()
    spent: dict[str, float] = {}
    for part, started, ended in compiled.rows(_part_times_of, meeting.pk):
        spent[part] = spent.get(part, 0.0) + max(0.0, ((ended or now) - started).total_seconds())
    return spent


def _part_times_of(meeting: int) -> QuerySet:
    return PartTime.objects.filter(meeting_id=meeting).values_list("part", "started_at", "ended_at")


def _topic_kinds_per_part(topics: Iterable[Topic], report_id: int) -> dict[str, dict[str, int]]:
    """For the topic parts, how many discussed topics of each kind each held."""
    parts: dict[str, dict[str, int]] = {
        agenda_rules.THEIR_TOPICS.key: {},
        agenda_rules.MY_TOPICS.key: {},
    }
    for topic in topics:
        if not topic.discussed:
            continue
        side = agenda_rules.THEIR_TOPICS if topic.author_id == report_id else agenda_rules.MY_TOPICS
        kinds = parts[side.key]
        kinds[topic.kind or "tactical"] = kinds.get(topic.kind or "tactical", 0) + 1
    return parts


def report_share(topics: list[Topic], report_id: int) -> int | None:
    """The percentage of the agenda the report wrote (None for an empty agenda)."""
    if not topics:
        return None
    return round(100 * sum(1 for t in topics if t.author_id == report_id) / len(topics))


def recap(
    meeting: Meeting,
    notes: SharedNotes,
    items: Iterable[ActionItem],
    *,
    viewer: Person | None = None,
) -> str:
    """The shared recap in the seed's documentation template, written for the viewer.

    The manager's recap is the guide's template ("1:1 with Ray", "Their Topics");
    the report's names the manager and calls the report's topics "My Topics".
    Without a viewer, the manager's.
    """
    series = meeting.series
    voice = wording.voice_for(viewer or series.manager, series)
    other = series.report if voice.is_manager else series.manager
    return recap_markdown(
        name=other.name,
        headings=voice.recap_headings(),
        date=timezone.localtime(meeting.scheduled_at).date().isoformat(),
        sections=notes.sections(),
        summary=meeting.summary,
        action_items=[
            (
                item.owner.name,
                item.text,
                item.due_on.isoformat() if item.due_on else None,
                item.status == ActionItem.Status.DONE,
            )
            for item in items
        ],
    )


# The meeting page's parts ----------------------------------------------------------
# Each part is what one region of the meeting page (or its live fragment) draws; the
# whole page is `growth.selectors.meeting_page`, which adds presence and the career panels.


def participant(series: Series, person_id: int | None) -> Person | None:
    """The 1:1's manager or report if they have this id, as read with the series, else None
    (the author of a topic, the owner of an item, nearly always one of the two: a page
    fills them in from the series rather than joining the people again)."""
    for person in (series.manager, series.report):
        if person.pk == person_id:
            return person
    return None


@dataclass(frozen=True, slots=True)
class MeetingPeople:
    """Who is on the page: the viewer, the two participants, and how to speak to the viewer."""

    viewer: Person
    series: Series
    report: Person
    manager: Person
    other: Person
    is_manager: bool
    voice: wording.Voice
    editable: bool
    today: dt.date


def meeting_people(viewer: Person, meeting: Meeting) -> MeetingPeople:
    series = meeting.series
    is_manager = access.is_manager_in(viewer, series)
    return MeetingPeople(
        viewer=viewer,
        series=series,
        report=series.report,
        manager=series.manager,
        other=series.report if is_manager else series.manager,
        is_manager=is_manager,
        voice=wording.voice_for(viewer, series),
        editable=series.is_open,
        today=timezone.localdate(),
    )


@dataclass(frozen=True, slots=True)
class MeetingAgenda:
    """The agenda, the report's topics first, with what the page needs to draw it."""

    topics: list[Topic]
    report_topics: list[Topic]
    manager_topics: list[Topic]
    # What the live poll compares: any change to a topic or the meeting's status.
    agenda_hash: str
    carried: list[Topic]
    agenda_open: bool
    topic_kinds: list[tuple[str, str]]


def _agenda_topics(viewer: Person, meeting: int) -> QuerySet[Topic]:
    # Their meeting (with its series and people) is the page's, already read: only the
    # meetings they were carried from and to are joined.
    return (
        access.topics_visible_to(viewer)
        .filter(meeting_id=meeting)
        .select_related(None)
        .select_related("carried_from__meeting", "carried_to__meeting")
    )


def meeting_agenda(viewer: Person, meeting: Meeting) -> MeetingAgenda:
    series = meeting.series
    report_id = series.report_id
    topics = agenda_order(compiled.rows(_agenda_topics, viewer, meeting.pk), report_id=report_id)
    for topic in topics:
        topic.meeting = meeting
        if (author := participant(series, topic.author_id)) is not None:
            topic.author = author
    rows = sorted(tuple(getattr(t, name) for name in _TOPIC_FIELDS) for t in topics)
    return MeetingAgenda(
        topics=topics,
        report_topics=[t for t in topics if t.author_id == report_id],
        manager_topics=[t for t in topics if t.author_id != report_id],
        agenda_hash=_agenda_hash(meeting, rows),
        carried=[target for t in topics if (target := _carried_to(t)) is not None],
        agenda_open=meeting.series.is_open and meeting.is_open,
        topic_kinds=list(Topic.Kind.choices),
    )


# What the agenda fragment draws from each topic; a change to any of them is a change.
_TOPIC_FIELDS = ("id", "text", "kind", "discussed", "position", "author_id")


def _agenda_hash(meeting: Meeting, rows: Iterable[tuple[Any, ...]]) -> str:
    fingerprint = repr([meeting.status, meeting.series.is_open, *rows])
    return hashlib.sha1(fingerprint.encode(), usedforsecurity=False).hexdigest()


def agenda_fingerprint(viewer: Person, meeting_id: object) -> str:
    """The agenda poll's `agenda_hash` from one narrow query, without assembling the agenda
    (404 for a meeting the viewer may not see)."""
    meeting, rows = access.meeting_poll_for(viewer, meeting_id, "topics", _TOPIC_FIELDS)
    return _agenda_hash(meeting, rows)


def _carried_to(topic: Topic) -> Topic | None:
    try:
        return topic.carried_to
    except Topic.DoesNotExist:
        return None


@dataclass(frozen=True, slots=True)
class NoteEntry:
    section: NoteSection
    text: str
    # The text as sanitised HTML: stored with the notes, or rendered for a preview.
    html: str
    # The stored text a save starts from (posted back as `base_<section>`).
    base: str


@dataclass(frozen=True, slots=True)
class NoteGroup:
    heading: str
    sections: list[NoteEntry]
    # A career 1:1's groups are titled by their part even when they hold one section.
    titled: bool = False


def note_groups(
    notes: SharedNotes, sections: dict[str, str] | None = None, *, career: bool = False
) -> list[NoteGroup]:
    """The editor's headings, each with its sections, text, HTML and base.

    A regular 1:1 follows the documentation template; a career 1:1 its four parts. The
    HTML is the stored one; `sections` (typed, not saved: a preview) are rendered here.
    """
    stored = notes.sections()
    if sections is None:
        values, html = stored, notes.sections_html()
    else:
        values, html = sections, {key: render_markdown(text) for key, text in sections.items()}

    def entries(group: Iterable[NoteSection]) -> list[NoteEntry]:
        return [
            NoteEntry(s, values.get(s.key, ""), html.get(s.key, ""), stored.get(s.key, ""))
            for s in group
        ]

    if career:
        return [
            NoteGroup(heading, entries(group), titled=True)
            for heading, group in career_note_layout()
        ]
    groups: list[NoteGroup] = []
    for section in NOTE_SECTIONS:
        if not groups or groups[-1].heading != section.heading:
            groups.append(NoteGroup(section.heading, []))
        groups[-1].sections.extend(entries([section]))
    return groups


@dataclass(frozen=True, slots=True)
class TimerState:
    """The shared timer: the current part of the plan, its box, and since when (server time)."""

    box: agenda_rules.Timebox | None
    running: bool
    started_epoch_ms: int | None
    hash: str
    # The browser corrects its own clock with this, so both people see the same time.
    server_now_ms: int


def meeting_timer(
    meeting: Meeting, voice: wording.Voice, *, now: dt.datetime | None = None
) -> TimerState:
    boxes = {box.key: box for box in voice.plan(plan_for(meeting))}
    box = boxes.get(meeting.section)
    started = meeting.section_started_at
    return TimerState(
        box=box,
        running=_timer_running(meeting),
        started_epoch_ms=int(started.timestamp() * 1000) if started and box else None,
        hash=_timer_stamp(meeting),
        server_now_ms=int((now or timezone.now()).timestamp() * 1000),
    )


def _timer_running(meeting: Meeting) -> bool:
    return meeting.status == Meeting.Status.SCHEDULED and meeting.started_at is not None


def _timer_stamp(meeting: Meeting) -> str:
    started = meeting.section_started_at
    stamp = f"{meeting.section}@{started.timestamp() if started else ''}@{_timer_running(meeting)}"
    return hashlib.sha1(stamp.encode(), usedforsecurity=False).hexdigest()[:16]


# What the timer fragment draws from each action item; a change to any of them is a change.
_ITEM_FIELDS = ("id", "text", "status", "due_on", "owner_id")


def _live_hash(timer_stamp: str, rows: Iterable[tuple[Any, ...]]) -> str:
    fingerprint = timer_stamp + repr(list(rows))
    return hashlib.sha1(fingerprint.encode(), usedforsecurity=False).hexdigest()[:20]


def live_hash(timer: TimerState, items: Iterable[ActionItem]) -> str:
    """What the timer poll compares: the part and its start, and the meeting's items."""
    return _live_hash(timer.hash, [tuple(getattr(i, f) for f in _ITEM_FIELDS) for i in items])


def timer_fingerprint(viewer: Person, meeting_id: object) -> str:
    """The timer poll's `timer_hash` from one narrow query, without assembling the fragment
    (404 for a meeting the viewer may not see)."""
    meeting, rows = access.meeting_poll_for(viewer, meeting_id, "action_items", _ITEM_FIELDS)
    return _live_hash(_timer_stamp(meeting), rows)


def _own_and_opening_items(
    viewer: Person, meeting: int, series: int, at: dt.datetime, day: dt.date
) -> QuerySet[ActionItem]:
    stand_in = Meeting(pk=meeting, series_id=series, scheduled_at=at)
    return (
        access.action_items_visible_to(viewer)
        # The series first: the index on it finds the few rows the two conditions sort.
        .filter(series_id=series)
        .filter(Q(meeting_id=meeting) | opening_of(stand_in, day))
        .order_by(*OPENING_ORDER)
        # Their series is the meeting's, already loaded with its two people (their owners).
        .select_related(None)
        .select_related("meeting")
    )


def meeting_and_opening_items(
    viewer: Person, meeting: Meeting
) -> tuple[list[ActionItem], list[ActionItem]]:
    """The meeting's own items (as `meeting_items`) and those it opens with (as
    `ActionItemQuerySet.in_opening_of`), in one query."""
    at = meeting.scheduled_at
    rows = compiled.rows(
        _own_and_opening_items, viewer, meeting.pk, meeting.series_id, at, at.date()
    )
    for item in rows:
        item.series = meeting.series
        if (owner := participant(meeting.series, item.owner_id)) is not None:
            item.owner = owner
    own = sorted((item for item in rows if item.meeting_id == meeting.pk), key=lambda i: i.pk)
    return own, [item for item in rows if item.meeting_id != meeting.pk]


@dataclass(frozen=True, slots=True)
class Neighbours:
    """The meetings the page links to: the one before and after, and where it moved."""

    previous: Meeting | None
    next: Meeting | None
    moved_to: Meeting | None
    moved_from: Meeting | None


def _neighbours(
    viewer: Person, meeting: int, series: int, at: dt.datetime, moved_to: int
) -> QuerySet[Meeting]:
    # All four are meetings of the series (a moved meeting stays in it): the index on the
    # series finds its few rows, of which the visible ones are kept.
    stand_in = Meeting(pk=meeting, series_id=series, scheduled_at=at)
    siblings = Meeting.objects.filter(series_id=series)
    wanted = (
        Q(pk=Subquery(siblings.before(stand_in).values("pk")[:1]))
        | Q(pk=Subquery(siblings.after(stand_in).values("pk")[:1]))
        | Q(moved_to_id=meeting)
        | Q(pk=moved_to)
    )
    return (
        access.meetings_visible_to(viewer)
        .filter(series_id=series)
        .filter(wanted)
        .select_related(None)
    )


def meeting_neighbours(viewer: Person, meeting: Meeting) -> Neighbours:
    """`before(...).first()`, `after(...).first()`, the meeting it moved to and the one
    moved to it, in one query."""
    rows = compiled.rows(
        _neighbours,
        viewer,
        meeting.pk,
        meeting.series_id,
        meeting.scheduled_at,
        # No meeting has the key 0: a meeting that did not move finds none.
        meeting.moved_to_id or 0,
    )
    siblings = [m for m in rows if m.series_id == meeting.series_id and m.pk != meeting.pk]
    earlier = [m for m in siblings if m.scheduled_at < meeting.scheduled_at]
    later = [m for m in siblings if m.scheduled_at > meeting.scheduled_at]
    moved_from = [m for m in rows if m.moved_to_id == meeting.pk]

    def when(m: Meeting) -> tuple[dt.datetime, int]:
        return (m.scheduled_at, m.pk)

    return Neighbours(
        previous=max(earlier, key=when, default=None),
        next=min(later, key=when, default=None),
        moved_to=next((m for m in rows if m.pk == meeting.moved_to_id), None),
        moved_from=min(moved_from, key=when, default=None),
    )


def _meeting_items(viewer: Person, meeting: int) -> QuerySet[ActionItem]:
    return (
        access.action_items_visible_to(viewer)
        .filter(meeting_id=meeting)
        .select_related("owner")
        .order_by("pk")
    )


def meeting_items(viewer: Person, meeting: Meeting) -> list[ActionItem]:
    """The action items agreed in this meeting, in the order they were written."""
    return compiled.rows(_meeting_items, viewer, meeting.pk)


@dataclass(frozen=True, slots=True)
class TimerFragment:
    """What the live timer fragment draws: the timer, the plan and the meeting's items."""

    people: MeetingPeople
    meeting: Meeting
    timer: TimerState
    plan: tuple[agenda_rules.Timebox, ...]
    timer_hash: str
    meeting_items: list[ActionItem]


def meeting_timer_fragment(viewer: Person, meeting: Meeting) -> TimerFragment:
    people = meeting_people(viewer, meeting)
    items = meeting_items(viewer, meeting)
    state = meeting_timer(meeting, people.voice)
    return TimerFragment(
        people=people,
        meeting=meeting,
        timer=state,
        plan=people.voice.plan(plan_for(meeting)),
        timer_hash=live_hash(state, items),
        meeting_items=items,
    )


def presence_sentence(people: MeetingPeople, present: set[int]) -> str:
    """The sentence the page shows for who else has it open."""
    if people.other.pk in present:
        return f"{people.other.first_name} is on this page too"
    return f"{people.other.first_name} is not on this page right now"


def live_since(version: int, present: set[int]) -> str:
    """What the live poll compares: the notes' version and who else is on the page."""
    return f"{version}.{'.'.join(str(pk) for pk in sorted(present))}"


def live_version(
    viewer: Person, meeting_id: object, annotate: Callable[[], dict] | None = None
) -> tuple[Meeting, int]:
    """The live poll's meeting (as `access.meeting_poll_for` fills it in, with `annotate`'s
    values) and the version of its shared notes, in one query (404 for a meeting the
    viewer may not see)."""
    meeting, rows = access.meeting_poll_for(
        viewer, meeting_id, "shared_notes", ("version",), annotate
    )
    return meeting, rows[0][0] if rows else 0


@dataclass(frozen=True, slots=True)
class WrapUp:
    """Wrap mode's extras: how the time went, the report's share, the recap."""

    split_rows: list[SplitRow]
    # What the actual split was measured from: "timer", or "topics" (their tags).
    split_by: str
    part_rows: list[PartRow]
    report_share: int | None
    recap: str
    undated_items: list[ActionItem]


def meeting_wrap_up(
    viewer: Person,
    meeting: Meeting,
    *,
    topics: list[Topic],
    notes: SharedNotes,
    items: list[ActionItem],
    plan: tuple[agenda_rules.Timebox, ...],
    now: dt.datetime | None = None,
) -> WrapUp:
    spent = part_seconds(meeting, now=now)
    by_kind = agenda_rules.time_by_kind(
        spent, _topic_kinds_per_part(topics, meeting.series.report_id)
    )
    return WrapUp(
        split_rows=actual_split(meeting.series.report.level, topics, seconds_by_kind=by_kind),
        split_by="timer" if spent else "topics",
        part_rows=[
            PartRow(
                box.key,
                box.title,
                box.minutes,
                round(spent[box.key] / 60) if box.key in spent else None,
            )
            for box in plan
        ]
        if spent
        else [],
        report_share=report_share(topics, meeting.series.report_id),
        recap=recap(meeting, notes, items, viewer=viewer),
        undated_items=[item for item in items if item.due_on is None and item.is_open],
    )
