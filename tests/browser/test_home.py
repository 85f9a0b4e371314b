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
