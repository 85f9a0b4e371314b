"""Coaching panels the meeting page loads with htmx: prepare, questions in context, feedback,
difficult conversations and remote. Each answers a fragment; each POST answers the panel again.

The panels are assembled in `rapport.growth.selectors`; here requests are read and answered."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from rapport import access
from rapport.errors import Refused
from rapport.framework.questions import QUESTION_CATEGORIES
from rapport.growth import selectors, services
from rapport.meetings.models import Meeting
from rapport.people.models import AuditEvent
from rapport.web.audit import record_read
from rapport.web.views.common import (
    back_with,
    found_for_method,
    is_htmx,
    parse_date,
    person_view,
    refuse,
    render_page,
    render_panel,
    see_other,
    stashed,
)


def _panel_write(write: Callable[[], object]) -> HttpResponse | None:
    """A coaching panel's POST: None once `write()` is done, else the refusal's reason in
    place (400), the panel staying as it was."""
    try:
        write()
    except Refused as error:
        return refuse(str(error))
    return None


# Prepare -------------------------------------------------------------------------

TOPICS_CHANGED = "rapport-topics-changed"
# The meeting page's mode each checklist phase belongs to (the way back from its panel).
PHASE_MODES = {"pre": "prepare", "during": "run", "post": "wrap"}


@person_view("GET", "POST")
def prepare(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The manager's checklist (?phase=pre|during|post) or the IC's preparation prompts."""
    viewer = request.user
    meeting = access.meeting_for(viewer, meeting_id)
    phase = request.POST.get("phase") or request.GET.get("phase") or "pre"
    if phase not in selectors.PHASE_ITEMS:
        return refuse("A checklist phase is pre, during or post.")
    if request.method == "POST":
        access.meeting_check_change(viewer, meeting)  # after the phase: a bad one is a 400

        def write() -> None:
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

        if refusal := _panel_write(write):
            return refusal
    else:
        record_read(
            request, AuditEvent.Action.PREPARE_VIEW, subject=meeting.series.report, target=meeting
        )
    panel = selectors.prepare_panel(viewer, meeting, phase)
    response = render_panel(
        request,
        "web/coaching/prepare.html",
        panel,
        title="Checklist" if access.is_manager_in(viewer, meeting.series) else "Preparation",
        meeting=meeting,
        mode=PHASE_MODES[phase],
    )
    if request.method == "POST" and "prompt" in request.POST:
        # The home page's "1 topic from you" listens for this and refreshes itself.
        response["HX-Trigger"] = TOPICS_CHANGED
    return response


# Questions -------------------------------------------------------------------------


