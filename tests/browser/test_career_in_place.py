"""In a browser: a refused form comes back to its page and reloads as a GET; a career 1:1's
run view edits goals in place, with htmx and without JavaScript."""

from __future__ import annotations

import pytest

from rapport.growth import services
from rapport.growth.models import GoalProgress
from rapport.meetings.models import Meeting
from tests.browser.test_meeting_room import url

pytestmark = pytest.mark.browser


def test_a_refused_cancellation_shows_on_the_meeting_page_and_reloads(
    page_for, live_server, mia, meeting
) -> None:
    page = page_for(mia)
    page.goto(url(meeting, "prepare"))
    page.locator("#cancel-title").click()
    page.get_by_label("Why (the other person sees this)").fill("Offsite")
    page.get_by_role("button", name="Move or cancel").click()
    page.wait_for_url(f"{live_server.url}{url(meeting, 'prepare')}#call-off")
    assert "skip this one" in page.locator("#call-off").inner_text()
    assert page.get_by_label("Why (the other person sees this)").input_value() == "Offsite"
    response = page.reload()
    assert response is not None and response.status == 200
    assert "skip this one" not in page.locator("#call-off").inner_text()


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-javascript"])
def test_the_ic_adds_a_progress_update_inside_the_career_1_1(
    page_for, live_server, mia, ray, series, meeting, javascript
) -> None:
    meeting.kind = Meeting.Kind.CAREER
    meeting.save()
    goal = services.goal_create(actor=ray, series=series, title="Give a talk")
    page = page_for(ray, javascript=javascript)
    page.goto(url(meeting, "run"))
    part = page.locator("#part-progress_review-needs")
    assert "Your goals" in part.text_content()
    page.evaluate("window.keptAcrossSwap = true") if javascript else None
    part.get_by_text("Add a progress update").click()
    part.get_by_label("What moved since the last update").fill("Outline done")
    part.get_by_label("Done so far, in %").fill("30")
    part.get_by_role("button", name="Add update").click()
    page.locator("#part-progress_review-needs", has_text="30 % done").wait_for()
    if javascript:  # replaced in place: the page itself was not reloaded
        assert page.evaluate("window.keptAcrossSwap") is True
    else:
        page.wait_for_url(f"{live_server.url}{url(meeting, 'run')}#part-progress_review")
    assert GoalProgress.objects.get(goal=goal).percent == 30
    manager = page_for(mia)
    manager.goto(url(meeting, "run"))
    assert "Ray’s goals" in manager.locator("#part-progress_review-needs").text_content()
    assert "Outline done" in manager.locator("#part-progress_review-needs").text_content()
