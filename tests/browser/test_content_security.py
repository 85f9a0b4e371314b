"""Chromium enforces Rapport's Content-Security-Policy: every page and htmx exchange works
under it and none reports a violation."""

from __future__ import annotations

import re

import pytest

from rapport.web.headers import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.browser

LIVE = 8_000  # ms: the agenda polls every 5 s
SAVED = re.compile(r"^Saved \d")
COPIED = re.compile(r"Copied|Selected")

# Runs before any of the page's own scripts (Playwright's init scripts are exempt from the
# policy): every violation the page reports becomes a console line the test collects.
REPORTER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error("CSP violation: " + event.violatedDirective + " blocked " +
    (event.blockedURI || "inline") + " at " + event.sourceFile + ":" + event.lineNumber);
});
document.addEventListener("htmx:evalDisallowedError", () => {
  console.error("CSP violation: htmx wanted eval");
});
"""
# An image from an address the policy refuses: its report comes after every earlier one.
SENTINEL = "sentinel.invalid"
RAISE_SENTINEL = (
    "() => { const image = document.createElement('img');"
    f" image.src = 'http://{SENTINEL}/' + Date.now() + '.png'; document.body.append(image); }}"
)


class Violations:
    """The violations and script errors of the pages it watches, in the order they came."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def watch(self, page):
        page.add_init_script(REPORTER)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.found.append(f"{page.url}: {error}"))
        return page

    def _console(self, message) -> None:
        text = message.text
        if SENTINEL in text:
            return
        if text.startswith("CSP violation") or "Content Security Policy" in text:
            self.found.append(text)

    def settled(self, page) -> list[str]:
        """Every violation of the page so far, once the browser has reported them all."""
        with page.expect_console_message(
            lambda message: message.text.startswith("CSP violation") and SENTINEL in message.text
        ):
            page.evaluate(RAISE_SENTINEL)
        return self.found


def visit(page, path: str):
    response = page.goto(path)
    assert response is not None and response.ok, path
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
    return response


def meeting_url(meeting, mode: str = "") -> str:
    return f"/meetings/{meeting.pk}/" + (f"?mode={mode}" if mode else "")


def panels_loaded(page) -> None:
    page.wait_for_function("() => !document.querySelector('.panel-slot')")


