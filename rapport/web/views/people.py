"""The people pages: the roster each person may read, and the org admin's invitations and edits."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from rapport import access
from rapport.errors import Refused
from rapport.meetings import services as reporting
from rapport.people import services
from rapport.people.models import Person
from rapport.web.forms import InviteForm, PersonForm, RosterForm
from rapport.web.views.common import person_view

ROSTER_EXAMPLE = (
    "email,name,level,manager_email,timezone,remote\n"
    "dana@example.com,Dana Director,,,Europe/Paris,no\n"
    "maya@example.com,Maya Manager,senior,dana@example.com,Europe/Paris,no\n"
    "rui@example.com,Rui Report,junior,maya@example.com,America/New_York,yes\n"
)


@dataclass
class Team:
    """The people who report to one manager (or to nobody), for the grouped roster."""

    manager: Person | None
    people: list[Person]


# The roster ------------------------------------------------------------------------


@person_view("GET")
def people(request: HttpRequest) -> HttpResponse:
    """The roster the viewer may read; org admins also invite and import here."""
    return _people_page(request)


@person_view("POST")
def invite(request: HttpRequest) -> HttpResponse:
    """Invite one person; the page then shows their set-password link."""
    viewer = request.user
    access.organisation_for_admin(viewer)  # refused before the form is even read
    form = InviteForm(request.POST, managers=_managers(viewer))
    if form.is_valid():
        try:
            person = reporting.report_invite(actor=viewer, **form.cleaned_data)
        except Refused as error:
            form.add_error(None, str(error))
        else:
            link = services.set_password_url(person)
            return _people_page(request, invited=person, invite_link=link)
    return _people_page(request, invite_form=form, status=400)


@person_view("POST")
def roster_import(request: HttpRequest) -> HttpResponse:
    """Create or update everyone in an uploaded roster CSV, or explain every bad line."""
    viewer = request.user
    organisation = access.organisation_for_admin(viewer)
    form = RosterForm(request.POST, request.FILES)
    if not form.is_valid():
        return _people_page(request, roster_form=form, status=400)
    try:
        result = reporting.roster_apply(
            actor=viewer,
            organisation=organisation,
            text=form.cleaned_data["file"],
            send_invites=form.cleaned_data["send_invites"],
        )
    except services.RosterErrors as errors:
        return _people_page(request, roster_form=form, roster_errors=errors.errors, status=400)
    except Refused as error:
        form.add_error(None, str(error))
        return _people_page(request, roster_form=form, status=400)
    links = [(person, services.set_password_url(person)) for person in result.created]
    emailed = form.cleaned_data["send_invites"] and settings.EMAIL_ENABLED
    return _people_page(request, roster_result=result, roster_links=links, roster_emailed=emailed)


def _people_page(
    request: HttpRequest,
    *,
    status: int = 200,
    invite_form: InviteForm | None = None,
    roster_form: RosterForm | None = None,
    **extra: Any,
) -> HttpResponse:
    viewer = request.user
    order = "name" if request.GET.get("order") == "name" else "team"
    roster = list(access.people_visible_to(viewer).order_by("-is_active", "name", "pk"))
    _count_reports(roster, viewer)
    context = {
        "roster": roster,
        "teams": _teams(roster),
        "order": order,
        "visible_ids": {person.pk for person in roster},
        "counts": _counts(roster),
        "is_admin": viewer.is_org_admin,
        "roster_example": ROSTER_EXAMPLE,
        "invited": None,
        "invite_link": None,
        "roster_result": None,
        "roster_links": [],
        "roster_errors": [],
        "roster_emailed": False,
        "link_lifetime": services.link_lifetime(),
        **extra,
    }
    if viewer.is_org_admin:
        context["invite_form"] = invite_form or InviteForm(
            managers=_managers(viewer), initial={"timezone": viewer.timezone}
        )
        context["roster_form"] = roster_form or RosterForm()
    return render(request, "web/people/people.html", context, status=status)


def _teams(roster: list[Person]) -> list[Team]:
    """The roster grouped by manager, teams in org-chart order (top down)."""
    by_manager: dict[int | None, list[Person]] = defaultdict(list)
    for person in roster:
        by_manager[person.manager_id].append(person)
    visible = {person.pk: person for person in roster}
    # Teams whose manager the viewer cannot see (or who have none) start the chart.
    tops = [key for key in by_manager if key is None or key not in visible]
    tops.sort(key=lambda key: "" if key is None else by_manager[key][0].manager.name.lower())
    # Any team the walk cannot reach (only a reporting cycle made outside Rapport could do
    # that) still shows, last.
    rest = [key for key in by_manager if key not in tops]
    teams, stack, placed = [], [*reversed(rest), *reversed(tops)], set()
    while stack:
        key = stack.pop()
        if key in placed:
            continue
        placed.add(key)
        members = by_manager[key]
        manager = visible.get(key) if key is not None else None
        if key is not None and manager is None:
            manager = members[0].manager
        teams.append(Team(manager=manager, people=members))
        # Depth first: each manager's own team follows the team they are in.
        stack.extend(reversed([p.pk for p in members if p.pk in by_manager]))
    return teams


def _count_reports(roster: list[Person], viewer: Person) -> None:
    """Set report_count where the viewer sees all of someone's reports, else None."""
    counts = access.report_counts_for(viewer, roster)
    for person in roster:
        person.report_count = counts[person.pk]


def _counts(roster: list[Person]) -> dict[str, int]:
    active = [person for person in roster if person.is_active]
    return {
        "people": len(active),
        "managers": sum(1 for person in active if person.report_count),
        "invited": sum(1 for person in active if not person.has_usable_password()),
        "inactive": len(roster) - len(active),
    }


