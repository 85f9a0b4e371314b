"""The audit trail from the web: where each request comes from, and a one-line read record.

A view that shows someone else's career or meeting data records it after the access check:

    record_read(request, AuditEvent.Action.CAREER_VIEW, subject=ic, target=page)

Reading your own data records nothing; a repeat within ten minutes folds into the first
(rapport.people.audit). Like the visit a meeting page records (`bookkeeping`), the row
is written in a savepoint of its own: when the database cannot take it (a full disk, a
read-only file), the page is still shown and the failure goes to the log as an error,
so an operator sees that reads went unrecorded; reading never fails for it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError, models, transaction
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


logger = logging.getLogger(__name__)


def bookkeeping(write: Callable[..., Any], /, **arguments: Any) -> None:
    """Run a write that only keeps track of a read (an audit row, a visit): if the database
    refuses it, undo just that write, log it, and let the page be shown."""
    try:
        if transaction.get_connection().in_atomic_block:
            with transaction.atomic():  # a savepoint: the rest of the transaction survives
                write(**arguments)
        else:  # autocommit: a refused statement leaves nothing behind
            write(**arguments)
    except DatabaseError as error:
        logger.error(
            "Could not record a read (%s, %s): %s", write.__name__, type(error).__name__, error
        )


def record_read(
    request: HttpRequest,
    action: str,
    *,
    subject: Person,
    target: models.Model | tuple[str, int | None] | None = None,
) -> None:
    """Record that the signed-in person read the subject's data (nothing for their own)."""
    bookkeeping(audit_record, actor=request.user, subject=subject, action=action, target=target)
