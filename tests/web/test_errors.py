from __future__ import annotations

import json

from django.urls import reverse

from rapport.meetings.models import Topic

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
