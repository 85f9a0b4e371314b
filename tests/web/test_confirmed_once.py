"""A yes is done once. Each confirmation page carries its question's token, for the person
asked: the yes claims it in the transaction of the write it confirms. The same yes sent
again (a double click, Back and yes once more) writes nothing and leads where the first
one led; a yes nobody was asked (made up, someone else's, another question's) writes
nothing and says so. With htmx, the question asked in place is answered once too."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import threading
import time
from collections.abc import Callable

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rapport.meetings import services
from rapport.meetings.models import ActionItem, Meeting, Topic
from rapport.people import services as people_services
from rapport.people.models import Confirmation
from rapport.people.services import CONFIRMATION_KEPT
from rapport.web.sessions import SessionStore
from rapport.web.views import meetings as meeting_views
from rapport.web.views.common import NOT_ASKED, SENT_TWICE
from tests.web.confirming import asked
from tests.web.test_confirm_pages import days, move_form, saturday_three_am

HTMX = {"HX-Request": "true"}


@dataclasses.dataclass
class Question:
    url: str
    data: dict
    done: Callable[[], object]  # what the yes changes, read again from the database


def _held(meeting: Meeting) -> object:
    meeting.refresh_from_db()
    return meeting.status, meeting.held_minutes, Topic.objects.count()  # carried: one more


@pytest.fixture(params=["start early", "held early", "item due", "item moved", "moved late"])
def question(request, mia, ray, meeting) -> Question:
    """Each question whose yes writes, with its form and what the yes changes."""
    services.topic_add(actor=ray, meeting=meeting, text="Deploys keep failing")  # carried once
    items = ActionItem.objects.filter(meeting=meeting).order_by("pk")
    match request.param:
        case "start early":
            return Question(
                reverse("meeting_start", args=[meeting.pk]),
                {},
                lambda: Meeting.objects.values_list("started_at", flat=True).get(pk=meeting.pk),
            )
        case "held early":
            return Question(
                reverse("meeting_complete", args=[meeting.pk]),
                {"held_minutes": 41, "mood": 2},
                lambda: _held(meeting),
            )
        case "item due":
            return Question(
                reverse("action_item_add", args=[meeting.pk]),
                {"text": "Send the notes", "owner": str(ray.pk), "due_on": days(-30).isoformat()},
                lambda: list(items.values_list("text", "due_on")),
            )
        case "item moved":
            item = services.action_item_add(
                actor=mia, meeting=meeting, text="Write the RFC", owner=ray, due_on=days(3)
            )
            return Question(
                reverse("action_item_edit", args=[item.pk]),
                {
                    "text": "Write the RFC, short",
                    "owner": str(ray.pk),
                    "due_on": days(-5).isoformat(),
                    "next": reverse("series", args=[meeting.series_id]),
                },
                lambda: list(items.values_list("text", "due_on")),
            )
    return Question(
        reverse("meeting_cancel", args=[meeting.pk]),
        move_form(saturday_three_am()),
        lambda: list(Meeting.objects.order_by("pk").values_list("status", "scheduled_at")),
    )


def writes(queries: CaptureQueriesContext) -> list[str]:
    """The statements that changed anything but the questions' own bookkeeping."""
    return [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "people_confirmation" not in query["sql"]
    ]


# Sent twice ------------------------------------------------------------------------


def test_a_yes_sent_twice_is_done_once_and_leads_where_the_first_led(
    client_for, mia, question
) -> None:
    client = client_for(mia)
    before = question.done()
    yes = {**question.data, "confirmed": asked(client, question.url, question.data)}
    first = client.post(question.url, yes)
    assert first.status_code == 302
    done = question.done()
    assert done != before
    with CaptureQueriesContext(connection) as queries:
        again = client.post(question.url, yes)
    assert (again.status_code, again["Location"]) == (303, first["Location"])
    assert writes(queries) == []
    assert question.done() == done
    landed = client.get(again["Location"])
    assert landed.status_code == 200
    assert SENT_TWICE in landed.content.decode() and NOT_ASKED not in landed.content.decode()


