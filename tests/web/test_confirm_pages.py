"""Questions before an unusual write ("Start early?", "Mark held early?", "A date in the
past?") are pages of their own: the form's POST answers 303 to its own address, whose GET
shows the question with the form kept, to the person asked only (post/redirect/get)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rapport.meetings import services
from rapport.meetings.models import ActionItem, Meeting, Topic
from rapport.web.views.common import confirm_page, stashed
from tests.web.confirming import token_in

HTMX = {"HX-Request": "true"}


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def asked_on_its_own_page(client, url: str, data: dict, question: str) -> str:
    """POST without the confirmation: a 303 to the form's address, whose GET (and reload)
    is the question, with the form kept as hidden fields for the yes."""
    response = client.post(url, data)
    assert (response.status_code, response["Location"]) == (303, url)
    html, tokens = "", set()
    for _ in range(2):  # a reload asks again, the same question with the same token
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert question in html
        assert f'action="{url}"' in html
        tokens.add(token_in(html))
    assert len(tokens) == 1
    form = re.search(rf'<form method="post" action="{url}".*?</form>', html, re.DOTALL)
    assert form and form[0].count('name="csrfmiddlewaretoken"') == 1  # the page's own only
    return html


def hidden(name: str, value: object) -> str:
    return f'<input type="hidden" name="{name}" value="{value}">'


def answered_leads_back(client, url: str, back: str) -> None:
    """Once answered, the address shows no question: it leads back."""
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, back)


@pytest.fixture
def item(mia, ray, meeting) -> ActionItem:
    return services.action_item_add(
        actor=mia, meeting=meeting, text="Write the RFC", owner=ray, due_on=days(3)
    )


@pytest.fixture
def topic_of_ray(ray, meeting):
    return services.topic_add(actor=ray, meeting=meeting, text="Deploys keep failing")


# One test per question ---------------------------------------------------------------


def test_start_early_asks_on_its_own_page_and_starts_once(client_for, mia, meeting) -> None:
    client = client_for(mia)
    url = reverse("meeting_start", args=[meeting.pk])
    html = asked_on_its_own_page(client, url, {}, "Start it now anyway?")
    meeting.refresh_from_db()
    assert meeting.started_at is None
    assert client.post(url, {"confirmed": token_in(html)}).status_code == 302
    meeting.refresh_from_db()
    started = meeting.started_at
    assert started is not None
    answered_leads_back(client, url, reverse("meeting", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.started_at == started


def test_mark_held_early_asks_on_its_own_page_with_what_was_typed_and_closes_once(
    client_for, mia, meeting, topic_of_ray
) -> None:
    client = client_for(mia)
    url = reverse("meeting_complete", args=[meeting.pk])
    html = asked_on_its_own_page(
        client, url, {"held_minutes": 41, "mood": 2}, "Mark it held now anyway?"
    )
    assert "Mark held early?" in html
    assert hidden("held_minutes", 41) in html and hidden("mood", 2) in html
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"
    response = client.post(url, {"held_minutes": 41, "mood": 2, "confirmed": token_in(html)})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.held_minutes, meeting.mood) == ("held", 41, 2)
    # Held once: the undiscussed topic was carried over once.
    assert Topic.objects.filter(carried_from=topic_of_ray).count() == 1
    answered_leads_back(client, url, f"{reverse('meeting', args=[meeting.pk])}?mode=wrap#held")


def test_an_item_due_in_the_past_asks_on_its_own_page_and_is_added_once(
    client_for, mia, meeting
) -> None:
    client = client_for(mia)
    url = reverse("action_item_add", args=[meeting.pk])
    data = {
        "text": "Send the notes",
        "owner": str(meeting.series.report_id),
        "due_on": days(-30).isoformat(),
    }
    html = asked_on_its_own_page(client, url, data, "is already past. Keep it?")
    assert "A date in the past?" in html and "Keep this date" in html
    assert all(hidden(name, value) in html for name, value in data.items())
    assert not ActionItem.objects.filter(text="Send the notes").exists()
    run_items = reverse("meeting", args=[meeting.pk]) + "?mode=run#items"
    confirmed = client.post(url, {**data, "confirmed": token_in(html)})
    # Back on the run view: the one whose card shows the items.
    assert (confirmed.status_code, confirmed["Location"]) == (302, run_items)
    assert [i.due_on for i in ActionItem.objects.filter(text="Send the notes")] == [days(-30)]
    answered_leads_back(client, url, run_items)
    assert ActionItem.objects.filter(text="Send the notes").count() == 1


def test_an_item_moved_to_a_past_date_asks_on_its_own_page_and_changes_once(
    client_for, mia, item
) -> None:
    client = client_for(mia)
    url = reverse("action_item_edit", args=[item.pk])
    back = reverse("series", args=[item.series_id])
    data = {
        "text": "Write the RFC, short",
        "owner": str(item.owner_id),
        "due_on": days(-5).isoformat(),
        "next": back,
    }
    html = asked_on_its_own_page(client, url, data, "is already past. Keep it?")
    assert all(hidden(name, value) in html for name, value in data.items())
    item.refresh_from_db()
    assert (item.text, item.due_on) == ("Write the RFC", days(3))
    response = client.post(url, {**data, "confirmed": token_in(html)})
    assert (response.status_code, response["Location"]) == (302, back)
    item.refresh_from_db()
    assert (item.text, item.due_on) == ("Write the RFC, short", days(-5))
    answered_leads_back(client, url, reverse("my_action_items"))


# Who sees a question ---------------------------------------------------------------


def test_a_question_is_shown_to_the_person_asked_only(client_for, cast, mia, meeting) -> None:
    secret = "Raise for Ray, keep quiet"
    add = reverse("action_item_add", args=[meeting.pk])
    complete = reverse("meeting_complete", args=[meeting.pk])
    asked = {add: client_for(mia), complete: client_for(mia)}
    asked[add].post(add, {"text": secret, "owner": str(mia.pk), "due_on": days(-3).isoformat()})
    asked[complete].post(complete, {"held_minutes": 30})
    assert all(client.get(url).status_code == 200 for url, client in asked.items())
    # Anyone else: back to the meeting where they take part in it (ray adds items, only
    # mia marks it held), else not found; signed out, the sign-in page.
    expected = {"ray": (302, 404), "olga": (404, 404), "omar": (404, 404), "ada": (404, 404)}
    for persona, statuses in [*expected.items(), ("", (302, 302))]:
        client = client_for(getattr(cast, persona) if persona else None)
        for url, status in zip((add, complete), statuses, strict=True):
            response = client.get(url)
            html = response.content.decode()
            assert response.status_code == status, (persona, url)
            assert secret not in html and "past" not in html and "anyway" not in html
            if status == 302:
                went = response["Location"]
                assert went.startswith("/login/" if not persona else f"/meetings/{meeting.pk}/")
    assert not ActionItem.objects.filter(text=secret).exists()


# What a question keeps -------------------------------------------------------------


def asking(rf, person, data: dict) -> object:
    request = rf.post("/asked/", data)
    SessionMiddleware(lambda r: None).process_request(request)
    request.user = person
    response = confirm_page(request, "Keep it?", title="Sure?", confirm_label="Yes", back="/")
    assert (response.status_code, response["Location"]) == (303, "/asked/")
    return request


def test_a_question_keeps_the_form_without_token_password_or_nul(rf, mia) -> None:
    sent = {"note": "a\x00b", "new_password1": "hunter2", "csrfmiddlewaretoken": "t", "x": ""}
    request = asking(rf, mia, {**sent, "confirmed": "0"})
    kept = stashed(request, "asked:/asked/", once=False)["state"]
    assert kept["fields"] == {"note": ["ab"], "x": [""]}
    assert "hunter2" not in str(dict(request.session.items()))


def test_what_is_kept_belongs_to_the_person_it_was_kept_for(rf, mia, ray) -> None:
    # A session changes hands only through signing in, which starts it afresh: the kept
    # question checks whom it was for all the same.
    request = asking(rf, mia, {"note": "Keep"})
    request.user = ray
    assert stashed(request, "asked:/asked/", once=False) is None
    request.user = mia
    assert stashed(request, "asked:/asked/")["state"]["fields"] == {"note": ["Keep"]}
    assert stashed(request, "asked:/asked/") is None  # read once


def test_a_form_too_large_to_keep_is_asked_about_in_reply(client_for, mia, meeting) -> None:
    client = client_for(mia)
    url = reverse("action_item_add", args=[meeting.pk])
    data = {
        "text": "Send the notes",
        "owner": str(mia.pk),
        "due_on": days(-2).isoformat(),
        "extra": "x" * 9000,
    }
    response = client.post(url, data)
    assert response.status_code == 409 and "already past" in response.content.decode()
    assert "x" * 9000 not in str(dict(client.session.items()))
    assert client.get(url).status_code == 302  # nothing kept, nothing to show again


# Leaving a question ----------------------------------------------------------------


def test_not_now_forgets_the_question_and_its_address_leads_back(client_for, mia, item) -> None:
    client = client_for(mia)
    url = reverse("action_item_edit", args=[item.pk])
    back = reverse("series", args=[item.series_id])
    data = {"text": item.text, "owner": str(item.owner_id), "due_on": days(-5).isoformat()}
    client.post(url, {**data, "next": back})
    html = client.get(url).content.decode()
    not_now = f"{url}?answer=no"
    assert f'href="{not_now}">Not now' in html
    response = client.get(not_now)
    assert (response.status_code, response["Location"]) == (302, back)
    # Back to the question afterwards: none waits.
    assert client.get(url)["Location"] == reverse("my_action_items")
    item.refresh_from_db()
    assert item.due_on == days(3)


def test_a_question_that_no_longer_applies_leads_back(client_for, mia, meeting) -> None:
    client = client_for(mia)
    url = reverse("meeting_complete", args=[meeting.pk])
    client.post(url, {"held_minutes": 30})
    services.meeting_complete(actor=mia, meeting=meeting)  # held meanwhile, in another tab
    response = client.get(url)
    assert response.status_code == 302 and "anyway" not in response.content.decode()
    assert client.get(url).status_code == 302


def test_a_new_question_replaces_the_one_before(client_for, mia, meeting, item) -> None:
    client = client_for(mia)
    complete = reverse("meeting_complete", args=[meeting.pk])
    client.post(complete, {"held_minutes": 30})
    edit = reverse("action_item_edit", args=[item.pk])
    data = {"text": item.text, "owner": str(item.owner_id), "due_on": days(-5).isoformat()}
    client.post(edit, data)
    assert client.get(edit).status_code == 200
    assert client.get(complete).status_code == 302


def test_with_htmx_the_question_is_still_answered_in_place(client_for, mia, meeting) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(scheduled_at=timezone.now() + dt.timedelta(days=3))
    url = reverse("meeting_complete", args=[meeting.pk])
    response = client_for(mia).post(url, {"held_minutes": 30}, headers=HTMX)
    assert response.status_code == 409 and "Mark it held now anyway?" in response.json()["error"]


# Moving a 1:1 outside working hours ------------------------------------------------


def saturday_three_am() -> dt.datetime:
    """A Saturday two weeks or so ahead, 03:00 (naive, as the form sends it: the mover's clock)."""
    day = days(14)
    return dt.datetime.combine(day + dt.timedelta(days=(5 - day.weekday()) % 7), dt.time(3))


def move_form(new_time: dt.datetime) -> dict:
    return {"reason": "Offsite", "new_time": f"{new_time:%Y-%m-%dT%H:%M}"}


def test_moving_outside_working_hours_asks_and_moves_once(client_for, mia, meeting) -> None:
    client = client_for(mia)
    url = reverse("meeting_cancel", args=[meeting.pk])
    new_time = saturday_three_am()
    in_new_york = new_time.replace(tzinfo=mia.tzinfo).astimezone(meeting.series.report.tzinfo)
    html = asked_on_its_own_page(
        client,
        url,
        move_form(new_time),
        f"{new_time:%A %d %B}, 03:00 is outside working hours for you: it is a Saturday; and "
        f"for Ray (America/New_York): it is {in_new_york:%A %H:%M} there, ending at "
        f"{in_new_york + dt.timedelta(minutes=30):%H:%M}.",
    )
    assert hidden("reason", "Offsite") in html and "Move it anyway" in html
    assert not re.search(r"\b(the IC|the report|the manager)\b", html.split("<main")[-1])
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"
    yes = {**move_form(new_time), "confirmed": token_in(html)}
    response = client.post(url, yes)
    meeting.refresh_from_db()
    assert meeting.status == "rescheduled"
    assert response["Location"] == reverse("meeting", args=[meeting.moved_to_id])
    assert meeting.moved_to.scheduled_at == new_time.replace(tzinfo=mia.tzinfo)
    call_off = f"{reverse('meeting', args=[meeting.pk])}?mode=prepare#call-off"
    answered_leads_back(client, url, call_off)
    # Sent again (Back, then the yes once more): where the first led, never a second move.
    again = client.post(url, yes)
    assert (again.status_code, again["Location"]) == (303, response["Location"])
    assert Meeting.objects.filter(moved_from__isnull=False).count() == 1


def test_a_time_late_only_for_the_other_person_asks_in_their_zone(client_for, ray, meeting) -> None:
    new_time = saturday_three_am() + dt.timedelta(days=2, hours=10, minutes=30)  # Monday 13:30
    in_paris = new_time.replace(tzinfo=ray.tzinfo).astimezone(meeting.series.manager.tzinfo)
    asked_on_its_own_page(
        client_for(ray),
        reverse("meeting_cancel", args=[meeting.pk]),
        move_form(new_time),
        f"{new_time:%A %d %B}, 13:30 is outside working hours for Mia (Europe/Paris): "
        f"it is {in_paris:%A %H:%M} there, ending at "
        f"{in_paris + dt.timedelta(minutes=30):%H:%M}. "
        "Move it there anyway?",
    )


def test_not_now_leaves_the_meeting_where_it_was(client_for, mia, meeting) -> None:
    client = client_for(mia)
    url = reverse("meeting_cancel", args=[meeting.pk])
    client.post(url, move_form(saturday_three_am()))
    response = client.get(f"{url}?answer=no")
    call_off = f"{reverse('meeting', args=[meeting.pk])}?mode=prepare#call-off"
    assert (response.status_code, response["Location"]) == (302, call_off)
    meeting.refresh_from_db()
    assert meeting.status == "scheduled" and meeting.moved_to_id is None


def test_with_htmx_a_move_outside_working_hours_is_asked_in_place(client_for, mia, meeting):
    client = client_for(mia)
    url = reverse("meeting_cancel", args=[meeting.pk])
    data = move_form(saturday_three_am())
    response = client.post(url, data, headers=HTMX)
    assert response.status_code == 409
    assert "outside working hours for you: it is a Saturday" in response.json()["error"]
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"
    client.post(url, data, headers=HTMX)  # sent again: the yes
    meeting.refresh_from_db()
    assert meeting.status == "rescheduled"
    assert Meeting.objects.filter(moved_from__isnull=False).count() == 1


# A series' cadence outside working hours --------------------------------------------


def saturday_cadence(**changes: object) -> dict:
    """Mia and Ray's 1:1 on Saturdays at 03:00 (mia's clock), as the cadence form sends it."""
    return {
        "frequency_weeks": 1,
        "duration_minutes": 30,
        "career_every_weeks": 2,
        "weekday": 5,
        "start_time": "03:00",
        "reason": "",
        "note": "",
        **changes,
    }


def planned_slots(series) -> list[tuple]:
    upcoming = series.meetings.filter(status="scheduled").order_by("scheduled_at")
    return [(m.scheduled_at, m.kind, m.duration_minutes) for m in upcoming]


def test_a_cadence_outside_working_hours_asks_and_is_saved_once(client_for, mia, series):
    client = client_for(mia)
    url = reverse("series_cadence", args=[series.pk])
    before = planned_slots(series)
    html = asked_on_its_own_page(
        client,
        url,
        saturday_cadence(),
        "The 1:1 at 03:00 on Saturdays is outside working hours for you: it is a Saturday; "
        "and for Ray (America/New_York): it is Friday 21:00 there, ending at 21:30. "
        "Keep this cadence anyway?",
    )
    assert '<h1 id="confirm-title">Outside working hours?</h1>' in html
    assert hidden("weekday", 5) in html and hidden("start_time", "03:00") in html
    assert "Keep this cadence" in html and f'href="{url}?answer=no">Not now' in html
    assert not re.search(r"\b(the IC|the report|the manager)\b", html.split("<main")[-1])
    series.refresh_from_db()
    assert (series.weekday, series.start_time) == (1, dt.time(15))
    assert planned_slots(series) == before
    response = client.post(url, {**saturday_cadence(), "confirmed": token_in(html)})
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("series", args=[series.pk]),
    )
    series.refresh_from_db()
    assert (series.weekday, series.start_time) == (5, dt.time(3))
    saved = planned_slots(series)
    assert {at.astimezone(mia.tzinfo).strftime("%a %H:%M") for at, _, _ in saved} == {"Sat 03:00"}
    weeks = [at.date() for at, _, _ in saved]
    assert weeks == sorted(set(weeks)) and len(weeks) == len(before)
    page = client.get(reverse("series", args=[series.pk])).content.decode()
    assert page.count("Cadence saved") == 1
    answered_leads_back(
        client, url, reverse("series", args=[series.pk]) + "?cadence=1#cadence-form"
    )
    # Sent again (Back, then the yes once more): the same cadence, no second set of 1:1s.
    client.post(url, {**saturday_cadence(), "confirmed": "1"})
    assert planned_slots(series) == saved