def test_the_watch_sees_what_the_policy_blocks(page_for, ray) -> None:
    violations = Violations()
    page = violations.watch(page_for(ray))
    visit(page, "/")
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "document.body.dataset.ran = 'yes'";
          document.head.append(script);
          document.body.insertAdjacentHTML("beforeend", '<p style="color: red">red</p>');
        }"""
    )
    found = violations.settled(page)
    assert any("script-src" in line for line in found), found
    assert any("style-src" in line for line in found), found
    assert page.evaluate("document.body.dataset.ran") is None, "the inline script ran"


def test_signed_out_pages_keep_to_the_policy(browser, live_server) -> None:
    violations = Violations()
    context = browser.new_context(base_url=live_server.url)
    try:
        page = violations.watch(context.new_page())
        for path in ("/login/", "/password-reset/"):
            visit(page, path)
        assert violations.settled(page) == []
    finally:
        context.close()


def test_a_whole_1_1_and_the_main_pages_run_without_a_violation(
    page_for, mia, ray, series, meeting
) -> None:
    violations = Violations()
    manager, report = violations.watch(page_for(mia)), violations.watch(page_for(ray))

    for path in (
        "/",
        "/people/",
        f"/people/{ray.pk}/",
        f"/series/{series.pk}/",
        "/action-items/",
        "/framework/",
        "/away/",
        "/settings/",
    ):
        visit(manager, path)
    # Settings: a feed address, copied with copy.js.
    manager.get_by_role("button", name="Create my feed address").click()
    manager.get_by_role("button", name="Copy", exact=True).click()
    manager.locator("#copy-status").filter(has_text=COPIED).wait_for()

    # Prepare: the coaching panel loads by itself; Ray's topic reaches Mia by polling,
    # and his form empties itself for the next topic.
    visit(manager, meeting_url(meeting))
    panels_loaded(manager)
    visit(report, meeting_url(meeting))
    panels_loaded(report)
    report.get_by_label("Add a topic").fill("Flaky deploys on Fridays")
    report.get_by_role("button", name="Add topic").click()
    manager.locator(".topic-text", has_text="Flaky deploys on Fridays").wait_for(timeout=LIVE)
    report.wait_for_function("() => document.getElementById('new-topic-text').value === ''")
    assert report.evaluate("document.activeElement.id") == "new-topic-text"

    # Run: the shared timer, the mood, notes and a private note saved as they are typed.
    manager.get_by_role("button", name="Start meeting").click()
    manager.get_by_role("button", name="Start it now").click()  # a week early: asked first
    manager.wait_for_selector("#timer-clock")
    panels_loaded(manager)
    # Each reads the part in their own words: Ray's topics are "Your topics" to Ray.
    manager.locator(".plan-step", has_text="Ray’s topics").click()
    manager.locator(".timer-section", has_text="Ray’s topics").wait_for()
    visit(report, meeting_url(meeting, "run"))
    report.locator(".timer-section", has_text="Your topics").wait_for()
    with report.expect_response(lambda response: "/mood/" in response.url):
        report.locator("#mood input[type=radio]").first.check()
    manager.locator("#notes-their_topics").fill("Add a canary stage")
    manager.locator("#shared-notes-status", has_text=SAVED).wait_for()
    manager.locator("#private-note-body").fill("Only mine")
    manager.locator("#private-note-status", has_text=SAVED).wait_for()
    manager.get_by_label("New action item").fill("Set up the canary")
    manager.locator("#new-item-owner").select_option(label="Ray Report")
    manager.get_by_role("button", name="Add", exact=True).click()
    report.locator("#meeting-items", has_text="Set up the canary").wait_for(timeout=LIVE)
    manager.wait_for_function("() => document.getElementById('new-item-text').value === ''")

    # The coaching panels, each a tab beside the notes: questions by category, and a
    # playbook's wording copied.
    manager.get_by_role("tab", name="Questions").click()
    with manager.expect_response(lambda response: "/questions/" in response.url):
        manager.locator("#question-category").select_option(index=1)
    manager.get_by_role("tab", name="Playbooks").click()
    playbook = manager.locator(".coaching-playbook").first
    playbook.locator("summary").click()
    playbook.get_by_role("button", name="Copy wording").click()
    playbook.locator("[data-copy-status]").filter(has_text=COPIED).wait_for()

    # Wrap up: held, summarised, the recap copied.
    visit(manager, meeting_url(meeting, "wrap"))
    panels_loaded(manager)
    manager.get_by_label("Real length (minutes)").fill("30")
    manager.get_by_role("button", name="Mark held").click()
    manager.get_by_text("Meeting marked held").wait_for()
    manager.get_by_role("textbox", name="Key points").fill("Canary before Friday deploys")
    manager.get_by_role("button", name="Save summary").click()
    manager.get_by_text("Summary saved.").wait_for()
    visit(report, meeting_url(meeting, "wrap"))
    report.get_by_role("button", name="Copy as Markdown").click()
    report.locator("[data-copy-status]").filter(
        has_text=re.compile("Recap copied|Selected")
    ).wait_for()

    assert violations.settled(manager) == []
    assert violations.settled(report) == []


# Polls wait without an htmx trigger filter (which needs eval): see rapport:poll in rapport.js.
POLL_LOGGER = """() => window.addEventListener("htmx:beforeRequest", (event) => {
  if (event.detail.elt.id === "agenda-list") {
    console.log("agenda poll " + (event.defaultPrevented ? "skipped" : "sent"));
  }
})"""


def next_poll(page) -> str:
    with page.expect_console_message(
        lambda message: message.text.startswith("agenda poll"), timeout=LIVE
    ) as poll:
        pass
    return poll.value.text


def test_the_agenda_poll_skips_its_turn_while_a_topic_is_being_edited(
    page_for, ray, meeting
) -> None:
    from rapport.meetings import services

    services.topic_add(actor=ray, meeting=meeting, text="Flaky deploys on Fridays")
    page = page_for(ray)
    visit(page, meeting_url(meeting))
    page.evaluate(POLL_LOGGER)
    assert next_poll(page) == "agenda poll sent"
    editor = page.locator(".topic-edit summary").first
    editor.click()
    # A turn already under way may still be reported as sent; the one after it waits.
    polls = [next_poll(page), next_poll(page)]
    assert polls[-1] == "agenda poll skipped", polls
    editor.click()
    polls = [next_poll(page), next_poll(page)]
    assert polls[-1] == "agenda poll sent", polls


def test_an_admin_invites_someone_and_copies_the_link_without_a_violation(page_for, ada) -> None:
    violations = Violations()
    page = violations.watch(page_for(ada))
    visit(page, "/people/")
    page.locator("summary", has_text="Invite someone").click()
    page.get_by_label("Email").fill("nina@acme.test")
    page.get_by_label("Name", exact=True).fill("Nina New")
    page.get_by_role("button", name="Invite", exact=True).click()
    page.get_by_role("heading", name="Nina New is invited").wait_for()
    page.get_by_role("button", name="Copy link").click()
    page.locator(".copy-link [data-copy-status]").filter(has_text=COPIED).wait_for()
    assert violations.settled(page) == []


def test_the_manager_box_asks_for_the_managers_matching_what_is_typed(page_for, ada) -> None:
    violations = Violations()
    page = violations.watch(page_for(ada))
    visit(page, "/people/")
    page.locator("summary", has_text="Invite someone").click()
    box = page.get_by_label("Manager")
    box.press_sequentially("omar")
    page.wait_for_function(
        "() => document.querySelectorAll('#id_manager-choices option').length === 1"
    )
    assert page.locator("#id_manager-choices option").get_attribute("value") == "omar@acme.test"
    assert violations.settled(page) == []
