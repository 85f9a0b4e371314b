from __future__ import annotations

import ast
import json
from pathlib import Path

from django.urls import reverse

import rapport
from rapport.errors import Conflict, Refused
from rapport.meetings.models import Topic
from rapport.web.views.common import refusal
from tests.web.confirming import confirm

HTMX = {"HX-Request": "true"}


def test_a_request_over_the_size_limit_is_refused_with_a_message(client_for, ray, meeting) -> None:
    response = client_for(ray).post(
        reverse("topic_add", args=[meeting.pk]),
        {"text": "x" * (3 * 1024 * 1024)},
        headers=HTMX,
    )
    assert response.status_code == 400
    assert "too large" in json.loads(response.content)["error"]
    assert not Topic.objects.exists()


def test_an_unknown_page_is_a_404_page_with_the_same_words(client_for, ray) -> None:
    response = client_for(ray).get("/no-such-page/")
    assert response.status_code == 404
    assert "Not found." in response.content.decode()


def test_a_refusal_from_a_service_becomes_a_400_with_its_message(client_for, mia, meeting) -> None:
    client = client_for(mia)
    confirm(client, reverse("meeting_complete", args=[meeting.pk]), {"held_minutes": 30})
    response = client.post(reverse("meeting_start", args=[meeting.pk]), headers=HTMX)
    assert response.status_code == 400
    assert json.loads(response.content)["error"] == "Only a scheduled meeting can be started."


def test_a_conflict_is_answered_409_and_a_refusal_400(rf) -> None:
    request = rf.post("/", headers=HTMX)
    conflict = refusal(request, Conflict("Changed elsewhere.", current=None))
    assert (conflict.status_code, json.loads(conflict.content)) == (
        409,
        {"error": "Changed elsewhere."},
    )
    assert refusal(request, Refused("No.")).status_code == 400


def test_no_domain_error_is_a_value_error_of_its_own() -> None:
    # One refusal for every service: a new ValueError subclass would be an eighth.
    root = Path(rapport.__file__).parent
    own = [
        f"{path.relative_to(root)}:{node.name}"
        for path in root.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ClassDef)
        and any(isinstance(base, ast.Name) and base.id == "ValueError" for base in node.bases)
    ]
    assert own == []


def test_the_404_page_says_not_found_once(client_for, ray) -> None:
    page = client_for(ray).get("/no-such-page/").content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    assert main.count("Not found") == 1
    assert "Check the address" in main


def test_a_host_rapport_does_not_serve_gets_a_plain_400(client, caplog) -> None:
    response = client.get("/", headers={"Host": "evil.example"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "does not answer to that host name" in page
    assert "Traceback" not in page
    assert not [record for record in caplog.records if record.exc_info]
    assert not [record for record in caplog.records if record.levelname == "ERROR"]


def test_a_bad_host_on_a_post_gets_the_same_plain_400(client) -> None:
    response = client.post("/login/", {"username": "a"}, headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "does not answer to that host name" in response.content.decode()


def test_reloading_a_post_only_address_gets_a_page_that_leads_back_to_the_form(
    client_for, mia, meeting
) -> None:
    response = client_for(mia).get(reverse("meeting_mood", args=[meeting.pk]))
    html = response.content.decode()
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert "Nothing to show here" in html
    assert f'href="{reverse("meeting", args=[meeting.pk])}">Back to the page' in html


def test_a_post_only_address_without_a_page_above_still_gets_a_page(client_for, mia) -> None:
    response = client_for(mia).get(reverse("person_invite"))
    assert response.status_code == 405
    assert 'href="/people/">Back to the page' in response.content.decode()


def test_a_json_client_gets_a_json_405(client_for, mia, meeting) -> None:
    response = client_for(mia).get(
        reverse("meeting_mood", args=[meeting.pk]), headers={"Accept": "application/json"}
    )
    assert response.status_code == 405
    assert json.loads(response.content) == {"error": "This address does not answer that method."}
