from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser


def test_a_manager_signs_in_and_sees_each_report(page_for, mia, ray, rita) -> None:
    page = page_for(mia)
    assert page.get_by_role("heading", name="Your reports").is_visible()
    assert page.get_by_role("link", name="Ray Report").is_visible()
    assert page.get_by_role("link", name="Rita Senior").is_visible()
    assert axe_violations(page) == []


def test_the_home_page_fits_a_phone(page_for, ray) -> None:
    page = page_for(ray, viewport={"width": 390, "height": 844})
    assert page.get_by_role("heading", name="Your 1:1 with Mia Manager").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    # The header leaves the screen to the page: the name and "Sign out" beside the brand,
    # the pages in one line under them (two rows, where it took three: 157 px).
    header = page.locator(".site-header").bounding_box()
    assert header is not None and header["height"] <= 110
    links = page.locator(".site-nav a")
    tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
    assert len(tops) == 1 and links.count() == 4
    brand, sign_out = (
        page.locator(".brand").bounding_box(),
        page.get_by_role("button", name="Sign out").bounding_box(),
    )
    assert abs(brand["y"] + brand["height"] / 2 - sign_out["y"] - sign_out["height"] / 2) < 6


def test_the_guide_page_fits_a_phone_its_wide_tables_scroll_in_place(page_for, ray) -> None:
    page = page_for(ray, viewport={"width": 390, "height": 844})
    page.goto("/framework/")
    cadence = page.get_by_role("table").first
    assert "IC LEVEL" in cadence.inner_text()  # headers are set in capitals
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The table keeps its columns: its own box scrolls sideways instead of the page.
    box = "table => table.parentElement.scrollWidth > table.parentElement.clientWidth"
    assert cadence.evaluate(box)


def test_the_topic_count_follows_topics_added_through_the_prompts(page_for, ray, meeting) -> None:
    page = page_for(ray)
    counts = page.locator(f"#topic-counts-{meeting.pk}")
    assert "You have not added topics yet" in counts.inner_text()
    page.get_by_label("Topics you want to discuss", exact=True).fill("Pairing on the parser")
    page.get_by_role("button", name="Add to the agenda: Topics you want to discuss").click()
    counts.get_by_text("1 topic from you").wait_for()
    page.get_by_label("Wins to share", exact=True).fill("Shipped the importer")
    page.get_by_role("button", name="Add to the agenda: Wins to share").click()
    counts.get_by_text("2 topics from you").wait_for()
    assert meeting.topics.filter(author=ray).count() == 2


def test_deactivating_someone_asks_first_even_without_javascript(page_for, ada, ray) -> None:
    page = page_for(ada, javascript=False)
    page.goto(f"/people/{ray.pk}/")
    confirm = page.get_by_role("button", name="Yes, deactivate Ray")
    assert not confirm.is_visible()
    page.get_by_text("Deactivate Ray…").click()
    confirm.click()
    page.get_by_text("Ray Report is deactivated").wait_for()
    ray.refresh_from_db()
    assert not ray.is_active
