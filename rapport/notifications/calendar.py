"""Calendar feeds and invites: a person's 1:1s as iCalendar, titles and links only.

Times are written in UTC (`DTSTART:20250113T090000Z`). Each meeting is its own
VEVENT (no RRULE): Rapport already resolved daylight saving when it planned the
meeting, so an absolute instant is exact, and Google, Outlook and Apple all show
UTC events in the viewer's own zone without having to trust a VTIMEZONE block
(Outlook in particular mishandles IANA TZIDs in subscribed feeds).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from rapport.meetings.models import Meeting
from rapport.meetings.scheduling import HORIZON_WEEKS
from rapport.people.models import Person

FEED_PAST = dt.timedelta(weeks=4)
# A little past the planning horizon: the last planned meeting may sit just beyond it.
FEED_FUTURE = dt.timedelta(weeks=HORIZON_WEEKS + 2)
PRODID = "-//Rapport//1:1s//EN"


# The secret feed address ---------------------------------------------------------


@transaction.atomic
def calendar_token_regenerate(*, actor: Person) -> str:
    """Give the person a new secret feed token; the old address stops working at once."""
    actor.calendar_token = secrets.token_urlsafe(32)
    actor.save(update_fields=["calendar_token"])
    return actor.calendar_token


@transaction.atomic
def calendar_token_revoke(*, actor: Person) -> None:
    """Turn the person's feed off: its address answers 404 from now on."""
    actor.calendar_token = ""
    actor.save(update_fields=["calendar_token"])


def feed_url(person: Person) -> str:
    """The person's private feed address, empty when they have none."""
    if not person.calendar_token:
        return ""
    return settings.SITE_URL + reverse("calendar_feed", args=[person.calendar_token])


# iCalendar ------------------------------------------------------------------------


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def meeting_uid(meeting: Meeting) -> str:
    """Stable for the meeting's whole life: calendars update the event, never duplicate it."""
    return f"meeting-{meeting.pk}@{site_host()}"


def meeting_title(meeting: Meeting) -> str:
    """“1:1 Mia Manager / Ray Report”, “ · Career” for a career-focused one."""
    series = meeting.series
    title = f"1:1 {series.manager.name} / {series.report.name}"
    return title + (" · Career" if meeting.is_career else "")


def meeting_event(meeting: Meeting, *, stamp: dt.datetime) -> Event:
    """One VEVENT: time, title, link and status; never a topic or a note."""
    link = settings.SITE_URL + reverse("meeting", args=[meeting.pk])
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("dtstart", meeting.scheduled_at.astimezone(dt.UTC))
    event.add("dtend", meeting.planned_end.astimezone(dt.UTC))
    event.add("summary", meeting_title(meeting))
    event.add("url", link)
    if meeting.status == Meeting.Status.RESCHEDULED:
        lead = "Moved: the new time is its own event in this calendar."
    elif meeting.status == Meeting.Status.CANCELLED:
        lead = "Cancelled."
    else:
        lead = "Agenda and notes in Rapport."
    event.add("description", f"{lead}\n{link}")
    cancelled = meeting.is_called_off
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    return event


def calendar_bytes(meetings: Iterable[Meeting], *, name: str) -> bytes:
    """A VCALENDAR holding one VEVENT per meeting."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    # Ask subscribers to poll hourly (Google decides for itself; Apple and Outlook listen).
    calendar.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    stamp = timezone.now()
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, stamp=stamp))
    return calendar.to_ical()


def feed_meetings(person: Person, *, now: dt.datetime | None = None) -> list[Meeting]:
    """The person's 1:1s (either side) from four weeks back to the planning horizon, one query."""
    now = now or timezone.now()
    return list(
        Meeting.objects.filter(Q(series__manager=person) | Q(series__report=person))
        .filter(scheduled_at__gte=now - FEED_PAST, scheduled_at__lte=now + FEED_FUTURE)
        .select_related("series__manager", "series__report")
        .order_by("scheduled_at", "pk")
    )


def feed_bytes(person: Person) -> bytes:
    """The person's whole feed."""
    return calendar_bytes(feed_meetings(person), name=f"Rapport 1:1s ({person.name})")


def invite_bytes(meeting: Meeting) -> bytes:
    """A single meeting as a file to import (METHOD:PUBLISH: no RSVP goes anywhere)."""
    return calendar_bytes([meeting], name=meeting_title(meeting))
