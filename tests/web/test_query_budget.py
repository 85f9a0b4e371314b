"""Every page a person can open costs a fixed number of queries, whatever the size of the
data, and at most QUERY_CEILING of them; none sends more than HTML_CEILING bytes of HTML.

Each page is measured on a small organisation holding one of everything (reports, held
meetings with topics, items, notes, moods, feedback and questions, goals with progress, peer
requests answered and pending, days away, retrospectives), then again with five times as
much of each: a query per row would show as a difference.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from rapport.framework.playbooks import PLAYBOOKS
from rapport.framework.questions import QUESTION_CATEGORIES
from rapport.growth import services as growth_services
from rapport.growth.models import PeerRequest
from rapport.growth.services.career import (
    development_plan_update,
    goal_create,
    goal_progress_add,
)
from rapport.insights import services as insight_services
from rapport.meetings import services
from rapport.meetings.services import report_invite
from rapport.notifications import calendar, mail
from rapport.notifications.models import MailKind
from rapport.people import services as people_services
from rapport.people.services import setup_token
from tests.test_access import PUBLIC, ROUTES

QUERY_CEILING = 11
# A poll with nothing new: the session with the signed-in person, and the poll's own read
# (for the live notes with who else is on the page).
POLL_QUERIES = {"meeting_agenda": 2, "meeting_timer": 2, "meeting_live": 2}
HTML_CEILING = 100_000
HTMX = {"HX-Request": "true"}
# A question of the framework, asked in each held meeting.
QUESTION = next(iter(QUESTION_CATEGORIES.values())).questions[0].key

Url = Callable[[object], str]


def _reset_link(cast) -> Url:
    """The set-password form of ray's reset link (the link itself redirects to it)."""

    def url(client) -> str:
        uid = urlsafe_base64_encode(force_bytes(cast.ray.pk))
        token = default_token_generator.make_token(cast.ray)
        client.get(reverse("password_reset_confirm", args=[uid, token]))
        return reverse("password_reset_confirm", args=[uid, "set-password"])

    return url


