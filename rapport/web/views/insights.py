"""Insights: is each 1:1 relationship healthy? A team view, one relationship, the thresholds."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from rapport import access
from rapport.errors import Refused
from rapport.framework import indicators
from rapport.framework import retrospectives as retro_rules
from rapport.framework.agenda import MOOD_MAX, MOOD_MIN
from rapport.insights import figures, selectors, services, wording
from rapport.people.models import AuditEvent
from rapport.web import charts
from rapport.web.audit import record_read
from rapport.web.jinja import url
from rapport.web.views.common import person_view

SORTS = ("signs", "name")

# Each trend: its title, and how it is drawn (a line on a scale with an optional limit, or bars).
RATING_SCALE = {"minimum": retro_rules.RATING_MIN, "maximum": retro_rules.RATING_MAX, "unit": ""}
TRENDS = (
    ("agenda", "IC agenda share by month", {"maximum": 100, "unit": "%"}),
    ("talk", "Manager talk share by month", {"maximum": 100, "unit": "%", "limit": 30}),
    ("mood", "Average mood by month (1–5)", {"minimum": MOOD_MIN, "maximum": MOOD_MAX, "unit": ""}),
    ("on_time", "Action items done by their date, by month", {"maximum": 100, "unit": "%"}),
    ("cancellations", "Manager cancellations by month", None),
    ("retrospectives", "Average retrospective rating by month (1–5)", RATING_SCALE),
)


def trend_charts(trends: dict, prefix: str, thresholds: dict | None = None) -> list:
    """The trends as (title, SVG chart) pairs, each chart with its numbers in words."""
    drawn = []
    for key, title, line in TRENDS:
        chart_id = f"{prefix}-{key}"
        if line is None:
            drawn.append((title, charts.bar_chart(title, trends[key], chart_id=chart_id)))
            continue
        options = dict(line)
        if key == "talk" and thresholds:
            options["limit"] = thresholds["manager_talk_share_max"]
        drawn.append((title, charts.line_chart(title, trends[key], chart_id=chart_id, **options)))
    return drawn


def next_step_url(step: indicators.NextStep, rel: figures.Relationship) -> str:
    """Where a suggested next step leads: the bank, a playbook, or a scheduling page (each
    path reversed once per process, as the templates' `url`: a team's rows ask for a few
    paths many times)."""
    if step.kind == "question":
        return url("framework") + f"#question-{step.target}"
    if step.kind == "playbook":
        return url("framework") + f"#playbook-{step.target}"
    series_url = url("series", rel.series.pk)
    upcoming = rel.overview.next_meeting_id
    if step.target == "add_topics" and upcoming is not None:
        return url("meeting", upcoming)
    anchors = {
        "review_items": "#items-title",
        "career": "?cadence=1#cadence-form",
        "cadence": "#upcoming-title",
    }
    return series_url + anchors.get(step.target, "")


@person_view("GET")
def insights(request: HttpRequest) -> HttpResponse:
    """What the viewer may see: their team's rows, their own 1:1, the aggregates below them."""
    viewer = request.user
    sort = request.GET.get("sort", "signs")
    sort = sort if sort in SORTS else "signs"
    page = selectors.insights_page(
        viewer, sort=sort, page=request.GET.get("page", 1), with_trends="trends" in request.GET
    )
    team = page.team
    context = {
        "team": team,
        # The trends are drawn here with `?trends=1`, else loaded as they are opened.
        "team_charts": (
            trend_charts(team.trends, "team", team.thresholds)
            if team and team.trends is not None
            else None
        ),
        "sort": sort,
        "own": page.own,
        "aggregates": page.aggregates,
        "signs": indicators.WARNING_SIGNS,
        "next_step_url": next_step_url,
        "invitations": wording.invitations,
        "min_reports": indicators.AGGREGATE_MIN_REPORTS,
        "is_admin": page.is_admin,
    }
    return render(request, "web/insights/index.html", context)


@person_view("GET")
def team_trends(request: HttpRequest) -> HttpResponse:
    """The team's trends alone, loaded into the insights page as they are opened."""
    trends = selectors.team_trends(request.user)
    charts_drawn = trend_charts(trends.trends, "team", trends.thresholds)
    return render(request, "web/insights/team_trends.html", {"team_charts": charts_drawn})


@person_view("GET")
def relationship(request: HttpRequest, series_id: int) -> HttpResponse:
    """One relationship's figures with formula, window and the rows behind each."""
    viewer = request.user
    rel, items, feedback, trends = selectors.relationship_page(viewer, series_id)
    series = rel.series
    record_read(request, AuditEvent.Action.INSIGHTS_VIEW, subject=series.report, target=series)
    is_manager = access.is_manager_in(viewer, series)
    context = {
        "rel": rel,
        "series": series,
        "is_manager": is_manager,
        "cards": figures.figure_cards(rel, viewer),
        "charts": trend_charts(trends, "rel"),
        "figure_titles": indicators.FIGURES,
        "items": items,
        "feedback": feedback,
        "next_step_url": next_step_url,
        "invitations": wording.invitations(rel) if not is_manager else [],
    }
    return render(request, "web/insights/relationship.html", context)


@person_view("GET", "POST")
def thresholds(request: HttpRequest) -> HttpResponse:
    """The organisation's thresholds for the signs, tuned by its admins."""
    viewer = request.user
    rows = selectors.thresholds_page(viewer)  # 404 for anyone but an org admin
    error = ""
    if request.method == "POST":
        values = {t.key: request.POST[t.key] for t, _ in rows if t.key in request.POST}
        try:
            services.thresholds_save(actor=viewer, values=values)
        except Refused as refusal:
            error = str(refusal)
            rows = [(t, values.get(t.key, current)) for t, current in rows]
        else:
            messages.success(request, "Thresholds saved: every figure is judged by them now.")
            return redirect("insights_thresholds")
    status = 400 if error else 200
    return render(
        request, "web/insights/thresholds.html", {"rows": rows, "error": error}, status=status
    )
