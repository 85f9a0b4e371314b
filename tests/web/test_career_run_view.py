"""A career 1:1's run view shows and edits the career in place, in each part, for each person
in their own words: goals and progress, self-assessment beside the ladder view, the peer
feedback summary, the development plan. Its forms post to the existing pages' addresses
and come back to the meeting (without JavaScript) or replace the part (htmx)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from rapport.career.models import LadderView, SelfAssessment
from rapport.growth import services
from rapport.growth.models import DevelopmentPlan, Goal, GoalProgress, PeerSummary
from rapport.meetings.models import Meeting

HTMX = {"HX-Request": "true"}


@pytest.fixture
def career_meeting(meeting):
    meeting.kind = Meeting.Kind.CAREER
    meeting.save()
    return meeting


def _run(client, meeting) -> str:
    response = client.get(reverse("meeting", args=[meeting.pk]) + "?mode=run")
    assert response.status_code == 200
    return response.content.decode()


def test_each_person_reads_the_career_parts_in_their_own_words(
    client_for, mia, ray, series, career_meeting
) -> None:
    services.goal_create(actor=ray, series=series, title="Give a talk")
    manager = _run(client_for(mia), career_meeting)
    ic = _run(client_for(ray), career_meeting)
    assert "Ray’s goals" in manager and "Your goals" not in manager
    assert "Your goals" in ic and "Ray’s goals" not in ic
    assert "Give a talk" in manager and "Give a talk" in ic
    # The manager records the ladder view; the IC writes the self-assessment.
    assert reverse("ladder_view", args=[series.pk]) in manager
    assert reverse("ladder_view", args=[series.pk]) not in ic
    assert reverse("self_assessment", args=[series.pk]) in ic
    assert reverse("self_assessment", args=[series.pk]) not in manager
    assert reverse("peer_summary", args=[series.pk]) in manager
    assert reverse("peer_summary", args=[series.pk]) not in ic
    # The self-assessment panel is a tab of the run view, rendered without JavaScript.
    assert 'id="tool-career"' in manager and 'id="tool-career"' in ic
    assert "Ray’s self-assessment" in manager and "Your self-assessment" in ic
    # Both edit the plan in forward planning.
    for page in (manager, ic):
        assert reverse("development_plan", args=[series.pk]) in page
        # The 1:1's own career interval (a junior's: every 2 weeks), not the guide's monthly one.
        assert f"career-focused every {series.career_every_weeks} weeks" in page
        assert "one 1:1 per month" not in page


def test_a_progress_update_from_the_run_view_comes_back_to_the_progress_review(
    client_for, ray, series, career_meeting
) -> None:
    goal = services.goal_create(actor=ray, series=series, title="Give a talk")
    client = client_for(ray)
    page = _run(client, career_meeting)
    back = re.search(r'name="next" value="([^"]*part-progress_review)"', page).group(1)
    back = back.replace("&amp;", "&")
    data = {"text": "Outline <b>done</b>", "percent": "40", "next": back}
    response = client.post(reverse("goal_progress", args=[goal.pk]), data, follow=True)
    assert response.redirect_chain[-1][0] == back
    page = response.content.decode()
    assert "40 % done" in page and "Outline &lt;b&gt;done&lt;/b&gt;" in page
    # With htmx the same address answers the page, from which the part is picked.
    data["text"] = "Slides drafted"
    htmx = client.post(reverse("goal_progress", args=[goal.pk]), data, headers=HTMX, follow=True)
    assert htmx.status_code == 200 and 'id="part-progress_review-needs"' in htmx.content.decode()
    assert GoalProgress.objects.filter(goal=goal).count() == 2


def test_the_ladder_view_self_assessment_summary_and_plan_save_from_the_meeting(
    client_for, mia, ray, series, career_meeting
) -> None:
    back = reverse("meeting", args=[career_meeting.pk]) + "?mode=run#part-feedback_exchange"
    manager, ic = client_for(mia), client_for(ray)
    view = {"area_key": "craft", "level": "junior", "position": "above", "sentence": "Sharp"}
    response = manager.post(reverse("ladder_view", args=[series.pk]), {**view, "next": back})
    assert response.url == back
    response = ic.post(
        reverse("self_assessment", args=[series.pk]), {"area_craft": "Learning", "next": back}
    )
    assert response.url == back
    response = manager.post(
        reverse("peer_summary", args=[series.pk]), {"text": "Peers praise reviews", "next": back}
    )
    assert response.url == back
    plan = {
        "focus_areas": ["craft"],
        "next_review_on": "2031-01-15",
        "notes": "",
        "meeting_id": career_meeting.pk,
        "next": reverse("meeting", args=[career_meeting.pk]) + "?mode=run#part-forward_planning",
    }
    response = ic.post(reverse("development_plan", args=[series.pk]), plan)
    assert response.url.endswith("#part-forward_planning")
    assert LadderView.objects.get().sentence == "Sharp"
    assert SelfAssessment.objects.get().text == "Learning"
    assert PeerSummary.objects.get().text == "Peers praise reviews"
    assert DevelopmentPlan.objects.get().focus_areas == ["craft"]
    page = _run(ic, career_meeting)
    assert "Sharp" in page and "Learning" in page and "Peers praise reviews" in page
    assert "15 Jan 2031" in page


def test_a_new_goal_set_in_forward_planning_and_a_refusal_stay_in_the_meeting(
    client_for, ray, series, career_meeting
) -> None:
    back = reverse("meeting", args=[career_meeting.pk]) + "?mode=run#part-forward_planning"
    client = client_for(ray)
    response = client.post(
        reverse("series_goals", args=[series.pk]), {"title": "", "next": back}, follow=True
    )
    assert response.redirect_chain == [(back, 303)] and not Goal.objects.exists()
    htmx = client.post(
        reverse("series_goals", args=[series.pk]), {"title": "", "next": back}, headers=HTMX
    )
    assert htmx.status_code == 400 and "error" in htmx.json()
    client.post(reverse("series_goals", args=[series.pk]), {"title": "Mentor", "next": back})
    assert "Mentor" in _run(client, career_meeting)


def test_hostile_input_in_the_career_parts_is_refused_in_words_and_writes_nothing(
    client_for, mia, ray, series, career_meeting
) -> None:
    goal = services.goal_create(actor=ray, series=series, title="Give a talk")
    back = reverse("meeting", args=[career_meeting.pk]) + "?mode=run#part-progress_review"
    ic, manager = client_for(ray), client_for(mia)
    long = "x" * 10_000
    for data in ({"text": ""}, {"text": long}, {"text": "ok", "percent": "101"}):
        response = ic.post(reverse("goal_progress", args=[goal.pk]), {**data, "next": back})
        assert response.status_code == 303 and response.url == back, data
    assert not GoalProgress.objects.exists()
    view = {"area_key": "craft", "level": "junior", "position": "above", "sentence": long}
    response = manager.post(reverse("ladder_view", args=[series.pk]), {**view, "next": back})
    assert response.status_code == 303 and not LadderView.objects.exists()
    response = manager.post(reverse("peer_summary", args=[series.pk]), {"text": long, "next": back})
    assert response.status_code == 303 and not PeerSummary.objects.exists()
    # Somebody else's goal, or none: the same 404.
    assert ic.post(reverse("goal_progress", args=[999_999]), {"text": "x"}).status_code == 404
    # A `next` leading off the site is ignored.
    data = {"text": "Real", "next": "//evil.example/"}
    response = ic.post(reverse("goal_progress", args=[goal.pk]), data)
    assert response.url == reverse("series_goals", args=[series.pk])


def test_the_career_run_view_has_no_duplicate_ids(client_for, mia, ray, career_meeting) -> None:
    for person in (mia, ray):
        ids = re.findall(r'\sid="([^"]+)"', _run(client_for(person), career_meeting))
        assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def _queries(client, meeting) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        _run(client, meeting)
    return len(captured)


def test_the_career_run_view_reads_a_constant_number_of_queries_as_the_career_grows(
    client_for, mia, ray, series, career_meeting
) -> None:
    from rapport.career import services as career_services

    def grow(start: int) -> None:
        for n in range(start, start + 3):
            goal = services.goal_create(actor=ray, series=series, title=f"Goal {n}")
            services.goal_progress_add(actor=ray, goal=goal, text=f"Step {n}", percent=n)
            career_services.ladder_view_record(
                actor=mia,
                series=series,
                area_key="craft",
                level="junior",
                position="meets",
                sentence=f"View {n}",
            )
            services.peer_summary_write(actor=mia, series=series, text=f"Summary {n}")

    grow(0)
    clients = {person: client_for(person) for person in (mia, ray)}
    for client in clients.values():  # the first visit writes once (seen, presence)
        _queries(client, career_meeting)
    before = {person: _queries(client, career_meeting) for person, client in clients.items()}
    grow(10)
    after = {person: _queries(client, career_meeting) for person, client in clients.items()}
    assert after == before


def test_a_progress_update_submitted_twice_is_kept_once(client_for, ray, series) -> None:
    goal = services.goal_create(actor=ray, series=series, title="Give a talk")
    client = client_for(ray)
    for _ in range(2):  # a double click, or a reload that resends the form
        client.post(reverse("goal_progress", args=[goal.pk]), {"text": "Outline", "percent": "20"})
    client.post(reverse("goal_progress", args=[goal.pk]), {"text": "Slides", "percent": "20"})
    assert [p.text for p in GoalProgress.objects.order_by("pk")] == ["Outline", "Slides"]
