"""Privacy for org admins: the audit trail's counts, the erasure rule, erasing a person."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from rapport import access
from rapport.errors import Refused
from rapport.people import selectors as people_selectors
from rapport.people.models import ErasureRule, Person
from rapport.privacy import services
from rapport.web.views.common import person_view, written


@person_view("GET")
def privacy(request: HttpRequest) -> HttpResponse:
    """What the audit trail holds, as counts per kind and month; never who read whom."""
    events = access.audit_events_counted_for(request.user)
    context = {
        "months": people_selectors.audit_counts(events),
        "rules": ErasureRule.choices,
        "rule": request.user.organisation.erasure_rule,
    }
    return render(request, "web/people/privacy.html", context)


@person_view("POST")
def erasure_rule(request: HttpRequest) -> HttpResponse:
    """Choose what erasing someone does to the 1:1s they shared."""
    return written(
        request,
        reverse("privacy"),
        lambda: services.erasure_rule_set(actor=request.user, rule=request.POST.get("rule", "")),
        message="Saved: erasing someone follows this rule from now on.",
        follow_next=False,
    )


@person_view("GET", "POST")
def person_erase(request: HttpRequest, person_id: int) -> HttpResponse:
    """Ask the admin to confirm by typing the person's name, then erase them."""
    viewer = request.user
    subject = access.person_for_erasure(viewer, person_id)
    error = None
    if request.method == "POST":
        if request.POST.get("confirm_name", "").strip() != subject.name:
            error = f"Type {subject.name}'s name exactly to confirm."
        else:
            try:
                services.person_erase(actor=viewer, person=subject)
            except Refused as refusal:
                error = str(refusal)
            else:
                messages.success(
                    request, "Erased: their data is gone, and they appear as a former team member."
                )
                return redirect("people")
    return _erase_page(request, viewer, subject, error)


def _erase_page(
    request: HttpRequest, viewer: Person, subject: Person, error: str | None
) -> HttpResponse:
    try:
        services.erasure_check(viewer, subject)
        blocked = None
    except Refused as refusal:
        blocked = str(refusal)
    context = {
        "subject": subject,
        "rule": viewer.organisation.erasure_rule,
        "blocked": blocked,
        "error": error,
    }
    return render(request, "web/people/person_erase.html", context, status=400 if error else 200)
