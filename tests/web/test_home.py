from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rapport.growth.services import IC_PROMPT_TOPICS
from rapport.meetings import services as meeting_services
from rapport.meetings.services import report_invite
from rapport.people.models import Person
from tests.conftest import free_time


def home_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(queries)


def test_it_sends_signed_out_people_to_sign_in(client_for) -> None:
    response = client_for(None).get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_refuses_other_methods(client_for, mia) -> None:
    assert client_for(mia).post(reverse("home")).status_code == 405


def test_it_shows_a_manager_each_report_with_the_next_one_on_one(client_for, mia, meeting) -> None:
    page = client_for(mia).get(reverse("home")).content.decode()
    assert "Your reports" in page
    assert "Ray Report" in page and "Rita Senior" in page
    assert reverse("meeting", args=[meeting.pk]) in page
    assert "Ray has not added topics yet" in page


def test_it_shows_when_the_report_prepared(client_for, mia, ray, meeting) -> None:
    meeting_services.topic_add(actor=ray, meeting=meeting, text="Conference budget")
    page = client_for(mia).get(reverse("home")).content.decode()
    assert "1 topic from Ray" in page


def test_it_shows_an_ic_their_next_one_on_one_and_how_to_prepare(client_for, ray, meeting) -> None:
    page = client_for(ray).get(reverse("home")).content.decode()
    assert "Your 1:1 with Mia Manager" in page
    assert "Wins to share" in page
    assert reverse("meeting", args=[meeting.pk]) in page
    assert "Your reports" not in page


def test_it_warns_after_three_cancellations_by_the_manager(client_for, mia, series) -> None:
    upcoming = list(series.meetings.filter(status="scheduled").order_by("scheduled_at")[:3])
    for meeting in upcoming:
        meeting_services.meeting_cancel(actor=mia, meeting=meeting, reason="Offsite", skip=True)
    page = client_for(mia).get(reverse("home")).content.decode()
    assert "3 cancellations by the manager" in page


def test_cancellations_by_the_report_do_not_count_against_the_manager(
    client_for, mia, ray, series
) -> None:
    for meeting in series.meetings.filter(status="scheduled").order_by("scheduled_at")[:3]:
        meeting_services.meeting_cancel(actor=ray, meeting=meeting, reason="On call", skip=True)
    page = client_for(mia).get(reverse("home")).content.decode()
    assert "cancellations by the manager" not in page


def test_overdue_items_are_flagged(client_for, mia, ray, meeting) -> None:
    item = meeting_services.action_item_add(
        actor=mia,
        meeting=meeting,
        text="Write the design doc",
        owner=ray,
        due_on=timezone.localdate() - dt.timedelta(days=3),
    )
    assert item.pk
    page = client_for(ray).get(reverse("home")).content.decode()
    assert "Write the design doc" in page
    assert "1 overdue action item" in client_for(mia).get(reverse("home")).content.decode()


def test_its_queries_do_not_grow_with_reports_meetings_or_items(
    client_for, ada, mia, meeting
) -> None:
    client = client_for(mia)
    before = home_queries(client)
    for number in range(8):
        report = report_invite(
            actor=ada,
            email=f"new{number}@acme.test",
            name=f"New {number}",
            manager=mia,
            level="confirmed",
        )
        next_one = report.series.get().meetings.order_by("scheduled_at").first()
        meeting_services.topic_add(actor=report, meeting=next_one, text="Topic")
        meeting_services.action_item_add(actor=mia, meeting=next_one, text="Item", owner=mia)
        meeting_services.meeting_complete(actor=mia, meeting=next_one, held_minutes=30)
    assert home_queries(client) == before


def test_the_next_meeting_on_a_day_away_is_flagged_to_move(client_for, mia, ray, meeting) -> None:
    from zoneinfo import ZoneInfo

    from rapport.people import services as people_services

    assert "away that day" not in client_for(mia).get(reverse("home")).content.decode()
    day = meeting.scheduled_at.astimezone(ZoneInfo(ray.timezone)).date()
    people_services.absence_add(actor=ray, starts_on=day, ends_on=day)
    page = client_for(mia).get(reverse("home")).content.decode()
    assert "Ray is away that day: move it" in page
    assert reverse("meeting", args=[meeting.pk]) + "#call-off" in page
    page = client_for(ray).get(reverse("home")).content.decode()
    assert "You are away that day: move it" in page


