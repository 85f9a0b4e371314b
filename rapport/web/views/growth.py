"""Career pages of one relationship: goals and the development plan, the feedback log, and
peer feedback (the manager's requests, a colleague's answer page)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from rapport import access
from rapport.errors import Refused
from rapport.framework.goals import GOAL_STALE_AFTER
from rapport.growth import selectors, services
from rapport.growth.models import Goal
from rapport.meetings import wording
from rapport.meetings.models import Series
from rapport.people.models import AuditEvent, Person
from rapport.web.audit import record_read
from rapport.web.views.common import (
    back_to,
    back_with,
    found_for_method,
    is_htmx,
    parse_date,
    person_view,
    refuse,
    refused_back,
    see_other,
    stashed,
    written,
)

# Fields of the goal form, as the page posts them.
GOAL_FORM_FIELDS = ("title", "why", "area", "criterion", "target_on", "status")


def _roles(viewer: Person, series: Series) -> dict[str, Any]:
    is_manager = access.is_manager_in(viewer, series)
    return {
        "series": series,
        "viewer": viewer,
        "is_manager": is_manager,
        "report": series.report,
        "other": series.report if is_manager else series.manager,
        "voice": wording.voice_for(viewer, series),
    }


def _percent(value: str | None) -> int | None:
    value = (value or "").strip().rstrip("%").strip()
    if not value:
        return None
    if not value.isdecimal():
        raise Refused("The share done is a whole number from 0 to 100.")
    return int(value)


def _goal_values(post: Any) -> dict[str, object]:
    values: dict[str, object] = {}
    for name in GOAL_FORM_FIELDS:
        if name in post:
            values[name] = parse_date(post[name]) if name == "target_on" else post[name]
    return values


def _goals_response(request: HttpRequest, series: Series) -> HttpResponse:
    context = _roles(request.user, series)
    # A refused new goal is shown again as it was typed, to correct rather than retype.
    kept = stashed(request, _new_goal_key(series))
    error, typed = (kept["state"]["error"], kept["state"]["typed"]) if kept else ("", {})
    context.update(page=selectors.goals_page(request.user, series), error=error, typed=typed)
    return render(request, "web/growth/goals.html", context)


def _new_goal_key(series: Series) -> str:
    return f"series:{series.pk}:new-goal"


# Goals and the development plan -------------------------------------------------------


@person_view("GET", "POST")
def series_goals(request: HttpRequest, series_id: int) -> HttpResponse:
    """The goals of a relationship with their progress and change log; POST adds a goal."""
    viewer = request.user
    series = found_for_method(request, access.series_for, series_id, access.career_check_change)
    if request.method == "POST":
        try:
            values = _goal_values(request.POST)
            values.pop("status", None)
            values.setdefault("title", "")
            services.goal_create(actor=viewer, series=series, **values)
        except (ValueError, Refused) as error:
            url = reverse("series_goals", args=[series.pk])
            if is_htmx(request) or "next" in request.POST:  # from a meeting: back there
                return refused_back(request, error, url)
            # The page again, with the reason and what was typed: reloading it sends nothing.
            typed = {name: request.POST.get(name, "") for name in GOAL_FORM_FIELDS}
            return back_with(request, url, _new_goal_key(series), error=str(error), typed=typed)
        return back_to(request, reverse("series_goals", args=[series.pk]))
    return _goals_response(request, series)


@person_view("POST")
def goal_edit(request: HttpRequest, goal_id: int) -> HttpResponse:
    """Change a goal's fields (title, why, area, target date, status): each change is logged."""
    return _goal_written(
        request,
        goal_id,
        lambda goal: services.goal_update(
            actor=request.user, goal=goal, changes=_goal_values(request.POST)
        ),
        errors=(ValueError, Refused),
    )


@person_view("POST")
def goal_progress(request: HttpRequest, goal_id: int) -> HttpResponse:
    """A dated progress update on a goal, with an optional share done."""
    return _goal_written(
        request,
        goal_id,
        lambda goal: services.goal_progress_add(
            actor=request.user,
            goal=goal,
            text=request.POST.get("text", ""),
            percent=_percent(request.POST.get("percent")),
        ),
    )


@person_view("POST")
def goal_action_items(request: HttpRequest, goal_id: int) -> HttpResponse:
    """Link an action item to a goal, or unlink it (`linked=0`)."""
    viewer = request.user

    def link(goal: Goal) -> None:
        if not request.POST.get("item_id"):
            raise Refused("Choose an action item to link.")
        item = access.action_item_for(viewer, request.POST["item_id"])
        linked = request.POST.get("linked", "1") != "0"
        services.goal_action_item_link(actor=viewer, goal=goal, item=item, linked=linked)

    return _goal_written(request, goal_id, link)


