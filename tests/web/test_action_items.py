"""My action items across all my 1:1s: overdue first, closed and edited in place."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rapport.meetings import services
from rapport.meetings.models import ActionItem

HTMX = {"HX-Request": "true"}


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def next_meeting_of(person):
    series = person.series.get(ended_on__isnull=True)
    return series.meetings.filter(status="scheduled").order_by("scheduled_at").first()


@pytest.fixture
def item(mia, ray, meeting) -> ActionItem:
    return services.action_item_add(
        actor=mia, meeting=meeting, text="Write the RFC", owner=ray, due_on=days(3)
    )


def listing(client, **query: str) -> str:
    response = client.get(reverse("my_action_items"), query)
    assert response.status_code == 200
    return response.content.decode()


def test_it_lists_open_items_overdue_first_then_by_due_date(client_for, mia, ray, rita) -> None:
    with_ray, with_rita = next_meeting_of(ray), next_meeting_of(rita)
    services.action_item_add(actor=mia, meeting=with_ray, text="Later", owner=ray, due_on=days(9))
    services.action_item_add(actor=mia, meeting=with_rita, text="Soon", owner=mia, due_on=days(1))
    services.action_item_add(actor=mia, meeting=with_ray, text="Undated", owner=mia)
    services.action_item_add(actor=mia, meeting=with_rita, text="Late", owner=rita, due_on=days(-2))
    closed = services.action_item_add(actor=mia, meeting=with_ray, text="Closed", owner=mia)
    services.action_item_set_status(actor=mia, item=closed, status="done")
    html = listing(client_for(mia))
    positions = [html.index(text) for text in ("Late", "Soon", "Later", "Undated")]
    assert positions == sorted(positions)
    assert "Closed" not in html
    assert "Overdue" in html and "1:1 with Rita Senior" in html


def test_mine_shows_only_what_i_own(client_for, mia, ray, meeting) -> None:
    services.action_item_add(actor=mia, meeting=meeting, text="Job for Ray", owner=ray)
    services.action_item_add(actor=mia, meeting=meeting, text="Job for Mia", owner=mia)
    html = listing(client_for(ray), show="mine")
    assert "Job for Ray" in html and "Job for Mia" not in html
    everything = listing(client_for(ray))
    assert "Job for Ray" in everything and "Job for Mia" in everything


def test_it_says_what_to_do_when_there_is_nothing(client_for, ray) -> None:
    assert "No open action items" in listing(client_for(ray))


def test_items_of_other_1_1s_are_not_listed(client_for, olga, omar, item) -> None:
    assert "Write the RFC" not in listing(client_for(olga))
    assert "Write the RFC" not in listing(client_for(omar))


def test_items_of_an_ended_series_leave_the_list(client_for, series, ray, item) -> None:
    services.series_end(series=series)
    assert "Write the RFC" not in listing(client_for(ray))


def test_private_notes_never_appear_on_the_list(client_for, mia, ray, meeting, item) -> None:
    services.private_note_save(actor=mia, meeting=meeting, body="Mia-only worry", version=0)
    assert "Mia-only worry" not in listing(client_for(ray))


def test_done_in_place_returns_the_line(client_for, ray, item) -> None:
    response = client_for(ray).post(
        reverse("action_item_status", args=[item.pk]),
        {"status": "done", "show_series": "1"},
        headers=HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="item-{item.pk}"' in html and "Reopen" in html and "1:1 with" in html
    item.refresh_from_db()
    # Done "today" in Ray's own timezone, not the server's.
    assert (item.status, item.done_on) == ("done", timezone.localdate(timezone=ray.tzinfo))


def test_status_without_htmx_goes_back_where_it_came_from(client_for, mia, item, meeting) -> None:
    back = reverse("meeting", args=[meeting.pk])
    response = client_for(mia).post(
        reverse("action_item_status", args=[item.pk]), {"status": "dropped", "next": back}
    )
    assert response.status_code == 302 and response["Location"] == back
    item.refresh_from_db()
    assert item.status == "dropped"


def test_status_never_redirects_off_site(client_for, mia, item) -> None:
    response = client_for(mia).post(
        reverse("action_item_status", args=[item.pk]),
        {"status": "dropped", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("my_action_items")


def test_an_unknown_status_is_refused(client_for, ray, item) -> None:
    response = client_for(ray).post(
        reverse("action_item_status", args=[item.pk]), {"status": "someday"}, headers=HTMX
    )
    assert response.status_code == 400
    assert "open, done or dropped" in json.loads(response.content)["error"]
    item.refresh_from_db()
    assert item.status == "open"


def test_editing_changes_text_owner_and_due_date(client_for, mia, ray, item) -> None:
    response = client_for(ray).post(
        reverse("action_item_edit", args=[item.pk]),
        {"text": "Write and share the RFC", "owner": mia.pk, "due_on": "2030-03-01"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Write and share the RFC" in response.content.decode()
    item.refresh_from_db()
    assert (item.text, item.owner, item.due_on) == (
        "Write and share the RFC",
        mia,
        dt.date(2030, 3, 1),
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "", "owner": "MIA", "due_on": ""}, "Action"),
        ({"text": "New", "owner": "OLGA", "due_on": ""}, "Owner"),
        ({"text": "New", "owner": "MIA", "due_on": "31/02/2030"}, "Due"),
    ],
)
def test_a_bad_edit_is_refused_and_changes_nothing(
    client_for, mia, olga, item, data, message
) -> None:
    data = {**data, "owner": {"MIA": mia.pk, "OLGA": olga.pk}[data["owner"]]}
    due = item.due_on
    response = client_for(mia).post(reverse("action_item_edit", args=[item.pk]), data, headers=HTMX)
    assert response.status_code == 400
    assert message in json.loads(response.content)["error"]
    item.refresh_from_db()
    assert (item.text, item.due_on) == ("Write the RFC", due)


def test_anonymous_visitors_are_sent_to_sign_in(client_for, item) -> None:
    client = client_for(None)
    for method, name, args in (
        ("get", "my_action_items", []),
        ("post", "action_item_status", [item.pk]),
        ("post", "action_item_edit", [item.pk]),
    ):
        response = getattr(client, method)(reverse(name, args=args))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("outsider", ["olga", "omar", "rita", "dan", "zed"])
def test_someone_outside_the_1_1_gets_a_404(cast, client_for, item, outsider: str) -> None:
    client = client_for(getattr(cast, outsider))
    status = client.post(reverse("action_item_status", args=[item.pk]), {"status": "done"})
    edit = client.post(
        reverse("action_item_edit", args=[item.pk]), {"text": "Hijacked", "owner": item.owner_id}
    )
    assert (status.status_code, edit.status_code) == (404, 404)
    item.refresh_from_db()
    assert (item.status, item.text) == ("open", "Write the RFC")


def test_wrong_methods_are_refused(client_for, mia, item) -> None:
    client = client_for(mia)
    assert client.post(reverse("my_action_items")).status_code == 405
    assert client.get(reverse("action_item_status", args=[item.pk])).status_code == 405
    assert client.delete(reverse("action_item_edit", args=[item.pk])).status_code == 405


def test_an_ended_series_item_cannot_be_changed(client_for, series, ray, item) -> None:
    services.series_end(series=series)
    response = client_for(ray).post(
        reverse("action_item_status", args=[item.pk]), {"status": "done"}, headers=HTMX
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == "open"


def test_the_list_costs_the_same_queries_however_many_items(client_for, mia, ray, rita) -> None:
    client = client_for(mia)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            listing(client)
        return len(queries)

    def add(n: int) -> None:
        for i in range(n):
            report = ray if i % 2 else rita
            services.action_item_add(
                actor=mia,
                meeting=next_meeting_of(report),
                text=f"Item {i}",
                owner=report if i % 3 else mia,
                due_on=days(i - 5),
            )

    add(2)
    few = count()
    add(20)
    assert count() == few


def test_with_htmx_sending_a_past_due_date_again_is_the_confirmation(
    client_for, mia, meeting
) -> None:
    client = client_for(mia)
    url = reverse("action_item_add", args=[meeting.pk])
    data = {
        "text": "Send the notes",
        "owner": str(meeting.series.report_id),
        "due_on": days(-2).isoformat(),
    }
    first = client.post(url, data, headers=HTMX)
    assert first.status_code == 409
    assert "Send it again to keep it" in json.loads(first.content)["error"]
    assert not ActionItem.objects.filter(text="Send the notes").exists()
    assert client.post(url, data, headers=HTMX).status_code == 200
    assert ActionItem.objects.filter(text="Send the notes").count() == 1


def test_every_form_of_the_list_carries_one_token_that_a_post_accepts(mia, ray) -> None:
    for i in range(3):
        services.action_item_add(
            actor=mia, meeting=next_meeting_of(ray), text=f"Item {i}", owner=ray, due_on=days(3)
        )
    client = Client(enforce_csrf_checks=True)
    client.force_login(mia)
    page = listing(client)
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert len(tokens) >= 3
    assert len(set(tokens)) == 1  # computed once for the whole page
    item = ActionItem.objects.filter(text="Item 0").get()
    response = client.post(
        reverse("action_item_status", args=[item.pk]),
        {"status": "done", "csrfmiddlewaretoken": tokens[0]},
    )
    assert response.status_code in (200, 302)
    item.refresh_from_db()
    assert item.status == "done"


def test_items_overdue_for_more_than_four_weeks_fold_behind_a_link(client_for, mia, ray) -> None:
    for text, due in (("Long forgotten", days(-40)), ("Just late", days(-3)), ("Soon", days(2))):
        services.action_item_add(
            actor=mia, meeting=next_meeting_of(ray), text=text, owner=ray, due_on=due
        )
    client = client_for(mia)
    page = listing(client)
    assert "Just late" in page and "Soon" in page
    assert "Long forgotten" not in page
    assert "1 item has been overdue for more than 4 weeks and is folded away." in page
    older = listing(client, older="1")
    assert "Long forgotten" in older
    assert "Just late" not in older and "Soon" not in older
    assert "Back to the recent items" in older


def test_a_long_list_of_items_is_shown_thirty_at_a_time(client_for, mia, ray) -> None:
    # Due from tomorrow on: Mia's "today" (Paris) is the server's tomorrow late in its day.
    for i in range(35):
        services.action_item_add(
            actor=mia,
            meeting=next_meeting_of(ray),
            text=f"Task {i:02}",
            owner=ray,
            due_on=days(i + 1),
        )
    client = client_for(mia)
    first = listing(client)
    assert "Task 29" in first and "Task 30" not in first
    assert "Page 1 of 2" in first
    assert '<span class="pill">35</span>' in first  # the count is the whole list's
    second = listing(client, page="2")
    assert "Task 30" in second and "Task 34" in second and "Task 00" not in second
    assert listing(client, page="nine").count("Task ") == listing(client).count("Task ")


def test_the_counts_add_up_the_items_of_every_1_1(client_for, mia, ray, rita) -> None:
    with_ray, with_rita = next_meeting_of(ray), next_meeting_of(rita)
    for meeting, owner, text, due in (
        (with_ray, ray, "Ray late", days(-2)),
        (with_rita, mia, "Rita late", days(-5)),
        (with_ray, mia, "Ray soon", days(4)),
        (with_rita, rita, "Rita undated", None),
        (with_ray, ray, "Ray forgotten", days(-40)),
        (with_rita, mia, "Rita forgotten", days(-50)),
    ):
        services.action_item_add(actor=mia, meeting=meeting, text=text, owner=owner, due_on=due)
    client = client_for(mia)
    page = listing(client)
    assert '<span class="pill bad">2</span>' in page and '<span class="pill">2</span>' in page
    assert "2 items have been overdue for more than 4 weeks and are folded away." in page
    older = listing(client, older="1")
    assert '<span class="pill bad">2</span>' in older and "folded away" not in older
    mine = listing(client, show="mine")
    assert '<span class="pill bad">1</span>' in mine and '<span class="pill">1</span>' in mine
    assert "1 item has been overdue for more than 4 weeks and is folded away." in mine
