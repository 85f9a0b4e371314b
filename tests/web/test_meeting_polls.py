"""The meeting room's three polls (agenda, timer, live notes): every change the other
person makes shows on the next poll, and "nothing changed" is answered from a few
narrow queries, without assembling the fragment."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rapport.growth.models import MeetingVisit
from rapport.meetings import selectors, services
from rapport.meetings.models import SharedNotes

# Every signed-in request reads its session and its person before the view runs.
SIGN_IN_QUERIES = 2
# What a poll may spend on top of that to answer "nothing changed": the agenda and the
# timer read the meeting with its rows in one query; the live notes also read both
# participants' visits (who else is on the page, and whether the viewer's is due renewal).
POLL_QUERIES = {"meeting_agenda": 1, "meeting_timer": 1, "meeting_live": 2}


def _fragment(client, name: str, meeting, since: str = ""):
    params = {"since": since} if since else {}
    return client.get(reverse(name, args=[meeting.pk]), params)


def _since(response) -> str:
    assert response.status_code == 200
    return re.search(r'name="since" value="([^"]+)"', response.content.decode()).group(1)


def _after(client, name: str, meeting, since: str) -> str:
    response = _fragment(client, name, meeting, since)
    assert response.status_code == 200, "the change did not reach the other person's poll"
    return response.content.decode()


def _agenda_after(client, meeting, since: str) -> str:
    return _after(client, "meeting_agenda", meeting, since)


def _timer_after(client, meeting, since: str) -> str:
    return _after(client, "meeting_timer", meeting, since)


def _live(client, meeting, since: str = ""):
    return client.get(reverse("meeting_live", args=[meeting.pk]), {"since": since})


def _queries(client, url: str, params: dict[str, str]) -> tuple[int, list[str], int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    # Inside the test's transaction a bookkeeping write's atomic block is a SAVEPOINT
    # pair, which a served request (autocommit) does not send.
    sql = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    return response.status_code, sql, len(sql)


# The agenda poll -----------------------------------------------------------------------


def test_the_agenda_poll_answers_nothing_changed_until_a_topic_is_added(
    client_for, mia, ray, meeting
) -> None:
    client = client_for(mia)
    since = _since(_fragment(client, "meeting_agenda", meeting))
    assert _fragment(client, "meeting_agenda", meeting, since).status_code == 204
    services.topic_add(actor=ray, meeting=meeting, text="Deploy pipeline is flaky")
    assert "Deploy pipeline is flaky" in _agenda_after(client, meeting, since)


def test_the_agenda_poll_shows_a_topic_ticked_retagged_rewritten_moved_or_removed(
    client_for, mia, ray, meeting
) -> None:
    first = services.topic_add(actor=ray, meeting=meeting, text="First point")
    second = services.topic_add(actor=ray, meeting=meeting, text="Second point")
    client = client_for(mia)

    def changed(change) -> str:
        since = _since(_fragment(client, "meeting_agenda", meeting))
        assert _fragment(client, "meeting_agenda", meeting, since).status_code == 204
        change()
        return _agenda_after(client, meeting, since)

    changed(lambda: services.topic_set_discussed(actor=ray, topic=first, discussed=True))
    changed(lambda: services.topic_set_kind(actor=ray, topic=first, kind="tactical"))
    assert "Second point, reworded" in changed(
        lambda: services.topic_update(
            actor=ray, topic=second, text="Second point, reworded", kind=""
        )
    )
    html = changed(lambda: services.topic_move(actor=ray, topic=second, direction=-1))
    assert html.index("Second point, reworded") < html.index("First point")
    assert "First point" not in changed(lambda: services.topic_delete(actor=ray, topic=first))


# The timer poll ------------------------------------------------------------------------


def test_the_timer_poll_shows_the_meeting_started_and_the_part_changed(
    client_for, mia, ray, meeting
) -> None:
    client = client_for(ray)
    since = _since(_fragment(client, "meeting_timer", meeting))
    assert _fragment(client, "meeting_timer", meeting, since).status_code == 204
    services.meeting_start(actor=mia, meeting=meeting)
    started = _timer_after(client, meeting, since)
    since = _since(_fragment(client, "meeting_timer", meeting))
    assert _fragment(client, "meeting_timer", meeting, since).status_code == 204
    meeting.refresh_from_db()
    parts = [box.key for box in selectors.plan_for(meeting)]
    other = next(key for key in parts if key != meeting.section)
    services.meeting_set_section(actor=mia, meeting=meeting, section=other)
    moved = _timer_after(client, meeting, since)
    assert moved != started


def test_the_timer_poll_shows_an_item_added_changed_and_done(client_for, mia, ray, meeting) -> None:
    client = client_for(ray)
    since = _since(_fragment(client, "meeting_timer", meeting))
    item = services.action_item_add(actor=mia, meeting=meeting, text="Write the RFC", owner=ray)
    assert "Write the RFC" in _timer_after(client, meeting, since)

    since = _since(_fragment(client, "meeting_timer", meeting))
    assert _fragment(client, "meeting_timer", meeting, since).status_code == 204
    services.action_item_update(
        actor=mia, item=item, text="Write the short RFC", owner=ray, due_on=None
    )
    assert "Write the short RFC" in _timer_after(client, meeting, since)

    since = _since(_fragment(client, "meeting_timer", meeting))
    item.refresh_from_db()
    services.action_item_set_status(actor=mia, item=item, status="done")
    _timer_after(client, meeting, since)
    assert _since(_fragment(client, "meeting_timer", meeting)) != since


# The live notes poll -------------------------------------------------------------------


@pytest.mark.parametrize("section", SharedNotes.SECTIONS)
def test_the_notes_poll_shows_a_save_in_each_section(
    client_for, mia, ray, meeting, section
) -> None:
    client = client_for(ray)
    since = _live(client, meeting).json()["since"]
    assert _live(client, meeting, since).status_code == 204
    notes = meeting.shared_notes
    services.shared_notes_save(
        actor=mia, notes=notes, sections={section: "Said in this part"}, bases=notes.sections()
    )
    response = _live(client, meeting, since)
    assert response.status_code == 200
    assert response.json()["notes"]["sections"][section] == "Said in this part"


def test_the_notes_poll_still_shows_the_other_person_arrive(client_for, mia, ray, meeting) -> None:
    ray_client = client_for(ray)
    alone = _live(ray_client, meeting).json()
    assert alone["present"] == []
    assert client_for(mia).get(reverse("meeting", args=[meeting.pk])).status_code == 200
    together = _live(ray_client, meeting, alone["since"])
    assert together.status_code == 200
    assert together.json()["present"] == [mia.pk]


def test_a_poll_renews_the_visit_at_most_every_few_seconds(client_for, mia, meeting) -> None:
    client = client_for(mia)
    assert client.get(reverse("meeting", args=[meeting.pk])).status_code == 200  # the visit
    a_while_ago = timezone.now() - dt.timedelta(seconds=8)
    MeetingVisit.objects.filter(person=mia, meeting=meeting).update(last_seen_at=a_while_ago)
    _live(client, meeting)
    renewed = MeetingVisit.objects.get(person=mia, meeting=meeting).last_seen_at
    assert renewed > a_while_ago
    url = reverse("meeting_live", args=[meeting.pk])
    since = _live(client, meeting).json()["since"]
    status, sql, _ = _queries(client, url, {"since": since})
    assert status == 204
    assert not [q for q in sql if q.lstrip().upper().startswith(("INSERT", "DELETE"))]
    assert MeetingVisit.objects.get(person=mia, meeting=meeting).last_seen_at == renewed


def test_reloading_the_meeting_page_at_once_does_not_rewrite_the_visit(
    client_for, mia, meeting
) -> None:
    client = client_for(mia)
    url = reverse("meeting", args=[meeting.pk])
    assert client.get(url).status_code == 200
    seen = MeetingVisit.objects.get(person=mia, meeting=meeting).last_seen_at
    assert client.get(url).status_code == 200
    assert MeetingVisit.objects.get(person=mia, meeting=meeting).last_seen_at == seen


# What "nothing changed" costs, and who may ask -----------------------------------------


def _fill(mia, ray, meeting, n: int) -> None:
    for number in range(n):
        services.topic_add(actor=ray, meeting=meeting, text=f"Topic {number}")
        services.action_item_add(actor=mia, meeting=meeting, text=f"Item {number}", owner=ray)


@pytest.mark.parametrize("name", ["meeting_agenda", "meeting_timer", "meeting_live"])
def test_nothing_changed_answers_204_from_the_sign_in_and_one_or_two_reads_writing_nothing(
    client_for, mia, ray, meeting, name
) -> None:
    services.meeting_start(actor=mia, meeting=meeting)
    _fill(mia, ray, meeting, 8)
    client = client_for(mia)
    url = reverse(name, args=[meeting.pk])
    first = client.get(url)
    since = first.json()["since"] if name == "meeting_live" else _since(first)
    # A visit renewed moments ago is not written again: a poll only reads.
    status, sql, count = _queries(client, url, {"since": since})
    assert status == 204
    assert count <= SIGN_IN_QUERIES + POLL_QUERIES[name], "\n".join(sql)
    assert not [q for q in sql if not q.lstrip().upper().startswith("SELECT")], "\n".join(sql)


@pytest.mark.parametrize("name", ["meeting_agenda", "meeting_timer", "meeting_live"])
def test_an_outsider_polling_a_meeting_gets_404_whatever_the_since(
    client_for, mia, ray, zed, meeting, name
) -> None:
    client = client_for(mia)
    url = reverse(name, args=[meeting.pk])
    first = client.get(url)
    since = first.json()["since"] if name == "meeting_live" else _since(first)
    outsider = client_for(zed)
    assert outsider.get(url, {"since": since}).status_code == 404
    assert outsider.get(url).status_code == 404