def _goal_written(
    request: HttpRequest,
    goal_id: int,
    write: Callable[[Goal], object],
    errors: tuple[type[Exception], ...] = (Refused,),
) -> HttpResponse:
    """`write(goal)` to a goal the viewer may change, then back to its goals page."""
    goal = access.goal_for_change(request.user, goal_id)
    return written(
        request, _goals_url(request.user, goal.owner), lambda: write(goal), errors=errors
    )


def _goals_url(viewer: Person, owner: Person) -> str:
    """The goals page of the IC's current 1:1 that the viewer takes part in."""
    series = _current_series(viewer, owner)
    return reverse("series_goals", args=[series.pk]) if series else reverse("home")


def _current_series(viewer: Person, owner: Person) -> Series | None:
    return access.series_visible_to(viewer).filter(report=owner, ended_on__isnull=True).first()


def _plan_partial(request: HttpRequest, series: Series, meeting_id: str) -> HttpResponse:
    context = _roles(request.user, series)
    page = selectors.goals_page(request.user, series, linked=False)
    context.update(page=page, meeting_id=meeting_id)
    return render(request, "web/growth/_plan.html", context)


@person_view("GET", "POST")
def development_plan(request: HttpRequest, series_id: int) -> HttpResponse:
    """The development plan as a partial (GET, `?meeting_id=` from a career 1:1); POST sets
    its focus areas, next review date and notes, each change logged."""
    viewer = request.user
    if request.method == "GET":
        series = access.series_for(viewer, series_id)
        meeting_id = request.GET.get("meeting_id", "")
        if meeting_id:
            access.meeting_for(viewer, meeting_id)
        if not is_htmx(request):  # the partial's own address opened as a page: its page
            return see_other(reverse("series_goals", args=[series.pk]) + "#development-plan")
        return _plan_partial(request, series, meeting_id)
    series = access.series_for_career_change(viewer, series_id)
    meeting_id = request.POST.get("meeting_id", "")
    try:
        meeting = access.meeting_for(viewer, meeting_id) if meeting_id else None
        areas = [a for a in request.POST.getlist("focus_areas") if a.strip()]
        areas += [a for a in request.POST.get("other_areas", "").split(",") if a.strip()]
        services.development_plan_update(
            actor=viewer,
            series=series,
            focus_areas=areas,
            next_review_on=parse_date(request.POST.get("next_review_on")),
            notes=request.POST.get("notes", ""),
            meeting=meeting,
        )
    except (ValueError, Refused) as error:
        return refused_back(
            request, error, reverse("series_goals", args=[series.pk]) + "#development-plan"
        )
    if is_htmx(request):
        return _plan_partial(request, series, meeting_id)
    return back_to(request, reverse("series_goals", args=[series.pk]))


