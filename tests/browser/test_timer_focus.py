"""Keyboard focus on the meeting plan survives the timer's refresh."""

from __future__ import annotations

import pytest

from rapport.meetings import selectors, services, wording

pytestmark = pytest.mark.browser

FOCUSED_TITLE = "document.activeElement.closest('.plan-step')?.textContent || ''"


def test_a_refresh_from_the_other_person_keeps_focus_on_the_part_that_had_it(
    page_for, mia, ray, meeting
) -> None:
    services.meeting_start(actor=mia, meeting=meeting)
    plan = selectors.plan_for(meeting)
    # Each side reads the parts in their own words ("Ray's topics" / "Your topics").
    first, second = (box.title for box in wording.voice_for(mia, meeting.series).plan(plan)[:2])
    second_for_ray = wording.voice_for(ray, meeting.series).plan(plan)[1].title
    manager, report = page_for(mia), page_for(ray)
    manager.goto(f"/meetings/{meeting.pk}/?mode=run")
    report.goto(f"/meetings/{meeting.pk}/?mode=run")
    manager.locator(".plan-step", has_text=first).focus()
    # Ray moves the timer on; Mia's page learns it from its poll and redraws the plan.
    report.locator(".plan-step", has_text=second_for_ray).click()
    manager.locator('.plan-step[aria-current="step"]', has_text=second).wait_for(timeout=15_000)
    assert first in manager.evaluate(FOCUSED_TITLE)
