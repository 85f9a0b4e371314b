"""Screenshots of the meeting page's three modes for the README, from a running server.

Writes nothing unless RAPPORT_SCREENSHOTS=1 is set, so test runs and CI never churn the
images. Against the demo data (`rapport demo`, then `rapport serve`):

    RAPPORT_SCREENSHOTS=1 python -m tests.browser.screenshots http://127.0.0.1:8000 \\
        --upcoming 159 --held 158

It signs in as the demo manager, starts the upcoming meeting to show run mode (the
server's data changes: use a throwaway RAPPORT_DATA_DIR).
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

FOLDER = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 900}


def enabled() -> bool:
    """Screenshots are written only on request."""
    return os.environ.get("RAPPORT_SCREENSHOTS") == "1"


def shoot(page, name: str) -> Path | None:
    """Save the viewport of `page` as docs/screenshots/<name>.png when enabled."""
    if not enabled():
        return None
    FOLDER.mkdir(parents=True, exist_ok=True)
    path = FOLDER / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url")
    parser.add_argument("--upcoming", type=int, required=True, help="a scheduled meeting's id")
    parser.add_argument("--held", type=int, required=True, help="a held meeting's id")
    parser.add_argument("--email", default="manager@example.com")
    parser.add_argument("--password", default="rapport-demo")
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
        page = browser.new_context(base_url=args.base_url, viewport=VIEWPORT).new_page()
        page.goto("/login/")
        page.get_by_label("Email").fill(args.email)
        page.get_by_label("Password").fill(args.password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{args.base_url}/")
        page.goto(f"/meetings/{args.upcoming}/?mode=prepare")
        page.wait_for_load_state("networkidle")
        print(shoot(page, "meeting-prepare"))
        page.goto(f"/meetings/{args.upcoming}/?mode=run")
        start = page.get_by_role("button", name="Start meeting")
        if start.count():
            with page.expect_navigation():
                start.click()
            early = page.get_by_role("button", name="Start it now")
            if early.count():  # more than two hours ahead: Rapport asks first
                with page.expect_navigation():
                    early.click()
        page.locator(".plan-step", has_text="’s topics").click()  # the report's part
        page.locator(".timer-section", has_text="’s topics").wait_for()
        page.wait_for_load_state("networkidle")
        print(shoot(page, "meeting-run"))
        page.goto(f"/meetings/{args.held}/?mode=wrap")
        page.wait_for_load_state("networkidle")
        print(shoot(page, "meeting-wrap"))
        browser.close()


if __name__ == "__main__":
    main()
