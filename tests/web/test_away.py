"""The days-away page: a person marks their own days away; 1:1s on them are flagged to move."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from rapport.meetings.models import Meeting
from rapport.people import services as people_services
from rapport.people.models import Absence


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def test_a_person_sees_their_days_away_and_the_form(client_for, mia) -> None:
    people_services.absence_add(
        actor=mia, starts_on=in_days(10), ends_on=in_days(12), note="Lisbon"
    )
    response = client_for(mia).get(reverse("away"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Lisbon" in page and 'name="starts_on"' in page and "Save days away" in page


def test_an_empty_page_says_what_to_do(client_for, mia) -> None:
    page = client_for(mia).get(reverse("away")).content.decode()
    assert "No days away coming up" in page and "No upcoming 1:1 falls on a day away" in page


def test_adding_days_away_saves_them_for_the_person(client_for, mia) -> None:
    data = {"starts_on": in_days(3).isoformat(), "ends_on": in_days(4).isoformat(), "note": "Off"}
    response = client_for(mia).post(reverse("away"), data)
    assert response.status_code == 302 and response["Location"] == reverse("away")
    absence = Absence.objects.get()
    assert (absence.person, absence.starts_on, absence.ends_on) == (mia, in_days(3), in_days(4))


def test_wrongly_ordered_days_are_refused_with_a_message(client_for, mia) -> None:
    data = {"starts_on": in_days(4).isoformat(), "ends_on": in_days(3).isoformat()}
    response = client_for(mia).post(reverse("away"), data)
    assert response.status_code == 400
    assert "The last day away comes on or after the first." in response.content.decode()
    assert not Absence.objects.exists()


def test_the_page_lists_the_one_on_ones_to_move(client_for, ray, meeting) -> None:
    day = meeting.scheduled_at.astimezone(ZoneInfo(ray.timezone)).date()
    people_services.absence_add(actor=ray, starts_on=day, ends_on=day)
    page = client_for(ray).get(reverse("away")).content.decode()
    assert reverse("meeting", args=[meeting.pk]) + "#call-off" in page
    assert "You are away that day" in page


def test_someone_removes_their_own_days_away(client_for, mia) -> None:
    absence = people_services.absence_add(actor=mia, starts_on=in_days(1), ends_on=in_days(1))
    response = client_for(mia).post(reverse("away_remove", args=[absence.pk]))
    assert response.status_code == 302
    assert not Absence.objects.exists()


def test_nobody_else_sees_or_removes_them(client_for, mia, ray, zed) -> None:
    absence = people_services.absence_add(
        actor=mia, starts_on=in_days(1), ends_on=in_days(2), note="Private trip"
    )
    for other in (ray, zed):
        assert client_for(other).post(reverse("away_remove", args=[absence.pk])).status_code == 404
        assert "Private trip" not in client_for(other).get(reverse("away")).content.decode()
    assert Absence.objects.filter(pk=absence.pk).exists()


def test_anonymous_visitors_are_sent_to_sign_in(client_for, mia) -> None:
    absence = people_services.absence_add(actor=mia, starts_on=in_days(1), ends_on=in_days(1))
    for url in (reverse("away"), reverse("away_remove", args=[absence.pk])):
        response = client_for(None).post(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert Absence.objects.exists()


def test_wrong_methods_are_refused(client_for, mia) -> None:
    absence = people_services.absence_add(actor=mia, starts_on=in_days(1), ends_on=in_days(1))
    assert client_for(mia).get(reverse("away_remove", args=[absence.pk])).status_code == 405
    assert client_for(mia).delete(reverse("away")).status_code == 405
    assert client_for(mia).post(reverse("away_remove", args=[987654])).status_code == 404


def test_the_meeting_page_flags_a_meeting_on_a_day_away(client_for, mia, ray, meeting) -> None:
    url = reverse("meeting", args=[meeting.pk])
    assert "away that day" not in client_for(mia).get(url).content.decode()
    day = timezone.localtime(meeting.scheduled_at, ray.tzinfo).date()
    people_services.absence_add(actor=ray, starts_on=day, ends_on=day)
    page = client_for(mia).get(url).content.decode()
    assert "Ray is away that day: move it" in page
    assert reverse("meeting_invite", args=[meeting.pk]) in page


def test_each_person_reads_who_is_away_in_their_own_words(client_for, mia, ray, meeting) -> None:
    url = reverse("meeting", args=[meeting.pk])
    day = timezone.localtime(meeting.scheduled_at, mia.tzinfo).date()
    people_services.absence_add(actor=mia, starts_on=day, ends_on=day)
    assert "Mia is away that day: move it" in client_for(ray).get(url).content.decode()
    assert "You are away that day: move it" in client_for(mia).get(url).content.decode()
    day = timezone.localtime(meeting.scheduled_at, ray.tzinfo).date()
    people_services.absence_add(actor=ray, starts_on=day, ends_on=day)
    assert "You and Mia are away that day" in client_for(ray).get(url).content.decode()
    assert "You and Ray are away that day" in client_for(mia).get(url).content.decode()


@pytest.mark.parametrize("zone", ["America/New_York", "Pacific/Kiritimati"])
def test_a_one_on_one_at_the_end_of_the_calendar_does_not_break_the_page(
    client_for, mia, ray, series, zone
) -> None:
    ray.timezone = zone
    ray.save(update_fields=["timezone"])
    far = Meeting.objects.create(
        series=series,
        scheduled_at=dt.datetime(9999, 12, 31, 22, 0, tzinfo=dt.UTC),
        duration_minutes=30,
    )
    for person in (mia, ray):
        assert client_for(person).get(reverse("away")).status_code == 200
    # Typed in, days this far ahead are refused; kept from before that rule, they still show.
    Absence.objects.create(
        person=mia,
        starts_on=dt.date(9999, 12, 31),
        ends_on=dt.date(9999, 12, 31),
        created_at=timezone.now(),
    )
    for person in (mia, ray):
        page = client_for(person).get(reverse("away")).content.decode()
        assert reverse("meeting", args=[far.pk]) + "#call-off" in page


def test_removing_days_away_twice_changes_nothing_the_second_time(client_for, mia) -> None:
    kept = people_services.absence_add(actor=mia, starts_on=in_days(5), ends_on=in_days(5))
    gone = people_services.absence_add(actor=mia, starts_on=in_days(1), ends_on=in_days(1))
    client = client_for(mia)
    for _ in range(2):  # a double-submitted "Remove"
        response = client.post(reverse("away_remove", args=[gone.pk]))
        assert response.status_code == 302 and response["Location"] == reverse("away")
    assert list(Absence.objects.all()) == [kept]
    # Only for the browser that removed it: elsewhere an entry no longer there is Not found.
    assert client_for(mia).post(reverse("away_remove", args=[gone.pk])).status_code == 404


def test_days_away_overlapping_ones_already_marked_are_refused(client_for, mia, ray) -> None:
    people_services.absence_add(actor=mia, starts_on=in_days(3), ends_on=in_days(5))
    people_services.absence_add(actor=ray, starts_on=in_days(1), ends_on=in_days(9))
    for first, last in ((3, 5), (5, 5), (1, 3), (4, 8), (1, 9)):
        data = {"starts_on": in_days(first).isoformat(), "ends_on": in_days(last).isoformat()}
        response = client_for(mia).post(reverse("away"), data)
        assert response.status_code == 400, (first, last)
        assert "overlap days away already marked" in response.content.decode()
    assert Absence.objects.filter(person=mia).count() == 1
    data = {"starts_on": in_days(6).isoformat(), "ends_on": in_days(7).isoformat()}
    assert client_for(mia).post(reverse("away"), data).status_code == 302