def test_a_cadence_early_only_for_the_report_asks_in_their_zone(client_for, mia, series):
    asked_on_its_own_page(
        client_for(mia),
        reverse("series_cadence", args=[series.pk]),
        saturday_cadence(weekday=3, start_time="13:30"),
        "The 1:1 at 13:30 on Thursdays is outside working hours for Ray (America/New_York): "
        "it is Thursday 07:30 there. Keep this cadence anyway?",
    )


def test_the_cadence_question_page_costs_a_few_queries(client_for, mia, series) -> None:
    client = client_for(mia)
    url = reverse("series_cadence", args=[series.pk])
    client.post(url, saturday_cadence())
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) <= 2, [q["sql"] for q in queries]  # the session, the series


def test_not_now_leaves_the_cadence_as_it_was(client_for, mia, series) -> None:
    client = client_for(mia)
    url = reverse("series_cadence", args=[series.pk])
    before = planned_slots(series)
    client.post(url, saturday_cadence(note="Weekends suit Ray"))
    response = client.get(f"{url}?answer=no")
    assert response.status_code == 302
    # Back to the form as it was filled in, its preview shown, nothing saved.
    went = response["Location"]
    assert went.startswith(f"{reverse('series', args=[series.pk])}?")
    assert went.endswith("#cadence-form") and "preview=1" in went and "weekday=5" in went
    page = client.get(went).content.decode()
    assert "Save this cadence" in page and "Weekends suit Ray" in page
    series.refresh_from_db()
    assert (series.weekday, series.start_time, series.cadence_note) == (1, dt.time(15), "")
    assert planned_slots(series) == before
    # Its address asks nothing now.
    assert client.get(url)["Location"] == reverse("series", args=[series.pk]) + (
        "?cadence=1#cadence-form"
    )


