"""The framework page: every rule Rapport follows, in one place."""

from __future__ import annotations

from types import SimpleNamespace

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from rapport.framework import (
    agenda,
    cadence,
    checklists,
    documentation,
    indicators,
    levels,
    playbooks,
    questions,
    remote,
)
from rapport.web.views.common import person_view

FRAMEWORK = SimpleNamespace(
    levels=levels,
    cadence=cadence,
    agenda=agenda,
    questions=questions,
    checklists=checklists,
    documentation=documentation,
    playbooks=playbooks,
    remote=remote,
    indicators=indicators,
)


@person_view("GET")
def framework(request: HttpRequest) -> HttpResponse:
    context = {"fw": FRAMEWORK, "insights_url": reverse("insights")}
    return render(request, "web/framework.html", context)
