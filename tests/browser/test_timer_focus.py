"""Keyboard focus on the meeting plan survives the timer's refresh."""

from __future__ import annotations

import pytest

from rapport.meetings import room, services

pytestmark = pytest.mark.browser

FOCUSED_TITLE = "document.activeElement.closest('.plan-step')?.textContent || ''"


def test_a_refresh_from_the_other_person_keeps_focus_on_the_part_that_had_it(
    page_for, mia, ray, meeting
) -> None:
    services.meeting_start(actor=mia, meeting=meeting)
    first, second = (box.title for box in room.plan_for(meeting)[:2])
    manager, report = page_for(mia), page_for(ray)
    manager.goto(f"/meetings/{meeting.pk}/?mode=run")
    report.goto(f"/meetings/{meeting.pk}/?mode=run")
    manager.locator(".plan-step", has_text=first).focus()
    # Ray moves the timer on; Mia's page learns it from its poll and redraws the plan.
    report.locator(".plan-step", has_text=second).click()
    manager.locator('.plan-step[aria-current="step"]', has_text=second).wait_for(timeout=15_000)
    assert first in manager.evaluate(FOCUSED_TITLE)