def test_back_to_the_question_once_answered_leads_back_and_its_yes_does_nothing(
    client_for, mia, question
) -> None:
    client = client_for(mia)
    token = asked(client, question.url, question.data)
    first = client.post(question.url, {**question.data, "confirmed": token})
    done = question.done()
    assert client.get(question.url).status_code == 302  # reloaded: nothing left to ask
    # The page kept by the browser, its yes sent once more.
    again = client.post(question.url, {**question.data, "confirmed": token})
    assert (again.status_code, again["Location"]) == (303, first["Location"])
    assert question.done() == done


# A yes nobody was asked ------------------------------------------------------------


@pytest.mark.parametrize("forged", ["1", "yes", "x" * 43])
def test_a_made_up_yes_writes_nothing_and_says_so(client_for, mia, question, forged) -> None:
    client = client_for(mia)
    token = asked(client, question.url, question.data)
    before = question.done()
    response = client.post(question.url, {**question.data, "confirmed": forged}, follow=True)
    html = response.content.decode()
    # Refused (400), or, for a form that shows its own errors, back to it saying why.
    assert response.status_code in (200, 400) and NOT_ASKED in html
    assert response.status_code == 400 or response.redirect_chain[-1][1] == 303
    assert question.done() == before
    # The question asked still waits for its own yes.
    assert client.post(question.url, {**question.data, "confirmed": token}).status_code == 302
    assert question.done() != before


def test_a_yes_is_the_person_asked_own(client_for, mia, ray, meeting) -> None:
    url = reverse("action_item_add", args=[meeting.pk])
    data = {"text": "Send the notes", "owner": str(ray.pk), "due_on": days(-3).isoformat()}
    token = asked(client_for(mia), url, data)
    # Ray adds items to this 1:1 too: mia's yes is still not his to give.
    response = client_for(ray).post(url, {**data, "confirmed": token})
    assert response.status_code == 400 and NOT_ASKED in response.content.decode()
    assert not ActionItem.objects.filter(text="Send the notes").exists()


def test_a_yes_answers_the_question_of_its_own_address_only(client_for, mia, ray, meeting) -> None:
    client = client_for(mia)
    start = reverse("meeting_start", args=[meeting.pk])
    add = reverse("action_item_add", args=[meeting.pk])
    data = {"text": "Send the notes", "owner": str(ray.pk), "due_on": days(-3).isoformat()}
    token = asked(client, start)
    response = client.post(add, {**data, "confirmed": token})
    assert response.status_code == 400 and NOT_ASKED in response.content.decode()
    assert not ActionItem.objects.exists()
    meeting.refresh_from_db()
    assert meeting.started_at is None


def test_a_yes_long_forgotten_is_not_recognised(client_for, mia, meeting) -> None:
    client = client_for(mia)
    url = reverse("meeting_start", args=[meeting.pk])
    token = asked(client, url)
    then = timezone.now() - CONFIRMATION_KEPT - dt.timedelta(minutes=1)
    Confirmation.objects.filter(token=token).update(asked_at=then)
    response = client.post(url, {"confirmed": token})
    assert response.status_code == 400 and NOT_ASKED in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.started_at is None


def test_a_refused_yes_is_never_taken_for_one_done(client_for, mia, meeting) -> None:
    client = client_for(mia)
    url = reverse("meeting_start", args=[meeting.pk])
    token = asked(client, url)
    services.meeting_cancel(actor=mia, meeting=meeting, reason="Offsite", skip=True)
    for _ in range(2):  # the refusal undid the claim: sent again, refused again
        response = client.post(url, {"confirmed": token})
        html = response.content.decode()
        assert response.status_code == 400
        assert "Only a scheduled meeting can be started." in html and SENT_TWICE not in html


# At the same moment ----------------------------------------------------------------

WAIT = 20.0  # seconds: how long a condition may take on a loaded machine


