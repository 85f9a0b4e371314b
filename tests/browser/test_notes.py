"""Notes never lose text, and are live for both people: in a real Chromium, against a live server.

Leaving the page right after typing, losing the network, and two people writing at once:
each test then reads the database, not the page, to know what was kept.
"""

from __future__ import annotations

import re
import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rapport.meetings import services
from rapport.meetings.models import Meeting, PrivateNote, SharedNotes
from tests.browser.conftest import WAIT
from tests.browser.screenshots import shoot

pytestmark = pytest.mark.browser

SAVED = re.compile(r"^Saved \d")
LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
WRAP = 'a.mode-link[href$="mode=wrap"]'
PREPARE = 'a.mode-link[href$="mode=prepare"]'
ALL_1_1S = ".crumbs a"
START = 'form[action$="/start/"] button[type=submit]'


def url(meeting: Meeting, mode: str = "run") -> str:
    return f"/meetings/{meeting.pk}/?mode={mode}"


def reopened_until(context, meeting: Meeting, field: str, expected: str) -> None:
    """Open the page again in the same browser until `field` holds `expected`.

    A save sent as a page closes lands a little later; the server is asked, not the
    database directly, so the test never holds a lock the server's write is waiting for.
    """
    tab = context.new_page()
    deadline = time.monotonic() + WAIT
    while True:
        tab.goto(url(meeting))
        if tab.locator(field).input_value() == expected:
            break
        assert time.monotonic() < deadline, tab.locator(field).input_value()
    tab.close()


def type_then_leave(page, field: str, text: str, leave: str, after_ms: int) -> None:
    """Type into the field, then click `leave` `after_ms` after the last keystroke."""
    page.locator(field).click()
    page.keyboard.press("Control+End")
    page.locator(field).press_sequentially(text)
    page.evaluate(
        "([selector, ms]) => setTimeout(() => document.querySelector(selector).click(), ms)",
        [leave, after_ms],
    )


def type_then_close(page, meeting: Meeting, field: str, text: str) -> None:
    """Type at the end of the field and close the tab at once; then see it was all kept."""
    page.goto(url(meeting, "run"))
    expected = page.locator(field).input_value() + text
    page.locator(field).click()
    page.keyboard.press("Control+End")
    page.locator(field).press_sequentially(text)
    context = page.context
    page.close(run_before_unload=True)
    reopened_until(context, meeting, field, expected)


def shared_context(meeting: Meeting) -> str:
    return SharedNotes.objects.get(meeting=meeting).context


def private_body(person, meeting: Meeting) -> str:
    note = PrivateNote.objects.filter(author=person, meeting=meeting).first()
    return note.body if note else ""


# Leaving right after typing ----------------------------------------------------------


def test_shared_notes_typed_just_before_leaving_are_all_saved(page_for, mia, meeting) -> None:
    services.meeting_start(actor=mia, meeting=meeting)
    page = page_for(mia)
    expected = ""
    for after_ms, leave, lands in (
        (0, WRAP, "mode=wrap"),
        (100, ALL_1_1S, f"/series/{meeting.series_id}/"),
        (300, PREPARE, "mode=prepare"),
    ):
        page.goto(url(meeting, "run"))
        words = f" left-after-{after_ms}ms-" + "x" * 40
        type_then_leave(page, "#notes-context", words, leave, after_ms)
        expected += words
        page.wait_for_url(re.compile(re.escape(lands)))
        # Saved before the next page was even asked for: every character.
        assert shared_context(meeting) == expected
    words = " closed-at-once-" + "y" * 40
    type_then_close(page, meeting, "#notes-context", words)
    assert shared_context(meeting) == expected + words


