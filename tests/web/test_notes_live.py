"""Shared notes: one save path for every client, the live poll, presence."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rapport.growth.models import MeetingVisit
from rapport.meetings import services
from rapport.meetings.models import PrivateNote, SharedNotes

HTMX = {"HX-Request": "true"}
MIA_SECRET = "MIA-PRIVATE-5d2e: worried about his workload"


def live(client, meeting, since: str = ""):
    return client.get(reverse("meeting_live", args=[meeting.pk]), {"since": since})


def page(client, meeting, mode: str = "run") -> str:
    response = client.get(reverse("meeting", args=[meeting.pk]) + f"?mode={mode}")
    assert response.status_code == 200
    return response.content.decode()


# One save path: per section, from the bases posted with it ------------------------------


def test_the_form_without_javascript_posts_each_sections_base(client_for, mia, meeting) -> None:
    services.shared_notes_save(
        actor=mia,
        notes=meeting.shared_notes,
        sections={"context": "Reorg news"},
        bases=meeting.shared_notes.sections(),
    )
    html = page(client_for(mia), meeting)
    form = re.search(r'<form id="shared-notes-form".*?</form>', html, re.S).group(0)
    for key in SharedNotes.SECTIONS:
        assert f'name="base_{key}"' in form, key
    assert re.search(r'type="hidden" name="base_context" value="Reorg news"', form)
    assert "hx-post" not in form  # the page's script saves it; the form alone works too


def test_a_plain_form_post_merges_with_what_the_other_person_saved(
    client_for, mia, ray, meeting
) -> None:
    empty = dict.fromkeys(SharedNotes.SECTIONS, "")
    bases = {f"base_{key}": "" for key in SharedNotes.SECTIONS}
    url = reverse("shared_notes", args=[meeting.pk])
    ray_saved = client_for(ray).post(url, {**empty, **bases, "their_topics": "Deploys"})
    assert ray_saved.status_code == 302
    # Mia's form was loaded before Ray saved: its bases are still empty.
    response = client_for(mia).post(url, {**empty, **bases, "feedback": "Great demo"})
    assert response.status_code == 302
    notes = SharedNotes.objects.get(meeting=meeting)
    assert (notes.their_topics, notes.feedback) == ("Deploys", "Great demo")


def test_a_plain_form_post_on_a_section_both_changed_shows_both_and_keeps_mine_on_resave(
    client_for, mia, ray, meeting
) -> None:
    url = reverse("shared_notes", args=[meeting.pk])
    client_for(ray).post(url, {"context": "Ray's view", "base_context": ""})
    response = client_for(mia).post(
        url,
        {"context": "Mia's view", "base_context": "", "follow_up": "Revisit", "base_follow_up": ""},
    )
    assert response.status_code == 409
    html = response.content.decode().replace("&#39;", "'")
    assert "These notes changed since you loaded them" in html
    assert "Ray's view" in html and "Mia's view" in html
    notes = SharedNotes.objects.get(meeting=meeting)
    assert (notes.context, notes.follow_up) == ("Ray's view", "Revisit")
    # The page comes back with her text and their text as the base: "Keep mine" saves it.
    form = re.search(r'<form id="shared-notes-form".*?</form>', html, re.S).group(0)
    assert 'name="base_context" value="Ray\'s view"' in form
    assert ">Mia's view</textarea>" in form
    again = client_for(mia).post(url, {"context": "Mia's view", "base_context": "Ray's view"})
    assert again.status_code == 302
    assert SharedNotes.objects.get(meeting=meeting).context == "Mia's view"


def test_the_autosave_answers_with_the_stored_text_as_the_next_base(
    client_for, ray, meeting
) -> None:
    response = client_for(ray).post(
        reverse("shared_notes", args=[meeting.pk]),
        {"version": 0, "context": "Typed", "base_context": ""},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "data-bases=" in response.content.decode()
    assert "Typed" in response.content.decode()


def test_a_save_sent_as_the_page_closes_passes_the_csrf_check(client_for, ray, meeting) -> None:
    """Keepalive requests carry the form's token in the body: the server accepts them."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(ray)
    html = browser.get(reverse("meeting", args=[meeting.pk]) + "?mode=run").content.decode()
    token = re.search(
        r'id="private-note-form".*?name="csrfmiddlewaretoken" value="([^"]+)"', html, re.S
    ).group(1)
    url = reverse("shared_notes", args=[meeting.pk])
    data = {"context": "Last words", "base_context": ""}
    assert browser.post(url, data, headers=HTMX).status_code == 403  # no token: refused
    saved = browser.post(url, {**data, "csrfmiddlewaretoken": token}, headers=HTMX)
    assert saved.status_code == 200
    assert SharedNotes.objects.get(meeting=meeting).context == "Last words"
    note = browser.post(
        reverse("private_note", args=[meeting.pk]),
        {"version": 0, "body": "Mine", "csrfmiddlewaretoken": token},
        headers=HTMX,
    )
    assert note.status_code == 200 and PrivateNote.objects.get(author=ray).body == "Mine"