def _pages(cast) -> dict[str, tuple[object, Url]]:
    series = cast.ray.series.get()
    meeting = series.meetings.filter(status="scheduled").order_by("scheduled_at").first()
    held = series.meetings.filter(status="held").order_by("scheduled_at").first()
    last = series.meetings.filter(status="scheduled").order_by("scheduled_at").last()
    asked = PeerRequest.objects.filter(colleague=cast.rita, series=series).order_by("-pk")
    return {
        "manager home": (cast.mia, lambda _: reverse("home")),
        "director home": (cast.dan, lambda _: reverse("home")),
        "IC home": (cast.ray, lambda _: reverse("home")),
        "admin home": (cast.ada, lambda _: reverse("home")),
        "series page": (cast.mia, lambda _: reverse("series", args=[series.pk])),
        "meeting, prepare": (
            cast.mia,
            lambda _: reverse("meeting", args=[meeting.pk]) + "?mode=prepare",
        ),
        "meeting, run": (cast.mia, lambda _: reverse("meeting", args=[meeting.pk]) + "?mode=run"),
        "meeting, wrap": (cast.mia, lambda _: reverse("meeting", args=[meeting.pk]) + "?mode=wrap"),
        # Weeks ahead: the question before starting it early.
        "start early": (cast.mia, lambda _: reverse("meeting_start", args=[last.pk])),
        "action items": (cast.mia, lambda _: reverse("my_action_items")),
        "people, admin": (cast.ada, lambda _: reverse("people")),
        "people, manager": (cast.mia, lambda _: reverse("people")),
        "people, admin, A-Z page 2": (cast.ada, lambda _: reverse("people") + "?order=name&page=2"),
        "people, admin, a search": (cast.ada, lambda _: reverse("people") + "?q=acme"),
        "manager suggestions": (cast.ada, lambda _: reverse("manager_suggestions") + "?manager=m"),
        "person": (cast.ada, lambda _: reverse("person", args=[cast.ray.pk])),
        "career page": (cast.mia, lambda _: reverse("career", args=[series.pk])),
        "settings": (cast.mia, lambda _: reverse("settings")),
        "framework": (cast.ray, lambda _: reverse("framework")),
        "ladder": (cast.ray, lambda _: reverse("ladder")),
        "days away": (cast.ray, lambda _: reverse("away")),
        "privacy": (cast.ada, lambda _: reverse("privacy")),
        "insights, manager": (cast.mia, lambda _: reverse("insights")),
        "insights, director": (cast.dan, lambda _: reverse("insights")),
        "insights, admin": (cast.ada, lambda _: reverse("insights")),
        "insights, IC": (cast.ray, lambda _: reverse("insights")),
        "relationship figures": (cast.mia, lambda _: reverse("insights_series", args=[series.pk])),
        "own figures": (cast.ray, lambda _: reverse("insights_series", args=[series.pk])),
        "insights thresholds": (cast.ada, lambda _: reverse("insights_thresholds")),
        "retrospectives": (cast.mia, lambda _: reverse("retrospectives", args=[series.pk])),
        "meeting career": (cast.mia, lambda _: reverse("meeting_career", args=[meeting.pk])),
        "ladder export": (cast.ada, lambda _: reverse("ladder_export")),
        "agenda": (cast.mia, lambda _: reverse("meeting_agenda", args=[meeting.pk])),
        "recap": (cast.mia, lambda _: reverse("meeting_recap", args=[meeting.pk])),
        "preparation": (cast.mia, lambda _: reverse("meeting_prepare", args=[meeting.pk])),
        "questions": (cast.mia, lambda _: reverse("meeting_questions", args=[meeting.pk])),
        "feedback guide": (cast.mia, lambda _: reverse("meeting_feedback", args=[meeting.pk])),
        "playbooks": (cast.mia, lambda _: reverse("meeting_playbooks", args=[meeting.pk])),
        "remote": (cast.mia, lambda _: reverse("meeting_remote", args=[meeting.pk])),
        "talk": (cast.mia, lambda _: reverse("meeting_talk", args=[meeting.pk])),
        "meeting invite": (cast.mia, lambda _: reverse("meeting_invite", args=[meeting.pk])),
        "evidence packet": (cast.mia, lambda _: reverse("career_packet", args=[series.pk])),
        "evidence packet, Markdown": (
            cast.mia,
            lambda _: reverse("career_packet_md", args=[series.pk]),
        ),
        "goals": (cast.mia, lambda _: reverse("series_goals", args=[series.pk])),
        "development plan": (cast.mia, lambda _: reverse("development_plan", args=[series.pk])),
        "meeting goals": (cast.mia, lambda _: reverse("meeting_goals", args=[meeting.pk])),
        "feedback log": (cast.mia, lambda _: reverse("series_feedback", args=[series.pk])),
        "peer feedback": (cast.mia, lambda _: reverse("series_peer", args=[series.pk])),
        "peer requests": (cast.rita, lambda _: reverse("peer_requests")),
        "person erase": (cast.ada, lambda _: reverse("person_erase", args=[cast.ray.pk])),
        "meeting, as the report": (cast.ray, lambda _: reverse("meeting", args=[meeting.pk])),
        "meeting, held": (cast.mia, lambda _: reverse("meeting", args=[held.pk])),
        "meeting, held, as the report": (cast.ray, lambda _: reverse("meeting", args=[held.pk])),
        "series page, as the report": (cast.ray, lambda _: reverse("series", args=[series.pk])),
        "action items, as the report": (cast.ray, lambda _: reverse("my_action_items")),
        "action items, mine and older": (
            cast.mia,
            lambda _: reverse("my_action_items") + "?show=mine&older=1",
        ),
        "person, manager": (cast.mia, lambda _: reverse("person", args=[cast.ray.pk])),
        "people, IC": (cast.ray, lambda _: reverse("people")),
        "settings, IC": (cast.ray, lambda _: reverse("settings")),
        "insights, manager, by name": (cast.mia, lambda _: reverse("insights") + "?sort=name"),
        "insights, manager, trends drawn": (
            cast.mia,
            lambda _: reverse("insights") + "?trends=1",
        ),
        "team trends": (cast.mia, lambda _: reverse("insights_trends")),
        "series page, cadence form open": (
            cast.mia,
            lambda _: reverse("series", args=[series.pk]) + "?cadence=1",
        ),
        "cadence form": (cast.mia, lambda _: reverse("series_cadence", args=[series.pk])),
        "live notes": (cast.mia, lambda _: reverse("meeting_live", args=[meeting.pk])),
        "timer": (cast.mia, lambda _: reverse("meeting_timer", args=[meeting.pk])),
        "preparation, after": (
            cast.mia,
            lambda _: reverse("meeting_prepare", args=[meeting.pk]) + "?phase=post",
        ),
        "questions, one category": (
            cast.mia,
            lambda _: (
                reverse("meeting_questions", args=[meeting.pk])
                + f"?category={next(iter(QUESTION_CATEGORIES))}"
            ),
        ),
        "playbook": (
            cast.mia,
            lambda _: (
                reverse("meeting_playbooks", args=[meeting.pk]) + f"?playbook={PLAYBOOKS[0].key}"
            ),
        ),
        "evidence packet, PDF": (
            cast.mia,
            lambda _: reverse("career_packet_pdf", args=[series.pk]),
        ),
        "evidence packet, with own private notes": (
            cast.mia,
            lambda _: reverse("career_packet", args=[series.pk]) + "?private=1",
        ),
        "evidence packet, as the report": (
            cast.ray,
            lambda _: reverse("career_packet", args=[series.pk]),
        ),
        "career page, as the report": (cast.ray, lambda _: reverse("career", args=[series.pk])),
        "goals, as the report": (cast.ray, lambda _: reverse("series_goals", args=[series.pk])),
        "feedback log, waiting": (
            cast.mia,
            lambda _: reverse("series_feedback", args=[series.pk]) + "?state=waiting",
        ),
        "peer feedback, a search": (
            cast.mia,
            lambda _: reverse("series_peer", args=[series.pk]) + "?find=Rita",
        ),
        "peer request": (cast.rita, lambda _: reverse("peer_request", args=[asked.first().pk])),
        "peer requests, pending fragment": (cast.rita, lambda _: reverse("peer_requests")),
        "meeting invite, as the report": (
            cast.ray,
            lambda _: reverse("meeting_invite", args=[meeting.pk]),
        ),
        "days away, manager": (cast.mia, lambda _: reverse("away")),
        "development plan, in a meeting": (
            cast.mia,
            lambda _: reverse("development_plan", args=[series.pk]) + f"?meeting_id={meeting.pk}",
        ),
        "sign in": (None, lambda _: reverse("login")),
        "password reset": (None, lambda _: reverse("password_reset")),
        "password reset sent": (None, lambda _: reverse("password_reset_done")),
        "password reset link": (None, _reset_link(cast)),
        "password reset done": (None, lambda _: reverse("password_reset_complete")),
        "mail off": (
            None,
            lambda _: reverse("mail_off", args=[mail.unsubscribe_token(cast.ray, MailKind.RECAP)]),
        ),
        "health check": (None, lambda _: "/healthz"),
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
    "start early",
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
    "meeting, as the report",
    "meeting, held",
    "meeting, held, as the report",
    "series page, as the report",
    "action items, as the report",
    "action items, mine and older",
    "insights, manager, trends drawn",
    "team trends",
    "series page, cadence form open",
    "cadence form",
    "person, manager",
    "people, IC",
    "settings, IC",
    "insights, manager, by name",
    "live notes",
    "timer",
    "preparation, after",
    "questions, one category",
    "playbook",
    "evidence packet, PDF",
    "evidence packet, with own private notes",
    "evidence packet, as the report",
    "career page, as the report",
    "goals, as the report",
    "feedback log, waiting",
    "peer feedback, a search",
    "peer request",
    "peer requests, pending fragment",
    "meeting invite, as the report",
    "days away, manager",
    "development plan, in a meeting",
    "sign in",
    "password reset",
    "password reset sent",
    "password reset link",
    "password reset done",
    "mail off",
    "health check",
]


