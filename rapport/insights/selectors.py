"""Reads of insights: the meeting's talk panel, worded for whoever looks at it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, fields
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import Collate
from django.http import Http404
from django.utils import timezone

from rapport import access, compiled
from rapport.framework.agenda import (
    IC_TALK_SHARE,
    MANAGER_TALK_SHARE,
    TALK_RULE,
    breaks_talk_rule,
)
from rapport.framework.thresholds import thresholds_with
from rapport.growth.models import Feedback
from rapport.growth.selectors import HomePage
from rapport.growth.selectors import home_page as growth_home_page
from rapport.insights import figures, kept
from rapport.insights.models import Retrospective, TalkMeasure, Threshold
from rapport.insights.transcripts import FORMAT_LABELS
from rapport.meetings.models import ActionItem, Meeting, Series
from rapport.meetings.selectors import figure_counts_since, manager_cancellations_since
from rapport.people.models import Organisation, Person
from rapport.people.selectors import page_number


@dataclass(frozen=True, slots=True)
class TalkPanel:
    """What the meeting's talk panel shows; `breaks_rule` is for the manager's eyes only."""

    meeting: Meeting
    is_manager: bool
    can_record: bool
    manager_share: int | None
    source: str
    transcript_label: str
    manager_word_share: int | None
    manager_talk_time: str
    total_talk_time: str
    breaks_rule: bool | None
    manager_rule: int = MANAGER_TALK_SHARE
    report_rule: int = IC_TALK_SHARE
    rule: str = TALK_RULE

    @property
    def measured(self) -> bool:
        return self.manager_share is not None

    @property
    def report_share(self) -> int | None:
        return None if self.manager_share is None else 100 - self.manager_share

    @property
    def from_transcript(self) -> bool:
        return self.source == TalkMeasure.Source.TRANSCRIPT


def talk_refusal(meeting: Meeting) -> str:
    """Why the talk of this meeting cannot be measured; empty when it can."""
    if meeting.is_called_off:
        return "This 1:1 did not take place: there is no talk to measure."
    if meeting.status == Meeting.Status.SCHEDULED and meeting.started_at is None:
        return "Measure who did the talking once the 1:1 has taken place."
    return ""


def talk_panel_for(viewer: Person, meeting: Meeting) -> TalkPanel:
    """The talk share of a meeting the viewer takes part in (fetched through access first)."""
    is_manager = access.is_manager_in(viewer, meeting.series)
    measure = TalkMeasure.objects.filter(meeting=meeting).first()
    share = meeting.manager_talk_share
    timed = measure is not None and measure.manager_seconds is not None
    total = (measure.manager_seconds or 0) + (measure.report_seconds or 0) if timed else 0
    return TalkPanel(
        meeting=meeting,
        is_manager=is_manager,
        can_record=is_manager and meeting.series.is_open and not talk_refusal(meeting),
        manager_share=share,
        source=measure.source if measure else "",
        transcript_label=FORMAT_LABELS.get(measure.transcript_format, "") if measure else "",
        manager_word_share=measure.manager_word_share if measure else None,
        manager_talk_time=_duration(measure.manager_seconds) if timed else "",
        total_talk_time=_duration(total) if timed else "",
        breaks_rule=breaks_talk_rule(share) if is_manager and share is not None else None,
    )


def _duration(seconds: int) -> str:
    """Talk time in words: seconds for a short stretch, minutes otherwise."""
    if seconds < 120:
        return f"{seconds} s"
    return f"{round(seconds / 60)} min"


def speaker_sides_remembered(
    viewer: Person, series: Series, names: Iterable[str]
) -> dict[str, str]:
    """The side each of these speakers had in the series' last upload, for the manager."""
    rows = access.speaker_sides_visible_to(viewer).filter(series=series, speaker__in=list(names))
    return {row.speaker: row.side for row in rows}


