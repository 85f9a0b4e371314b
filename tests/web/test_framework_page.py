"""The Framework page speaks of the guide it follows, in the words people read."""

from __future__ import annotations

from django.urls import reverse


def test_the_framework_page_speaks_of_the_guide_not_the_seed(client_for, ray) -> None:
    page = client_for(ray).get(reverse("framework")).content.decode()
    assert "The guide&#39;s table" in page or "The guide's table" in page
    assert "seed" not in page.lower()
