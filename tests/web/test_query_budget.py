"""Every signed-in page costs a fixed number of queries, whatever the size of the data,
and at most QUERY_CEILING of them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.growth.services.career import (
    development_plan_update,
    goal_create,
    goal_progress_add,
)
from rapport.meetings import services
from rapport.meetings.services import report_invite
from rapport.notifications import calendar

QUERY_CEILING = 12


def _pages(cast) -> dict[str, tuple[object, Callable[[], str]]]:
    series = cast.ray.series.get()
    meeting = series.meetings.filter(status="scheduled").order_by("scheduled_at").first()
    return {
        "manager home": (cast.mia, lambda: reverse("home")),
        "director home": (cast.dan, lambda: reverse("home")),
        "IC home": (cast.ray, lambda: reverse("home")),
        "admin home": (cast.ada, lambda: reverse("home")),
        "series page": (cast.mia, lambda: reverse("series", args=[series.pk])),
        "meeting, prepare": (
            cast.mia,
            lambda: reverse("meeting", args=[meeting.pk]) + "?mode=prepare",
        ),
        "meeting, run": (cast.mia, lambda: reverse("meeting", args=[meeting.pk]) + "?mode=run"),
        "meeting, wrap": (cast.mia, lambda: reverse("meeting", args=[meeting.pk]) + "?mode=wrap"),
        "action items": (cast.mia, lambda: reverse("my_action_items")),
        "people, admin": (cast.ada, lambda: reverse("people")),
        "people, manager": (cast.mia, lambda: reverse("people")),
        "people, admin, A-Z page 2": (cast.ada, lambda: reverse("people") + "?order=name&page=2"),
        "people, admin, a search": (cast.ada, lambda: reverse("people") + "?q=acme"),
        "manager suggestions": (cast.ada, lambda: reverse("manager_suggestions") + "?manager=m"),
        "person": (cast.ada, lambda: reverse("person", args=[cast.ray.pk])),
        "career page": (cast.mia, lambda: reverse("career", args=[series.pk])),
        "settings": (cast.mia, lambda: reverse("settings")),
        "framework": (cast.ray, lambda: reverse("framework")),
        "ladder": (cast.ray, lambda: reverse("ladder")),
        "days away": (cast.ray, lambda: reverse("away")),
        "privacy": (cast.ada, lambda: reverse("privacy")),
        "insights, manager": (cast.mia, lambda: reverse("insights")),
        "insights, director": (cast.dan, lambda: reverse("insights")),
        "insights, admin": (cast.ada, lambda: reverse("insights")),
        "insights, IC": (cast.ray, lambda: reverse("insights")),
        "relationship figures": (cast.mia, lambda: reverse("insights_series", args=[series.pk])),
        "own figures": (cast.ray, lambda: reverse("insights_series", args=[series.pk])),
        "insights thresholds": (cast.ada, lambda: reverse("insights_thresholds")),
        "retrospectives": (cast.mia, lambda: reverse("retrospectives", args=[series.pk])),
        "meeting career": (cast.mia, lambda: reverse("meeting_career", args=[meeting.pk])),
        "ladder export": (cast.ada, lambda: reverse("ladder_export")),
        "agenda": (cast.mia, lambda: reverse("meeting_agenda", args=[meeting.pk])),
        "recap": (cast.mia, lambda: reverse("meeting_recap", args=[meeting.pk])),
        "preparation": (cast.mia, lambda: reverse("meeting_prepare", args=[meeting.pk])),
        "questions": (cast.mia, lambda: reverse("meeting_questions", args=[meeting.pk])),
        "feedback guide": (cast.mia, lambda: reverse("meeting_feedback", args=[meeting.pk])),
        "playbooks": (cast.mia, lambda: reverse("meeting_playbooks", args=[meeting.pk])),
        "remote": (cast.mia, lambda: reverse("meeting_remote", args=[meeting.pk])),
        "talk": (cast.mia, lambda: reverse("meeting_talk", args=[meeting.pk])),
        "meeting invite": (cast.mia, lambda: reverse("meeting_invite", args=[meeting.pk])),
        "evidence packet": (cast.mia, lambda: reverse("career_packet", args=[series.pk])),
        "evidence packet, Markdown": (
            cast.mia,
            lambda: reverse("career_packet_md", args=[series.pk]),
        ),
        "goals": (cast.mia, lambda: reverse("series_goals", args=[series.pk])),
        "development plan": (cast.mia, lambda: reverse("development_plan", args=[series.pk])),
        "meeting goals": (cast.mia, lambda: reverse("meeting_goals", args=[meeting.pk])),
        "feedback log": (cast.mia, lambda: reverse("series_feedback", args=[series.pk])),
        "peer feedback": (cast.mia, lambda: reverse("series_peer", args=[series.pk])),
        "peer requests": (cast.rita, lambda: reverse("peer_requests")),
        "person erase": (cast.ada, lambda: reverse("person_erase", args=[cast.ray.pk])),
    }


PAGES = [
    "manager home",
    "director home",
    "IC home",
    "admin home",
    "series page",
    "meeting, prepare",
    "meeting, run",
    "meeting, wrap",
    "action items",
    "people, admin",
    "people, manager",
    "people, admin, A-Z page 2",
    "people, admin, a search",
    "manager suggestions",
    "person",
    "career page",
    "settings",
    "framework",
    "ladder",
    "days away",
    "privacy",
    "insights, manager",
    "insights, director",
    "insights, admin",
    "insights, IC",
    "relationship figures",
    "own figures",
    "insights thresholds",
    "retrospectives",
    "meeting career",
    "ladder export",
    "agenda",
    "recap",
    "preparation",
    "questions",
    "feedback guide",
    "playbooks",
    "remote",
    "talk",
    "meeting invite",
    "evidence packet",
    "evidence packet, Markdown",
    "goals",
    "development plan",
    "meeting goals",
    "feedback log",
    "peer feedback",
    "peer requests",
    "person erase",
]


# Pages that read the report's career records are measured with a goal set, its progress
# logged, and a development plan changed.
WITH_A_GOAL = {
    "evidence packet",
    "evidence packet, Markdown",
    "goals",
    "development plan",
    "career page",
    "meeting career",
    "meeting goals",
}


def _grow(cast, n: int) -> None:
    """More reports, held meetings, topics and items across the organisation."""
    for number in range(n):
        report_invite(
            actor=cast.ada,
            email=f"grown{number}@acme.test",
            name=f"Grown {number}",
            manager=cast.mia,
            level="confirmed",
        )
    for report in (cast.ray, cast.rita, cast.olga):
        series = report.series.get()
        manager = series.manager
        for meeting in list(series.meetings.filter(status="scheduled").order_by("scheduled_at"))[
            1 : n + 1
        ]:
            services.topic_add(actor=report, meeting=meeting, text="Topic")
            services.action_item_add(actor=manager, meeting=meeting, text="Item", owner=report)
            services.meeting_complete(actor=manager, meeting=meeting, held_minutes=30)


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    # A page's bookkeeping (visit, audit row) runs in its own atomic block so that a failed
    # write never fails the read: inside the test's transaction that block is a SAVEPOINT
    # pair, which a served request (autocommit) does not send.
    return sum("SAVEPOINT" not in query["sql"] for query in queries)


@pytest.mark.parametrize("name", PAGES)
def test_each_page_costs_the_same_few_queries_however_much_data(client_for, cast, name) -> None:
    viewer, url = _pages(cast)[name]
    if name in WITH_A_GOAL:
        goal = goal_create(actor=cast.mia, series=cast.ray.series.get(), title="Lead a design")
        goal_progress_add(actor=cast.ray, goal=goal, text="Drafted it", percent=40)
        development_plan_update(
            actor=cast.mia,
            series=cast.ray.series.get(),
            focus_areas=["delivery"],
            next_review_on=None,
            notes="Lead the next design review.",
        )
    client = client_for(viewer)
    _count(client, url())  # the first view may write an audit row; count from the next
    few = _count(client, url())
    _grow(cast, 4)
    _count(client, url())
    many = _count(client, url())
    assert many == few, f"{name}: {few} queries grew to {many}"
    assert many <= QUERY_CEILING


def test_the_calendar_feed_costs_the_same_few_queries_however_much_data(client, cast) -> None:
    token = calendar.calendar_token_regenerate(actor=cast.ray)
    url = reverse("calendar_feed", args=[token])
    few = _count(client, url)
    _grow(cast, 4)
    assert _count(client, url) == few <= QUERY_CEILING
