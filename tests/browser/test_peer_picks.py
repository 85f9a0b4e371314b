"""Asking colleagues for peer feedback: a search for another name keeps the colleagues
already picked, and so does reloading the page it leads to."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rapport.growth import selectors

pytestmark = pytest.mark.browser


def test_a_search_for_another_colleague_keeps_the_ones_already_picked(
    page_for, mia, omar, series, monkeypatch
) -> None:
    from playwright.sync_api import expect

    monkeypatch.setattr(selectors, "PEER_COLLEAGUES_SHOWN", 1)
    page = page_for(mia)
    page.goto(reverse("series_peer", args=[series.pk]))
    picker = page.locator("#peer-colleagues")
    picked = picker.locator("option").first.get_attribute("value")
    assert picked and picked != str(omar.pk)
    picker.select_option(picked)
    page.locator("#peer-find").fill(omar.name[:4])
    page.get_by_role("button", name="Find").click()
    expect(picker.locator(f'option[value="{omar.pk}"]')).to_have_count(1)
    expect(picker).to_have_values([picked])
    assert f"colleague={picked}" in page.url

    page.reload()
    expect(picker.locator(f'option[value="{omar.pk}"]')).to_have_count(1)
    expect(picker).to_have_values([picked])
