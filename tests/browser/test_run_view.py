"""The compact run view: the timer stays in view, the side panels open as tabs beside the notes."""

from __future__ import annotations

import pytest

from rapport.meetings import services
from tests.browser.conftest import axe_violations
from tests.browser.test_meeting_room import url

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def bar_in_view(page) -> bool:
    box = page.locator("#timer").bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_the_current_part_and_its_timer_stay_in_view_while_the_notes_scroll(
    page_for, mia, ray, meeting, viewport
) -> None:
    services.meeting_start(actor=mia, meeting=meeting)
    for person in (mia, ray):
        page = page_for(person, viewport=viewport)
        page.goto(url(meeting, "run"))
        page.locator(".plan-step").nth(1).click()
        page.locator("#timer-clock[data-started]:not([data-started=''])").wait_for()
        page.locator("#items").scroll_into_view_if_needed()
        page.locator("#new-item-text").wait_for()
        assert page.evaluate("window.scrollY") > 300
        assert bar_in_view(page), f"{person.first_name}: the timer scrolled away"
        assert page.locator(".timer-section").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_the_manager_opens_questions_feedback_playbooks_and_the_checklist_beside_the_notes(
    page_for, mia, meeting
) -> None:
    page = page_for(mia, viewport=LAPTOP)
    page.goto(url(meeting, "run"))
    page.wait_for_function("() => !document.querySelector('.panel-slot')")
    tabs = page.get_by_role("tab")
    assert tabs.all_inner_texts() == [
        "Private",
        "Questions",
        "Feedback",
        "Playbooks",
        "Checklist",
        "Guide",
    ]
    # The private note shows first; one panel at a time, without leaving the page.
    assert page.locator("#private-note-body").is_visible()
    page.locator("#notes-context").fill("Typed before opening a panel")
    for name, shown in (
        ("Questions", "#coaching-questions"),
        ("Feedback", "#tool-feedback .coaching-panel"),
        ("Playbooks", ".coaching-playbook"),
        ("Checklist", "#coaching-checklist-during"),
    ):
        page.get_by_role("tab", name=name).click()
        page.locator(shown).first.wait_for()
        assert page.get_by_role("tab", name=name).get_attribute("aria-selected") == "true"
        assert page.locator("#private-note-body").is_hidden()
        assert page.url.endswith("?mode=run")
    assert page.locator("#notes-context").input_value() == "Typed before opening a panel"
    # The keyboard moves between tabs too.
    page.get_by_role("tab", name="Checklist").press("ArrowRight")
    assert page.get_by_role("tab", name="Guide").get_attribute("aria-selected") == "true"
    assert page.get_by_text("The 5-minute career check").is_visible()
    assert axe_violations(page) == []


def test_the_report_has_no_manager_coaching_tabs(page_for, ray, meeting) -> None:
    page = page_for(ray, viewport=PHONE)
    page.goto(url(meeting, "run"))
    assert page.get_by_role("tab").all_inner_texts() == ["Private", "Feedback", "Guide"]
    assert page.locator("#coaching-checklist-during").count() == 0


def test_without_javascript_every_panel_shows_and_each_tab_is_a_plain_link(
    page_for, mia, meeting
) -> None:
    page = page_for(mia, viewport=LAPTOP, javascript=False)
    page.goto(url(meeting, "run"))
    assert page.locator("#private-note-body").is_visible()
    assert page.locator("#tool-guide").is_visible()
    questions = page.get_by_role("link", name="Questions")
    assert questions.get_attribute("href") == f"/meetings/{meeting.pk}/questions/"
    checklist = page.get_by_role("link", name="Checklist")
    assert checklist.get_attribute("href") == f"/meetings/{meeting.pk}/prepare/?phase=during"
    checklist.click()
    during = page.get_by_role("heading", name="During the meeting")
    during.wait_for()
    assert during.is_visible()


def test_back_and_reload_after_starting_early_never_resend_a_form(page_for, mia, meeting) -> None:
    page = page_for(mia)
    page.goto(url(meeting))
    page.get_by_role("button", name="Start meeting").click()
    page.get_by_role("heading", name="Start early?").wait_for()
    assert page.url.endswith(f"/meetings/{meeting.pk}/start/")
    page.reload()  # the question is a page: reloading asks again, nothing is resent
    page.get_by_role("button", name="Start it now").click()
    page.wait_for_selector("#timer-clock")
    page.go_back()  # back to the question: there is none left, so the meeting again
    page.wait_for_selector("#timer-clock")
    assert page.url.endswith(f"/meetings/{meeting.pk}/")
    page.reload()
    page.wait_for_selector("#timer-clock")


def test_back_and_reload_after_marking_held_early_never_resend_a_form(
    page_for, mia, meeting
) -> None:
    page = page_for(mia)
    page.goto(url(meeting, "wrap"))
    page.locator("#held input[name=held_minutes]").fill("41")
    page.get_by_role("button", name="Mark held", exact=True).click()
    page.get_by_role("heading", name="Mark held early?").wait_for()
    assert page.url.endswith(f"/meetings/{meeting.pk}/complete/")
    page.reload()  # the question, with what was typed, again; nothing is resent
    page.get_by_role("heading", name="Mark held early?").wait_for()
    page.get_by_role("button", name="Mark it held").click()
    page.get_by_text("Meeting marked held.").wait_for()
    page.go_back()  # back to the question: it was answered, so the wrap-up again
    page.get_by_role("heading", name="Summary of key points").wait_for()
    assert page.url.endswith(f"/meetings/{meeting.pk}/?mode=wrap#held")
    page.reload()
    page.get_by_role("heading", name="Summary of key points").wait_for()
    meeting.refresh_from_db()
    assert (meeting.status, meeting.held_minutes) == ("held", 41)
