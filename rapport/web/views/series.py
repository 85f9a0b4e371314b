"""The report page: the timeline of one 1:1, its open items, and its cadence against the level's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db.models import Count, F, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from rapport import access
from rapport.errors import Refused
from rapport.framework.cadence import ADJUSTMENT_REASONS, cadence_departs, cadence_for_level
from rapport.framework.levels import level_or_default
from rapport.growth import selectors as growth_selectors
from rapport.meetings import scheduling, selectors, services, wording
from rapport.meetings.models import ActionItem, Meeting, Series
from rapport.people.models import Person
from rapport.web.forms import WEEKDAYS, CadenceForm
from rapport.web.views.common import person_view, see_other_with

UPCOMING_COUNT = 5
PAST_COUNT = 30
# A meeting stays "upcoming" for a while after its start, so it can be opened while it runs.
RUNNING_GRACE = dt.timedelta(hours=2)


def _timeline(viewer: Person, series: Series, *, show_all: bool) -> dict[str, Any]:
    now = timezone.now()
    meetings = access.meetings_visible_to(viewer).filter(series=series)
    ahead = Q(status=Meeting.Status.SCHEDULED, scheduled_at__gte=now - RUNNING_GRACE)
    past = (
        meetings.exclude(ahead)
        .select_related("cancelled_by", "moved_to")
        .annotate(topic_count=Count("topics"))
        .order_by("-scheduled_at")
    )
    past_total = past.count()
    return {
        "upcoming": list(meetings.filter(ahead).order_by("scheduled_at")[:UPCOMING_COUNT]),
        "past": list(past if show_all else past[:PAST_COUNT]),
        "past_total": past_total,
        "show_all": show_all,
        "now": now,
    }


def _cadence_summary(series: Series) -> dict[str, Any]:
    level = level_or_default(series.report.level)
    return {
        "framework": cadence_for_level(level),
        "level_known": bool(series.report.level),
        "departs": cadence_departs(
            level,
            frequency_weeks=series.frequency_weeks,
            duration_minutes=series.duration_minutes,
            career_every_weeks=series.career_every_weeks,
        ),
        "reason_label": dict(ADJUSTMENT_REASONS).get(series.cadence_reason, ""),
        "weekday_label": dict(WEEKDAYS)[series.weekday],
    }


def _suggestions(request: HttpRequest, series: Series) -> dict[str, Any]:
    """Rapport's cadence suggestions; `?suggest=<key>` pre-fills the form with one of them."""
    suggestions = growth_selectors.cadence_suggestions(series)
    chosen = next((s for s in suggestions if s.key == request.GET.get("suggest")), None)
    initial = chosen.form_initial(series) if chosen else CadenceForm.for_series(series).initial
    # Forms take times in the viewer's timezone, whatever zone the series was set in.
    initial["weekday"], initial["start_time"] = scheduling.wall_clock_in(
        series.weekday,
        series.start_time,
        from_tz=series.timezone,
        to_tz=request.user.timezone,
        around=timezone.localdate(),
    )
    form = CadenceForm(initial=initial)
    return {"suggestions": suggestions, "applied": chosen, "cadence_form": form}


def _context(request: HttpRequest, series: Series, **overrides: Any) -> dict[str, Any]:
    viewer = request.user
    is_manager = access.is_manager_in(viewer, series)
    timeline = _timeline(viewer, series, show_all=request.GET.get("all") == "1")
    context = {
        "series": series,
        "viewer": viewer,
        "other": series.report if is_manager else series.manager,
        "is_manager": is_manager,
        "voice": wording.voice_for(viewer, series),
        "editable": series.is_open,
        "today": timezone.localdate(),
        "open_items": list(
            access.action_items_visible_to(viewer)
            .filter(series=series, status=ActionItem.Status.OPEN)
            .order_by(F("due_on").asc(nulls_last=True), "pk")
        ),
        "cadence": _cadence_summary(series),
        "show_series": False,
        "warnings": (
            selectors.series_overview(viewer, series).warnings
            if access.can_see_warnings(viewer, series)
            else []
        ),
        "days_away": selectors.meetings_on_days_away(timeline["upcoming"]),
        **_suggestions(request, series),
        **timeline,
    }
    context.update(overrides)
    return context


def _cadence_preview(request: HttpRequest, series: Series) -> dict[str, Any]:
    """`?preview=1&<cadence fields>`: the next meetings a cadence would give, or its errors."""
    if "preview" not in request.GET or not access.is_manager_in(request.user, series):
        return {}
    form = CadenceForm(request.GET)
    planned: list[services.PlannedMeeting] = []
    if form.is_valid():
        try:
            planned = services.series_cadence_preview(
                actor=request.user, series=series, **form.cleaned_data
            )
        except Refused as error:
            form.add_error(None, str(error))
    return {"cadence_form": form, "cadence_preview": planned}


@person_view("GET")
def series(request: HttpRequest, series_id: int) -> HttpResponse:
    found = access.series_for(request.user, series_id)
    context = _context(request, found, **_cadence_preview(request, found))
    return render(request, "web/meeting/series.html", context)


@person_view("POST")
def cadence(request: HttpRequest, series_id: int) -> HttpResponse:
    found = access.series_for_manager(request.user, series_id)
    form = CadenceForm(request.POST)
    if form.is_valid():
        try:
            services.series_update_cadence(actor=request.user, series=found, **form.cleaned_data)
        except Refused:
            pass  # the preview below says why, on the page's own address
        else:
            messages.success(request, "Cadence saved: the upcoming meetings follow it.")
            return redirect("series", found.pk)
    return see_other_with(
        reverse("series", args=[found.pk]), form, anchor="cadence-form", preview="1"
    )