def test_a_private_note_typed_just_before_leaving_is_all_saved(page_for, mia, meeting) -> None:
    # Started at its time: a start days early would ask to confirm first.
    Meeting.objects.filter(pk=meeting.pk).update(scheduled_at=timezone.now())
    page = page_for(mia)
    page.goto(url(meeting, "prepare"))
    words = "before-the-start-" + "p" * 40
    type_then_leave(page, "#private-note-body", words, START, 0)
    page.wait_for_url(re.compile(r"mode=run|/meetings/\d+/$"))
    page.wait_for_selector("#timer-clock")
    assert private_body(mia, meeting) == words  # a form that leaves the page waits too
    expected = words
    for after_ms, leave, lands in ((100, WRAP, "mode=wrap"), (300, ALL_1_1S, "/series/")):
        page.goto(url(meeting, "run"))
        more = f" after-{after_ms}ms-" + "q" * 40
        type_then_leave(page, "#private-note-body", more, leave, after_ms)
        expected += more
        page.wait_for_url(re.compile(re.escape(lands)))
        assert private_body(mia, meeting) == expected
    more = " closed-" + "r" * 40
    type_then_close(page, meeting, "#private-note-body", more)
    assert private_body(mia, meeting) == expected + more


# Offline -------------------------------------------------------------------------------


def test_text_typed_offline_stays_says_so_warns_and_saves_once_back(page_for, mia, meeting) -> None:
    services.meeting_start(actor=mia, meeting=meeting)
    page = page_for(mia)
    page.goto(url(meeting, "run"))
    page.context.set_offline(True)
    page.locator("#notes-context").press_sequentially("Typed while the network was down")
    page.locator("#private-note-body").press_sequentially("PRIVATE-OFFLINE-9c1")
    expect(page.locator("#shared-notes-status")).to_have_text("Not saved — will retry")
    expect(page.locator("#private-note-status")).to_have_text("Not saved — will retry")
    stored = page.evaluate("() => JSON.stringify(Object.assign({}, window.localStorage))")
    assert "Typed while the network was down" in stored  # shared notes only
    assert "PRIVATE-OFFLINE-9c1" not in stored
    # Leaving now would lose it: the browser asks first, and staying keeps it all.
    with page.expect_event("dialog") as asked:
        page.locator(WRAP).click(no_wait_after=True)
    assert asked.value.type == "beforeunload"
    asked.value.dismiss()
    assert "mode=run" in page.url
    assert page.locator("#notes-context").input_value() == "Typed while the network was down"
    page.context.set_offline(False)
    expect(page.locator("#shared-notes-status")).to_have_text(SAVED)
    expect(page.locator("#private-note-status")).to_have_text(SAVED)
    assert shared_context(meeting) == "Typed while the network was down"
    assert private_body(mia, meeting) == "PRIVATE-OFFLINE-9c1"
    assert page.evaluate("() => window.localStorage.length") == 0


def test_shared_notes_kept_in_the_browser_are_saved_on_the_next_visit(
    page_for, mia, meeting
) -> None:
    services.meeting_start(actor=mia, meeting=meeting)
    page = page_for(mia)
    page.goto(url(meeting, "run"))
    page.route("**/notes/", lambda route: route.abort())  # the server cannot be reached
    page.locator("#notes-follow_up").press_sequentially("Written with the server away")
    expect(page.locator("#shared-notes-status")).to_have_text("Not saved — will retry")
    page.on("dialog", lambda dialog: dialog.accept())  # leave anyway
    page.close(run_before_unload=True)
    assert SharedNotes.objects.get(meeting=meeting).follow_up == ""
    tab = page.context.new_page()  # the same browser, later
    tab.goto(url(meeting, "run"))
    expect(tab.locator("#notes-follow_up")).to_have_value("Written with the server away")
    expect(tab.locator("#shared-notes-status")).to_have_text(SAVED)
    assert SharedNotes.objects.get(meeting=meeting).follow_up == "Written with the server away"
    assert tab.evaluate("() => window.localStorage.length") == 0


def test_a_save_after_being_signed_out_says_so_and_keeps_the_text(page_for, mia, meeting) -> None:
    services.meeting_start(actor=mia, meeting=meeting)
    page = page_for(mia)
    page.goto(url(meeting, "run"))
    page.context.clear_cookies(name="sessionid")  # signed out in another tab
    page.locator("#notes-context").press_sequentially("Typed after signing out")
    expect(page.locator("#shared-notes-status")).to_have_text("Not saved")
    expect(page.locator("#shared-notes-editor [data-errors]")).to_contain_text("signed out")
    assert page.locator("#notes-context").input_value() == "Typed after signing out"
    assert shared_context(meeting) == ""


