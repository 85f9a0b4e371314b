"""The report page: the timeline of one 1:1, its open items, and its cadence against the level's."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from rapport import access
from rapport.errors import Refused
from rapport.growth.selectors import cadence_form_page, series_page
from rapport.meetings import services
from rapport.meetings.models import Series
from rapport.people.models import AuditEvent
from rapport.web.audit import record_read
from rapport.web.forms import CadenceForm
from rapport.web.views.common import (
    OUTSIDE_HOURS_TITLE,
    asked_again,
    confirm_page,
    is_confirmed,
    is_htmx,
    person_view,
    render_page,
    see_other,
    url_with,
)


def _page(request: HttpRequest, series: Series) -> HttpResponse:
    """The series page; `?page=<n>` shows older meetings, `?suggest=<key>` fills the form,
    `?preview=1` shows the next meetings of the cadence in the query, `?cadence=1` opens
    the form."""
    page = series_page(
        request.user,
        series,
        past_page=request.GET.get("page", 1),
        suggest=request.GET.get("suggest", ""),
    )
    preview = _cadence_preview(request, series)
    form = preview.get("cadence_form")
    if form is None and (page.applied or "cadence" in request.GET):
        form = CadenceForm(initial=page.cadence_initial)
    # Without a form here, the page loads it when the manager opens it (`cadence`).
    return render_page(
        request,
        "web/meeting/series.html",
        page,
        cadence_form=form,
        cadence_preview=preview.get("cadence_preview"),
    )


def _cadence_preview(request: HttpRequest, series: Series) -> dict[str, Any]:
    """`?preview=1&<cadence fields>`: the next meetings a cadence would give, or its errors."""
    if "preview" not in request.GET or not access.is_manager_in(request.user, series):
        return {}
    form = CadenceForm(request.GET)
    planned: list[services.PlannedMeeting] = []
    if form.is_valid():
        try:
            planned = services.series_cadence_preview(
                actor=request.user, series=series, choice=form.choice()
            )
        except Refused as error:
            form.add_error(None, str(error))
    return {"cadence_form": form, "cadence_preview": planned}


@person_view("GET")
def series(request: HttpRequest, series_id: int) -> HttpResponse:
    found = access.series_for(request.user, series_id)
    record_read(request, AuditEvent.Action.SERIES_VIEW, subject=found.report, target=found)
    return _page(request, found)


@person_view("GET", "POST")
def cadence(request: HttpRequest, series_id: int) -> HttpResponse:
    """GET: the cadence form alone, loaded into the series page as its manager opens it (or,
    opened as a page, the question about a time outside working hours while it waits, else
    the series page with the form open). POST: the cadence saved, or, at such a time, a 303
    to that question."""
    if request.method != "POST":
        found = access.open_series_managed_by(request.user, series_id)
        if not is_htmx(request):  # the form's own address opened as a page
            return asked_again(request, back=_cadence_form_url(found))
        page = cadence_form_page(request.user, found)
        form = CadenceForm(initial=page.cadence_initial)
        return render_page(request, "web/meeting/cadence_form.html", page, cadence_form=form)
    found = access.series_for_manager(request.user, series_id)
    form = CadenceForm(request.POST)
    if form.is_valid():
        choice = form.choice()
        asked = (
            f"outside-hours:series-{found.pk}:{choice.weekday}:{choice.start_time}:"
            f"{choice.duration_minutes}"
        )
        try:
            services.series_update_cadence(
                actor=request.user,
                series=found,
                choice=choice,
                ask_if_outside_hours=not is_confirmed(request, asked),
            )
        except services.NeedsConfirmation as question:
            return confirm_page(
                request,
                str(question),
                title=OUTSIDE_HOURS_TITLE,
                confirm_label="Keep this cadence",
                back=_preview_url(found, form),
                asked=asked,
            )
        except Refused:
            pass  # the preview says why, below
        else:
            messages.success(request, "Cadence saved: the upcoming meetings follow it.")
            return redirect("series", found.pk)
    # Refused or not valid: the preview there says why, on the page's own address.
    return see_other(_preview_url(found, form))


def _cadence_form_url(series: Series) -> str:
    """The series page with its cadence form open."""
    return reverse("series", args=[series.pk]) + "?cadence=1#cadence-form"


def _preview_url(series: Series, form: CadenceForm) -> str:
    """The series page previewing the cadence as it was sent (errors, if any, said there)."""
    return url_with(reverse("series", args=[series.pk]), form, anchor="cadence-form", preview="1")
