"""Days away: a person lists and marks their own; 1:1s on them get flagged to move."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from rapport import access
from rapport.meetings import selectors
from rapport.people import services
from rapport.web.forms import AbsenceForm
from rapport.web.views.common import form_saved, person_view

UPCOMING_LIMIT = 40
# Session key: the days-away entries this browser removed last, so a second "Remove" of one
# lands back on the page; any other id that is not the person's own stays a 404.
REMOVED = "rapport_absences_removed"


def _page(request: HttpRequest, form: AbsenceForm, status: int = 200) -> HttpResponse:
    viewer = request.user
    today = timezone.localdate()
    context = {
        "form": form,
        "absences": list(access.absences_visible_to(viewer).filter(ends_on__gte=today)),
        "flagged": selectors.meetings_to_move(viewer, limit=UPCOMING_LIMIT),
        "viewer": viewer,
    }
    return render(request, "web/away.html", context, status=status)


@person_view("GET", "POST")
def away(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request, AbsenceForm())
    form = AbsenceForm(request.POST)
    add = partial(services.absence_add, actor=request.user)
    if form_saved(request, form, add, "Days away saved: 1:1s on them are flagged to move."):
        return redirect("away")
    return _page(request, form, status=400)


@person_view("POST")
def away_remove(request: HttpRequest, absence_id: int) -> HttpResponse:
    removed = request.session.get(REMOVED, [])
    if absence_id in removed:
        # Removed already from this browser (a "Remove" sent twice): nothing left to do.
        return redirect("away")
    found = access.absence_for(request.user, absence_id)
    services.absence_remove(actor=request.user, absence=found)
    request.session[REMOVED] = [*removed[-9:], absence_id]
    messages.success(request, "Days away removed.")
    return redirect("away")
