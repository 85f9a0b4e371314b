"""Long unbroken text wraps: no page grows wider than the screen, on a laptop or a phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from rapport.growth import services as growth
from rapport.meetings import services
from rapport.meetings.models import SharedNotes
from rapport.people import services as people_services
from rapport.people.models import Person

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def unbroken(length: int, seed: str) -> str:
    """A word with no place to break, as pasted URLs, hashes and stack traces are."""
    return (seed * length)[:length]


@pytest.fixture
def crowded(mia, ray, meeting):
    """A 1:1 whose every field holds the longest unbroken text Rapport accepts."""
    name = unbroken(150, "Raymond")
    Person.objects.filter(pk=ray.pk).update(name=name)
    ray.refresh_from_db()
    services.topic_add(actor=ray, meeting=meeting, text=unbroken(450, "topic"), kind="career")
    services.topic_add(actor=mia, meeting=meeting, text=unbroken(450, "mine"), kind="")
    services.action_item_add(actor=mia, meeting=meeting, text=unbroken(450, "todo"), owner=ray)
    notes = SharedNotes.objects.get_or_create(meeting=meeting)[0]
    services.shared_notes_save(
        actor=mia,
        notes=notes,
        sections={"their_topics": unbroken(600, "note")},
        bases=notes.sections(),
    )
    services.meeting_start(actor=mia, meeting=meeting)
    growth.feedback_give(
        actor=mia,
        meeting=meeting,
        kind="positive",
        situation=unbroken(450, "situation"),
        behaviour=unbroken(450, "behaviour"),
        impact=unbroken(450, "impact"),
    )
    day = timezone.localdate() + dt.timedelta(days=20)
    people_services.absence_add(actor=ray, starts_on=day, ends_on=day, note=unbroken(200, "away"))
    return meeting


def pages_of(person, meeting) -> list[str]:
    pages = [reverse("home"), reverse("series", args=[meeting.series_id])]
    pages += [
        reverse("meeting", args=[meeting.pk]) + f"?mode={m}" for m in ("prepare", "run", "wrap")
    ]
    pages += [reverse("my_action_items"), reverse("away"), reverse("people")]
    pages.append(reverse("person", args=[meeting.series.report_id]))
    return pages


def too_wide(page, paths: list[str], width: int) -> dict[str, int]:
    """Each page whose content is wider than the screen, with its width."""
    found = {}
    for path in paths:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        # The coaching panels arrive with htmx after the page loads.
        page.wait_for_function("() => !document.querySelector('.panel-slot')")
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            found[path] = scroll
    return found


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_long_unbroken_text_wraps_for_both_people(page_for, mia, ray, crowded, viewport) -> None:
    for person in (ray, mia):
        page = page_for(person, viewport=viewport)
        assert too_wide(page, pages_of(person, crowded), viewport["width"]) == {}