# Live for both people ------------------------------------------------------------------


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_what_one_person_saves_appears_for_the_other_without_a_reload(
    page_for, mia, ray, meeting, viewport
) -> None:
    services.meeting_start(actor=mia, meeting=meeting)
    manager, report = page_for(mia, viewport=viewport), page_for(ray, viewport=viewport)
    manager.goto(url(meeting))
    report.goto(url(meeting))
    # Presence: each sees the other is on the page.
    expect(report.locator("#presence")).to_have_text("Mia is on this page too")
    expect(manager.locator("#presence")).to_have_text("Ray is on this page too")

    # Mia writes; Ray's page shows it within 3 seconds of the save, without a reload.
    manager.locator("#notes-context").fill("Two teams merge in January")
    expect(manager.locator("#shared-notes-status")).to_have_text(SAVED)
    expect(report.locator("#notes-context")).to_have_value(
        "Two teams merge in January", timeout=3_000
    )
    # And Ray's writing reaches Mia the same way.
    report.locator("#notes-their_topics").fill("Friday deploys keep failing")
    expect(report.locator("#shared-notes-status")).to_have_text(SAVED)
    expect(manager.locator("#notes-their_topics")).to_have_value(
        "Friday deploys keep failing", timeout=3_000
    )

    # Ray is typing feedback (his saves cannot get through yet) while Mia saves the same
    # section and another one: his text is left alone, the other section follows.
    report.route("**/notes/", lambda route: route.abort())
    report.locator("#notes-feedback").press_sequentially("Ray: thanks for the reviews")
    expect(report.locator("#shared-notes-status")).to_have_text("Not saved — will retry")
    manager.locator("#notes-feedback").fill("Mia: great demo on Tuesday")
    manager.locator("#notes-follow_up").fill("Revisit the deploy canary")
    expect(manager.locator("#shared-notes-status")).to_have_text(SAVED)
    expect(report.locator("#notes-follow_up")).to_have_value(
        "Revisit the deploy canary", timeout=3_000
    )
    assert report.locator("#notes-feedback").input_value() == "Ray: thanks for the reviews"
    editing = report.locator(".notes-section", has=report.locator("#notes-feedback"))
    expect(editing.locator(".notes-editing")).to_have_text("Mia is editing…")
    shoot(manager, f"notes-live-manager-{viewport['width']}")
    shoot(report, f"notes-live-report-{viewport['width']}")

    # His save goes through once the server answers: both versions, nothing overwritten.
    report.unroute("**/notes/")
    conflict = report.locator("#shared-notes-conflict .conflict")
    expect(conflict).to_contain_text("Mia: great demo on Tuesday")
    expect(conflict).to_contain_text("Ray: thanks for the reviews")
    shoot(report, f"notes-live-conflict-{viewport['width']}")
    # Until he chooses, leaving would lose his version: the browser asks first.
    with report.expect_event("dialog") as asked:
        report.locator(WRAP).click(no_wait_after=True)
    assert asked.value.type == "beforeunload"
    asked.value.dismiss()
    assert "mode=run" in report.url
    notes = SharedNotes.objects.get(meeting=meeting)
    assert notes.feedback == "Mia: great demo on Tuesday"
    assert (notes.context, notes.their_topics, notes.follow_up) == (
        "Two teams merge in January",
        "Friday deploys keep failing",
        "Revisit the deploy canary",
    )
    report.get_by_role("button", name="Keep mine").click()
    expect(report.locator("#shared-notes-status")).to_have_text(SAVED)
    assert SharedNotes.objects.get(meeting=meeting).feedback == "Ray: thanks for the reviews"
    expect(manager.locator("#notes-feedback")).to_have_value(
        "Ray: thanks for the reviews", timeout=3_000
    )
    assert report.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    # Mia leaves for another page: Ray's page stops saying she is here.
    manager.locator(ALL_1_1S).click()
    manager.wait_for_url(re.compile(r"/series/"))
    expect(report.locator("#presence")).to_have_text("Mia is not on this page right now")
