"""The audit trail from the web: where each request comes from, and a one-line read record.

A view that shows someone else's career or meeting data records it after the access check:

    record_read(request, AuditEvent.Action.CAREER_VIEW, subject=ic, target=page)

Reading your own data records nothing; a repeat within ten minutes folds into the first
(rapport.people.audit). The row is written before the page is rendered: a read that
cannot be recorded is not shown (the error page says why), so no read goes unrecorded.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.http import HttpRequest, HttpResponse

from rapport.people.audit import audit_record, origin_set
from rapport.people.models import AuditEvent, Person
from rapport.web.throttle import client_address


class AuditOriginMiddleware:
    """Audit rows written during a request say it came from the web, from the client's address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with origin_set(via=AuditEvent.Via.WEB, ip=client_address(request)):
            return self.get_response(request)


def record_read(
    request: HttpRequest,
    action: str,
    *,
    subject: Person,
    target: models.Model | tuple[str, int | None] | None = None,
) -> None:
    """Record that the signed-in person read the subject's data (nothing for their own)."""
    audit_record(actor=request.user, subject=subject, action=action, target=target)
