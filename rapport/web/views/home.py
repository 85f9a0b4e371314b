"""Home: a manager's reports at a glance, and the IC's own next 1:1."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from rapport.growth.services import ic_prompts, preparation_status
from rapport.insights.selectors import retrospective_prompt_for
from rapport.meetings import selectors, wording
from rapport.web.views.common import person_view


@person_view("GET")
def home(request: HttpRequest) -> HttpResponse:
    viewer = request.user
    reports = selectors.managed_overviews(viewer)
    preparation = preparation_status(row.next_meeting for row in reports if row.next_meeting)
    soon = timezone.now() + dt.timedelta(days=3)
    context = {
        "reports": reports,
        "preparation": preparation,
        "unprepared": [
            row
            for row in reports
            if row.next_meeting
            and row.next_meeting.scheduled_at <= soon
            and not preparation[row.next_meeting.pk].manager_prepared
        ],
        "needs_attention": [row for row in reports if row.warnings],
        "own": selectors.own_overviews(viewer),
        "my_items": selectors.open_items_of(viewer),
        "past_meetings": selectors.past_meetings_of(viewer, as_report=True),
        "ended_series": selectors.ended_series_of(viewer),
        "ic_preparation": ic_prompts(),
        "own_meeting": wording.OWN_MEETING,
        "retrospective_prompt": retrospective_prompt_for(viewer),
    }
    return render(request, "web/home.html", context)
