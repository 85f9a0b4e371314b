"""Numbers typed in a form: a character that is a digit to Python's `str.isdigit` but no
number to `int` ("²", "³") or a number past what a database keeps is refused like any
other word, never a server error."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rapport.growth.models import GoalProgress
from rapport.growth.services import goal_create
from rapport.people.models import Person

NOT_NUMBERS = ["²", "99999999999999999999999"]


@pytest.mark.parametrize("typed", NOT_NUMBERS)
def test_a_share_done_that_is_no_number_is_refused(client_for, ray, series, typed) -> None:
    goal = goal_create(actor=ray, series=series, title="Own the release")
    page = client_for(ray).post(
        reverse("goal_progress", args=[goal.pk]), {"text": "Shipped", "percent": typed}
    )
    assert page.status_code == 303
    assert not GoalProgress.objects.exists()


@pytest.mark.parametrize("typed", NOT_NUMBERS)
def test_a_colleague_that_is_no_number_is_refused(client_for, mia, series, typed) -> None:
    url = reverse("series_peer", args=[series.pk])
    sent = client_for(mia).post(url, {"colleague": typed, "question": "How?"})
    assert sent.status_code == 400
    assert client_for(mia).get(url, {"colleague": typed}).status_code == 200


@pytest.mark.parametrize("typed", NOT_NUMBERS)
def test_an_organisation_question_that_is_no_number_is_refused(
    client_for, mia, meeting, typed
) -> None:
    page = client_for(mia).post(
        reverse("meeting_questions", args=[meeting.pk]),
        {"question_key": "no-such-question", "org_question_id": typed},
    )
    assert page.status_code in (303, 400)


@pytest.mark.parametrize("typed", NOT_NUMBERS)
def test_a_manager_that_is_no_number_is_refused(client_for, ada, typed) -> None:
    page = client_for(ada).post(
        reverse("person_invite"),
        {"email": "nina@acme.test", "name": "Nina New", "manager": typed, "timezone": "UTC"},
    )
    assert page.status_code in (303, 400)
    assert not Person.objects.filter(email="nina@acme.test").exists()