def test_with_htmx_a_cadence_outside_working_hours_is_asked_in_place(client_for, mia, series):
    client = client_for(mia)
    url = reverse("series_cadence", args=[series.pk])
    data = saturday_cadence()
    response = client.post(url, data, headers=HTMX)
    assert response.status_code == 409
    error = response.json()["error"]
    assert "The 1:1 at 03:00 on Saturdays is outside working hours for you" in error
    assert error.endswith("Send it again to keep it, or change it.")
    series.refresh_from_db()
    assert series.weekday == 1
    assert client.post(url, {**data, "start_time": "04:00"}, headers=HTMX).status_code == 409
    series.refresh_from_db()
    assert series.weekday == 1  # a changed form is a new question, not the yes
    response = client.post(url, data, headers=HTMX)  # the first one sent again: the yes
    assert response.status_code == 302
    series.refresh_from_db()
    assert (series.weekday, series.start_time) == (5, dt.time(3))


def test_the_item_forms_drop_a_second_click_while_the_first_is_sent(
    client_for, mia, item, meeting
) -> None:
    page = client_for(mia).get(reverse("meeting", args=[meeting.pk]), {"mode": "run"})
    items = page.content.decode().split('id="items"')[1].split("</section>")[0]
    forms = re.findall(r"<form[^>]*hx-post[^>]*>", items)
    assert len(forms) == 4  # the item done or dropped, changed; a new item
    assert all('hx-sync="this:drop"' in form for form in forms)
