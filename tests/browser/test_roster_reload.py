"""After a roster import the browser is on the people page's own address: a reload there
reads the page again, never sends the file a second time."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rapport.people.models import Person

pytestmark = pytest.mark.browser

ROSTER = (
    "email,name,level,manager_email,timezone,remote\n"
    "nina@acme.test,Nina New,junior,mia@acme.test,UTC,no\n"
)


def test_reloading_after_a_roster_import_shows_the_page_and_imports_nothing_again(
    page_for, ada
) -> None:
    from playwright.sync_api import expect

    page = page_for(ada)
    page.goto(reverse("people"))
    page.get_by_role("heading", name="Import a roster").click()
    page.locator("#import input[type=file]").set_input_files(
        {"name": "roster.csv", "mimeType": "text/csv", "buffer": ROSTER.encode()}
    )
    page.locator("#import").get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="Roster imported")).to_be_visible()
    assert page.url.endswith("/people/#imported-title")
    before = Person.objects.count()
    assert Person.objects.filter(email="nina@acme.test").exists()

    response = page.reload()
    assert response is not None and response.status == 200
    assert response.request.method == "GET"
    expect(page.get_by_role("heading", name="People", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Roster imported")).to_have_count(0)
    expect(page.get_by_role("link", name="Nina New").first).to_be_visible()
    assert Person.objects.count() == before