# The live poll ---------------------------------------------------------------------


def test_the_poll_sends_the_notes_and_then_not_modified_until_they_change(
    client_for, mia, ray, meeting
) -> None:
    client = client_for(ray)
    page(client, meeting)
    first = live(client, meeting)
    assert first.status_code == 200
    state = first.json()
    assert state["notes"]["version"] == 0 and set(state["notes"]["sections"]) == set(
        SharedNotes.SECTIONS
    )
    assert live(client, meeting, state["since"]).status_code == 204
    services.shared_notes_save(
        actor=mia,
        notes=meeting.shared_notes,
        sections={"feedback": "Nice demo"},
        bases=meeting.shared_notes.sections(),
    )
    changed = live(client, meeting, state["since"])
    assert changed.status_code == 200
    notes = changed.json()["notes"]
    assert notes["sections"]["feedback"] == "Nice demo"
    assert (notes["version"], notes["by"], notes["mine"]) == (1, "Mia", False)


def test_the_poll_never_carries_a_private_note(client_for, mia, ray, meeting) -> None:
    services.private_note_save(actor=mia, meeting=meeting, body=MIA_SECRET, version=0)
    for person in (mia, ray):
        assert MIA_SECRET not in live(client_for(person), meeting).content.decode()


def test_the_poll_is_a_404_outside_the_1_1_and_asks_strangers_to_sign_in(
    client_for, olga, meeting
) -> None:
    assert live(client_for(olga), meeting).status_code == 404
    anonymous = live(client_for(None), meeting)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert client_for(olga).post(reverse("meeting_live", args=[meeting.pk])).status_code == 404


def test_the_poll_refuses_the_wrong_method(client_for, ray, meeting) -> None:
    assert client_for(ray).put(reverse("meeting_live", args=[meeting.pk])).status_code == 405


def test_a_poll_with_nothing_new_costs_a_few_queries(client_for, ray, meeting) -> None:
    client = client_for(ray)
    page(client, meeting)
    since = live(client, meeting).json()["since"]
    with CaptureQueriesContext(connection) as queries:
        assert live(client, meeting, since).status_code == 204
    # The test's own transaction puts a savepoint around the visit's renewal (so that a
    # refused write never breaks the poll); served, a request runs in autocommit, without.
    work = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    assert len(work) <= 6, work


# Presence --------------------------------------------------------------------------


def test_the_other_person_shows_as_present_while_their_page_is_open(
    client_for, mia, ray, meeting
) -> None:
    ray_client, mia_client = client_for(ray), client_for(mia)
    page(ray_client, meeting)
    alone = live(ray_client, meeting).json()
    assert alone["present"] == [] and alone["presence"] == "Mia is not on this page right now"
    assert "Mia is not on this page right now" in page(ray_client, meeting)
    page(mia_client, meeting)
    together = live(ray_client, meeting, alone["since"])
    assert together.status_code == 200
    assert together.json()["present"] == [mia.pk]
    assert together.json()["presence"] == "Mia is on this page too"
    assert "Ray is on this page too" in page(mia_client, meeting)


def test_someone_whose_page_went_quiet_is_no_longer_present(client_for, mia, ray, meeting) -> None:
    page(client_for(mia), meeting)
    long_ago = timezone.now() - dt.timedelta(minutes=1)
    MeetingVisit.objects.filter(person=mia, meeting=meeting).update(last_seen_at=long_ago)
    assert live(client_for(ray), meeting).json()["present"] == []
    # Mia's open page renews her visit with its next poll.
    live(client_for(mia), meeting)
    assert live(client_for(ray), meeting).json()["present"] == [mia.pk]


def test_closing_the_page_ends_presence_at_once(client_for, mia, ray, meeting) -> None:
    page(client_for(mia), meeting)
    assert live(client_for(ray), meeting).json()["present"] == [mia.pk]
    left = client_for(mia).post(reverse("meeting_live", args=[meeting.pk]))
    assert left.status_code == 204
    assert live(client_for(ray), meeting).json()["present"] == []
    # The visit itself is kept: the checklists still know she opened the page.
    assert MeetingVisit.objects.filter(person=mia, meeting=meeting).exists()


@pytest.mark.parametrize("mode", ["prepare", "run", "wrap"])
def test_every_mode_polls_for_live_notes_and_presence(client_for, ray, meeting, mode) -> None:
    html = page(client_for(ray), meeting, mode)
    assert f'data-url="{reverse("meeting_live", args=[meeting.pk])}"' in html
    assert 'id="presence"' in html