# Figures and signs: a team, one relationship, aggregates -------------------------


@dataclass(frozen=True, slots=True)
class ManagerPatterns:
    """The manager's own habits across the team, in the guide's words."""

    cancellations: int
    cancellation_days: int
    talk_over: int
    talk_measured: int
    talk_limit: int

    def lines(self) -> list[str]:
        lines = []
        if self.cancellations:
            times = "once" if self.cancellations == 1 else f"{self.cancellations} times"
            lines.append(
                f"You cancelled {times} in the last {self.cancellation_days} days across your 1:1s."
            )
        if self.talk_over:
            lines.append(
                f"You talked more than {self.talk_limit}% of the time in {self.talk_over} "
                f"of your last {self.talk_measured} measured 1:1s."
            )
        elif self.talk_measured:
            which = (
                "your one measured 1:1"
                if self.talk_measured == 1
                else f"each of your last {self.talk_measured} measured 1:1s"
            )
            lines.append(f"You kept to {self.talk_limit}% of the talking or less in {which}.")
        return lines


Trends = dict[str, list[tuple[str, float | None]]]


@dataclass(frozen=True, slots=True)
class TeamView:
    rows: list[figures.Relationship]
    patterns: ManagerPatterns
    thresholds: dict[str, int]
    # The team's trends month by month, when asked for (the page loads them as the viewer
    # opens them: `team_trends`).
    trends: Trends | None = None


def team_view(
    viewer: Person,
    *,
    sort: str = "signs",
    now: dt.datetime | None = None,
    rows: list[figures.Relationship] | None = None,
    thresholds: dict[str, int] | None = None,
    with_trends: bool = False,
) -> TeamView:
    """Every report of the viewer as a row with its signs, and the viewer's own patterns;
    the team's trends too `with_trends`.

    The manager's talk pattern reads the team's window of held 1:1s (the rows' meetings):
    of the last measured ones across the team, how many went over the limit."""
    now = now or timezone.now()
    thresholds = thresholds or figures.thresholds_for(viewer.organisation)
    if rows is None:
        rows = figures.relationships(viewer, _team_series, now=now, thresholds=thresholds)
    rows = figures.by_signs(rows) if sort == "signs" else rows
    limit = thresholds["manager_talk_share_max"]
    measured = sorted(
        (point for row in rows for point in row.meetings if point.talk_share is not None),
        key=lambda point: (point.scheduled_at, point.pk),
        reverse=True,
    )[: thresholds["window_meetings"]]
    patterns = ManagerPatterns(
        cancellations=sum(row.cancellations for row in rows),
        cancellation_days=thresholds["cancellation_warning_days"],
        talk_over=sum(1 for point in measured if point.talk_share > limit),
        talk_measured=len(measured),
        talk_limit=limit,
    )
    trends = figures.trends(rows, now=now) if with_trends else None
    return TeamView(rows=rows, patterns=patterns, thresholds=thresholds, trends=trends)


@dataclass(frozen=True, slots=True)
class TeamTrends:
    """The viewer's team's trends month by month, loaded as the viewer opens them."""

    trends: Trends
    thresholds: dict[str, int]


def team_trends(viewer: Person, *, now: dt.datetime | None = None) -> TeamTrends:
    """The trends of the viewer's team (404 for someone without reports)."""
    now = now or timezone.now()
    if not access.insight_views(viewer)[0]:
        raise Http404(access.NOT_FOUND)
    thresholds = figures.thresholds_for(viewer.organisation)
    rows = figures.relationships(viewer, _team_series, now=now, thresholds=thresholds)
    return TeamTrends(trends=figures.trends(rows, now=now), thresholds=thresholds)


def own_relationships(viewer: Person, *, now: dt.datetime | None = None):
    """The viewer's own 1:1 with their manager (open series), with its figures."""
    return figures.relationships(viewer, _own_series, now=now)


