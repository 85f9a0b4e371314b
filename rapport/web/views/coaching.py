"""Coaching panels the meeting page loads with htmx: prepare, questions in context, feedback,
difficult conversations and remote. Each answers a fragment; each POST answers the panel again."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from rapport import access
from rapport.errors import Refused
from rapport.framework import remote as remote_rules
from rapport.framework.checklists import MANAGER_PREPARATION_MINUTES
from rapport.framework.playbooks import PLAYBOOKS
from rapport.framework.questions import QUESTION_CATEGORIES, QUESTION_GROUPS
from rapport.growth import selectors, services
from rapport.growth.models import Feedback
from rapport.meetings import wording
from rapport.meetings.models import Meeting
from rapport.people.models import AuditEvent, Person
from rapport.web.audit import record_read
from rapport.web.views.common import parse_date, person_view, refuse


def _roles(viewer: Person, meeting: Meeting) -> dict[str, Any]:
    series = meeting.series
    is_manager = access.is_manager_in(viewer, series)
    return {
        "meeting": meeting,
        "series": series,
        "viewer": viewer,
        "is_manager": is_manager,
        "other": series.report if is_manager else series.manager,
        "can_change": series.is_open,
        "voice": wording.voice_for(viewer, series),
    }


# Prepare -------------------------------------------------------------------------

TOPICS_CHANGED = "rapport-topics-changed"


def _prepare_context(viewer: Person, meeting: Meeting, phase: str) -> dict[str, Any]:
    context = _roles(viewer, meeting)
    status = services.preparation_status([meeting])[meeting.pk]
    context.update(phase=phase, status=status, auto_hints=services.AUTOMATIC)
    if context["is_manager"]:
        context["lines"] = services.checklist_state(viewer, meeting, phase)
        context["minutes"] = MANAGER_PREPARATION_MINUTES
    else:
        context["prompts"] = services.ic_prompts()
        context["my_topics"] = list(
            access.topics_visible_to(viewer).filter(meeting=meeting, author=viewer)
        )
    return context


@person_view("GET", "POST")
def prepare(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The manager's checklist (?phase=pre|during|post) or the IC's preparation prompts."""
    viewer = request.user
    meeting = access.meeting_for(viewer, meeting_id)
    phase = request.POST.get("phase") or request.GET.get("phase") or "pre"
    if phase not in services.PHASE_ITEMS:
        return refuse("A checklist phase is pre, during or post.")
    if request.method == "POST":
        meeting = access.meeting_for_change(viewer, meeting_id)
        try:
            if access.is_manager_in(viewer, meeting.series) or "item_key" in request.POST:
                services.checklist_tick(
                    actor=viewer,
                    meeting=meeting,
                    phase=phase,
                    item_key=request.POST.get("item_key", ""),
                    ticked=request.POST.get("ticked") == "1",
                )
            else:
                services.preparation_topic_add(
                    actor=viewer,
                    meeting=meeting,
                    prompt=request.POST.get("prompt", ""),
                    text=request.POST.get("text", ""),
                )
        except Refused as error:
            return refuse(str(error))
    else:
        record_read(
            request, AuditEvent.Action.PREPARE_VIEW, subject=meeting.series.report, target=meeting
        )
    response = render(
        request, "web/coaching/prepare.html", _prepare_context(viewer, meeting, phase)
    )
    if request.method == "POST" and "prompt" in request.POST:
        # The home page's "1 topic from you" listens for this and refreshes itself.
        response["HX-Trigger"] = TOPICS_CHANGED
    return response


# Questions -------------------------------------------------------------------------


def _questions_context(viewer: Person, meeting: Meeting, category: str | None) -> dict[str, Any]:
    context = _roles(viewer, meeting)
    context.update(
        asked=services.questions_asked_in(meeting),
        groups=QUESTION_GROUPS,
        categories=QUESTION_CATEGORIES,
        category=category,
    )
    if context["is_manager"]:
        context["suggestions"] = services.question_suggestions(meeting, category=category)
        context["filled"] = services.placeholder_values(meeting.series)
    return context


