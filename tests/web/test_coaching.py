"""Coaching panels: prepare, questions, feedback, playbooks and plan, remote."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rapport.framework.questions import QUESTION_CATEGORIES
from rapport.growth import selectors, services
from rapport.growth.models import ChecklistTick, Feedback, ImprovementPlan, QuestionAsked
from rapport.meetings import services as meeting_services
from rapport.meetings.models import ActionItem, SharedNotes, Topic

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, meeting):
    return reverse(name, kwargs={"meeting_id": meeting.pk})


def body(response) -> str:
    return response.content.decode()


# Prepare ----------------------------------------------------------------------------


def test_the_manager_sees_the_checklist_with_automatic_lines_and_the_time_it_takes(
    client_for, mia, meeting
):
    page = body(client_for(mia).get(url("meeting_prepare", meeting), **HTMX))
    assert "<html" not in page
    assert "Review notes from last 1:1" in page and "Set aside distractions" in page
    assert "10–15 minutes" in page
    assert "automatic" in page
    assert "Ray has not added topics yet" in page


def test_the_manager_ticks_a_line_by_hand(client_for, mia, meeting):
    response = client_for(mia).post(
        url("meeting_prepare", meeting), {"item_key": "note_org_updates", "ticked": "1"}, **HTMX
    )
    assert response.status_code == 200
    assert ChecklistTick.objects.filter(person=mia, item_key="note_org_updates").exists()
    assert 'aria-pressed="true"' in body(response)


def test_an_automatic_line_cannot_be_ticked_by_hand(client_for, mia, meeting):
    response = client_for(mia).post(
        url("meeting_prepare", meeting), {"item_key": "agenda_ready", "ticked": "1"}, **HTMX
    )
    assert response.status_code == 400
    assert "add a topic" in response.json()["error"]


def test_the_post_meeting_checklist_is_served_for_the_room(client_for, mia, meeting):
    client = client_for(mia)
    client.post(
        url("meeting_prepare", meeting),
        {"phase": "post", "item_key": "set_reminders", "ticked": "1"},
    )
    page = body(client.get(url("meeting_prepare", meeting) + "?phase=post"))
    assert 'id="coaching-checklist-post"' in page and "Set reminders for action items" in page
    assert "1 of 5 done" in page
    assert client.get(url("meeting_prepare", meeting) + "?phase=soon").status_code == 400


def test_the_ic_prepares_with_prompts_that_become_topics(client_for, ray, mia, meeting):
    client = client_for(ray)
    page = body(client.get(url("meeting_prepare", meeting)))
    assert "Updates on your goals" in page and "You have not added anything yet" in page
    response = client.post(
        url("meeting_prepare", meeting), {"prompt": "wins", "text": "Shipped search"}, **HTMX
    )
    assert response.status_code == 200 and "You prepared 1 topic" in body(response)
    topic = Topic.objects.get(meeting=meeting)
    assert (topic.text, topic.kind, topic.author) == ("Win: Shipped search", "status", ray)
    assert "Ray prepared: 1 topic" in body(client_for(mia).get(url("meeting_prepare", meeting)))


def test_an_empty_prompt_is_refused(client_for, ray, meeting):
    response = client_for(ray).post(
        url("meeting_prepare", meeting), {"prompt": "wins", "text": " "}, **HTMX
    )
    assert response.status_code == 400 and not Topic.objects.exists()


# Questions --------------------------------------------------------------------------


def test_the_manager_gets_filled_suggestions_and_marks_one_asked(client_for, mia, meeting):
    client = client_for(mia)
    page = body(client.get(url("meeting_questions", meeting) + "?category=framework"))
    assert "where I see you relative to Junior expectations..." in page
    response = client.post(
        url("meeting_questions", meeting),
        {"question_key": "relative_to_level", "category": "framework"},
        **HTMX,
    )
    assert response.status_code == 200
    assert QuestionAsked.objects.filter(meeting=meeting, question_key="relative_to_level").exists()
    page = body(response)
    assert page.count("relative to Junior expectations") == 1  # listed as asked, not suggested


def test_each_question_category_is_named_once_in_the_lists(client_for, mia, meeting):
    page = body(client_for(mia).get(url("meeting_questions", meeting)))
    for select in ("question-category", "org-question-category"):
        options = re.findall(
            r'<option value="[a-z_]+"[^>]*>([^<]+)</option>', page.split(f'id="{select}"')[1]
        )
        options = options[: len(QUESTION_CATEGORIES)]
        assert len(options) == len(set(options)) == len(QUESTION_CATEGORIES)
        assert "Growth (Assessing Current State)" in options
        assert "Growth (Coaching Questions)" in options


def test_the_ic_sees_what_was_asked_but_cannot_mark_questions(client_for, ray, mia, meeting):
    services.question_ask(actor=mia, meeting=meeting, question_key="what_drains_you")
    client = client_for(ray)
    page = body(client.get(url("meeting_questions", meeting)))
    assert "What drains you?" in page and "Category" not in page
    posted = client.post(url("meeting_questions", meeting), {"question_key": "what_drains_you"})
    assert posted.status_code == 403
    assert QuestionAsked.objects.count() == 1


def test_an_unknown_question_or_category_is_refused(client_for, mia, meeting):
    client = client_for(mia)
    assert client.post(url("meeting_questions", meeting), {"question_key": "x"}).status_code == 400
    assert client.get(url("meeting_questions", meeting) + "?category=x").status_code == 400


def test_a_manager_adds_an_organisation_question_that_is_suggested(client_for, mia, meeting):
    response = client_for(mia).post(
        reverse("org_questions"),
        {"meeting_id": meeting.pk, "category_key": "blockers", "text": "What slows you down?"},
        **HTMX,
    )
    assert response.status_code == 200
    assert "What slows you down?" in body(response) and "our question" in body(response)


def test_an_organisation_question_needs_text_and_a_manager(client_for, mia, ray, olga, meeting):
    empty = client_for(mia).post(reverse("org_questions"), {"category_key": "blockers"})
    assert empty.status_code == 400
    assert client_for(ray).post(reverse("org_questions"), {"text": "x"}).status_code == 403
    # A manager cannot reach into a meeting they are not part of
    hidden = client_for(mia).post(
        reverse("org_questions"), {"meeting_id": 987654, "category_key": "blockers", "text": "x"}
    )
    assert hidden.status_code == 404


# Feedback -----------------------------------------------------------------------------


def test_feedback_is_recorded_listed_and_written_to_the_notes(client_for, mia, ray, meeting):
    response = client_for(mia).post(
        url("meeting_feedback", meeting),
        {
            "kind": "positive",
            "situation": "The incident",
            "behaviour": "kept calm",
            "impact": "fast fix",
        },
        **HTMX,
    )
    assert response.status_code == 200 and "kept calm" in body(response)
    assert Feedback.objects.get().given_to == ray
    assert "kept calm" in SharedNotes.objects.get(meeting=meeting).feedback


def test_incomplete_feedback_is_refused(client_for, mia, meeting):
    response = client_for(mia).post(
        url("meeting_feedback", meeting), {"kind": "positive", "situation": "x"}, **HTMX
    )
    assert response.status_code == 400 and "behaviour" in response.json()["error"]
    assert not Feedback.objects.exists()


def test_the_recipient_marks_feedback_acted_on(client_for, mia, ray, meeting):
    record = services.feedback_give(
        actor=mia, meeting=meeting, kind="positive", situation="s", behaviour="b", impact="i"
    )
    data = {"feedback_id": record.pk, "mark": "acted_on", "value": "1"}
    assert client_for(mia).post(url("meeting_feedback", meeting), data).status_code == 403
    response = client_for(ray).post(url("meeting_feedback", meeting), data, **HTMX)
    assert response.status_code == 200 and "acted on" in body(response)
    record.refresh_from_db()
    assert record.acted_on_at is not None


def test_feedback_of_another_series_is_not_found(client_for, mia, omar, olga, meeting):
    theirs = olga.series.get().meetings.filter(status="scheduled").first()
    record = services.feedback_give(
        actor=omar, meeting=theirs, kind="positive", situation="s", behaviour="b", impact="i"
    )
    response = client_for(mia).post(
        url("meeting_feedback", meeting),
        {"feedback_id": record.pk, "mark": "acknowledged", "value": "1"},
    )
    assert response.status_code == 404


# Playbooks and plan ---------------------------------------------------------------------


def test_the_manager_opens_the_four_playbooks(client_for, mia, meeting):
    page = body(client_for(mia).get(url("meeting_playbooks", meeting) + "?playbook=bad_news"))
    for title in ("Underperforming", "Unhappy/Disengaged", "Want to Leave", "Bad News"):
        assert title in page
    assert 'id="playbook-bad_news" open' in page
    assert "Copy wording" in page and "<textarea" in page


def test_the_ic_sees_only_an_open_plan_not_the_playbooks(client_for, mia, ray, meeting):
    client = client_for(ray)
    assert "When They're Underperforming" not in body(client.get(url("meeting_playbooks", meeting)))
    services.plan_create(
        actor=mia,
        meeting=meeting,
        expectations="Tests on every PR",
        ends_on=timezone.localdate() + dt.timedelta(weeks=2),
    )
    page = body(client.get(url("meeting_playbooks", meeting)))
    assert "Tests on every PR" in page and "When They're Underperforming" not in page


def test_the_manager_creates_a_plan_from_the_panel(client_for, mia, series, meeting):
    ends_on = timezone.localdate() + dt.timedelta(weeks=3)
    response = client_for(mia).post(
        url("meeting_plan", meeting),
        {"expectations": "Tests on every PR", "ends_on": ends_on.isoformat()},
        **HTMX,
    )
    assert response.status_code == 200 and "Open improvement plan" in body(response)
    assert ActionItem.objects.filter(series=series, owner=mia).count() == 3


@pytest.mark.parametrize("ends_on", ["", "tomorrow", "2001-01-01"])
def test_a_bad_plan_is_refused_and_writes_nothing(client_for, mia, meeting, ends_on):
    response = client_for(mia).post(
        url("meeting_plan", meeting), {"expectations": "Clear", "ends_on": ends_on}, **HTMX
    )
    assert response.status_code == 400 and response.json()["error"]
    assert not ImprovementPlan.objects.exists() and not ActionItem.objects.exists()


def test_the_ic_cannot_create_a_plan_and_get_is_not_allowed(client_for, ray, mia, meeting):
    data = {"expectations": "x", "ends_on": "2100-01-01"}
    assert client_for(ray).post(url("meeting_plan", meeting), data).status_code == 403
    assert client_for(mia).get(url("meeting_plan", meeting)).status_code == 405


# Remote ---------------------------------------------------------------------------------


def test_a_remote_series_gets_the_remote_practices(client_for, mia, meeting):
    page = body(client_for(mia).get(url("meeting_remote", meeting)))
    assert "Use video (not just audio)" in page and "Start with personal check-in" in page
    assert "Follow up in writing after calls" in page
    assert "not marked as remote" not in page


def test_an_in_person_series_says_so(client_for, mia, rita):
    theirs = rita.series.get().meetings.filter(status="scheduled").first()
    page = body(client_for(mia).get(url("meeting_remote", theirs)))
    assert "not marked as remote" in page


# Access and cost ---------------------------------------------------------------------------

PANELS = ["meeting_prepare", "meeting_questions", "meeting_feedback", "meeting_playbooks"]


@pytest.mark.parametrize("name", [*PANELS, "meeting_remote"])
def test_outsiders_get_404_and_other_methods_405(client_for, olga, mia, meeting, name):
    assert client_for(olga).get(url(name, meeting)).status_code == 404
    assert client_for(mia).put(url(name, meeting)).status_code == 405


@pytest.mark.parametrize("name", PANELS)
@pytest.mark.parametrize("viewer", ["mia", "ray"])
def test_panels_cost_the_same_whatever_the_history(client_for, cast, meeting, name, viewer):
    person = getattr(cast, viewer)
    client = client_for(person)
    client.get(url(name, meeting))  # warm the session

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(name, meeting)).status_code == 200
        return len(queries)

    before = count()
    for n in range(4):
        meeting_services.topic_add(actor=cast.ray, meeting=meeting, text=f"t{n}", kind="skills")
        meeting_services.action_item_add(
            actor=cast.mia, meeting=meeting, text=f"a{n}", owner=cast.ray
        )
        services.feedback_give(
            actor=cast.mia,
            meeting=meeting,
            kind="positive",
            situation="s",
            behaviour="b",
            impact="i",
        )
        services.question_ask(actor=cast.mia, meeting=meeting, question_key="what_drains_you")
        services.meeting_seen(actor=person, meeting=meeting)
    assert count() == before


def test_the_manager_sets_the_focus_that_fills_the_placeholders(client_for, mia, ray, meeting):
    response = client_for(mia).post(
        url("meeting_questions", meeting),
        {"focus_skill": "code review", "category": "current_growth"},
        **HTMX,
    )
    assert response.status_code == 200
    assert "What progress have you made on code review?" in body(response)
    assert (
        client_for(ray).post(url("meeting_questions", meeting), {"focus_skill": "x"}).status_code
        == 403
    )


def test_the_manager_closes_the_plan_when_expectations_are_met(client_for, mia, series, meeting):
    plan = services.plan_create(
        actor=mia,
        meeting=meeting,
        expectations="Tests on every PR",
        ends_on=timezone.localdate() + dt.timedelta(weeks=2),
    )
    client = client_for(mia)
    assert client.post(url("meeting_plan", meeting), {"close": "maybe"}, **HTMX).status_code == 400
    response = client.post(url("meeting_plan", meeting), {"close": "met"}, **HTMX)
    assert response.status_code == 200 and "Open improvement plan" not in body(response)
    plan.refresh_from_db()
    assert plan.status == "met" and selectors.open_plan_for(series) is None
    assert client.post(url("meeting_plan", meeting), {"close": "met"}, **HTMX).status_code == 400


@pytest.mark.parametrize(("person", "most"), [("mia", 6), ("ray", 6)])
def test_a_repeat_view_of_the_preparation_panel_reads_in_a_few_queries(
    client_for, mia, ray, meeting, person, most
) -> None:
    # The session and the person, the meeting, the audit fold (the manager's view of the
    # report's preparation), the checklist's facts once (the status and the manager's
    # self-ticking lines share them), then the hand ticks or the IC's own topics.
    client = client_for({"mia": mia, "ray": ray}[person])
    client.get(url("meeting_prepare", meeting), **HTMX)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("meeting_prepare", meeting), **HTMX).status_code == 200
    statements = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    assert all(s.startswith("SELECT") for s in statements), statements
    assert len(statements) <= most, statements


@pytest.mark.parametrize(
    ("name", "query", "title", "mode"),
    [
        ("meeting_prepare", "?phase=during", "Checklist", "run"),
        ("meeting_questions", "", "Questions", "run"),
        ("meeting_feedback", "", "Feedback", "run"),
        ("meeting_playbooks", "", "Difficult conversations", "run"),
    ],
)
def test_a_panel_opened_as_a_page_has_a_title_the_site_and_the_way_back(
    client_for, mia, meeting, name, query, title, mode
) -> None:
    """A tab's link opened in a new tab (or followed without JavaScript) is a page."""
    page = body(client_for(mia).get(url(name, meeting) + query))
    assert f"<title>{title} · 1:1 with Ray Report · Rapport</title>" in page
    assert 'href="/action-items/"' in page  # the site's navigation
    assert f'href="{url("meeting", meeting)}?mode={mode}">← Back to the 1:1 with Ray Report' in page
    assert "<html" not in body(client_for(mia).get(url(name, meeting) + query, **HTMX))