@person_view("GET")
def meeting_goals(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The IC's active goals, the aside of a meeting page (loaded into prepare and run)."""
    meeting = access.meeting_for(request.user, meeting_id)
    context = _roles(request.user, meeting.series)
    context.update(
        meeting=meeting,
        goals=selectors.active_goals_for(request.user, meeting.series),
        stale_after_weeks=GOAL_STALE_AFTER.days // 7,
    )
    return render(request, "web/growth/_goals_aside.html", context)


# The feedback log -------------------------------------------------------------------------


@person_view("GET")
def series_feedback(request: HttpRequest, series_id: int) -> HttpResponse:
    """Every feedback record of the relationship, with filters, counts and rates."""
    viewer = request.user
    series = access.series_for(viewer, series_id)
    try:
        log = selectors.feedback_log(
            viewer,
            series,
            kind=request.GET.get("kind", ""),
            state=request.GET.get("state", ""),
            period=request.GET.get("period", ""),
        )
    except Refused as error:
        return refuse(str(error))
    context = _roles(viewer, series)
    context.update(log=log)
    return render(request, "web/growth/feedback.html", context)


@person_view("POST")
def feedback_mark(request: HttpRequest, feedback_id: int) -> HttpResponse:
    """The recipient acknowledges feedback, or marks it acted on with what they did."""
    viewer = request.user
    record = access.feedback_for(viewer, feedback_id)
    access.feedback_check_recipient(viewer, record)
    mark = request.POST.get("mark", "")
    if mark not in ("acknowledged", "acted_on"):
        return refuse("Mark feedback as acknowledged or acted on.")
    value = request.POST.get("value", "1") == "1"
    note = request.POST.get("note") if mark == "acted_on" and value else None
    services.feedback_mark(actor=viewer, feedback=record, note=note, **{mark: value})
    return back_to(request, reverse("series_feedback", args=[record.series_id]))


# Peer feedback ------------------------------------------------------------------------------


def _colleague_ids(values: list[str]) -> list[int]:
    """The colleagues' ids a form sent, whatever else it holds left out."""
    return [int(v) for v in values if v.strip().isdecimal()]


def _picked(values: list[str]) -> list[int]:
    """The ids to show picked again: those that may name someone (a longer number names
    nobody, and the database refuses it)."""
    return [pk for pk in _colleague_ids(values) if 0 < pk <= access.LARGEST_ID]


def _peer_response(
    request: HttpRequest, series: Series, error: str = "", status: int = 200
) -> HttpResponse:
    context = _roles(request.user, series)
    sent = request.POST if request.method == "POST" else request.GET
    page = selectors.peer_page(
        request.user,
        series,
        page=request.GET.get("page", 1),
        summaries=request.GET.get("summaries", 1),
        find=request.GET.get("find", ""),
        picked=_picked(sent.getlist("colleague")),
    )
    if page.answers:  # only ever the asking manager's: one line per page read, not per answer
        record_read(
            request, AuditEvent.Action.PEER_ANSWER_READ, subject=series.report, target=series
        )
    context.update(page=page, error=error)
    return render(request, "web/growth/peer.html", context, status=status)


@person_view("GET", "POST")
def series_peer(request: HttpRequest, series_id: int) -> HttpResponse:
    """Peer feedback of a relationship: the manager asks colleagues and reads their answers
    (`?page=<n>` shows older closed requests, `?find=<name>` other colleagues to ask, the
    `colleague` ids sent with it kept picked); both read the manager's summary
    (`?summaries=<n>` the older ones)."""
    viewer = request.user
    series = access.series_for(viewer, series_id)
    if request.method == "POST":
        access.peer_request_check_ask(viewer, series)
        try:
            services.peer_request_create(
                actor=viewer,
                series=series,
                colleague_ids=_colleague_ids(request.POST.getlist("colleague")),
                expires_on=parse_date(request.POST.get("expires_on")),
                message=request.POST.get("message", ""),
            )
        except (ValueError, Refused) as error:
            return _peer_response(request, series, str(error), 400)
        return redirect("series_peer", series.pk)
    return _peer_response(request, series)


@person_view("POST")
def peer_summary(request: HttpRequest, series_id: int) -> HttpResponse:
    """The manager writes the peer feedback summary the career 1:1 shares with the IC."""
    viewer = request.user
    series = access.series_for(viewer, series_id)
    access.peer_request_check_ask(viewer, series)
    return written(
        request,
        reverse("series_peer", args=[series.pk]),
        lambda: services.peer_summary_write(
            actor=viewer, series=series, text=request.POST.get("text", "")
        ),
    )


@person_view("GET")
def peer_requests(request: HttpRequest) -> HttpResponse:
    """Requests for feedback waiting for the viewer's answer (also loaded into home)."""
    context = {"pending": selectors.pending_peer_requests_for(request.user)}
    template = (
        "web/growth/_peer_pending.html" if is_htmx(request) else "web/growth/peer_requests.html"
    )
    return render(request, template, context)


def _request_response(
    request: HttpRequest, peer_request: Any, error: str = "", status: int = 200
) -> HttpResponse:
    viewer = request.user
    context = {
        "viewer": viewer,
        "peer_request": peer_request,
        "is_colleague": peer_request.colleague_id == viewer.pk,
        "answer": selectors.peer_answer_for(viewer, peer_request),
        "expired": services.peer_request_expired(peer_request),
        "error": error,
    }
    return render(request, "web/growth/peer_request.html", context, status=status)


@person_view("GET", "POST")
def peer_request(request: HttpRequest, request_id: int) -> HttpResponse:
    """A colleague's answer page (strengths, one thing to change, an example) or decline."""
    viewer = request.user
    check = access.peer_request_check_answer
    found = found_for_method(request, access.peer_request_for, request_id, check)
    if request.method == "POST":
        try:
            if request.POST.get("decline"):
                services.peer_request_decline(actor=viewer, request=found)
            else:
                services.peer_request_answer(
                    actor=viewer,
                    request=found,
                    strengths=request.POST.get("strengths", ""),
                    change=request.POST.get("change", ""),
                    example=request.POST.get("example", ""),
                )
        except Refused as error:
            return _request_response(request, found, str(error), 400)
        return redirect("peer_request", found.pk)
    return _request_response(request, found)
