"""Screenshots of the meeting room for the README, from a running demo server.

Writes nothing unless RAPPORT_SCREENSHOTS=1 is set, so test runs and CI never churn the
images. Against the demo data (`rapport serve --demo`, on a throwaway RAPPORT_DATA):

    RAPPORT_SCREENSHOTS=1 python -m tests.browser.screenshots http://127.0.0.1:8000 \\
        --upcoming 125 --career 126 --held 124

The demo manager (Sam Whitaker) and the IC (Maya Chen) open the same meeting in two
browsers, on a laptop (1366x900) and a phone (390x844). The manager starts the upcoming
meeting and moves the timer to Maya's topics, both write a line of shared notes, and the
career 1:1 is shown in run mode too, then the career page, its evidence packet and the
manager's Insights: the server's data changes.
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

FOLDER = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
PASSWORD = "rapport-demo"


def enabled() -> bool:
    """Screenshots are written only on request."""
    return os.environ.get("RAPPORT_SCREENSHOTS") == "1"


def shoot(page, name: str) -> Path | None:
    """Save the top of `page` (or one element of it) as docs/screenshots/<name>.png."""
    if not enabled():
        return None
    whole = getattr(page, "page", page)  # a locator belongs to a page
    whole.evaluate("document.activeElement && document.activeElement.blur()")
    whole.mouse.move(0, 0)
    if whole is page:
        page.evaluate("window.scrollTo(0, 0)")
    FOLDER.mkdir(parents=True, exist_ok=True)
    path = FOLDER / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def signed_in(browser, base_url: str, email: str, viewport: dict[str, int]):
    phone = viewport["width"] < 600
    context = browser.new_context(
        base_url=base_url, viewport=viewport, is_mobile=phone, has_touch=phone
    )
    page = context.new_page()
    page.goto("/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/")
    return page


def arrived(page, field: str, text: str) -> None:
    """Wait until what the other person typed shows in this page's notes field."""
    page.wait_for_function(
        "([id, text]) => document.getElementById(id).value.includes(text)",
        arg=[field, text],
        timeout=15_000,
    )


def settle(page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('.panel-slot')")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url")
    parser.add_argument("--upcoming", type=int, required=True, help="a regular meeting's id")
    parser.add_argument("--career", type=int, required=True, help="a career meeting's id")
    parser.add_argument("--held", type=int, required=True, help="a held meeting's id")
    parser.add_argument("--manager", default="manager@example.com")
    parser.add_argument("--report", default="junior@example.com")
    args = parser.parse_args()
    if not enabled():
        raise SystemExit("Set RAPPORT_SCREENSHOTS=1 to write the screenshots.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or shutil.which("chromium-browser"),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        manager = signed_in(browser, args.base_url, args.manager, LAPTOP)
        report = signed_in(browser, args.base_url, args.report, LAPTOP)
        run = f"/meetings/{args.upcoming}/?mode=run"
        manager.goto(f"/meetings/{args.upcoming}/?mode=prepare")
        settle(manager)
        print(shoot(manager, "meeting-prepare"))
        manager.goto(run)
        start = manager.get_by_role("button", name="Start meeting")
        if start.count():
            with manager.expect_navigation():
                start.click()
            early = manager.get_by_role("button", name="Start it now")
            if early.count():  # more than two hours ahead: Rapport asks first
                with manager.expect_navigation():
                    early.click()
        manager.locator(".plan-step", has_text="’s topics").first.click()  # the report's part
        manager.locator(".timer-section", has_text="’s topics").wait_for()
        report.goto(run)
        report.locator(".timer-section", has_text="Your topics").wait_for()
        report.locator("#notes-their_topics").fill("On-call week: three pages at night.")
        arrived(manager, "notes-their_topics", "three pages")
        manager.locator("#notes-my_topics").fill("Rotation changes from January.")
        arrived(report, "notes-my_topics", "Rotation")
        for page in (manager, report):
            settle(page)
            page.locator("#presence.good").wait_for(timeout=15_000)
        print(shoot(manager, "meeting-run"))
        print(shoot(report, "meeting-run-ic"))
        for email, name in (
            (args.manager, "meeting-run-phone"),
            (args.report, "meeting-run-ic-phone"),
        ):
            phone = signed_in(browser, args.base_url, email, PHONE)
            phone.goto(run)
            settle(phone)
            print(shoot(phone, name))
            phone.context.close()
        manager.goto(f"/meetings/{args.career}/?mode=run")
        start = manager.get_by_role("button", name="Start meeting")
        if start.count():
            with manager.expect_navigation():
                start.click()
            early = manager.get_by_role("button", name="Start it now")
            if early.count():
                with manager.expect_navigation():
                    early.click()
        manager.locator(".plan-step", has_text="Progress Review").click()
        manager.locator(".timer-section", has_text="Progress Review").wait_for()
        settle(manager)
        print(shoot(manager, "meeting-career"))
        manager.goto(f"/meetings/{args.held}/?mode=wrap")
        settle(manager)
        print(shoot(manager, "meeting-wrap"))
        print(shoot(manager.locator("#split"), "meeting-time-went"))
        series = manager.get_by_role("link", name="All 1:1s with").first.get_attribute("href")
        career = series + "career/"
        manager.goto(career)
        settle(manager)
        print(shoot(manager, "career"))
        manager.goto(career + "packet/")
        settle(manager)
        print(shoot(manager, "packet"))
        manager.goto("/insights/")
        settle(manager)
        print(shoot(manager, "insights-team"))
        browser.close()


if __name__ == "__main__":
    main()
