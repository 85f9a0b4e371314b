"""Aspirations are kept as dated versions: only changed answers make new ones."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from rapport.career import selectors, services
from rapport.career.models import AspirationVersion
from rapport.errors import Refused
from rapport.framework.aspirations import ASPIRATION_KEYS, ASPIRATION_QUESTIONS
from rapport.framework.questions import QUESTION_GROUPS
from tests.career.conftest import days_ago


def test_every_aspiration_question_is_the_banks_own() -> None:
    bank = next(group for group in QUESTION_GROUPS if group.key == "aspirations")
    assert [q.key for c in bank.categories for q in c.questions] == [
        q.key for q in ASPIRATION_QUESTIONS
    ]
    assert len(ASPIRATION_QUESTIONS) == 11


def test_each_save_keeps_a_version_only_of_the_answers_that_changed(ray, series) -> None:
    first = services.aspirations_save(
        actor=ray,
        series=series,
        answers={"management_or_ic": "Staying IC", "learn_this_quarter": "Testing"},
        now=days_ago(90),
    )
    second = services.aspirations_save(
        actor=ray,
        series=series,
        answers={"management_or_ic": "Curious about management", "learn_this_quarter": "Testing"},
        now=days_ago(10),
    )
    assert len(first) == 2 and len(second) == 1
    history = AspirationVersion.objects.filter(person=ray, question_key="management_or_ic")
    assert [v.answer for v in history] == ["Staying IC", "Curious about management"]
    assert selectors.current_aspirations(ray) == {
        "management_or_ic": "Curious about management",
        "learn_this_quarter": "Testing",
    }


def test_the_page_compares_any_answer_with_how_it_stood_on_a_chosen_date(ray, series) -> None:
    services.aspirations_save(
        actor=ray, series=series, answers={"management_or_ic": "Staying IC"}, now=days_ago(90)
    )
    services.aspirations_save(
        actor=ray,
        series=series,
        answers={"management_or_ic": "Curious about management"},
        now=days_ago(10),
    )
    since = (days_ago(30)).date()
    page = selectors.career_page(ray, series, since=since)
    rows = {row.question.key: row for c in page.aspirations for row in c.rows}
    row = rows["management_or_ic"]
    assert row.then.answer == "Staying IC"
    assert row.current.answer == "Curious about management"
    assert row.changed and page.changed_since == 1
    assert [v.answer for v in row.history] == ["Curious about management", "Staying IC"]


def test_the_manager_records_answers_with_the_ic_during_a_1_1(mia, ray, series) -> None:
    services.aspirations_save(actor=mia, series=series, answers={"impact_wanted": "Customers"})
    version = AspirationVersion.objects.get()
    assert version.person == ray and version.recorded_by == mia


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"where_do_you_live": "Here"}, "Unknown aspiration question"),
        ({"impact_wanted": "x" * 2001}, "limited to 2,000"),
    ],
)
def test_a_bad_answer_is_refused_and_nothing_is_written(ray, series, answers, message) -> None:
    with pytest.raises(Refused, match=message):
        services.aspirations_save(
            actor=ray, series=series, answers={"what_drains_you": "Meetings", **answers}
        )
    assert not AspirationVersion.objects.exists()


def test_an_ended_1_1_is_read_only(ray, moved) -> None:
    with pytest.raises(PermissionDenied):
        services.aspirations_save(actor=ray, series=moved.old, answers={"impact_wanted": "x"})


def test_the_web_form_saves_changed_answers_and_says_so(client_for, ray, series) -> None:
    url = reverse("career_aspirations", args=[series.pk])
    form = {f"answer_{key}": "" for key in ASPIRATION_KEYS}
    form["answer_exciting_projects"] = "The refund page"
    response = client_for(ray).post(url, form, follow=True)
    assert response.status_code == 200
    assert "Saved 1 changed answer." in response.content.decode()
    again = client_for(ray).post(url, form, follow=True)
    assert "Nothing changed" in again.content.decode()
    assert AspirationVersion.objects.count() == 1
    page = client_for(ray).get(reverse("career", args=[series.pk]) + "?since=2020-01-01")
    assert "The refund page" in page.content.decode()


def test_a_bad_compare_date_is_a_clear_400(client_for, ray, series) -> None:
    response = client_for(ray).get(reverse("career", args=[series.pk]) + "?since=March")
    assert response.status_code == 400
    assert "is not a date" in response.content.decode()


def test_a_compare_date_in_the_future_is_a_clear_400_even_the_last_day_there_is(
    client_for, ray, series
) -> None:
    for since in ("9999-12-31", "2999-01-01"):
        response = client_for(ray).get(reverse("career", args=[series.pk]) + f"?since={since}")
        assert response.status_code == 400
        assert "is in the future" in response.content.decode()


# Answers recorded from the questions panel ------------------------------------------------


def test_an_answer_to_an_aspiration_question_asked_in_a_meeting_joins_the_aspiration(
    client_for, mia, ray, meeting
) -> None:
    response = client_for(mia).post(
        reverse("meeting_questions", args=[meeting.pk]),
        {"question_key": "management_or_ic", "answer": "  Curious about   management "},
    )
    assert response.status_code == 200
    version = AspirationVersion.objects.get()
    assert (version.person, version.meeting, version.recorded_by) == (ray, meeting, mia)
    assert version.answer == "Curious about management"


def test_an_answer_to_another_question_joins_the_meetings_notes(client_for, mia, meeting) -> None:
    client_for(mia).post(
        reverse("meeting_questions", args=[meeting.pk]),
        {"question_key": "going_well_recently", "answer": "Shipped the refund page"},
    )
    meeting.shared_notes.refresh_from_db()
    assert meeting.shared_notes.career_progress == (
        "- What's been going well recently? Shipped the refund page"
    )
    assert not AspirationVersion.objects.exists()


def test_asking_without_an_answer_records_nothing_else(client_for, mia, meeting) -> None:
    client_for(mia).post(
        reverse("meeting_questions", args=[meeting.pk]), {"question_key": "management_or_ic"}
    )
    meeting.shared_notes.refresh_from_db()
    assert not AspirationVersion.objects.exists()
    assert meeting.shared_notes.career_progress == ""


def test_a_long_answer_shows_its_start_and_folds_the_rest(client_for, ray, series) -> None:
    answer = "Lead the payments platform. " + "x" * 1500 + " THE-END"
    services.aspirations_save(actor=ray, series=series, answers={"exciting_projects": answer})
    page = client_for(ray).get(reverse("career", args=[series.pk])).content.decode()
    start = page.index("Lead the payments platform.")
    fold = page.index("Read all", start)
    assert page.index("THE-END", start) > fold
