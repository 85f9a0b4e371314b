"""The people pages: the roster each person may read, and the org admin's invitations and edits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial, wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from rapport import access
from rapport.errors import Refused
from rapport.meetings import selectors as meeting_selectors
from rapport.meetings import services as reporting
from rapport.people import selectors, services
from rapport.people.models import AuditEvent, Person
from rapport.web.audit import record_read
from rapport.web.forms import InviteForm, PersonForm, RosterForm, options_html
from rapport.web.views.common import (
    back_with,
    form_saved,
    person_view,
    render_page,
    restored,
    stashed,
)

PersonAction = Callable[[HttpRequest, int], HttpResponse]

# What a POST on the people page did, shown above the roster (nothing on a plain GET).
NO_OUTCOME: dict[str, Any] = {
    "invited": None,
    "invite_link": None,
    "roster_result": None,
    "roster_links": [],
    "roster_errors": [],
    "roster_emailed": False,
}


# The roster ------------------------------------------------------------------------


@person_view("GET")
def people(request: HttpRequest) -> HttpResponse:
    """The roster the viewer may read; org admins also invite and import here.

    After an invitation or an import the browser comes back here (303): what it did, or
    the refused form with its errors, is read once from the session."""
    viewer = request.user
    outcome: dict[str, Any] = {}
    if kept := stashed(request, "people:invite"):
        if kept["state"].get("invited"):
            outcome["invited"] = access.person_for(viewer, kept["state"]["invited"])
            outcome["invite_link"] = kept["state"]["link"]
        else:
            outcome["invite_form"] = restored(
                InviteForm, kept, managers=selectors.manager_choices(viewer)
            )
    elif kept := stashed(request, "people:import"):
        state = kept["state"]
        if "imported" in state:
            outcome.update(_roster_outcome(viewer, **state["imported"]))
        else:
            outcome["roster_form"] = restored(RosterForm, kept)
            outcome["roster_errors"] = [tuple(error) for error in state["errors"]]
    return _people_page(request, **outcome)


@person_view("GET")
def manager_suggestions(request: HttpRequest) -> HttpResponse:
    """The manager box's suggestions for what is typed in it (`<option>`s, for htmx)."""
    viewer = request.user
    access.check_admin_reads(viewer)
    typed = request.GET.get("manager", "")
    return HttpResponse(options_html(selectors.manager_suggestions(viewer, query=typed)))


def _people_url(anchor: str) -> str:
    return f"{reverse('people')}#{anchor}"


@person_view("POST")
def invite(request: HttpRequest) -> HttpResponse:
    """Invite one person; the page then shows their set-password link."""
    viewer = request.user
    access.organisation_for_admin(viewer)  # refused before the form is even read
    form = InviteForm(
        request.POST,
        managers=selectors.manager_choices(viewer),
        suggested=selectors.manager_suggestions(viewer),
    )
    if form.is_valid():
        now = timezone.now()  # one moment: the link shown is the very link mailed
        try:
            person = reporting.report_invite(actor=viewer, now=now, **form.cleaned_data)
        except Refused as error:
            form.add_error(None, str(error))
        else:
            link = services.set_password_url(person, now=now)
            return back_with(
                request, _people_url("invited-title"), "people:invite", invited=person.pk, link=link
            )
    return back_with(request, _people_url("invite"), "people:invite", form)


@person_view("POST")
def roster_import(request: HttpRequest) -> HttpResponse:
    """Create or update everyone in an uploaded roster CSV, or explain every bad line."""
    viewer = request.user
    organisation = access.organisation_for_admin(viewer)
    form = RosterForm(request.POST, request.FILES)
    back = _people_url("import")
    if not form.is_valid():
        return back_with(request, back, "people:import", form, errors=[])
    now = timezone.now()  # one moment: the links shown are the very links mailed
    try:
        result = reporting.roster_apply(
            now=now,
            actor=viewer,
            organisation=organisation,
            text=form.cleaned_data["file"],
            send_invites=form.cleaned_data["send_invites"],
        )
    except services.RosterErrors as errors:
        lines = [list(error) for error in errors.errors]
        return back_with(request, back, "people:import", form, errors=lines)
    except Refused as error:
        form.add_error(None, str(error))
        return back_with(request, back, "people:import", form, errors=[])
    # Only ids, counts and the moment are kept: the links are made again from them, the
    # file is never stored, and a reload of the page shows the outcome once, never re-imports.
    imported = {
        "created": [person.pk for person in result.created],
        "updated": [person.pk for person in result.updated],
        "unchanged": result.unchanged,
        "at": now.isoformat(),
        "emailed": bool(form.cleaned_data["send_invites"] and settings.EMAIL_ENABLED),
    }
    return back_with(request, _people_url("imported-title"), "people:import", imported=imported)


def _roster_outcome(
    viewer: Person,
    *,
    created: list[int],
    updated: list[int],
    unchanged: int,
    at: str,
    emailed: bool,
) -> dict[str, Any]:
    """The import's outcome as the people page shows it, from what `roster_import` kept."""
    result = selectors.roster_outcome(viewer, created=created, updated=updated, unchanged=unchanged)
    now = dt.datetime.fromisoformat(at)
    links = selectors.set_password_links(result.created, now=now)
    return {"roster_result": result, "roster_links": links, "roster_emailed": emailed}


