"""A double click on a confirmation page's yes, without JavaScript: two forms reach the
server, one item is added, and the page shows where the first yes led."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from rapport.meetings.models import ActionItem
from tests.browser.conftest import WAIT
from tests.browser.test_meeting_room import url

pytestmark = pytest.mark.browser


def test_a_double_click_on_keep_this_date_adds_the_item_once(
    page_for, served, mia, meeting
) -> None:
    page = page_for(mia, javascript=False)
    page.goto(url(meeting, "run"))
    page.locator("#new-item-text").fill("Send the notes")
    past = timezone.localdate() - dt.timedelta(days=30)
    page.locator("#new-item-due").fill(past.isoformat())
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_role("heading", name="A date in the past?").wait_for()
    add = reverse("action_item_add", args=[meeting.pk])
    # Each yes reaches the server as soon as it is sent; the browser never sees the first
    # one's answer, as when the second click comes before it. The second is sent once the
    # server has answered the first: which of two yeses in flight at once the server takes
    # first is chance, and the one it takes second is the one that says so.
    yeses, answered = [], []

    def send(route) -> None:
        yeses.append(route)
        answer = route.fetch(max_redirects=0)
        answered.append(answer)
        if len(yeses) > 1:
            route.fulfill(response=answer)

    page.route(f"**{add}", send)
    box = page.get_by_role("button", name="Keep this date").bounding_box()
    for number in (1, 2):  # the mouse, as a person's: it waits for no page to load
        with page.expect_request(lambda request: request.method == "POST"):
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        _until(page, lambda number=number: len(answered) == number)
    page.wait_for_url(f"**/meetings/{meeting.pk}/?mode=run#items")
    served.wait_idle()
    page.get_by_text("Sent twice: the second one changed nothing.").wait_for()
    # It lands on the run view, whose items card shows the item added.
    page.locator("#meeting-items .item-text").get_by_text("Send the notes").wait_for()
    page.unroute_all(behavior="ignoreErrors")
    assert len(yeses) == 2
    assert ActionItem.objects.filter(text="Send the notes").count() == 1


def _until(page, check) -> None:
    """Let the page's events (its route handlers) run until `check()` holds."""
    deadline = time.monotonic() + WAIT
    while not check():
        assert time.monotonic() < deadline, "timed out"
        page.wait_for_timeout(5)
