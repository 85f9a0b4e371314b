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
    return _title(series.manager.name, series.report.name, meeting.is_career)


def _title(manager: str, report: str, is_career: bool) -> str:
    return f"1:1 {manager} / {report}" + (" · Career" if is_career else "")


# The text is written here rather than through icalendar's objects, which cost several
# times more per event; it is what icalendar writes, property for property, in its order.
_LEADS = {
    Meeting.Status.RESCHEDULED: "Moved: the new time is its own event in this calendar.",
    Meeting.Status.CANCELLED: "Cancelled.",
}
_CALLED_OFF = ("STATUS:CANCELLED", "TRANSP:TRANSPARENT")
_GOING_AHEAD = ("STATUS:CONFIRMED", "TRANSP:OPAQUE")


def _event_lines(
    pk: int,
    sequence: int,
    start: dt.datetime,
    minutes: int,
    status: str,
    title: str,
    stamp: str,
    host: str,
    link: tuple[str, str],
) -> list[str]:
    """One VEVENT: time, title, link and status; never a topic or a note."""
    link = f"{link[0]}{pk}{link[1]}"
    lead = _LEADS.get(status, "Agenda and notes in Rapport.")
    description = _text(f"{lead}\n{link}")
    called_off = status in (Meeting.Status.CANCELLED, Meeting.Status.RESCHEDULED)
    return [
        "BEGIN:VEVENT",
        f"SUMMARY:{_text(title)}",
        f"DTSTART:{_utc(start)}",
        f"DTEND:{_utc(start + dt.timedelta(minutes=minutes))}",
        f"DTSTAMP:{stamp}",
        f"UID:{_text(f'meeting-{pk}@{host}')}",
        f"SEQUENCE:{sequence}",
        f"DESCRIPTION:{description}",
        *(_CALLED_OFF if called_off else _GOING_AHEAD),
        f"URL:{link}",
        "END:VEVENT",
    ]


def _meeting_link() -> tuple[str, str]:
    """A meeting's address before and after its id: one reverse() for the whole calendar."""
    marker = "4294967295"
    before, after = reverse("meeting", args=[marker]).split(marker)
    return settings.SITE_URL + before, after


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(value: str) -> str:
    """A TEXT value escaped as RFC 5545 says (a `\\N` taken as a line break, as icalendar does)."""
    escaped = (
        value.replace("\\N", "\n").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    )
    return _line_breaks_escaped(escaped)


def _line_breaks_escaped(value: str) -> str:
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def _folded(line: str) -> bytes:
    """The content line in pieces of at most 74 octets, each further piece after CRLF and a
    space; never inside a character, and an escape's backslash (or caret) starts a piece."""
    data = line.encode()
    if len(data) <= 74:
        return data
    pieces, start = [], 0
    while len(data) - start > 74:
        end = start + 74
        while 0x80 <= data[end] < 0xC0:
            end -= 1
        if end - start > 1 and data[end - 1] in b"\\^":
            end -= 1
        pieces.append(data[start:end])
        start = end
    pieces.append(data[start:])
    return b"\r\n ".join(pieces)


def calendar_bytes(events: Iterable[tuple], *, name: str) -> bytes:
    """A VCALENDAR holding one VEVENT per event: (pk, sequence, start, minutes, status, title)."""
    stamp, host, link = _utc(timezone.now()), site_host(), _meeting_link()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        # icalendar writes an X- property as it is; a line break would end the line.
        f"X-WR-CALNAME:{_line_breaks_escaped(name)}",
        # Ask subscribers to poll hourly (Google decides for itself; Apple and Outlook listen).
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ]
    for event in events:
        lines += _event_lines(*event, stamp, host, link)
    lines.append("END:VCALENDAR")
    return b"\r\n".join(map(_folded, lines)) + b"\r\n"


def feed_events(person: Person, *, now: dt.datetime | None = None) -> list[tuple]:
    """The person's 1:1s (either side) from four weeks back to the planning horizon, one query,
    as `calendar_bytes` takes them."""
    now = now or timezone.now()
    rows = (
        Meeting.objects.filter(Q(series__manager=person) | Q(series__report=person))
        .filter(scheduled_at__gte=now - FEED_PAST, scheduled_at__lte=now + FEED_FUTURE)
        .order_by("scheduled_at", "pk")
        .values_list(
            "pk",
            "sequence",
            "scheduled_at",
            "duration_minutes",
            "status",
            "series__manager__name",
            "series__report__name",
            "kind",
        )
    )
    return [
        (*row[:5], _title(manager, report, kind == Meeting.Kind.CAREER))
        for *row, manager, report, kind in rows
    ]


def feed_bytes(person: Person) -> bytes:
    """The person's whole feed."""
    return calendar_bytes(feed_events(person), name=f"Rapport 1:1s ({person.name})")


def invite_bytes(meeting: Meeting) -> bytes:
    """A single meeting as a file to import (METHOD:PUBLISH: no RSVP goes anywhere)."""
    title = meeting_title(meeting)
    event = (meeting.pk, meeting.sequence, meeting.scheduled_at, meeting.duration_minutes)
    return calendar_bytes([(*event, meeting.status, title)], name=title)