# The scopes of `figures.relationships`: the viewer's own open 1:1 with their manager,
# their team's, both.


def _own_series(viewer: Person, _series_id: int | None = None) -> QuerySet[Series]:
    return access.series_visible_to(viewer).filter(report=viewer, ended_on__isnull=True)


def _team_series(viewer: Person, _series_id: int | None = None) -> QuerySet[Series]:
    return access.team_series_for_insights(viewer)


def _own_and_team_series(viewer: Person, _series_id: int | None = None) -> QuerySet[Series]:
    return _own_series(viewer) | _team_series(viewer)


@dataclass(frozen=True, slots=True)
class InsightsPage:
    """What the insights page shows the viewer: their team, their own 1:1, the teams below."""

    team: TeamView | None
    own: list[figures.Relationship]
    aggregates: AggregatePage | None
    is_admin: bool


def insights_page(
    viewer: Person,
    *,
    sort: str = "signs",
    page: object = 1,
    with_trends: bool = False,
    now: dt.datetime | None = None,
) -> InsightsPage:
    """The team view (its trends too `with_trends`), the viewer's own 1:1 and the
    aggregates (their page `page`), the figures read in one pass."""
    now = now or timezone.now()
    thresholds = figures.thresholds_for(viewer.organisation)
    has_team, has_aggregates = access.insight_views(viewer)
    scope = _own_and_team_series if has_team else _own_series
    rows = figures.relationships(
        viewer, scope, now=now, thresholds=thresholds, by_month=with_trends
    )
    team_rows = [row for row in rows if row.series.manager_id == viewer.pk]
    team = (
        team_view(
            viewer,
            sort=sort,
            now=now,
            rows=team_rows,
            thresholds=thresholds,
            with_trends=with_trends,
        )
        if has_team
        else None
    )
    return InsightsPage(
        team=team,
        own=[row for row in rows if row.series.report_id == viewer.pk],
        aggregates=(
            aggregates_for(viewer, now=now, thresholds=thresholds, oversees=True, page=page)
            if has_aggregates
            else None
        ),
        is_admin=viewer.is_org_admin,
    )


def relationship_view(viewer: Person, series: Series, *, now: dt.datetime | None = None):
    """One relationship's figures and the rows behind them, for one of its two people."""
    now = now or timezone.now()
    return _relationship_rows(viewer, figures.relationship_for(viewer, series, now=now), now=now)


def relationship_page(viewer: Person, series_id: int, *, now: dt.datetime | None = None):
    """`relationship_view` of the 1:1 with this id, found by the figures' own series query
    among those whose figures the viewer reads (`access.insight_series_for`), else 404."""
    now = now or timezone.now()
    rows = figures.relationships(
        viewer, access.insight_series_matching, access.id_in_address(series_id), now=now
    )
    if not rows:
        raise Http404(access.NOT_FOUND)
    return _relationship_rows(viewer, rows[0], now=now)


def _relationship_rows(viewer: Person, rel: figures.Relationship, *, now: dt.datetime):
    """The relationship with its items due and feedback of the window, and its trends."""
    series = rel.series
    start = now - dt.timedelta(days=rel.window_days)
    today = timezone.localdate(now)
    items = compiled.rows(_items_behind, viewer, series, start.date(), today)
    feedback = compiled.rows(_feedback_behind, viewer, series, start)
    return rel, items, feedback, figures.trends([rel], now=now)


# The rows behind a relationship's figures show each item's owner and each feedback's
# recipient, nothing else related.


def _items_behind(
    viewer: Person, series: Series, window_from: dt.date, today: dt.date
) -> QuerySet[ActionItem]:
    """The series' items due in the window from `window_from`, or open past due."""
    return (
        access.action_items_visible_to(viewer)
        .select_related(None)
        .select_related("owner")
        .filter(series=series)
        .exclude(status="dropped")
        .filter(Q(due_on__gte=window_from, due_on__lt=today) | Q(status="open", due_on__lt=today))
        .order_by("due_on", "pk")
    )


