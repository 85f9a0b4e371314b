"""Reads that depend on the viewer: the overviews behind the home pages.

Every query starts from an `access` queryset, and each overview costs a fixed
number of queries however many reports, meetings or items there are.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from rapport import access
from rapport.framework import agenda as agenda_rules
from rapport.framework.cadence import (
    cancellation_warning,
    cancellation_window_start,
    is_career_overdue,
)
from rapport.framework.documentation import recap_markdown
from rapport.framework.levels import level_or_default
from rapport.meetings import wording
from rapport.meetings.models import ActionItem, Meeting, Series, SharedNotes, Topic
from rapport.people.models import Organisation, Person
from rapport.people.selectors import days_away_of


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
    # The next meeting falls on a day away of either person: it should be moved.
    next_on_day_away: bool = False

    @property
    def report(self) -> Person:
        return self.series.report

    @property
    def manager(self) -> Person:
        return self.series.manager


def meetings_on_days_away(meetings: Iterable[Meeting]) -> set[int]:
    """Ids of the scheduled meetings that fall on a day away of either participant.

    Two queries however many meetings: their participants, then their absences.
    A day away is a date in the absent person's own timezone.
    """
    ids = [meeting.pk for meeting in meetings]
    if not ids:
        return set()
    rows = list(
        Meeting.objects.filter(pk__in=ids, status=Meeting.Status.SCHEDULED).values_list(
            "pk",
            "scheduled_at",
            "series__manager_id",
            "series__manager__timezone",
            "series__report_id",
            "series__report__timezone",
        )
    )
    if not rows:
        return set()
    people = {row[2] for row in rows} | {row[4] for row in rows}
    first = min(row[1] for row in rows).date() - dt.timedelta(days=1)
    last = max(row[1] for row in rows).date() + dt.timedelta(days=1)
    away = days_away_of(people, first=first, last=last)
    flagged = set()
    for pk, at, manager_id, manager_tz, report_id, report_tz in rows:
        for person_id, tz in ((manager_id, manager_tz), (report_id, report_tz)):
            day = at.astimezone(_zone(tz)).date()
            if any(start <= day <= end for start, end in away.get(person_id, ())):
                flagged.add(pk)
    return flagged


def _zone(name: str) -> ZoneInfo | dt.timezone:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError):
        return dt.UTC


def _next_meeting_subquery(now: dt.datetime) -> Subquery:
    # A meeting stays "next" until its planned end, so it can be opened while it runs.
    return Subquery(
        Meeting.objects.filter(
            series=OuterRef("pk"),
            status=Meeting.Status.SCHEDULED,
            scheduled_at__gte=now - dt.timedelta(hours=2),
        )
        .order_by("scheduled_at")
        .values("pk")[:1]
    )


def series_overviews(
    viewer: Person, series_qs, *, now: dt.datetime | None = None
) -> list[SeriesOverview]:
    """One line per series: next meeting, open and overdue items, warning signs."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    window = dt.datetime.combine(
        cancellation_window_start(today, days=viewer.organisation.cancellation_warning_days),
        dt.time(),
        tzinfo=timezone.get_current_timezone(),
    )
    held = Q(meetings__status=Meeting.Status.HELD)
    rows = list(
        series_qs.annotate(
            next_meeting_id=_next_meeting_subquery(now),
            last_held=Max("meetings__scheduled_at", filter=held),
            last_career=Max(
                "meetings__scheduled_at", filter=held & Q(meetings__kind=Meeting.Kind.CAREER)
            ),
            manager_cancellations=Count(
                "meetings",
                filter=Q(
                    meetings__status=Meeting.Status.CANCELLED,
                    meetings__cancelled_by=F("manager"),
                    meetings__cancelled_at__gte=window,
                ),
            ),
            manager_late_moves=Count(
                "meetings",
                filter=Q(
                    meetings__status=Meeting.Status.RESCHEDULED,
                    meetings__cancelled_by=F("manager"),
                    meetings__cancelled_at__gte=window,
                    meetings__notice_hours__lt=viewer.organisation.late_move_notice_hours,
                ),
            ),
        ).order_by("report__name")
    )
    meetings = {
        meeting.pk: meeting
        for meeting in access.meetings_visible_to(viewer)
        .filter(pk__in=[row.next_meeting_id for row in rows if row.next_meeting_id])
        .annotate(
            report_topics=Count("topics", filter=Q(topics__author=F("series__report"))),
            manager_topics=Count("topics", filter=Q(topics__author=F("series__manager"))),
        )
    }
    items = {
        entry["series"]: entry
        for entry in access.action_items_visible_to(viewer)
        .filter(series__in=[row.pk for row in rows], status=ActionItem.Status.OPEN)
        .values("series")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
        .order_by()
    }
    away = meetings_on_days_away(meetings.values())
    overviews = []
    for row in rows:
        counts = items.get(row.pk, {})
        overview = SeriesOverview(
            series=row,
            next_meeting=meetings.get(row.next_meeting_id),
            open_items=counts.get("open", 0),
            overdue_items=counts.get("overdue", 0),
            last_held=row.last_held,
            last_career=row.last_career,
            manager_cancellations=row.manager_cancellations,
            manager_late_moves=row.manager_late_moves,
            next_on_day_away=row.next_meeting_id in away,
        )
        overview.warnings = series_warnings(overview, organisation=viewer.organisation, now=now)
        overviews.append(overview)
    return overviews


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


def series_overview(viewer: Person, series: Series) -> SeriesOverview:
    """The same line as on the home page, for one series the viewer takes part in."""
    return series_overviews(viewer, access.series_visible_to(viewer).filter(pk=series.pk))[0]


def managed_overviews(viewer: Person) -> list[SeriesOverview]:
    """The viewer's reports, as a manager."""
    return series_overviews(
        viewer, access.series_visible_to(viewer).filter(manager=viewer, ended_on__isnull=True)
    )


def own_overviews(viewer: Person) -> list[SeriesOverview]:
    """The viewer's own 1:1 with their manager (open series)."""
    return series_overviews(
        viewer, access.series_visible_to(viewer).filter(report=viewer, ended_on__isnull=True)
    )


def open_items_of(viewer: Person, *, limit: int = 8) -> list[ActionItem]:
    """The viewer's own open items, overdue first, then by due date."""
    return list(
        access.action_items_visible_to(viewer)
        .filter(owner=viewer, status=ActionItem.Status.OPEN)
        .order_by(F("due_on").asc(nulls_last=True), "pk")[:limit]
    )


def past_meetings_of(viewer: Person, *, as_report: bool, limit: int = 6) -> list[Meeting]:
    """Recently held meetings, newest first, for their shared notes."""
    side = Q(series__report=viewer) if as_report else Q(series__manager=viewer)
    return list(
        access.meetings_visible_to(viewer)
        .filter(side, status=Meeting.Status.HELD)
        .order_by("-scheduled_at")[:limit]
    )


def ended_series_of(viewer: Person) -> list[Series]:
    """Past 1:1s (a former manager), kept for their history."""
    return list(access.series_visible_to(viewer).filter(ended_on__isnull=False))


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


def actual_split(level: str, topics: Iterable[Topic]) -> list[SplitRow]:
    """The level's target split beside the split of discussed topics tagged by kind."""
    split = agenda_rules.TIME_SPLITS.get(level_or_default(level), ())
    counts = Counter(topic.kind for topic in topics if topic.discussed and topic.kind)
    tagged = sum(counts[part.key] for part in split)
    return [
        SplitRow(
            part.key,
            part.label,
            part.percent,
            round(100 * counts[part.key] / tagged) if tagged else None,
        )
        for part in split
    ]


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
