"""Two people run whole 1:1s in two browsers: prepare, run, wrap up; and off the record."""

from __future__ import annotations

import logging
import re

import pytest
from django.apps import apps
from django.db import models
from django.db.models.functions import Cast

from rapport.meetings import selectors
from rapport.meetings.models import Meeting, SharedNotes
from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser

LIVE = 15_000  # ms: the agenda polls every 5 s, the timer every 3 s, on a loaded machine


def url(meeting: Meeting, mode: str = "") -> str:
    return f"/meetings/{meeting.pk}/" + (f"?mode={mode}" if mode else "")


SAVED = re.compile(r"^Saved \d")


def no_serious_violations(page) -> None:
    assert axe_violations(page) == []


def test_a_manager_and_a_report_run_a_whole_regular_1_1(
    page_for, served, mia, ray, meeting
) -> None:
    manager, report = page_for(mia), page_for(ray)
    manager.goto(url(meeting))
    report.goto(url(meeting))
    assert manager.locator('[aria-current="page"]').inner_text().startswith("1")  # prepare
    no_serious_violations(manager)

    # Prepare: Ray adds a topic; it appears on Mia's page without a reload.
    report.get_by_label("Add a topic").fill("Deploys keep failing on Fridays")
    report.get_by_role("button", name="Add topic").click()
    manager.locator(".topic-text", has_text="Deploys keep failing on Fridays").wait_for(
        timeout=LIVE
    )

    # Run: Mia starts; both land in run mode; the timer is shared and survives a reload.
    manager.get_by_role("button", name="Start meeting").click()
    manager.get_by_role("button", name="Start it now").click()  # a week early: asked first
    manager.wait_for_selector("#timer-clock")
    assert "Run" in manager.locator('[aria-current="page"]').inner_text()
    # Each reads the part in their own words: Ray's topics are "Your topics" to Ray.
    manager.locator(".plan-step", has_text="Ray’s topics").click()
    manager.locator(".timer-section", has_text="Ray’s topics").wait_for()
    report.goto(url(meeting))
    report.locator(".timer-section", has_text="Your topics").wait_for()
    started = manager.locator("#timer-clock").get_attribute("data-started")
    assert started and report.locator("#timer-clock").get_attribute("data-started") == started
    counting = "document.querySelector('[data-timer-display]').textContent"
    report.wait_for_function(f"() => /^14:[0-5][0-9]$/.test({counting})")  # it counts
    # Ray moves on; Mia's page follows within seconds, and keeps it after a reload.
    report.locator(".plan-step", has_text="Mia’s topics").click()
    manager.locator(".timer-section", has_text="Your topics").wait_for(timeout=LIVE)
    manager.reload()
    manager.locator(".timer-section", has_text="Your topics").wait_for()
    no_serious_violations(manager)

    # Notes: both type in different sections at once; both are kept.
    manager.locator("#notes-their_topics").fill("Friday deploys: add a canary")
    report.locator("#notes-feedback").fill("Thanks for the review help")
    manager.locator("#shared-notes-status", has_text=SAVED).wait_for()
    report.locator("#shared-notes-status", has_text=SAVED).wait_for()
    manager.locator("#notes-their_topics").fill("Friday deploys: add a canary stage")

    def both_kept() -> bool:
        notes = SharedNotes.objects.get(meeting=meeting)
        return (notes.their_topics, notes.feedback) == (
            "Friday deploys: add a canary stage",
            "Thanks for the review help",
        )

    served.wait_until(both_kept)  # the browser saves in the background
    assert manager.locator(".conflict").count() == 0

    # A private note, and an action item that reaches Ray without a reload.
    manager.locator("#private-note-body").fill("MIA-ONLY: watch his energy")
    manager.locator("#private-note-status", has_text=SAVED).wait_for()
    manager.get_by_label("New action item").fill("Set up the canary stage")
    manager.locator("#new-item-owner").select_option(label="Ray Report")
    manager.locator("#new-item-due").fill("2026-12-08")
    manager.get_by_role("button", name="Add", exact=True).click()
    report.locator("#meeting-items", has_text="Set up the canary stage").wait_for(timeout=LIVE)

    # Wrap up: Mia marks it held with its real length; the recap has no private note.
    manager.goto(url(meeting, "wrap"))
    manager.get_by_label("Real length (minutes)").fill("31")
    manager.get_by_role("button", name="Mark held").click()
    manager.get_by_text("Meeting marked held").wait_for()
    meeting.refresh_from_db()
    assert meeting.status == "held" and meeting.held_minutes == 31
    manager.get_by_role("textbox", name="Key points").fill("Canary stage before Friday deploys")
    manager.get_by_role("button", name="Save summary").click()
    manager.get_by_text("Summary saved.").wait_for()
    no_serious_violations(manager)
    report.goto(url(meeting))
    assert "Wrap up" in report.locator('[aria-current="page"]').inner_text()
    report.get_by_role("button", name="Copy as Markdown").click()
    report.get_by_text("Recap copied as Markdown.").wait_for()
    recap = report.locator("#recap-markdown").input_value()
    assert recap.startswith("## 1:1 with Mia Manager")  # Ray's own recap names his manager
    assert "Friday deploys: add a canary stage" in recap
    assert "Ray Report will set up the canary stage by 2026-12-08" in recap
    assert "MIA-ONLY" not in recap and "MIA-ONLY" not in report.content()
    no_serious_violations(report)