def _feedback_behind(viewer: Person, series: Series, start: dt.datetime) -> QuerySet[Feedback]:
    """The series' feedback given since `start`, oldest first."""
    return (
        access.feedback_visible_to(viewer)
        .select_related(None)
        .select_related("given_to")
        .filter(series=series, created_at__gte=start)
        .order_by("created_at")
    )


@dataclass(frozen=True, slots=True)
class AggregateRow:
    """One manager's team, as counts and rates only; figures withheld under 3 reports."""

    manager: Person
    reports: int
    shown: bool
    cadence_kept: int | None
    cancellations: int | None
    ic_agenda_share: int | None
    retrospective_average: float | None = None


AGGREGATE_TEAMS_PER_PAGE = 25


@dataclass(frozen=True, slots=True)
class AggregatePage:
    """One page of the teams the viewer oversees, by manager name, and how many pages."""

    rows: list[AggregateRow]
    page: int = 1
    pages: int = 1


def aggregates_for(
    viewer: Person,
    *,
    now: dt.datetime | None = None,
    thresholds: dict[str, int] | None = None,
    oversees: bool | None = None,
    page: object = 1,
) -> AggregatePage:
    """Per manager the viewer oversees: cadence kept, cancellations, IC agenda share, the
    managers by name `AGGREGATE_TEAMS_PER_PAGE` at a time (page `page`).

    Two queries however large the organisation: the page's managers (sorted and cut in
    SQL, with how many there are in all), then the page's series with their manager's
    cancellations, the window's held 1:1s, their topics and retrospectives, each counted in
    SQL through the meetings' series index; two more for a page past the last, to show the
    last. `oversees` goes to `access.aggregate_reach_of`. None at all when the page was
    counted this minute and nothing it counts changed since (`kept`)."""
    now = now or timezone.now()
    thresholds = thresholds or figures.thresholds_for(viewer.organisation)
    reach = access.aggregate_reach_of(viewer, oversees=oversees)
    if reach == "none":
        return AggregatePage(rows=[])
    number = max(page_number(page), 1)
    window_days = thresholds["window_days"]
    # The same for every visit until one of the organisation's figures changes (`kept`).
    return kept.figures(
        ("aggregates", viewer.pk, reach, number, window_days, timezone.get_current_timezone_name()),
        viewer.organisation.figures_stamp,
        now,
        lambda minute: _aggregate_page(viewer, reach, number, minute, window_days),
    )


