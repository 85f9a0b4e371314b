"""Home: a manager's reports at a glance, and the IC's own next 1:1."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from rapport.growth.selectors import home_page
from rapport.insights.selectors import retrospective_prompt_for
from rapport.web.views.common import person_view, render_page


@person_view("GET")
def home(request: HttpRequest) -> HttpResponse:
    return render_page(
        request,
        "web/home.html",
        home_page(request.user),
        retrospective_prompt=retrospective_prompt_for(request.user),
    )
