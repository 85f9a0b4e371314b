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