def test_a_whole_career_1_1_follows_the_four_parts(page_for, mia, ray, meeting) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(kind="career", duration_minutes=60)
    meeting.refresh_from_db()
    manager, report = page_for(mia), page_for(ray)
    manager.goto(url(meeting, "run"))
    titles = [box.title for box in selectors.plan_for(meeting)]
    assert len(titles) == 4
    for title in titles:
        assert manager.locator(".plan-steps", has_text=title).count() == 1
    manager.get_by_role("button", name="Start meeting").click()
    manager.get_by_role("button", name="Start it now").click()  # a week early: asked first
    report.goto(url(meeting))
    for title in titles:  # with the keyboard: focus stays on the current part
        manager.locator(".plan-step", has_text=title).focus()
        manager.keyboard.press("Enter")
        manager.locator('.plan-step[aria-current="step"]', has_text=title).wait_for()
        manager.wait_for_function(
            "() => document.activeElement.getAttribute('aria-current') === 'step'"
        )
        report.locator(".timer-section", has_text=title).wait_for(timeout=LIVE)
    no_serious_violations(report)
    manager.goto(url(meeting, "wrap"))
    manager.get_by_role("button", name="Mark held").click()
    manager.get_by_text("Meeting marked held").wait_for()
    meeting.refresh_from_db()
    assert meeting.status == "held"


class Captured(logging.Handler):
    """Every log record the live server writes, formatted with its arguments."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def text_columns() -> list[tuple[type[models.Model], str]]:
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField | models.JSONField)
    ]


def test_off_the_record_text_never_reaches_the_server(page_for, mia, meeting) -> None:
    from rapport.meetings import services

    services.meeting_start(actor=mia, meeting=meeting)
    marker = "OFFRECORD-7c1e9a-never-kept"
    handler = Captured()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    sent: list[str] = []
    try:
        page = page_for(mia)
        page.on("request", lambda request: sent.append(f"{request.url} {request.post_data or ''}"))
        page.goto(url(meeting, "run"))
        page.get_by_role("button", name="Go off the record").click()
        banner = page.get_by_text("Off the record: nothing you type here is kept")
        assert banner.is_visible()
        assert page.locator("#shared-notes-form").is_hidden()
        assert page.locator("#private-note-body").is_hidden()
        no_serious_violations(page)
        page.locator("#off-record-scratch").type(marker, delay=5)
        # Past the autosave delay (500 ms) and a few polls: two timer polls, 3 s apart.
        for _ in range(2):
            with page.expect_response(re.compile(r"/timer/"), timeout=LIVE):
                pass
        kept = page.evaluate("() => JSON.stringify(Object.assign({}, window.localStorage))")
        assert marker not in kept  # not in the browser's storage either
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Back on the record").click()
        assert page.locator("#off-record").is_hidden()
        assert page.locator("#off-record-scratch").input_value() == ""
        # Back on the record, a normal save still works and carries no marker.
        page.locator("#notes-context").fill("On the record again")
        page.locator("#shared-notes-status", has_text=SAVED).wait_for()
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
    assert len(sent) > 3 and not [line for line in sent if marker in line]
    assert not [line for line in handler.lines if marker in line]
    for model, column in text_columns():
        # Every column read as its text (a JSON column's too, which has no text lookups).
        rows = model._default_manager.annotate(_text=Cast(column, models.TextField()))
        assert not rows.filter(_text__contains=marker).exists(), f"{model.__name__}.{column}"
    assert SharedNotes.objects.get(meeting=meeting).context == "On the record again"


@pytest.mark.parametrize("mode", selectors.MODES)
def test_each_mode_fits_a_phone(page_for, ray, meeting, mode: str) -> None:
    page = page_for(ray, viewport={"width": 390, "height": 844})
    page.goto(url(meeting, mode))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_modes_are_reachable_with_the_keyboard(page_for, mia, meeting) -> None:
    page = page_for(mia)
    page.goto(url(meeting))
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent || ''")
        if re.search(r"Wrap up", focused):
            break
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"mode=wrap"))
    assert "Wrap up" in page.locator('[aria-current="page"]').inner_text()
