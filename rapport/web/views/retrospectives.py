"""Retrospectives: the report answers the guide's four questions; their manager replies."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from rapport import access
from rapport.errors import Refused
from rapport.framework import retrospectives as rules
from rapport.insights import selectors, services
from rapport.web import charts
from rapport.web.views.common import person_view, written
from rapport.web.views.insights import RATING_SCALE


def _render(request, page, *, error="", values=None, status=200) -> HttpResponse:
    chart = charts.line_chart(
        "Retrospective rating (1–5)",
        page.ratings,
        chart_id="retro-rating",
        **RATING_SCALE,
    )
    context = {
        "page": page,
        "questions": rules.QUESTIONS,
        "rating_question": rules.RATING_QUESTION,
        "answer_max": rules.ANSWER_MAX_CHARS,
        "reply_max": rules.REPLY_MAX_CHARS,
        "chart": chart,
        "error": error,
        "values": values or {},
    }
    return render(request, "web/insights/retrospectives.html", context, status=status)


@person_view("GET", "POST")
def retrospectives(request: HttpRequest, series_id: int) -> HttpResponse:
    """A relationship's retrospectives, with the form for the report to answer one."""
    viewer = request.user
    series = access.insight_series_for(viewer, series_id)
    page = selectors.retrospective_page(viewer, series)
    if request.method == "GET":
        return _render(request, page)
    values = {key: request.POST.get(key, "") for key, _ in rules.QUESTIONS}
    values["rating"] = request.POST.get("rating", "")
    try:
        services.retrospective_answer(
            actor=viewer, series=series, answers=values, rating=values["rating"]
        )
    except Refused as refusal:
        return _render(request, page, error=str(refusal), values=values, status=400)
    messages.success(request, f"Thank you: {series.manager.first_name} sees your answers now.")
    return redirect("retrospectives", series_id=series.pk)


@person_view("POST")
def retrospective_reply(request: HttpRequest, retrospective_id: int) -> HttpResponse:
    """The manager's one-line reply to a retrospective."""
    viewer = request.user
    retrospective = access.retrospective_for(viewer, retrospective_id)
    report = retrospective.series.report
    return written(
        request,
        reverse("retrospectives", kwargs={"series_id": retrospective.series_id}),
        lambda: services.retrospective_reply(
            actor=viewer, retrospective=retrospective, reply=request.POST.get("reply", "")
        ),
        message=f"Reply saved: {report.first_name} sees it under their answers.",
        follow_next=False,
    )
