"""Calendar feeds and invites, parsed back with icalendar and checked against RFC 5545 rules."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from rapport.meetings import services
from rapport.meetings.models import Meeting, SharedNotes
from rapport.notifications import calendar
from tests.test_access import without_csrf

PARIS = ZoneInfo("Europe/Paris")
TOPIC = "TOPIC-MARKER-5d1e pay rise"
SHARED = "SHARED-MARKER-a2c4 promotion case"
PRIVATE = "PRIVATE-MARKER-88f0 flight risk"


def parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def events(data: bytes) -> dict[str, object]:
    return {str(event["UID"]): event for event in parse(data).walk("VEVENT")}


def feed(client, person) -> bytes:
    token = calendar.calendar_token_regenerate(actor=person)
    response = client.get(reverse("calendar_feed", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return response.content


def test_every_event_has_what_rfc_5545_requires(client, mia, meeting) -> None:
    data = feed(client, mia)
    found = list(parse(data).walk("VEVENT"))
    assert found
    for event in found:
        for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "SEQUENCE", "STATUS"):
            assert prop in event, prop
    calendar_ = parse(data)
    assert calendar_["VERSION"] == "2.0" and calendar_["PRODID"]


def test_the_feed_holds_both_sides_one_event_per_meeting_with_a_stable_uid(
    client, mia, ray, meeting
) -> None:
    uid = f"meeting-{meeting.pk}@127.0.0.1"
    as_ray = events(feed(client, ray))
    as_mia = events(feed(client, mia))
    assert uid in as_ray and uid in as_mia  # ray as report, mia as manager
    event = as_ray[uid]
    assert str(event["SUMMARY"]).startswith("1:1 Mia Manager / Ray Report")
    link = f"http://127.0.0.1:8000/meetings/{meeting.pk}/"
    assert str(event["URL"]) == link and link in str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "CONFIRMED"
    # mia's own 1:1 with dan is in her feed too, as the report.
    assert any("Dan Director / Mia Manager" in str(e["SUMMARY"]) for e in as_mia.values())


def test_a_career_meeting_says_so_in_its_title(client, ray, series) -> None:
    career = series.meetings.filter(kind="career").first()
    assert career is not None
    assert calendar.meeting_title(career).endswith(" · Career")


def test_a_paris_ten_oclock_is_nine_utc_in_winter_and_eight_in_summer(meeting) -> None:
    winter, summer = meeting, Meeting.objects.get(pk=meeting.pk)
    winter.scheduled_at = dt.datetime(2031, 1, 13, 10, 0, tzinfo=PARIS)
    summer.scheduled_at = dt.datetime(2031, 7, 14, 10, 0, tzinfo=PARIS)
    for moment, hour in ((winter, 9), (summer, 8)):
        event = parse(calendar.invite_bytes(moment)).walk("VEVENT")[0]
        start = event.decoded("DTSTART")
        assert start.utcoffset() == dt.timedelta(0)
        assert (start.hour, start.minute) == (hour, 0)
        assert event.decoded("DTEND") - start == dt.timedelta(minutes=meeting.duration_minutes)
        assert f"T0{hour}0000Z".encode() in calendar.invite_bytes(moment)


def test_a_move_cancels_the_old_uid_with_a_higher_sequence_and_adds_the_new_one(
    client, mia, ray, meeting
) -> None:
    before = events(feed(client, ray))[calendar.meeting_uid(meeting)]
    new_time = meeting.scheduled_at + dt.timedelta(days=1, hours=1)
    moved = services.meeting_cancel(actor=mia, meeting=meeting, reason="Offsite", new_time=new_time)
    after = events(feed(client, ray))
    old = after[calendar.meeting_uid(meeting)]
    assert int(old["SEQUENCE"]) > int(before["SEQUENCE"])
    assert str(old["STATUS"]) == "CANCELLED"
    new = after[calendar.meeting_uid(moved)]
    assert str(new["STATUS"]) == "CONFIRMED"
    assert new.decoded("DTSTART") == new_time


def test_a_skipped_meeting_is_cancelled_in_the_feed(client, mia, ray, meeting) -> None:
    services.meeting_cancel(actor=ray, meeting=meeting, reason="Sick", skip=True)
    event = events(feed(client, mia))[calendar.meeting_uid(meeting)]
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1


def test_no_topic_or_note_ever_reaches_the_feed(client, mia, ray, meeting) -> None:
    services.topic_add(actor=ray, meeting=meeting, text=TOPIC)
    notes = SharedNotes.objects.get_or_create(meeting=meeting)[0]
    services.shared_notes_save(
        actor=mia, notes=notes, sections={"context": SHARED}, bases=notes.sections()
    )
    assert SharedNotes.objects.get(meeting=meeting).context == SHARED
    services.private_note_save(actor=mia, meeting=meeting, body=PRIVATE, version=0)
    services.private_note_save(actor=ray, meeting=meeting, body=PRIVATE, version=0)
    for person in (mia, ray):
        data = feed(client, person)
        for marker in (TOPIC, SHARED, PRIVATE):
            assert marker.split()[0].encode() not in data
    invite = calendar.invite_bytes(meeting)
    assert b"MARKER" not in invite


def test_feed_only_spans_four_weeks_back_to_the_horizon(client, ray, series) -> None:
    far = series.meetings.order_by("-scheduled_at").first()
    old = Meeting.objects.create(
        series=series,
        scheduled_at=timezone.now() - dt.timedelta(weeks=6),
        duration_minutes=30,
        status="held",
    )
    uids = events(feed(client, ray))
    assert calendar.meeting_uid(old) not in uids
    assert calendar.meeting_uid(far) in uids


def test_an_unknown_or_revoked_token_is_a_404_like_a_missing_one(client, ray) -> None:
    token = calendar.calendar_token_regenerate(actor=ray)
    assert client.get(reverse("calendar_feed", args=[token])).status_code == 200
    calendar.calendar_token_revoke(actor=ray)
    revoked = client.get(reverse("calendar_feed", args=[token]))
    unknown = client.get(reverse("calendar_feed", args=["x" * 43]))
    assert revoked.status_code == unknown.status_code == 404
    assert without_csrf(revoked.content) == without_csrf(unknown.content)


def test_regenerating_stops_the_old_address(client, ray) -> None:
    first = calendar.calendar_token_regenerate(actor=ray)
    second = calendar.calendar_token_regenerate(actor=ray)
    assert first != second and len(second) >= 43
    assert client.get(reverse("calendar_feed", args=[first])).status_code == 404
    assert client.get(reverse("calendar_feed", args=[second])).status_code == 200


def test_a_deactivated_persons_feed_is_gone(client, ray) -> None:
    token = calendar.calendar_token_regenerate(actor=ray)
    ray.is_active = False
    ray.save(update_fields=["is_active"])
    assert client.get(reverse("calendar_feed", args=[token])).status_code == 404


def test_the_feed_only_answers_get(client, ray) -> None:
    token = calendar.calendar_token_regenerate(actor=ray)
    assert client.post(reverse("calendar_feed", args=[token])).status_code == 405


def test_the_feed_costs_the_same_queries_however_many_meetings(client, mia, ray, meeting) -> None:
    token = calendar.calendar_token_regenerate(actor=ray)
    url = reverse("calendar_feed", args=[token])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for step in range(3):
        target = Meeting.objects.filter(series=meeting.series, status="scheduled").last()
        services.meeting_cancel(
            actor=mia,
            meeting=target,
            reason="Clash",
            new_time=target.scheduled_at + dt.timedelta(hours=2 + step),
        )
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(events(response.content)) > 0
    assert len(large) == len(small) <= 3


def test_the_invite_is_one_published_event_for_the_pair_only(client_for, mia, ray, olga, meeting):
    url = reverse("meeting_invite", args=[meeting.pk])
    response = client_for(ray).get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    parsed = parse(response.content)
    assert str(parsed["METHOD"]) == "PUBLISH"
    (event,) = parsed.walk("VEVENT")
    assert str(event["UID"]) == calendar.meeting_uid(meeting)
    assert client_for(olga).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302
    assert client_for(ray).post(url).status_code == 405


@pytest.mark.parametrize("status", ["cancelled", "rescheduled"])
def test_called_off_meetings_are_cancelled_events(meeting, status) -> None:
    meeting.status = status
    event = parse(calendar.invite_bytes(meeting)).walk("VEVENT")[0]
    assert str(event["STATUS"]) == "CANCELLED"


def icalendar_invite(meeting: Meeting, stamp: dt.datetime) -> bytes:
    """The invite as the icalendar library writes it, to hold the hand-written text to."""
    from icalendar import Event

    link = f"http://127.0.0.1:8000/meetings/{meeting.pk}/"
    lead = {"cancelled": "Cancelled.", "rescheduled": "Moved: the new time is its own event"}
    event = Event()
    event.add("uid", calendar.meeting_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.scheduled_at.astimezone(dt.UTC))
    event.add("dtend", meeting.planned_end.astimezone(dt.UTC))
    event.add("summary", calendar.meeting_title(meeting))
    event.add("url", link)
    description = lead.get(meeting.status, "Agenda and notes in Rapport.")
    if meeting.status == "rescheduled":
        description += " in this calendar."
    event.add("description", f"{description}\n{link}")
    event.add("status", "CANCELLED" if meeting.is_called_off else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if meeting.is_called_off else "OPAQUE")
    expected = Calendar()
    for name, value in [
        ("prodid", calendar.PRODID),
        ("version", "2.0"),
        ("calscale", "GREGORIAN"),
        ("method", "PUBLISH"),
        # icalendar cannot write a line break in an X- property: the feed escapes it.
        ("x-wr-calname", calendar.meeting_title(meeting).replace("\n", "\\n")),
    ]:
        expected.add(name, value)
    expected.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    expected.add("x-published-ttl", "PT1H")
    expected.add_component(event)
    return expected.to_ical()


@pytest.mark.parametrize("status", ["scheduled", "cancelled", "rescheduled"])
@pytest.mark.parametrize(
    "name",
    [
        "Zoë Ünal-Łukasiewicz, Jr.; née \\N \\ back\\slash ^caret 😀 " * 3,
        "A" * 64 + "\\" + "B" * 20,
        "A" * 63 + "é" + "C" * 40,
        "Line\nbreak and\\Nmore",
    ],
)
def test_the_text_is_what_icalendar_writes_whatever_the_names(
    meeting, mia, ray, status, name, monkeypatch
) -> None:
    stamp = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
    monkeypatch.setattr(calendar.timezone, "now", lambda: stamp + dt.timedelta(microseconds=9))
    type(mia).objects.filter(pk=mia.pk).update(name=name)
    meeting = Meeting.objects.select_related("series__manager", "series__report").get(pk=meeting.pk)
    meeting.status, meeting.sequence = status, 3
    meeting.scheduled_at = dt.datetime(2031, 7, 14, 10, 0, 30, 5000, tzinfo=PARIS)
    assert calendar.invite_bytes(meeting) == icalendar_invite(meeting, stamp)