# Fragments asked for by htmx, as the page asks for them.
AS_HTMX = {
    "peer requests, pending fragment",
    "development plan",
    "development plan, in a meeting",
    "cadence form",
}


def _grow(cast, start: int, n: int) -> None:
    """n more of everything the pages show, across the organisation."""
    today = timezone.localdate()
    for number in range(start, start + n):
        grown = report_invite(
            actor=cast.ada,
            email=f"grown{number}@acme.test",
            name=f"Grown {number}",
            manager=cast.mia,
            level="confirmed",
        )
        growth_services.peer_request_create(
            actor=cast.mia, series=grown.series.get(), colleague_ids=[cast.rita.pk]
        )
        people_services.absence_add(
            actor=cast.ray,
            starts_on=today + dt.timedelta(days=400 + number * 3),
            ends_on=today + dt.timedelta(days=401 + number * 3),
        )
        _grow_career(cast, number)
    for report in (cast.ray, cast.rita, cast.olga):
        series = report.series.get()
        meetings = list(series.meetings.filter(status="scheduled").order_by("scheduled_at"))
        services.topic_add(actor=report, meeting=meetings[0], text="Next topic")
        services.action_item_add(
            actor=series.manager, meeting=meetings[0], text="Next item", owner=report
        )
        for meeting in meetings[1 : n + 1]:
            _hold(series.manager, report, meeting)


