"""The report page: the timeline of one 1:1, its open items, and its cadence against the level's."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from rapport import access
from rapport.errors import Refused
from rapport.growth.selectors import series_page
from rapport.meetings import services
from rapport.meetings.models import Series
from rapport.people.models import AuditEvent
from rapport.web.audit import record_read
from rapport.web.forms import CadenceForm
from rapport.web.views.common import person_view, render_page


def _page(
    request: HttpRequest, series: Series, form: CadenceForm | None = None, *, status: int = 200
) -> HttpResponse:
    """The series page; `?all=1` lists every past meeting, `?suggest=<key>` fills the form."""
    page = series_page(
        request.user,
        series,
        show_all=request.GET.get("all") == "1",
        suggest=request.GET.get("suggest", ""),
    )
    form = form or CadenceForm(initial=page.cadence_initial)
    return render_page(request, "web/meeting/series.html", page, cadence_form=form, status=status)


@person_view("GET")
def series(request: HttpRequest, series_id: int) -> HttpResponse:
    found = access.series_for(request.user, series_id)
    record_read(request, AuditEvent.Action.SERIES_VIEW, subject=found.report, target=found)
    return _page(request, found)


@person_view("POST")
def cadence(request: HttpRequest, series_id: int) -> HttpResponse:
    found = access.series_for_manager(request.user, series_id)
    form = CadenceForm(request.POST)
    if form.is_valid():
        try:
            services.series_update_cadence(actor=request.user, series=found, **form.cleaned_data)
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Cadence saved: the upcoming meetings follow it.")
            return redirect("series", found.pk)
        found = access.series_for(request.user, series_id)  # undo the service's in-memory edits
    return _page(request, found, form, status=400)