def _managers(viewer: Person, *, person: Person | None = None) -> QuerySet[Person]:
    """Who can be chosen as a manager: active people of the organisation."""
    candidates = access.people_visible_to(viewer).filter(is_active=True)
    if person is None:
        return candidates.order_by("name")
    # A deactivated current manager stays selectable so an edit does not silently drop them.
    return (
        access.people_visible_to(viewer)
        .filter(Q(is_active=True) | Q(pk=person.manager_id))
        .exclude(pk=person.pk)
        .order_by("name")
    )


# One person ------------------------------------------------------------------------


@person_view("GET", "POST")
def person(request: HttpRequest, person_id: int) -> HttpResponse:
    """A person's details; org admins change them here."""
    viewer = request.user
    subject = access.person_for(viewer, person_id)
    if request.method == "GET":
        return _person_page(request, subject, confirm=request.GET.get("confirm", ""))
    subject = access.person_for_admin(viewer, person_id)
    form = PersonForm(request.POST, managers=_managers(viewer, person=subject))
    if form.is_valid():
        old_manager = subject.manager
        try:
            reporting.report_update(actor=viewer, person=subject, **form.cleaned_data)
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _updated_message(subject, old_manager))
            return redirect("person", subject.pk)
    subject = access.person_for(viewer, person_id)  # as saved, not as submitted
    return _person_page(request, subject, form=form, status=400)


def _updated_message(person: Person, old_manager: Person | None) -> str:
    new_manager = person.manager
    if getattr(old_manager, "pk", None) == person.manager_id:
        return f"{person.name}'s details are saved."
    ended = (
        f" Their 1:1 with {old_manager.name} has ended; its history stays readable."
        if old_manager
        else ""
    )
    if new_manager is None:
        return f"{person.name} no longer has a manager.{ended}"
    started = (
        f" A new 1:1 with {new_manager.name} has started."
        if person.is_active and new_manager.is_active
        else ""
    )
    return f"{person.name} now reports to {new_manager.name}.{ended}{started}"


@person_view("POST")
def deactivate(request: HttpRequest, person_id: int) -> HttpResponse:
    """Stop someone signing in, once confirmed; their history stays."""
    viewer = request.user
    subject = access.person_for_admin(viewer, person_id)
    if request.POST.get("confirm") != "yes":
        # Without the confirmation step's answer nothing happens: ask on the person's page.
        return redirect(reverse("person", args=[subject.pk]) + "?confirm=deactivate#deactivate")
    try:
        reporting.report_deactivate(actor=viewer, person=subject)
    except Refused as error:
        return _person_page(request, subject, error=str(error), status=400)
    messages.success(
        request,
        f"{subject.name} is deactivated: they can no longer sign in. "
        "Their 1:1 has ended and its history is kept.",
    )
    return redirect("person", subject.pk)


@person_view("POST")
def reactivate(request: HttpRequest, person_id: int) -> HttpResponse:
    """Let a deactivated person sign in again."""
    viewer = request.user
    subject = access.person_for(viewer, person_id)
    try:
        reporting.report_reactivate(actor=viewer, person=subject)
    except Refused as error:
        return _person_page(request, subject, error=str(error), status=400)
    resumed = f" A 1:1 with {subject.manager.name} is open again." if subject.manager else ""
    messages.success(request, f"{subject.name} can sign in again.{resumed}")
    return redirect("person", subject.pk)


@person_view("POST")
def invite_link(request: HttpRequest, person_id: int) -> HttpResponse:
    """Show a fresh set-password link, for someone who has not chosen a password yet."""
    viewer = request.user
    subject = access.person_for(viewer, person_id)
    try:
        link = services.person_invite_link(actor=viewer, person=subject)
    except Refused as error:
        return _person_page(request, subject, error=str(error), status=400)
    return _person_page(request, subject, invite_link=link)


@person_view("POST")
def reset_send(request: HttpRequest, person_id: int) -> HttpResponse:
    """Mail someone a link to choose a new password; only they receive it."""
    viewer = request.user
    subject = access.person_for(viewer, person_id)
    try:
        services.person_reset_send(actor=viewer, person=subject)
    except Refused as error:
        return _person_page(request, subject, error=str(error), status=400)
    messages.success(
        request,
        f"A link to choose a new password is on its way to {subject.email}; only they receive it.",
    )
    return redirect("person", subject.pk)


def _person_page(
    request: HttpRequest,
    subject: Person,
    *,
    form: PersonForm | None = None,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    viewer = request.user
    visible = access.people_visible_to(viewer)
    context = {
        "subject": subject,
        "is_self": subject.pk == viewer.pk,
        "is_admin": viewer.is_org_admin,
        "manager_visible": bool(subject.manager_id)
        and visible.filter(pk=subject.manager_id).exists(),
        "reports": list(visible.filter(manager=subject).order_by("-is_active", "name")),
        "series_list": list(
            access.series_visible_to(viewer)
            .filter(Q(report=subject) | Q(manager=subject))
            .order_by(F("ended_on").desc(nulls_first=True), "-started_on")
        ),
        "has_password": subject.has_usable_password(),
        "error": None,
        "invite_link": None,
        "link_lifetime": services.link_lifetime(),
        "confirm": "",
        **extra,
    }
    if viewer.is_org_admin:
        context["form"] = form or PersonForm.for_person(
            subject, managers=_managers(viewer, person=subject)
        )
    return render(request, "web/people/person.html", context, status=status)