def _hold(manager, report, meeting) -> None:
    """A held meeting with a topic, an item, notes shared and private, mood and coaching."""
    services.topic_add(actor=report, meeting=meeting, text="Topic")
    services.action_item_add(actor=manager, meeting=meeting, text="Item", owner=report)
    notes = meeting.shared_notes
    services.shared_notes_save(
        actor=manager, notes=notes, sections={"feedback": "Shared"}, bases=notes.sections()
    )
    services.private_note_save(actor=manager, meeting=meeting, body="Mine", version=0)
    services.private_note_save(actor=report, meeting=meeting, body="Mine too", version=0)
    growth_services.feedback_give(
        actor=manager, meeting=meeting, kind="positive", situation="S", behaviour="B", impact="I"
    )
    growth_services.question_ask(actor=manager, meeting=meeting, question_key=QUESTION)
    services.meeting_complete(actor=manager, meeting=meeting, held_minutes=30)
    services.meeting_set_mood(actor=report, meeting=meeting, mood=4)


def _grow_career(cast, number: int) -> None:
    """A goal with progress, a plan change, a peer answer and a new request, a retrospective."""
    series = cast.ray.series.get()
    goal = goal_create(actor=cast.mia, series=series, title=f"Lead design {number}")
    goal_progress_add(actor=cast.ray, goal=goal, text="Drafted it", percent=40)
    development_plan_update(
        actor=cast.mia,
        series=series,
        focus_areas=["delivery"],
        next_review_on=None,
        notes=f"Lead design review {number}.",
    )
    # Each step leaves one more answer and one request waiting.
    for waiting in PeerRequest.objects.filter(
        series=series, colleague=cast.rita, status=PeerRequest.Status.PENDING
    ):
        growth_services.peer_request_answer(
            actor=cast.rita, request=waiting, strengths="Clear", change="Speak up"
        )
    if number == 0:
        growth_services.peer_request_answer(
            actor=cast.rita,
            request=_ask_rita(cast, series),
            strengths="Clear",
            change="Speak up",
        )
    _ask_rita(cast, series)
    insight_services.retrospective_answer(
        actor=cast.ray, series=series, answers={"working": "Going well"}, rating=4
    )


