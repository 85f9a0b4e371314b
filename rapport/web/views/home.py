"""Home: a manager's reports at a glance, and the IC's own next 1:1."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from rapport.insights.selectors import home_page
from rapport.web.views.common import person_view, render_page


@person_view("GET")
def home(request: HttpRequest) -> HttpResponse:
    return render_page(request, "web/home.html", home_page(request.user))