def test_the_overdue_warning_shows_on_the_home_page(client_for, mia, series) -> None:
    type(series).objects.filter(pk=series.pk).update(
        started_on=timezone.localdate() - dt.timedelta(days=25)
    )
    page = client_for(mia).get(reverse("home")).content.decode()
    assert "Overdue: No 1:1 held yet for 25 days" in page


def test_mia_and_ray_see_the_next_meeting_at_their_own_local_times(
    client_for, mia, ray, meeting
) -> None:
    from zoneinfo import ZoneInfo

    fmt = "%a %d %b %Y, %H:%M"
    paris = meeting.scheduled_at.astimezone(ZoneInfo("Europe/Paris")).strftime(fmt)
    new_york = meeting.scheduled_at.astimezone(ZoneInfo("America/New_York")).strftime(fmt)
    link = reverse("meeting", args=[meeting.pk])
    mia_page = client_for(mia).get(reverse("home")).content.decode()
    ray_page = client_for(ray).get(reverse("home")).content.decode()
    assert f'href="{link}"><strong>{paris}</strong>' in mia_page
    assert f'href="{link}"><strong>{new_york}</strong>' in ray_page
    assert paris != new_york


def test_it_lists_coming_one_on_ones_the_manager_has_not_prepared(client_for, mia, meeting) -> None:
    tomorrow = (timezone.now() + dt.timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    soon = free_time(meeting, tomorrow)
    moved = meeting_services.meeting_cancel(
        actor=mia, meeting=meeting, reason="Earlier slot", new_time=soon
    )
    page = client_for(mia).get(reverse("home")).content.decode()
    assert "Not prepared yet" in page
    assert f"{reverse('meeting', args=[moved.pk])}?mode=prepare" in page


def test_the_ic_prepares_from_home_with_the_framework_prompts(client_for, ray, meeting) -> None:
    page = client_for(ray).get(reverse("home")).content.decode()
    assert reverse("meeting_prepare", args=[meeting.pk]) in page
    assert "Topics you want to discuss" in page


def test_a_topic_added_through_a_prompt_updates_the_ic_homes_topic_badge(
    client_for, ray, meeting
) -> None:
    client = client_for(ray)
    home = client.get(reverse("home")).content.decode()
    assert "You have not added topics yet" in home
    response = client.post(
        reverse("meeting_prepare", args=[meeting.pk]),
        {"prompt": next(iter(IC_PROMPT_TOPICS)), "text": "Pairing on the parser"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "rapport-topics-changed"
    home = client.get(reverse("home")).content.decode()
    badge = home.split(f'id="topic-counts-{meeting.pk}"')[1].split("</p>")[0]
    assert 'hx-trigger="rapport-topics-changed from:body"' in badge
    assert "1 topic from you" in badge


def test_an_item_is_overdue_from_the_day_after_its_date_in_the_readers_zone(
    client_for, ray, meeting
) -> None:
    now = timezone.now()
    # A zone whose day is not UTC's at this moment: ahead of it late in the UTC day (its
    # tomorrow), behind it early (its yesterday). One of the two items below is judged
    # wrongly by UTC's day at any hour.
    zone = "Pacific/Kiritimati" if now.hour >= 12 else "Pacific/Pago_Pago"
    Person.objects.filter(pk=ray.pk).update(timezone=zone)
    today = now.astimezone(ZoneInfo(zone)).date()
    yesterday = today - dt.timedelta(days=1)
    for due_on in (today, yesterday):
        meeting_services.action_item_add(
            actor=ray, meeting=meeting, text=f"Due {due_on}", owner=ray, due_on=due_on
        )
    page = client_for(ray).get(reverse("home")).content.decode()
    assert f'<span class="pill ">due {today:%d %b %Y}</span>' in page
    assert f'<span class="pill bad">due {yesterday:%d %b %Y}</span>' in page