def until(check: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT
    while not check():
        assert time.monotonic() < deadline, "timed out"
        threading.Event().wait(0.01)


def a_statement_waits_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] == 1


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL"),
    reason="two requests at once, each on its own connection: needs PostgreSQL",
)
def test_a_yes_sent_again_while_the_first_is_written_waits_and_writes_nothing(
    transactional_db, client_for, mia, ray, meeting, monkeypatch
) -> None:
    client = client_for(mia)
    url = reverse("action_item_add", args=[meeting.pk])
    data = {"text": "Send the notes", "owner": str(ray.pk), "due_on": days(-3).isoformat()}
    yes = {**data, "confirmed": asked(client, url, data)}
    written, release = threading.Event(), threading.Event()
    landed = people_services.confirmation_landed

    def held(**arguments: object) -> None:  # the first yes, its item written, not committed
        written.set()
        assert release.wait(WAIT)
        landed(**arguments)

    monkeypatch.setattr(people_services, "confirmation_landed", held)
    answers = {}

    def send(name: str) -> None:
        browser = Client()  # the same browser: its cookies
        browser.cookies = client.cookies
        try:
            answers[name] = browser.post(url, yes)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(name,)) for name in ("first", "second")]
    try:
        threads[0].start()
        assert written.wait(WAIT)
        threads[1].start()
        until(a_statement_waits_for_a_lock)  # the second yes, waiting for the first
    finally:
        release.set()
        for thread in threads:
            thread.join(WAIT)
    assert answers["first"].status_code == 302
    second = answers["second"]
    assert (second.status_code, second["Location"]) == (303, answers["first"]["Location"])
    assert ActionItem.objects.filter(text="Send the notes").count() == 1


# One token per question ------------------------------------------------------------


def test_the_same_form_asked_again_gets_the_same_token_and_another_form_another(
    client_for, mia, ray, meeting
) -> None:
    client = client_for(mia)
    url = reverse("action_item_add", args=[meeting.pk])
    data = {"text": "Send the notes", "owner": str(ray.pk), "due_on": days(-3).isoformat()}
    token = asked(client, url, data)
    assert asked(client, url, data) == token  # in another tab, say: one yes for both
    other = asked(client, url, {**data, "text": "Book the room"})
    assert other != token
    assert client.post(url, {**data, "confirmed": token}).status_code == 302
    assert asked(client, url, data) != token  # a new question once the first was answered
    assert (
        client.post(url, {**data, "text": "Book the room", "confirmed": other}).status_code == 302
    )
    assert sorted(ActionItem.objects.values_list("text", flat=True)) == [
        "Book the room",
        "Send the notes",
    ]


def test_a_question_keeps_no_text_of_the_form_in_the_database(client_for, mia, meeting) -> None:
    secret = "Raise for Ray, keep quiet"
    url = reverse("action_item_add", args=[meeting.pk])
    token = asked(
        client_for(mia), url, {"text": secret, "owner": str(mia.pk), "due_on": days(-3).isoformat()}
    )
    kept = Confirmation.objects.filter(token=token).values().get()
    assert secret not in str(kept) and "Raise" not in str(kept)


# With htmx -------------------------------------------------------------------------


def overlapping(rf, person, client, url: str, data: dict):
    """A request sent with htmx that read the session now, before any other saved it."""
    request = rf.post(url, data, headers=HTMX)
    request.session = SessionStore(client.session.session_key)
    dict(request.session.items())  # read now
    request.user = person
    request._messages = FallbackStorage(request)
    return request


def test_with_htmx_two_overlapping_yeses_add_one_item(rf, client_for, mia, ray, meeting) -> None:
    client = client_for(mia)
    url = reverse("action_item_add", args=[meeting.pk])
    data = {"text": "Send the notes", "owner": str(ray.pk), "due_on": days(-2).isoformat()}
    assert client.post(url, data, headers=HTMX).status_code == 409  # asked in place
    # A double click: both yeses on their way before either was answered.
    first, second = (overlapping(rf, mia, client, url, data) for _ in range(2))
    assert meeting_views.action_item_add(first, meeting_id=meeting.pk).status_code == 200
    response = meeting_views.action_item_add(second, meeting_id=meeting.pk)
    assert response.status_code == 409 and "Send it again" in json.loads(response.content)["error"]
    assert ActionItem.objects.filter(text="Send the notes").count() == 1