@person_view("GET", "POST")
def questions(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Suggested questions for the manager (POST marks one asked); what was asked, for both."""
    viewer = request.user
    meeting = access.meeting_for(viewer, meeting_id)
    category = request.POST.get("category") or request.GET.get("category") or None
    if category is not None and category not in QUESTION_CATEGORIES:
        return refuse("Unknown question category.")
    if request.method == "POST":
        access.coaching_check_manager(viewer, meeting)
        org_id = request.POST.get("org_question_id", "")

        def write() -> None:
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
                    org_question_id=int(org_id) if org_id.isdecimal() else None,
                    answer=request.POST.get("answer", ""),
                )

        if refusal := _panel_write(write):
            return refusal
        kept = None
    else:
        kept = stashed(request, f"meeting:{meeting.pk}:questions")
    state = kept["state"] if kept else {}
    panel = selectors.questions_panel(viewer, meeting, category)
    return render_panel(
        request,
        "web/coaching/questions.html",
        panel,
        title="Questions",
        meeting=meeting,
        own_typed=state.get("typed", {}),
        own_error=state.get("error", ""),
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
        if is_htmx(request) or meeting is None:
            return refuse(str(error))
        typed = {"category_key": category, "text": request.POST.get("text", "")}
        back = _questions_url(meeting, category)
        key = f"meeting:{meeting.pk}:questions"
        return back_with(request, back, key, typed=typed, error=str(error))
    if meeting is None:
        return redirect("framework")
    if not is_htmx(request):  # a plain form: the panel's own address, so a reload is a GET
        return see_other(_questions_url(meeting, category))
    panel = selectors.questions_panel(viewer, meeting, category)
    return render_page(request, "web/coaching/questions.html", panel, own_typed={}, own_error="")


def _questions_url(meeting: Meeting, category: str) -> str:
    query = f"?category={category}" if category in QUESTION_CATEGORIES else ""
    return f"{reverse('meeting_questions', args=[meeting.pk])}{query}#coaching-questions"


# Feedback --------------------------------------------------------------------------


@person_view("GET", "POST")
def feedback(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Feedback given in this meeting; POST gives feedback or marks one received."""
    viewer = request.user
    meeting = found_for_method(request, access.meeting_for, meeting_id, access.meeting_check_change)
    if request.method == "POST":
        if request.POST.get("feedback_id"):
            record = access.feedback_for(viewer, request.POST["feedback_id"])
            if record.meeting_id != meeting.pk:
                return refuse("That feedback belongs to another meeting.", 404)
            mark = request.POST.get("mark")
            if mark not in ("acknowledged", "acted_on"):
                return refuse("Mark feedback as acknowledged or acted on.")
            value = {mark: request.POST.get("value") == "1"}
            write = partial(services.feedback_mark, actor=viewer, feedback=record, **value)
        else:
            write = partial(
                services.feedback_give,
                actor=viewer,
                meeting=meeting,
                kind=request.POST.get("kind", ""),
                situation=request.POST.get("situation", ""),
                behaviour=request.POST.get("behaviour", ""),
                impact=request.POST.get("impact", ""),
            )
        if refusal := _panel_write(write):
            return refusal
    panel = selectors.feedback_panel(viewer, meeting)
    return render_panel(
        request, "web/coaching/feedback.html", panel, title="Feedback", meeting=meeting
    )


# Difficult conversations -------------------------------------------------------------


@person_view("GET")
def playbooks(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The four playbooks for the manager; the IC sees only their open plan, if any.

    Without htmx a plan's form comes back here (303): a refusal's reason and what was typed
    are read once from the session."""
    meeting = access.meeting_for(request.user, meeting_id)
    panel = selectors.playbooks_panel(request.user, meeting, request.GET.get("playbook", ""))
    kept = stashed(request, f"meeting:{meeting.pk}:plan") or {"state": {}}
    return render_panel(
        request,
        "web/coaching/playbooks.html",
        panel,
        title="Difficult conversations",
        meeting=meeting,
        plan_typed=kept["state"].get("typed", {}),
        plan_error=kept["state"].get("error", ""),
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
        if is_htmx(request) or getattr(error, "status", 400) != 400:
            return refuse(str(error), getattr(error, "status", 400))
        typed = {name: request.POST.get(name, "") for name in ("expectations", "ends_on")}
        return back_with(
            request, _plan_url(meeting), f"meeting:{meeting.pk}:plan", typed=typed, error=str(error)
        )
    if not is_htmx(request):  # a plain form: the panel's own address, so a reload is a GET
        return see_other(_plan_url(meeting))
    panel = selectors.playbooks_panel(viewer, meeting, "underperforming")
    return render_page(request, "web/coaching/playbooks.html", panel, plan_typed={}, plan_error="")


def _plan_url(meeting: Meeting) -> str:
    panel = reverse("meeting_playbooks", args=[meeting.pk])
    return f"{panel}?playbook=underperforming#coaching-playbooks"


# Remote ------------------------------------------------------------------------------


@person_view("GET")
def remote(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The seed's remote practices, for a 1:1 with a remote report."""
    meeting = access.meeting_for(request.user, meeting_id)
    panel = selectors.remote_panel(request.user, meeting)
    return render_panel(
        request, "web/coaching/remote.html", panel, title="Remote practices", meeting=meeting
    )
