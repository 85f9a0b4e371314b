"""Questions put before an unusual write: one token per waiting question, a yes claimed
once, and questions older than a session forgotten."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from rapport.people.models import Confirmation
from rapport.people.services import (
    CONFIRMATION_KEPT,
    Answer,
    confirmation_answer,
    confirmation_ask,
    confirmation_landed,
)

START = "/meetings/1/start/"


def ask(person, *, question: str = "page:a", now: dt.datetime | None = None) -> str:
    return confirmation_ask(actor=person, path=START, question=question, back="/back/", now=now)


def test_a_yes_is_claimed_once_and_remembers_where_it_led(mia) -> None:
    token = ask(mia)
    assert confirmation_answer(actor=mia, token=token, path=START) == Answer(first=True)
    confirmation_landed(actor=mia, token=token, landed="/meetings/1/")
    again = confirmation_answer(actor=mia, token=token, path=START)
    assert again == Answer(first=False, landed="/meetings/1/")


def test_a_yes_not_led_anywhere_yet_leads_where_leaving_the_question_would(mia) -> None:
    token = ask(mia)
    confirmation_answer(actor=mia, token=token, path=START)
    assert confirmation_answer(actor=mia, token=token, path=START).landed == "/back/"


def test_no_yes_is_claimed_for_a_question_never_put(mia, ray) -> None:
    token = ask(mia)
    assert confirmation_answer(actor=ray, token=token, path=START) is None
    assert confirmation_answer(actor=mia, token=token, path="/meetings/2/start/") is None
    assert confirmation_answer(actor=mia, token="", path=START) is None
    assert confirmation_answer(actor=mia, token=token, path=START) == Answer(first=True)


def test_questions_older_than_a_session_go_when_anyone_is_asked(mia, ray) -> None:
    long_ago = timezone.now() - CONFIRMATION_KEPT - dt.timedelta(minutes=1)
    forgotten = ask(ray, now=long_ago)
    assert confirmation_answer(actor=ray, token=forgotten, path=START) is None
    kept = ask(ray, question="page:b")
    asked = ask(mia)
    assert set(Confirmation.objects.values_list("token", flat=True)) == {kept, asked}