def _ask_rita(cast, series) -> PeerRequest:
    return growth_services.peer_request_create(
        actor=cast.mia, series=series, colleague_ids=[cast.rita.pk]
    )[0]


def _count(client, url: str, headers: dict[str, str] | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    if response.get("Content-Type", "").startswith("text/html"):
        assert len(response.content) <= HTML_CEILING, f"{url}: {len(response.content):,} bytes"
    # A page's bookkeeping (visit, audit row) runs in its own atomic block so that a failed
    # write never fails the read: inside the test's transaction that block is a SAVEPOINT
    # pair, which a served request (autocommit) does not send.
    return sum("SAVEPOINT" not in query["sql"] for query in queries)


@pytest.mark.parametrize("name", PAGES)
def test_each_page_costs_the_same_few_queries_however_much_data(client_for, cast, name) -> None:
    _grow(cast, 0, 1)
    viewer, url = _pages(cast)[name]
    headers = HTMX if name in AS_HTMX else None
    client = client_for(viewer)
    _count(client, url(client), headers)  # the first view may write an audit row
    few = _count(client, url(client), headers)
    _grow(cast, 1, 4)
    _count(client, url(client), headers)
    many = _count(client, url(client), headers)
    assert many == few, f"{name}: {few} queries grew to {many}"
    assert many <= QUERY_CEILING


@pytest.mark.parametrize("name", ["meeting_agenda", "meeting_timer", "meeting_live"])
def test_a_poll_with_nothing_new_costs_the_same_few_queries_however_much_data(
    client_for, cast, name
) -> None:
    _grow(cast, 0, 1)
    meeting = cast.ray.series.get().meetings.filter(status="scheduled").earliest("scheduled_at")
    services.meeting_start(actor=cast.mia, meeting=meeting)
    client = client_for(cast.mia)
    url = reverse(name, args=[meeting.pk])

    def nothing_new() -> int:
        first = client.get(url)
        if name == "meeting_live":
            since = first.json()["since"]
        else:
            since = re.search(r'name="since" value="([^"]+)"', first.content.decode()).group(1)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"since": since}).status_code == 204
        return sum("SAVEPOINT" not in query["sql"] for query in queries)

    few = nothing_new()
    _grow(cast, 1, 4)
    assert nothing_new() == few == POLL_QUERIES[name]


def test_the_calendar_feed_costs_the_same_few_queries_however_much_data(client, cast) -> None:
    _grow(cast, 0, 1)
    token = calendar.calendar_token_regenerate(actor=cast.ray)
    url = reverse("calendar_feed", args=[token])
    few = _count(client, url)
    _grow(cast, 1, 4)
    assert _count(client, url) == few <= QUERY_CEILING


def test_the_first_start_page_costs_a_few_queries(db, client) -> None:
    # It answers only while nobody exists yet: there is no data to grow.
    assert _count(client, reverse("setup", args=[setup_token()])) <= QUERY_CEILING


def test_every_page_a_person_can_open_is_counted(cast, client) -> None:
    # What answers a GET with a page, by tests/test_access.py's table of who sees what;
    # the start page and the calendar feed are counted by the two tests above.
    _grow(cast, 0, 1)
    pages = _pages(cast)
    paths = [urlsplit(pages[name][1](client)).path for name in PAGES]
    counted = {resolve(path).url_name for path in paths if path != "/healthz"}
    answers_get = {name for name, rules in ROUTES.items() if "get" in rules}
    # Signing out is a POST (its GET is a 405).
    uncounted = (answers_get | PUBLIC) - counted - {"setup", "calendar_feed", "logout"}
    assert sorted(uncounted) == []
