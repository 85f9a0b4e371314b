"""Every signed-in page costs a fixed number of queries, whatever the size of the data,
and at most QUERY_CEILING of them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

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
        "person": (cast.ada, lambda: reverse("person", args=[cast.ray.pk])),
        "career page": (cast.mia, lambda: reverse("career", args=[series.pk])),
        "settings": (cast.mia, lambda: reverse("settings")),
        "framework": (cast.ray, lambda: reverse("framework")),
        "ladder": (cast.ray, lambda: reverse("ladder")),
        "days away": (cast.ray, lambda: reverse("away")),
        "privacy": (cast.ada, lambda: reverse("privacy")),
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
    "person",
    "career page",
    "settings",
    "framework",
    "ladder",
    "days away",
    "privacy",
]


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
