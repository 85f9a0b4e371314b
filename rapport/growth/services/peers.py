"""Peer feedback: a manager asks colleagues about their report; colleagues answer or decline.

Answers are read by the manager who asked, only; the manager's summary is what the IC sees.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from rapport import access
from rapport.errors import Refused, clean_text
from rapport.framework.goals import PEER_REQUEST_DAYS, PEER_REQUEST_MAX_DAYS
from rapport.growth.models import PeerAnswer, PeerRequest, PeerSummary
from rapport.meetings.models import Series
from rapport.people.models import Person

ANSWER_LIMIT = 2000
MESSAGE_LIMIT = 500
SUMMARY_LIMIT = 4000
COLLEAGUES_LIMIT = 10
LARGEST_ID = access.LARGEST_ID


def peer_request_expired(request: PeerRequest, *, now: dt.datetime | None = None) -> bool:
    """Whether the request's last day has passed (in the colleague's eyes, at UTC midnight)."""
    return timezone.localdate(now or timezone.now()) > request.expires_on


def _mail_request(request: PeerRequest) -> None:
    """Mail the colleague a link to the request once the transaction commits."""
    if not settings.EMAIL_ENABLED or not request.colleague.email:
        return
    context = {
        "request": request,
        "link": settings.SITE_URL + reverse("peer_request", args=[request.pk]),
    }
    subject = " ".join(render_to_string("growth/email/peer_request_subject.txt", context).split())
    body = render_to_string("growth/email/peer_request.txt", context)

    def send() -> None:
        send_mail(subject, body, None, [request.colleague.email])

    # robust: a mail server that is down must not undo the request; the colleague's home
    # lists it anyway.
    transaction.on_commit(send, robust=True)


@transaction.atomic
def peer_request_create(
    *,
    actor: Person,
    series: Series,
    colleague_ids: list[int],
    expires_on: dt.date | None = None,
    message: str = "",
    now: dt.datetime | None = None,
) -> list[PeerRequest]:
    """The manager asks named colleagues for feedback about their report, until a date."""
    access.peer_request_check_ask(actor, series)
    now = now or timezone.now()
    today = timezone.localdate(now)
    ids = list(dict.fromkeys(colleague_ids))
    if any(not 0 < number <= LARGEST_ID for number in ids):
        raise Refused("Choose colleagues of your organisation (not yourself, not the report).")
    if not ids:
        raise Refused("Choose at least one colleague to ask.")
    if len(ids) > COLLEAGUES_LIMIT:
        raise Refused(f"Ask at most {COLLEAGUES_LIMIT} colleagues at a time.")
    colleagues = list(access.peer_colleagues_for(actor, series).filter(pk__in=ids))
    if len(colleagues) != len(ids):
        raise Refused("Choose colleagues of your organisation (not yourself, not the report).")
    expires_on = expires_on or today + dt.timedelta(days=PEER_REQUEST_DAYS)
    if expires_on < today:
        raise Refused("The request's last day is today or later.")
    if expires_on > today + dt.timedelta(days=PEER_REQUEST_MAX_DAYS):
        raise Refused(f"A request stays open at most {PEER_REQUEST_MAX_DAYS} days.")
    message = clean_text(message, limit=MESSAGE_LIMIT, what="The message", one_line=True)
    waiting = set(
        PeerRequest.objects.filter(
            series=series,
            colleague__in=colleagues,
            status=PeerRequest.Status.PENDING,
            expires_on__gte=today,
        ).values_list("colleague__name", flat=True)
    )
    if waiting:
        raise Refused(f"{sorted(waiting)[0]} has not answered your last request yet.")
    requests = [
        PeerRequest.objects.create(
            series=series,
            requested_by=actor,
            about_id=series.report_id,
            colleague=colleague,
            message=message,
            created_at=now,
            expires_on=expires_on,
        )
        for colleague in colleagues
    ]
    for request in requests:
        _mail_request(request)
    return requests


def _open_for_answer(actor: Person, request: PeerRequest, now: dt.datetime) -> PeerRequest:
    access.peer_request_check_answer(actor, request)
    request = PeerRequest.objects.select_for_update().get(pk=request.pk)
    if request.status == PeerRequest.Status.ANSWERED:
        raise Refused("You answered this request already: thank you.")
    if request.status == PeerRequest.Status.DECLINED:
        raise Refused("You declined this request.")
    if peer_request_expired(request, now=now):
        raise Refused(
            f"This request expired on {request.expires_on:%d %B %Y}: it can no longer be "
            f"answered. {request.requested_by.name} can ask again."
        )
    return request


def _close(request: PeerRequest, status: str, now: dt.datetime) -> None:
    request.status = status
    request.closed_at = now
    request.save(update_fields=["status", "closed_at"])


@transaction.atomic
def peer_request_answer(
    *,
    actor: Person,
    request: PeerRequest,
    strengths: str,
    change: str,
    example: str = "",
    now: dt.datetime | None = None,
) -> PeerAnswer:
    """The colleague answers: strengths, one thing to change, an example."""
    now = now or timezone.now()
    request = _open_for_answer(actor, request, now)
    parts = {"strengths": strengths.strip(), "change": change.strip(), "example": example.strip()}
    if not parts["strengths"] or not parts["change"]:
        raise Refused("Write at least one strength and one thing to change.")
    if any(len(text) > ANSWER_LIMIT for text in parts.values()):
        raise Refused(f"Each answer is limited to {ANSWER_LIMIT:,} characters.")
    answer = PeerAnswer.objects.create(request=request, answered_at=now, **parts)
    _close(request, PeerRequest.Status.ANSWERED, now)
    return answer


@transaction.atomic
def peer_request_decline(
    *, actor: Person, request: PeerRequest, now: dt.datetime | None = None
) -> PeerRequest:
    """The colleague declines to answer."""
    now = now or timezone.now()
    request = _open_for_answer(actor, request, now)
    _close(request, PeerRequest.Status.DECLINED, now)
    return request


@transaction.atomic
def peer_summary_write(
    *, actor: Person, series: Series, text: str, now: dt.datetime | None = None
) -> PeerSummary:
    """The manager's summary of the peer feedback, to share with the IC (history kept)."""
    access.peer_request_check_ask(actor, series)
    text = clean_text(text, limit=SUMMARY_LIMIT, what="A summary", empty="Write the summary first.")
    latest = PeerSummary.objects.filter(series=series).order_by("-written_at", "-pk").first()
    if latest is not None and latest.text == text:
        return latest  # nothing changed: no new version
    return PeerSummary.objects.create(
        series=series, written_by=actor, text=text, written_at=now or timezone.now()
    )
