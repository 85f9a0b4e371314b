"""Calendar feeds (by secret token, no login) and single-meeting invites."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from rapport import access
from rapport.notifications import calendar
from rapport.web.views.common import person_view

ICS = "text/calendar; charset=utf-8"


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The person's 1:1s as a subscribable calendar; an unknown or revoked token is a 404."""
    person = access.person_for_calendar_token(token)
    response = HttpResponse(calendar.feed_bytes(person), content_type=ICS)
    # The address is the secret: keep it out of shared caches and referrers.
    response["Cache-Control"] = "private, max-age=300"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


@person_view("GET")
def meeting_invite(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """One meeting as an .ics file to add to any calendar."""
    meeting = access.meeting_for(request.user, meeting_id)
    response = HttpResponse(calendar.invite_bytes(meeting), content_type=ICS)
    response["Content-Disposition"] = f'attachment; filename="rapport-1on1-{meeting.pk}.ics"'
    return response
