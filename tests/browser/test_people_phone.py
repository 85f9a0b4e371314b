"""The roster reads on a phone: name (with the email under it), level and status, no
column squeezed into one letter a line."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def test_the_roster_on_a_phone_keeps_name_email_level_and_status(page_for, ada, ray) -> None:
    page = page_for(ada, viewport=PHONE)
    page.goto(reverse("people"))
    row = page.locator(".people-table tr", has=page.get_by_role("link", name=ray.name))
    assert row.locator("td").first.get_by_text(ray.email).is_visible()
    assert not row.get_by_role("link", name=ray.email).is_visible()
    assert not row.get_by_text("Co-located").is_visible()
    assert not page.get_by_role("columnheader", name="Timezone").is_visible()
    # Each remaining cell is wide enough for a word: the name is on one line.
    name = row.get_by_role("link", name=ray.name)
    assert name.bounding_box()["height"] < 30


def test_the_roster_on_a_laptop_shows_every_column(page_for, ada, ray) -> None:
    page = page_for(ada, viewport=LAPTOP)
    page.goto(reverse("people"))
    row = page.locator(".people-table tr", has=page.get_by_role("link", name=ray.name))
    assert row.get_by_role("link", name=ray.email).is_visible()
    assert not row.locator("td").first.get_by_text(ray.email).is_visible()
    assert page.get_by_role("columnheader", name="Timezone").is_visible()
