"""Each career page answers in the same number of queries however much history there is."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.career import services
from rapport.framework.aspirations import ASPIRATION_KEYS
from tests.career.conftest import days_ago


def _grow(mia, ray, series, rounds: int, start: int) -> None:
    for number in range(start, start + rounds):
        services.aspirations_save(
            actor=ray,
            series=series,
            answers={key: f"{key} answer {number}" for key in ASPIRATION_KEYS},
            now=days_ago(200 - number),
        )
        services.self_assessment_save(
            actor=ray,
            series=series,
            texts={"craft": f"craft {number}", "delivery": f"delivery {number}"},
            now=days_ago(200 - number),
        )
        for area in ("craft", "delivery", "leadership"):
            services.ladder_view_record(
                actor=mia,
                series=series,
                area_key=area,
                level="junior",
                position="meets",
                sentence=f"view {number}",
                now=days_ago(200 - number),
            )


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_career_pages_query_count_does_not_grow_with_history(
    client_for, mia, ray, series, meeting
) -> None:
    urls = [
        reverse("career", args=[series.pk]),
        reverse("career", args=[series.pk]) + "?since=2026-01-01",
        reverse("meeting_career", args=[meeting.pk]),
    ]
    _grow(mia, ray, series, 1, 0)
    clients = {"mia": client_for(mia), "ray": client_for(ray)}
    # The manager's first read of the page writes its audit line; the repeats fold into it.
    for client in clients.values():
        for url in urls:
            client.get(url)
    few = {(who, url): _count(client, url) for who, client in clients.items() for url in urls}
    _grow(mia, ray, series, 6, 1)
    many = {(who, url): _count(client, url) for who, client in clients.items() for url in urls}
    assert many == few


def test_the_ladder_pages_query_count_does_not_grow_with_the_ladder(client_for, ada) -> None:
    client = client_for(ada)
    few = [_count(client, reverse(name)) for name in ("ladder", "ladder_export")]
    client.post(reverse("ladder_edit"), {"name_craft": "Craft and care"})
    many = [_count(client, reverse(name)) for name in ("ladder", "ladder_export")]
    assert many == few