def _aggregate_page(
    viewer: Person, reach: str, number: int, now: dt.datetime, window_days: int
) -> AggregatePage:
    managers = _managers_page(viewer, reach=reach, number=number)
    if not managers and number > 1:
        total = sum(compiled.rows(_managers_count, viewer, viewer.organisation, reach=reach))
        number = max(1, -(-total // AGGREGATE_TEAMS_PER_PAGE))
        managers = _managers_page(viewer, reach=reach, number=number)
    if not managers:
        return AggregatePage(rows=[])
    pages = -(-managers[0][2] // AGGREGATE_TEAMS_PER_PAGE)
    # Only the page's managers become people (their name alone read, as `only` would).
    listed = [
        Person.from_db(Person.objects.db, ["id", "name"], (pk, name)) for name, pk, _ in managers
    ]
    teams = _team_counts(
        viewer,
        [manager.pk for manager in listed],
        reach=reach,
        now=now,
        window_days=window_days,
    )
    rows = [_aggregate_row(manager, teams.get(manager.pk, [])) for manager in listed]
    return AggregatePage(rows=rows, page=number, pages=pages)


# Pages of managers whose query is compiled once per process (each page is a shape of it):
# 1,000 managers; those after are rarely asked for, and built each time.
AGGREGATE_PAGES_COMPILED = 40


def _managers_page(viewer: Person, *, reach: str, number: int) -> list[tuple[str, int, int]]:
    """Name, key and how many there are in all, of the managers on page `number`."""
    first = (number - 1) * AGGREGATE_TEAMS_PER_PAGE
    if number > AGGREGATE_PAGES_COMPILED:
        return list(_managers_overseen(viewer, viewer.organisation, reach=reach, first=first))
    return compiled.rows(_managers_overseen, viewer, viewer.organisation, reach=reach, first=first)


def _managers_overseen(
    viewer: Person, organisation: Organisation, *, reach: str, first: int
) -> QuerySet[Person]:
    """The name and key of each manager of a 1:1 the viewer reads as aggregates from the
    `first`, by name as Python orders text (code point by code point, on every database:
    a collation would order it by language), ties by key, each with how many there are."""
    managers = _managers_of(viewer, organisation, reach=reach)
    name = F("name") if connection.vendor == "sqlite" else Collate("name", "C")
    managers = managers.annotate(everyone=Window(Count("pk"))).order_by(name, "pk")
    return managers.values_list("name", "pk", "everyone")[first : first + AGGREGATE_TEAMS_PER_PAGE]


def _managers_count(viewer: Person, organisation: Organisation, *, reach: str) -> QuerySet:
    """How many managers of a 1:1 the viewer reads as aggregates (one row)."""
    managers = _managers_of(viewer, organisation, reach=reach).order_by()
    return managers.values("organisation_id").annotate(n=Count("pk")).values_list("n", flat=True)


def _managers_of(viewer: Person, organisation: Organisation, *, reach: str) -> QuerySet[Person]:
    series_qs = access.aggregate_series_for(viewer, organisation, reach=reach)
    return Person.objects.filter(pk__in=series_qs.values("manager_id"))


def _team_counts(
    viewer: Person, manager_ids: list[int], *, reach: str, now: dt.datetime, window_days: int
) -> dict[int, list[tuple[int, int, int, int, int, int, int]]]:
    """Per manager of `manager_ids`, one tuple per open 1:1 the viewer reads as aggregates:
    the cadence's planned slots in the window, the 1:1s held in it, the manager's
    cancellations, the held 1:1s' topics and the report's among them, the window's
    retrospectives and the sum of their ratings (one query)."""
    today = timezone.localdate(now)
    start = now - dt.timedelta(days=window_days)
    series_rows = compiled.rows(
        _team_rows,
        viewer,
        viewer.organisation,
        manager_ids,
        now,
        start,
        figure_counts_since(viewer, now=now)[1],
        reach=reach,
    )
    teams: dict[int, list[tuple[int, int, int, int, int, int, int]]] = {}
    for manager_id, started_on, weeks, held, cancellations, rated in series_rows:
        since = max(start.date(), started_on)
        slots = max(0, (today - since).days // (7 * weeks))
        # The held 1:1s, their topics, the report's; the retrospectives, their ratings' sum.
        meetings, topics, report_topics = figures.unpacked(held, 2)
        counts = (meetings, cancellations, topics, report_topics)
        teams.setdefault(manager_id, []).append((slots, *counts, *figures.unpacked(rated, 1)))
    return teams


def _team_rows(
    viewer: Person,
    organisation: Organisation,
    manager_ids: list[int],
    now: dt.datetime,
    start: dt.datetime,
    cancellations_from: dt.datetime,
    *,
    reach: str,
) -> QuerySet[Series]:
    """The open 1:1s of these managers the viewer reads as aggregates, each with the
    window's held 1:1s with their topics and the report's, and the window's retrospectives
    with their ratings' sum (each `figures.packed_counts`), and the manager's cancellations
    since `cancellations_from`."""
    held = Meeting.objects.filter(
        series=OuterRef("pk"),
        status=Meeting.Status.HELD,
        scheduled_at__gte=start,
        scheduled_at__lte=now,
    )
    retrospectives = Retrospective.objects.filter(
        series=OuterRef("pk"), answered_at__gte=start, answered_at__lte=now
    )
    return (
        access.aggregate_series_for(viewer, organisation, reach=reach)
        .filter(manager_id__in=manager_ids)
        .annotate(
            cancellations=manager_cancellations_since(cancellations_from),
            # The held 1:1s' topics, and the report's, as the topic services keep them.
            held=figures.packed_counts(held, "kept_topics", "kept_report_topics"),
            rated=figures.packed_counts(retrospectives, "rating"),
        )
        .order_by()
        .values_list(
            "manager_id", "started_on", "frequency_weeks", "held", "cancellations", "rated"
        )
    )


def _aggregate_row(manager: Person, team: list[tuple[int, ...]]) -> AggregateRow:
    """The manager's team as counts and rates, withheld for a team too small to hide anyone."""
    shown = access.team_figures_shown(len(team))
    if not shown:
        return AggregateRow(manager, len(team), False, None, None, None)
    kept = sum(min(row[1], row[0]) for row in team)
    columns = map(sum, zip(*team, strict=True))
    planned, _, cancellations, topic_total, ic, ratings, rating_total = columns
    return AggregateRow(
        manager=manager,
        reports=len(team),
        shown=True,
        cadence_kept=_pct(kept, planned),
        cancellations=cancellations,
        ic_agenda_share=_pct(ic, topic_total),
        retrospective_average=round(rating_total / ratings, 1) if ratings else None,
    )


def _pct(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def thresholds_page(viewer: Person) -> list[tuple[object, int]]:
    """Each tunable threshold with the organisation's current value, for its admin."""
    from rapport.framework.thresholds import THRESHOLDS

    organisation = access.thresholds_organisation_for(viewer)
    current = figures.thresholds_for(organisation)
    return [(threshold, current[threshold.key]) for threshold in THRESHOLDS]


# Retrospectives ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RetrospectivePrompt:
    """The report's open 1:1 whose retrospective is due, and since when."""

    series: Series
    due_on: dt.date


def retrospective_weeks(organisation) -> int:
    return figures.thresholds_for(organisation)["retrospective_weeks"]


def retrospective_prompt_for(
    viewer: Person, *, now: dt.datetime | None = None
) -> RetrospectivePrompt | None:
    """The 1:1 with their manager whose retrospective the viewer is asked for, if one is due."""
    series = (
        access.series_visible_to(viewer)
        .filter(report=viewer, ended_on__isnull=True)
        .annotate(**_retrospective_annotations())
        .order_by("-started_on", "-pk")
        .first()
    )
    return _retrospective_prompt(viewer, series, now=now)


def _retrospective_annotations() -> dict[str, Subquery]:
    """When the series' latest retrospective was answered, and its organisation's own
    weeks between retrospectives (None when it keeps the framework's), as annotations."""
    newest = Retrospective.objects.filter(series=OuterRef("pk")).order_by("-answered_at")
    own_weeks = Threshold.objects.filter(
        organisation=OuterRef("organisation_id"), key="retrospective_weeks"
    )
    return {
        "last_retro": Subquery(newest.values("answered_at")[:1]),
        "own_retro_weeks": Subquery(own_weeks.values("value")[:1]),
    }


def _home_annotations() -> dict[str, Subquery]:
    """What the home reads of each of the viewer's series besides its overview."""
    return _retrospective_annotations()


def _retrospective_prompt(
    viewer: Person, series: Series | None, *, now: dt.datetime | None
) -> RetrospectivePrompt | None:
    """The prompt for the viewer's open 1:1 with their manager, read with
    `_retrospective_annotations`."""
    from rapport.framework import retrospectives as rules

    if series is None:
        return None
    today = timezone.localdate(now or timezone.now())
    weeks = series.own_retro_weeks or thresholds_with({})["retrospective_weeks"]
    last_on = timezone.localdate(series.last_retro) if series.last_retro else None
    if not rules.is_due(started_on=series.started_on, last_on=last_on, weeks=weeks, today=today):
        return None
    due_on = rules.next_due_on(started_on=series.started_on, last_on=last_on, weeks=weeks)
    return RetrospectivePrompt(series, due_on)


def retrospectives_to_remind(now: dt.datetime) -> list[tuple[Series, dt.date]]:
    """Each open 1:1 whose retrospective fell due a reminder's delay ago unanswered, with
    the day it fell due (in the report's timezone), for the reminder mail."""
    from rapport.framework import retrospectives as rules

    own_weeks = dict(
        Organisation.objects.filter(insight_thresholds__key="retrospective_weeks").values_list(
            "pk", "insight_thresholds__value"
        )
    )
    default_weeks = thresholds_with({})["retrospective_weeks"]
    open_series = (
        Series.objects.filter(ended_on__isnull=True, report__is_active=True)
        .annotate(last_retro=Max("retrospectives__answered_at"))
        .select_related("manager", "report")
    )
    found = []
    for series in open_series:
        today = now.astimezone(_zone(series.report.timezone)).date()
        last_on = series.last_retro.date() if series.last_retro else None
        weeks = own_weeks.get(series.organisation_id, default_weeks)
        due_on = rules.next_due_on(started_on=series.started_on, last_on=last_on, weeks=weeks)
        if today >= due_on + rules.REMINDER_AFTER:
            found.append((series, due_on))
    return found


def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name or "UTC")


@dataclass(frozen=True)
class HomeWithPrompt(HomePage):
    """Home, with the report's retrospective prompt when one is due."""

    retrospective_prompt: RetrospectivePrompt | None = None


def home_page(viewer: Person, *, now: dt.datetime | None = None) -> HomeWithPrompt:
    """The home page of one person (growth's), with their retrospective prompt."""
    now = now or timezone.now()
    base = growth_home_page(viewer, now=now, extra=_home_annotations)
    # The open 1:1 with their manager is among the home's own series, read with them.
    own = [row.series for row in base.own if row.series.report_id == viewer.pk]
    newest = max(own, key=lambda series: (series.started_on, series.pk), default=None)
    return HomeWithPrompt(
        **{field.name: getattr(base, field.name) for field in fields(base)},
        retrospective_prompt=_retrospective_prompt(viewer, newest, now=now),
    )


def _retrospectives_of(viewer: Person, series: Series) -> QuerySet[Retrospective]:
    return access.retrospectives_visible_to(viewer).filter(series=series)


@dataclass(frozen=True, slots=True)
class RetrospectivePage:
    series: Series
    is_manager: bool
    can_answer: bool
    retrospectives: list  # newest first
    ratings: list[tuple[str, float | None]]  # oldest first, for the trend chart
    next_due_on: dt.date


def retrospective_page(
    viewer: Person, series: Series, *, now: dt.datetime | None = None
) -> RetrospectivePage:
    """A relationship's retrospectives for the report or their current manager (404 otherwise)."""
    from rapport.framework import retrospectives as rules

    is_manager = access.is_manager_in(viewer, series)
    if is_manager and series.report.manager_id != viewer.pk:
        raise Http404(access.NOT_FOUND)
    found = compiled.rows(_retrospectives_of, viewer, series)
    last_on = timezone.localdate(found[-1].answered_at) if found else None
    return RetrospectivePage(
        series=series,
        is_manager=is_manager,
        can_answer=not is_manager and series.is_open,
        retrospectives=list(reversed(found)),
        ratings=[(f"{r.answered_at:%d %b %Y}", float(r.rating)) for r in found],
        next_due_on=rules.next_due_on(
            started_on=series.started_on,
            last_on=last_on,
            weeks=retrospective_weeks(viewer.organisation),
        ),
    )