def _people_page(
    request: HttpRequest,
    *,
    status: int = 200,
    invite_form: InviteForm | None = None,
    roster_form: RosterForm | None = None,
    **outcome: Any,
) -> HttpResponse:
    viewer = request.user
    page = selectors.people_page(
        viewer,
        order=request.GET.get("order", "team"),
        query=request.GET.get("q", ""),
        page=request.GET.get("page", 1),
    )
    forms: dict[str, Any] = {}
    if page.is_admin:
        forms["invite_form"] = invite_form or InviteForm(
            managers=selectors.manager_choices(viewer),
            suggested=selectors.manager_suggestions(viewer),
            initial={"timezone": viewer.timezone},
        )
        forms["roster_form"] = roster_form or RosterForm()
    shown = NO_OUTCOME | outcome | forms
    return render_page(request, "web/people/people.html", page, status=status, **shown)


# One person ------------------------------------------------------------------------


@person_view("GET", "POST")
def person(request: HttpRequest, person_id: int) -> HttpResponse:
    """A person's details; org admins change them here."""
    viewer = request.user
    whole_roster = access.sees_whole_roster(viewer)
    subject = access.person_for(viewer, person_id, whole_roster=whole_roster)
    if request.method == "GET":
        record_read(request, AuditEvent.Action.PERSON_VIEW, subject=subject, target=subject)
        kept = stashed(request, f"person:{subject.pk}") or {"state": {}}
        return _person_page(
            request,
            subject,
            whole_roster=whole_roster,
            confirm=request.GET.get("confirm", ""),
            **kept["state"],
        )
    subject = access.person_for_admin(viewer, person_id)
    form = PersonForm(
        request.POST,
        managers=selectors.manager_choices(viewer, person=subject),
        suggested=selectors.manager_suggestions(viewer),
    )
    old_manager = subject.manager
    update = partial(reporting.report_update, actor=viewer, person=subject)
    if form_saved(request, form, update, lambda _: _updated_message(subject, old_manager)):
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


def _refusals_on_the_persons_page(view: PersonAction) -> PersonAction:
    """A refused action on someone's page is explained on that page, as saved, once (303)."""

    @wraps(view)
    def wrapper(request: HttpRequest, person_id: int) -> HttpResponse:
        try:
            return view(request, person_id)
        except Refused as error:
            subject = access.person_for(request.user, person_id)
            if error.status != 400:
                return _person_page(request, subject, error=str(error), status=error.status)
            # Explained on the person's own address: a reload is a GET, never a resend.
            return back_with(
                request, _person_url(subject), f"person:{subject.pk}", error=str(error)
            )

    return wrapper


def _person_action(
    find: Callable[[Person, object], Person] = access.person_for,
) -> Callable[[Callable[[HttpRequest, Person], HttpResponse]], PersonAction]:
    """A POST on someone's page: the view gets the person `find` gives the viewer (404 when
    hidden), and a refusal is explained on that person's page."""

    def decorate(view: Callable[[HttpRequest, Person], HttpResponse]) -> PersonAction:
        @person_view("POST")
        @_refusals_on_the_persons_page
        @wraps(view)
        def wrapper(request: HttpRequest, person_id: int) -> HttpResponse:
            return view(request, find(request.user, person_id))

        return wrapper

    return decorate


@_person_action(access.person_for_admin)
def deactivate(request: HttpRequest, subject: Person) -> HttpResponse:
    """Stop someone signing in, once confirmed; their history stays."""
    viewer = request.user
    if request.POST.get("confirm") != "yes":
        # Without the confirmation step's answer nothing happens: ask on the person's page.
        return redirect(reverse("person", args=[subject.pk]) + "?confirm=deactivate#deactivate")
    reporting.report_deactivate(actor=viewer, person=subject)
    messages.success(
        request,
        f"{subject.name} is deactivated: they can no longer sign in. "
        "Their 1:1 has ended and its history is kept.",
    )
    return redirect("person", subject.pk)


@_person_action()
def reactivate(request: HttpRequest, subject: Person) -> HttpResponse:
    """Let a deactivated person sign in again."""
    viewer = request.user
    reporting.report_reactivate(actor=viewer, person=subject)
    resumed = f" A 1:1 with {subject.manager.name} is open again." if subject.manager else ""
    messages.success(request, f"{subject.name} can sign in again.{resumed}")
    return redirect("person", subject.pk)


@_person_action()
def invite_link(request: HttpRequest, subject: Person) -> HttpResponse:
    """Show a fresh set-password link, for someone who has not chosen a password yet."""
    viewer = request.user
    link = services.person_invite_link(actor=viewer, person=subject)
    # Shown once on the person's page (as an invitation's link is on the people page): a
    # reload reads the page, never makes and mails another link.
    return back_with(
        request, f"{_person_url(subject)}#link-title", f"person:{subject.pk}", invite_link=link
    )


def _person_url(person: Person) -> str:
    return reverse("person", args=[person.pk])


@_person_action()
def reset_send(request: HttpRequest, subject: Person) -> HttpResponse:
    """Mail someone a link to choose a new password; only they receive it."""
    viewer = request.user
    services.person_reset_send(actor=viewer, person=subject)
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
    whole_roster: bool | None = None,
    **outcome: Any,
) -> HttpResponse:
    viewer = request.user
    page = meeting_selectors.person_page(viewer, subject, whole_roster=whole_roster)
    shown = {"error": None, "invite_link": None, "confirm": "", **outcome}
    if page.is_admin:
        shown["form"] = form or PersonForm.for_person(
            subject,
            managers=selectors.manager_choices(viewer, person=subject),
            suggested=selectors.manager_suggestions(viewer),
        )
    return render_page(request, "web/people/person.html", page, status=status, **shown)
