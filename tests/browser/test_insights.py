from __future__ import annotations

import pytest

from rapport.meetings.services import report_invite
from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser


def test_the_team_trends_are_drawn_as_the_manager_opens_them(page_for, mia, series) -> None:
    page = page_for(mia)
    page.goto("/insights/")
    charts = page.locator("#team-trends svg")
    assert charts.count() == 0
    page.get_by_text("Team trends, month by month").click()
    charts.first.wait_for()
    assert charts.count() == 6
    assert page.get_by_role("figure", name="Manager talk share by month").is_visible()
    assert axe_violations(page) == []


def test_the_teams_a_director_oversees_read_as_one_block_each_on_a_phone(
    page_for, ada, dan, mia, series
) -> None:
    report_invite(actor=ada, email="rob@acme.test", name="Rob Third", manager=mia, level="senior")
    page = page_for(dan, viewport={"width": 390, "height": 844})
    page.goto("/insights/")
    table = page.locator(".insights-aggregates table")
    table.wait_for()
    # Nothing to scroll sideways: each manager's figures under their name, each named.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth")
    row = table.locator("tbody tr", has_text="Mia Manager")
    cancellations = row.locator('td[data-label="Cancellations"]')
    assert cancellations.evaluate("td => getComputedStyle(td, '::before').content") == (
        '"Cancellations"'
    )
    name, figure = row.locator("th").bounding_box(), cancellations.bounding_box()
    assert figure["y"] > name["y"]  # below the name, not beside it
    assert axe_violations(page) == []
