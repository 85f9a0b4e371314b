from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from rapport.meetings import services
from tests.browser.conftest import axe_violations
from tests.conftest import cadence_of

pytestmark = pytest.mark.browser


def test_a_report_marks_days_away_and_sees_the_one_on_one_to_move(page_for, ray, meeting) -> None:
    day = meeting.scheduled_at.astimezone(ZoneInfo(ray.timezone)).date().isoformat()
    page = page_for(ray)
    page.get_by_role("link", name="Days away").click()
    heading = page.get_by_role("heading", name="Days away", level=1)
    heading.wait_for()
    assert heading.is_visible()
    page.get_by_label("First day away").fill(day)
    page.get_by_label("Last day away").fill(day)
    page.get_by_label("Note (only you see it)").fill("Dentist")
    page.get_by_role("button", name="Save days away").click()
    saved = page.get_by_text("Days away saved")
    saved.wait_for()
    assert saved.is_visible()
    assert page.locator(".list .pill.bad", has_text="away that day").count() == 1
    page.reload()  # base.html's flash list (role=status on a <ul>) is checked apart
    assert axe_violations(page) == []


def test_the_series_page_with_warnings_and_suggestions_is_accessible(page_for, mia, series) -> None:
    services.series_update_cadence(
        actor=mia,
        series=series,
        choice=cadence_of(
            series,
            frequency_weeks=2,
            duration_minutes=30,
            career_every_weeks=4,
            reason="current_projects",
        ),
    )
    for meeting in series.meetings.filter(status="scheduled").order_by("scheduled_at")[:3]:
        services.meeting_cancel(actor=mia, meeting=meeting, reason="Busy", skip=True)
    page = page_for(mia)
    page.goto(f"/series/{series.pk}/")
    assert page.get_by_text("Warning signs").is_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="Apply: every week").first.click()
    filled = page.get_by_text("Suggestion filled in")
    filled.wait_for()  # the page after the link, not the one before it
    assert filled.is_visible()
    assert page.get_by_label("Frequency").input_value() == "1"
    page.screenshot(path="/tmp/sacred-series.png", full_page=True)
    assert axe_violations(page) == []


def test_the_manager_opens_the_cadence_form_previews_and_saves(page_for, mia, series) -> None:
    """The form loads as its box opens; the preview and the save are full pages."""
    page = page_for(mia)
    page.goto(f"/series/{series.pk}/")
    assert page.locator('#cadence-form [name="frequency_weeks"]').count() == 0
    page.get_by_text("Change the cadence").click()
    frequency = page.get_by_label("Frequency")
    frequency.wait_for()
    assert frequency.input_value() == "1"
    frequency.select_option("2")
    page.get_by_label("Career-focused 1:1 every (weeks)").fill("4")
    page.get_by_label("Reason to adjust").select_option("remote")
    with page.expect_navigation():
        page.get_by_role("button", name="Preview the next 6 meetings").click()
    preview = page.get_by_text("The next 6 meetings with this cadence")
    preview.wait_for()
    assert page.get_by_label("Frequency").input_value() == "2"
    with page.expect_navigation():
        page.get_by_role("button", name="Save this cadence").click()
    page.get_by_text("Cadence saved").wait_for()
    series.refresh_from_db()
    assert (series.frequency_weeks, series.cadence_reason) == (2, "remote")


def test_a_cadence_outside_working_hours_is_asked_about_then_saved(page_for, mia, series) -> None:
    """Without a script between them: the preview, its save, the question, the yes."""
    page = page_for(mia)
    page.goto(f"/series/{series.pk}/?cadence=1#cadence-form")
    page.get_by_label("Time").fill("03:00")
    with page.expect_navigation():
        page.get_by_role("button", name="Preview the next 6 meetings").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Save this cadence").click()
    page.get_by_role("heading", name="Outside working hours?").wait_for()
    assert page.url.endswith(f"/series/{series.pk}/cadence/")
    assert "for you: it starts before 08:00" in page.get_by_role("alert").inner_text()
    page.reload()  # asks again, sends nothing
    series.refresh_from_db()
    assert series.start_time.hour == 15
    with page.expect_navigation():
        page.get_by_role("button", name="Keep this cadence").click()
    page.get_by_text("Cadence saved").wait_for()
    series.refresh_from_db()
    assert series.start_time.hour == 3