@person_view("GET", "POST")
def questions(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Suggested questions for the manager (POST marks one asked); what was asked, for both."""
    viewer = request.user
    meeting = access.meeting_for(viewer, meeting_id)
    category = request.POST.get("category") or request.GET.get("category") or None
    if category is not None and category not in QUESTION_CATEGORIES:
        return refuse("Unknown question category.")
    if request.method == "POST":
        meeting = access.meeting_for_coaching(viewer, meeting_id)
        org_id = request.POST.get("org_question_id", "")
        try:
            if "focus_skill" in request.POST:
                services.goal_set(
                    actor=viewer,
                    meeting=meeting,
                    skill=request.POST["focus_skill"],
                    criterion=request.POST.get("focus_criterion", ""),
                )
            else:
                services.question_ask(
                    actor=viewer,
                    meeting=meeting,
                    question_key=request.POST.get("question_key", ""),
                    org_question_id=int(org_id) if org_id.isdigit() else None,
                    answer=request.POST.get("answer", ""),
                )
        except Refused as error:
            return refuse(str(error))
    return render(
        request, "web/coaching/questions.html", _questions_context(viewer, meeting, category)
    )


@person_view("POST")
def org_questions(request: HttpRequest) -> HttpResponse:
    """A manager adds one of the organisation's own questions; answers the meeting's panel."""
    viewer = request.user
    meeting_id = request.POST.get("meeting_id", "")
    meeting = access.meeting_for(viewer, meeting_id) if meeting_id else None
    category = request.POST.get("category_key", "")
    try:
        services.org_question_add(
            actor=viewer, category_key=category, text=request.POST.get("text", "")
        )
    except Refused as error:
        return refuse(str(error))
    if meeting is None:
        return redirect("framework")
    return render(
        request, "web/coaching/questions.html", _questions_context(viewer, meeting, category)
    )


# Feedback --------------------------------------------------------------------------


def _feedback_context(viewer: Person, meeting: Meeting) -> dict[str, Any]:
    context = _roles(viewer, meeting)
    context["records"] = list(access.feedback_visible_to(viewer).filter(meeting=meeting))
    context["kinds"] = Feedback.Kind.choices
    return context


@person_view("GET", "POST")
def feedback(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Feedback given in this meeting; POST gives feedback or marks one received."""
    viewer = request.user
    meeting = access.meeting_for(viewer, meeting_id)
    if request.method == "POST":
        meeting = access.meeting_for_change(viewer, meeting_id)
        try:
            if request.POST.get("feedback_id"):
                record = access.feedback_for(viewer, request.POST["feedback_id"])
                if record.meeting_id != meeting.pk:
                    return refuse("That feedback belongs to another meeting.", 404)
                mark = request.POST.get("mark")
                value = request.POST.get("value") == "1"
                if mark not in ("acknowledged", "acted_on"):
                    return refuse("Mark feedback as acknowledged or acted on.")
                services.feedback_mark(actor=viewer, feedback=record, **{mark: value})
            else:
                services.feedback_give(
                    actor=viewer,
                    meeting=meeting,
                    kind=request.POST.get("kind", ""),
                    situation=request.POST.get("situation", ""),
                    behaviour=request.POST.get("behaviour", ""),
                    impact=request.POST.get("impact", ""),
                )
        except Refused as error:
            return refuse(str(error))
    return render(request, "web/coaching/feedback.html", _feedback_context(viewer, meeting))


# Difficult conversations -------------------------------------------------------------


def _playbooks_context(viewer: Person, meeting: Meeting, opened: str = "") -> dict[str, Any]:
    context = _roles(viewer, meeting)
    plan = selectors.open_plan_for(meeting.series)
    context.update(
        playbooks=PLAYBOOKS,
        opened=opened,
        plan=plan,
        check_ins=services.plan_check_ins(plan.starts_on, plan.ends_on) if plan else [],
    )
    return context


@person_view("GET")
def playbooks(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The four playbooks for the manager; the IC sees only their open plan, if any."""
    meeting = access.meeting_for(request.user, meeting_id)
    opened = request.GET.get("playbook", "")
    return render(
        request, "web/coaching/playbooks.html", _playbooks_context(request.user, meeting, opened)
    )


@person_view("POST")
def plan(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The manager sets an underperformance plan; check-ins become action items and topics."""
    viewer = request.user
    meeting = access.meeting_for_coaching(viewer, meeting_id)
    try:
        if "close" in request.POST:
            services.plan_close(actor=viewer, meeting=meeting, status=request.POST["close"])
        else:
            services.plan_create(
                actor=viewer,
                meeting=meeting,
                expectations=request.POST.get("expectations", ""),
                ends_on=parse_date(request.POST.get("ends_on")),
            )
    except (ValueError, Refused) as error:
        return refuse(str(error))
    return render(
        request,
        "web/coaching/playbooks.html",
        _playbooks_context(viewer, meeting, "underperforming"),
    )


# Remote ------------------------------------------------------------------------------


@person_view("GET")
def remote(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The seed's remote practices, for a 1:1 with a remote report."""
    meeting = access.meeting_for(request.user, meeting_id)
    context = _roles(request.user, meeting)
    context.update(
        is_remote=meeting.series.report.remote,
        setup_do=remote_rules.SETUP_DO,
        setup_dont=remote_rules.SETUP_DONT,
        connection=remote_rules.CONNECTION_STRATEGIES,
        documentation=remote_rules.DOCUMENTATION_IS_CRITICAL,
    )
    return render(request, "web/coaching/remote.html", context)
