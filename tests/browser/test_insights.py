from __future__ import annotations

import pytest

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
