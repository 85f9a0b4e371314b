"""A NUL character anywhere in a request is refused in words, before any view or database."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rapport.growth.models import Goal
from rapport.meetings.models import Meeting, PrivateNote, SharedNotes, Topic
from rapport.people.models import Person
from tests.test_access import ROUTES, route_url, world  # noqa: F401

NUL = "before\x00after"
REFUSED = "invisible null character (NUL)"
HTMX = {"HX-Request": "true"}


def form_posts(meeting: Meeting) -> list[tuple[str, str, dict[str, object]]]:
    """(who, url, fields): each text input the review found failing on PostgreSQL."""
    m = meeting.pk
    return [
        ("ray", reverse("shared_notes", args=[m]), {"their_topics": NUL, "version": "0"}),
        ("ray", reverse("private_note", args=[m]), {"body": NUL, "version": "0"}),
        ("mia", reverse("meeting_summary", args=[m]), {"summary": NUL}),
        ("ray", reverse("meeting_prepare", args=[m]), {"prompt": "topics", "text": NUL}),
        ("mia", reverse("meeting_questions", args=[m]), {"focus_skill": NUL}),
        (
            "mia",
            reverse("meeting_feedback", args=[m]),
            {"kind": "positive", "situation": NUL, "behaviour": "b", "impact": "i"},
        ),
        ("mia", reverse("org_questions"), {"category_key": "career", "text": NUL}),
        ("ray", reverse("topic_add", args=[m]), {"text": NUL}),
        ("ray", reverse("series_goals", args=[meeting.series_id]), {"title": NUL, "why": "w"}),
        ("ada", reverse("person_invite"), {"email": "nina@acme.test", "name": NUL}),
    ]


def test_every_text_input_refuses_a_nul_and_stores_nothing(cast, meeting, client_for) -> None:
    for who, url, fields in form_posts(meeting):
        client = client_for(getattr(cast, who))
        page = client.post(url, fields)
        assert page.status_code == 400, url
        assert REFUSED in page.content.decode(), url
        fragment = client.post(url, fields, headers=HTMX)
        assert fragment.status_code == 400, url
        assert REFUSED in json.loads(fragment.content)["error"], url
    assert not PrivateNote.objects.exists()
    assert not SharedNotes.objects.filter(their_topics__contains="after").exists()
    assert not Topic.objects.filter(text__contains="after").exists()
    assert not Goal.objects.exists()
    assert not Person.objects.filter(email="nina@acme.test").exists()


def test_a_roster_with_a_nul_in_a_name_is_refused(client_for, ada) -> None:
    roster = "email,name,level,manager_email,timezone,remote\nnina@acme.test,Ni\x00na,,,UTC,no\n"
    upload = SimpleUploadedFile("roster.csv", roster.encode(), content_type="text/csv")
    response = client_for(ada).post(reverse("roster_import"), {"file": upload}, follow=True)
    assert response.redirect_chain[-1][1] == 303
    assert "contains a NUL character, which cannot be stored" in response.content.decode()
    assert not Person.objects.filter(email="nina@acme.test").exists()


def test_a_nul_in_the_address_or_the_query_is_refused(client_for, ray, meeting) -> None:
    client = client_for(ray)
    for url in ("/calendar/%00.ics", f"/meetings/{meeting.pk}/?mode=%00", "/?next=a%00b"):
        response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 400, url
        # A link, not a form: nothing was being saved, and the page says so.
        assert "Address not understood" in page and "Not saved" not in page, url
        assert "null character" in page and "pasting" not in page, url
    signed_out = client_for(None).get("/calendar/%00.ics")
    assert signed_out.status_code == 400 and "Address not understood" in signed_out.content.decode()


def test_a_json_body_with_a_nul_gets_a_json_answer(client_for, ray, meeting) -> None:
    response = client_for(ray).post(
        reverse("topic_add", args=[meeting.pk]),
        json.dumps({"text": NUL}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert REFUSED in response.json()["error"]


@pytest.mark.parametrize("name", sorted(name for name, rule in ROUTES.items() if "post" in rule))
def test_no_route_takes_a_nul(name, world, client_for) -> None:  # noqa: F811
    cast, ids = world
    allowed = sorted(ROUTES[name]["post"])[0]
    response = client_for(getattr(cast, allowed)).post(
        route_url(name, ids), {"text": NUL, "body": NUL, "name": NUL}
    )
    assert response.status_code == 400
    assert REFUSED in response.content.decode()


def test_ordinary_text_still_goes_through(client_for, ray, meeting) -> None:
    response = client_for(ray).post(
        reverse("topic_add", args=[meeting.pk]), {"text": "Null and void"}, headers=HTMX
    )
    assert response.status_code == 200
    assert Topic.objects.filter(text="Null and void").exists()
