"""The audit trail: who read someone else's data, and who changed a sensitive record.

Any domain app records with one call, inside its own transaction:

    audit_record(actor=viewer, subject=ic, action=AuditEvent.Action.CAREER_VIEW, target=page)

Where it came from (the client's address, web or command line) is taken from the
current origin, which the web middleware and the command line set (`origin_set`), unless
`ip=` is given. Rows are never updated or deleted here.

Folding: a read, or an edit of a private note, repeated by the same person on the same
thing (same subject, action and target) within FOLD_MINUTES of the last row recorded
for it writes nothing: the earlier row stands for both. Everything else is always kept.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import connections, models, transaction
from django.db.models import Exists, F, QuerySet, Value
from django.utils import timezone

from rapport import compiled
from rapport.people.models import AuditEvent, Person

FOLD_MINUTES = 10
Action = AuditEvent.Action
ACTIONS = frozenset(Action.values)  # Action.values builds its list on each use

# Repeats of these within FOLD_MINUTES are folded into the first.
FOLDED = frozenset(
    {
        Action.SERIES_VIEW,
        Action.MEETING_VIEW,
        Action.RECAP_VIEW,
        Action.INSIGHTS_VIEW,
        Action.PREPARE_VIEW,
        Action.PERSON_VIEW,
        Action.CAREER_VIEW,
        Action.PACKET_VIEW,
        Action.PEER_ANSWER_READ,
        Action.PRIVATE_NOTE_EDIT,
    }
)
# Reads of someone else's data: recorded only when the reader is not the subject.
READS = FOLDED - {Action.PRIVATE_NOTE_EDIT} | {Action.ORG_EXPORT}


@dataclass(frozen=True)
class Origin:
    """Where the current request or command comes from."""

    via: str = AuditEvent.Via.OTHER
    ip: str = ""


_origin: ContextVar[Origin | None] = ContextVar("rapport_audit_origin", default=None)


@contextlib.contextmanager
def origin_set(*, via: str, ip: str = "") -> Iterator[None]:
    """Within this block, audit rows say they came from here (a request, the command line)."""
    token = _origin.set(Origin(via=via, ip=ip[:45]))
    try:
        yield
    finally:
        _origin.reset(token)


def _target(target: models.Model | tuple[str, int | None] | None) -> tuple[str, int | None]:
    if target is None:
        return "", None
    if isinstance(target, tuple):
        return target
    return target._meta.model_name or "", target.pk


def audit_record(
    *,
    actor: Person | None,
    subject: Person,
    action: str,
    target: models.Model | tuple[str, int | None] | None = None,
    ip: str | None = None,
    now: dt.datetime | None = None,
) -> AuditEvent | None:
    """Append one audit row (None when it is someone's own read, or a folded repeat).

    Someone's own read costs no statement; a repeat within the fold costs one read and no
    transaction (most views of a page); a row to write is checked again and written in one."""
    if _own_read(actor, subject, action):
        return None
    now = now or timezone.now()
    if action in FOLDED and _folded(actor, subject, action, target, now):
        return None
    with transaction.atomic():
        event = _event(actor, subject, action, target, ip, now)
        if event is not None:
            event.save(force_insert=True)
        return event


def _folded(
    actor: Person | None,
    subject: Person,
    action: str,
    target: models.Model | tuple[str, int | None] | None,
    now: dt.datetime,
) -> bool:
    """Whether the same thing was recorded within the fold (one query)."""
    target_type, target_id = _target(target)
    # Pages that record a read ask this on every view: its SQL is compiled once.
    return bool(
        compiled.rows(
            _recorded,
            actor,
            subject,
            target_id,
            fold_window(now),
            now,
            action=action,
            target_type=target_type,
        )
    )


def _own_read(actor: Person | None, subject: Person, action: str) -> bool:
    """Reading your own data is not someone else's read: nothing is recorded."""
    return action in READS and actor is not None and actor.pk == subject.pk


@transaction.atomic
def audit_record_each(
    *,
    actor: Person | None,
    subjects: QuerySet[Person],
    action: str,
    target: models.Model | tuple[str, int | None] | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Append one audit row per subject, as `audit_record` would, in a few statements."""
    now = now or timezone.now()
    if action in FOLDED or (action in READS and actor is not None):
        events = [_event(actor, subject, action, target, None, now) for subject in subjects]
        kept = [event for event in events if event is not None]
        return len(AuditEvent.objects.bulk_create(kept, batch_size=500))
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    return _insert_each(actor, subjects, action, target, now)


def _insert_each(
    actor: Person | None,
    subjects: QuerySet[Person],
    action: str,
    target: models.Model | tuple[str, int | None] | None,
    now: dt.datetime,
) -> int:
    """One INSERT … SELECT: a row per subject without a Person or an AuditEvent in Python
    (an organisation export records one for each of thousands of people)."""
    target_type, target_id = _target(target)
    origin = _origin.get() or Origin()
    values = {
        "organisation_id": F("organisation_id"),
        "actor_id": Value(actor.pk if actor else None, models.BigIntegerField()),
        "subject_id": F("pk"),
        "action": Value(action),
        "target_type": Value(target_type),
        "target_id": Value(target_id, models.BigIntegerField()),
        "at": Value(now, models.DateTimeField()),
        "ip": Value(origin.ip),
        "via": Value(origin.via),
    }
    rows = subjects.order_by("pk").values_list(*values.values())
    sql, params = rows.query.get_compiler(subjects.db).as_sql()
    columns = ", ".join(f'"{AuditEvent._meta.get_field(name).column}"' for name in values)
    with connections[subjects.db].cursor() as cursor:
        cursor.execute(f'INSERT INTO "{AuditEvent._meta.db_table}" ({columns}) {sql}', params)
        return cursor.rowcount


def _recorded(
    actor: Person | None,
    subject: Person,
    target_id: int | None,
    since: dt.datetime,
    until: dt.datetime,
    *,
    action: str,
    target_type: str,
) -> QuerySet[AuditEvent]:
    """The row, if any, recorded for the same thing between `since` (excluded) and `until`."""
    return _same_read(actor, subject, target_id, since, until, action, target_type).values_list(
        "pk", flat=True
    )[:1]


def _same_read(
    actor: Person | None,
    subject: Any,
    target_id: Any,
    since: dt.datetime,
    until: dt.datetime,
    action: str,
    target_type: str,
) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        actor=actor,
        action=action,
        subject=subject,
        target_type=target_type,
        target_id=target_id,
        at__gt=since,
        at__lte=until,
    )


def fold_window(now: dt.datetime) -> dt.datetime:
    """Since when (excluded) a row recorded for the same thing folds a repeat at `now`."""
    return now - dt.timedelta(minutes=FOLD_MINUTES)


def recorded_read(
    actor: Person,
    action: str,
    *,
    subject: Any,
    target_type: str,
    target_id: Any,
    since: dt.datetime,
    until: dt.datetime,
) -> Exists:
    """Whether a read (`subject` and `target_id` may be outer references) is already
    recorded between `since` (`fold_window`) and `until`: `audit_record` would fold a repeat
    of it, so a page that reads this with its rows need not call it (an annotation)."""
    return Exists(_same_read(actor, subject, target_id, since, until, action, target_type))


def _event(
    actor: Person | None,
    subject: Person,
    action: str,
    target: models.Model | tuple[str, int | None] | None,
    ip: str | None,
    now: dt.datetime,
) -> AuditEvent | None:
    """The row to append, unsaved; None when it is someone's own read, or a folded repeat."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if _own_read(actor, subject, action):
        return None
    if action in FOLDED and _folded(actor, subject, action, target, now):
        return None
    target_type, target_id = _target(target)
    origin = _origin.get() or Origin()
    return AuditEvent(
        organisation_id=subject.organisation_id,
        actor=actor,
        subject=subject,
        action=action,
        target_type=target_type,
        target_id=target_id,
        at=now,
        ip=(origin.ip if ip is None else ip)[:45],
        via=origin.via,
    )
