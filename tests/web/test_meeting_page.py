"""The meeting page is one selector's dataclass, in a number of queries that does not grow."""

from __future__ import annotations

import dataclasses

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.growth import selectors as growth_selectors
from rapport.meetings import services

# The most the page may cost in any mode, whatever is on the agenda or in the notes.
PAGE_QUERY_CEILING = 40


def _fill(mia, ray, meeting, n: int) -> None:
    for i in range(n):
        author = mia if i % 2 else ray
        services.topic_add(actor=author, meeting=meeting, text=f"Topic {i}", kind="tactical")
        services.action_item_add(
            actor=mia, meeting=meeting, text=f"Item {i}", owner=ray if i % 2 else mia, due_on=None
        )


def _queries(client, meeting, mode: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("meeting", args=[meeting.pk]), {"mode": mode})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("mode", ["prepare", "run", "wrap"])
def test_the_meeting_page_costs_the_same_queries_however_full_the_meeting_is(
    client_for, mia, ray, meeting, mode
) -> None:
    services.meeting_start(actor=mia, meeting=meeting)
    for person in (mia, ray):
        client = client_for(person)
        _fill(mia, ray, meeting, 1)
        _queries(client, meeting, mode)  # the first visit records it; count from the next
        few = _queries(client, meeting, mode)
        _fill(mia, ray, meeting, 12)
        many = _queries(client, meeting, mode)
        assert many == few, f"{person.first_name}'s {mode} page grew from {few} to {many}"
        assert many <= PAGE_QUERY_CEILING


def test_the_meeting_page_is_a_dataclass_the_template_renders_by_name(mia, ray, meeting) -> None:
    services.topic_add(actor=ray, meeting=meeting, text="Release plan", kind="tactical")
    page = growth_selectors.meeting_page(ray, meeting)
    assert dataclasses.is_dataclass(page)
    context = page.context()
    assert context["mode"] == "prepare"
    assert context["other"] == mia
    assert [t.text for t in context["report_topics"]] == ["Release plan"]
    assert context["split_rows"] if page.wrap_up else "split_rows" not in context


def test_an_unknown_mode_falls_back_to_the_meetings_own(mia, meeting) -> None:
    services.meeting_start(actor=mia, meeting=meeting)
    assert growth_selectors.meeting_page(mia, meeting, mode="nonsense").mode == "run"
    assert growth_selectors.meeting_page(mia, meeting, mode="wrap").wrap_up is not None
