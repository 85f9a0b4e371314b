"""Reminders, recaps and notices by email, each sent at most once.

`send_due()` derives what is due from the database, claims each mail by inserting a
`Delivery` row (unique on kind, person and subject key) and only then sends it. Two
runs at the same moment cannot both claim: the second insert fails and it skips.
A claim whose send fails is kept with the error and not retried: at most once,
because a mail that left the SMTP server but whose reply was lost would otherwise
go out twice, and a missed reminder hurts less than a duplicate.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, OperationalError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from rapport.errors import Refused
from rapport.framework.checklists import PRE_MEETING
from rapport.framework.documentation import NOTE_SECTIONS
from rapport.framework.retrospectives import QUESTIONS as RETROSPECTIVE_QUESTIONS
from rapport.insights.selectors import retrospectives_to_remind
from rapport.meetings import wording
from rapport.meetings.models import ActionItem, Meeting, Series, SharedNotes
from rapport.notifications.calendar import meeting_title
from rapport.notifications.models import Delivery, MailKind, MailPreference
from rapport.people.models import Person

log = logging.getLogger(__name__)

IC_PREP_BEFORE = dt.timedelta(hours=48)
MANAGER_PREP_BEFORE = dt.timedelta(hours=24)
# Events older than this get no mail: a first run on an old database sends no history.
RECENT = dt.timedelta(days=2)
# The recap waits a little after the meeting is marked held, so the wrap-up
# (summary, last notes, action items) written just after is in it.
RECAP_DELAY = dt.timedelta(minutes=15)
# Action-item mails wait for the owner's morning rather than arriving at midnight.
MORNING_HOUR = 8
UNSUBSCRIBE_SALT = "rapport.mail-off"


# Preferences ------------------------------------------------------------------------


def mail_preferences(person: Person) -> dict[str, bool]:
    """Every kind of mail with whether the person gets it (on unless turned off)."""
    stored = dict(person.mail_preferences.values_list("kind", "enabled"))
    return {kind: stored.get(kind, True) for kind in MailKind.values}


@transaction.atomic
def mail_preference_set(
    *, actor: Person, kind: str, enabled: bool, now: dt.datetime | None = None
) -> None:
    """Turn one kind of mail on or off for the person."""
    if kind not in MailKind.values:
        raise Refused("Unknown kind of mail.")
    MailPreference.objects.update_or_create(person=actor, kind=kind, defaults={"enabled": enabled})


def unsubscribe_token(person: Person, kind: str) -> str:
    """A signed, URL-safe token that turns one kind of mail off for one person."""
    return signing.dumps({"p": person.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, str]:
    """The person id and kind a token names; Refused when forged or mangled."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        person_id, kind = int(data["p"]), str(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise Refused("This link is not valid.") from None
    if kind not in MailKind.values:
        raise Refused("This link is not valid.")
    return person_id, kind


def unsubscribe_url(person: Person, kind: str) -> str:
    return settings.SITE_URL + reverse("mail_off", args=[unsubscribe_token(person, kind)])


# Composing ----------------------------------------------------------------------------


def local_time(moment: dt.datetime, person: Person) -> str:
    """“Tuesday 14 January 2025, 04:00 (America/New_York)”: the recipient's own clock."""
    zone = ZoneInfo(person.timezone or "UTC")
    return f"{moment.astimezone(zone):%A %d %B %Y, %H:%M} ({zone.key})"


def _meeting_url(meeting: Meeting) -> str:
    return settings.SITE_URL + reverse("meeting", args=[meeting.pk])


def _other(meeting: Meeting, person: Person) -> Person:
    series = meeting.series
    return series.report if series.manager_id == person.pk else series.manager


def compose(kind: str, person: Person, context: dict[str, object]) -> EmailMessage:
    """A plain-text mail of one kind, with the one-click way to stop that kind."""
    off = unsubscribe_url(person, kind)
    context = {
        **context,
        "person": person,
        "site_url": settings.SITE_URL,
        "unsubscribe_url": off,
        "settings_url": settings.SITE_URL + reverse("settings"),
        "kind_label": MailKind(kind).label,
    }
    subject = render_to_string(f"notifications/email/{kind}_subject.txt", context)
    body = render_to_string(f"notifications/email/{kind}.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[person.email],
        headers={
            "List-Unsubscribe": f"<{off}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )


# What is due --------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """One mail to claim and send."""

    kind: str
    person: Person
    key: str
    build: Callable[[], EmailMessage]
    meeting: Meeting | None = None
    item: ActionItem | None = None

    def describe(self) -> str:
        return f"{self.kind} to {self.person.email} ({self.key})"


def _meetings() -> Iterable[Meeting]:
    return Meeting.objects.select_related(
        "series__manager", "series__report", "cancelled_by", "moved_to"
    )


def due_prep(now: dt.datetime) -> list[Due]:
    """Prep reminders: the report's 48 hours before, the manager's 24 hours before."""
    due: list[Due] = []
    upcoming = _meetings().filter(
        status=Meeting.Status.SCHEDULED,
        scheduled_at__gt=now,
        scheduled_at__lte=now + IC_PREP_BEFORE,
        series__ended_on__isnull=True,
    )
    for meeting in upcoming:
        series = meeting.series
        context = {
            "meeting": meeting,
            "url": _meeting_url(meeting),
            "title": meeting_title(meeting),
        }
        due.append(_meeting_due(MailKind.IC_PREP, series.report, meeting, context))
        if meeting.scheduled_at <= now + MANAGER_PREP_BEFORE:
            checklist = {**context, "checklist": [item.text for item in PRE_MEETING]}
            due.append(_meeting_due(MailKind.MANAGER_PREP, series.manager, meeting, checklist))
    return due


def _meeting_due(kind: str, person: Person, meeting: Meeting, context: dict) -> Due:
    def build() -> EmailMessage:
        return compose(
            kind,
            person,
            {
                **context,
                "when": local_time(meeting.scheduled_at, person),
                "other": _other(meeting, person),
            },
        )

    return _about_meeting(kind, person, meeting, build)


def _about_meeting(
    kind: str, person: Person, meeting: Meeting, build: Callable[[], EmailMessage]
) -> Due:
    return Due(kind, person, f"meeting:{meeting.pk}", build, meeting=meeting)


def due_recaps(now: dt.datetime) -> list[Due]:
    """The recap of a meeting just held, to both people: shared notes and action items only."""
    due: list[Due] = []
    held = _meetings().filter(
        status=Meeting.Status.HELD, ended_at__gte=now - RECENT, ended_at__lte=now - RECAP_DELAY
    )
    for meeting in held:
        for person in (meeting.series.manager, meeting.series.report):
            due.append(
                _about_meeting(MailKind.RECAP, person, meeting, _recap_builder(meeting, person))
            )
    return due


def _recap_builder(meeting: Meeting, person: Person) -> Callable[[], EmailMessage]:
    def build() -> EmailMessage:
        # Read here, at send time: only SharedNotes and ActionItem, never PrivateNote.
        notes = SharedNotes.objects.filter(meeting=meeting).first()
        sections = []
        if notes is not None:
            # Each person's recap names the two sides of the agenda for them.
            voice = wording.voice_for(person, meeting.series)
            titles = {section.key: voice.flat_note_title(section) for section in NOTE_SECTIONS}
            sections = [(titles[name], text) for name, text in notes.sections().items() if text]
        items = list(meeting.action_items.select_related("owner").order_by("due_on", "pk"))
        return compose(
            MailKind.RECAP,
            person,
            {
                "meeting": meeting,
                "title": meeting_title(meeting),
                "url": _meeting_url(meeting),
                "when": local_time(meeting.scheduled_at, person),
                "summary": meeting.summary,
                "sections": sections,
                "items": [
                    (item, item.due_on.strftime("%a %d %b") if item.due_on else "")
                    for item in items
                ],
            },
        )

    return build


def due_action_items(now: dt.datetime) -> list[Due]:
    """Open items due today (to the owner) and, once, the day after they were due."""
    due: list[Due] = []
    today = now.date()
    items = ActionItem.objects.filter(
        status=ActionItem.Status.OPEN,
        due_on__gte=today - dt.timedelta(days=2),
        due_on__lte=today + dt.timedelta(days=1),
        owner__is_active=True,
    ).select_related("owner", "series__manager", "series__report")
    for item in items:
        local = now.astimezone(ZoneInfo(item.owner.timezone or "UTC"))
        if local.hour < MORNING_HOUR:
            continue
        if item.due_on == local.date():
            kind = MailKind.ACTION_DUE
        elif item.due_on == local.date() - dt.timedelta(days=1):
            kind = MailKind.ACTION_OVERDUE
        else:
            continue
        due.append(Due(kind, item.owner, f"item:{item.pk}", _item_builder(kind, item), item=item))
    return due


def _item_builder(kind: str, item: ActionItem) -> Callable[[], EmailMessage]:
    def build() -> EmailMessage:
        series = item.series
        return compose(
            kind,
            item.owner,
            {
                "item": item,
                "due": item.due_on.strftime("%A %d %B %Y"),
                "title": f"1:1 {series.manager.name} / {series.report.name}",
                "url": settings.SITE_URL + reverse("my_action_items"),
            },
        )

    return build


def due_cancellations(now: dt.datetime) -> list[Due]:
    """A notice to the other person when a 1:1 is cancelled or moved."""
    due: list[Due] = []
    called_off = _meetings().filter(
        status__in=[Meeting.Status.CANCELLED, Meeting.Status.RESCHEDULED],
        cancelled_at__gte=now - RECENT,
    )
    for meeting in called_off:
        series = meeting.series
        for person in (series.manager, series.report):
            if person.pk == meeting.cancelled_by_id:
                continue
            due.append(
                _about_meeting(
                    MailKind.CANCELLED, person, meeting, _cancel_builder(meeting, person)
                )
            )
    return due


def _cancel_builder(meeting: Meeting, person: Person) -> Callable[[], EmailMessage]:
    def build() -> EmailMessage:
        moved = meeting.moved_to
        return compose(
            MailKind.CANCELLED,
            person,
            {
                "meeting": meeting,
                "title": meeting_title(meeting),
                "when": local_time(meeting.scheduled_at, person),
                "by": meeting.cancelled_by.name if meeting.cancelled_by else "Rapport",
                "reason": meeting.cancel_reason,
                "new_when": local_time(moved.scheduled_at, person) if moved else "",
                "url": _meeting_url(moved or meeting),
            },
        )

    return build


def due_retrospectives(now: dt.datetime) -> list[Due]:
    """Once per due retrospective, to the report, a week after it fell due unanswered."""
    return [
        Due(
            MailKind.RETROSPECTIVE,
            series.report,
            f"retro:{series.pk}:{due_on.isoformat()}",
            _retro_builder(series),
        )
        for series, due_on in retrospectives_to_remind(now)
    ]


def _retro_builder(series: Series) -> Callable[[], EmailMessage]:
    def build() -> EmailMessage:
        return compose(
            MailKind.RETROSPECTIVE,
            series.report,
            {
                "manager": series.manager,
                "questions": [question for _, question in RETROSPECTIVE_QUESTIONS],
                "url": settings.SITE_URL + reverse("retrospectives", args=[series.pk]),
            },
        )

    return build


def due_mails(now: dt.datetime | None = None) -> list[Due]:
    """Every mail due now, before preferences and earlier sends are taken into account."""
    now = now or timezone.now()
    due = due_prep(now) + due_recaps(now) + due_action_items(now) + due_cancellations(now)
    due += due_retrospectives(now)
    return [entry for entry in due if entry.person.is_active and entry.person.email]


# Sending ------------------------------------------------------------------------------------


def _wanted(due: list[Due]) -> list[Due]:
    """Drop the kinds people turned off and what was claimed already (one query each)."""
    people = {entry.person.pk for entry in due}
    off = set(
        MailPreference.objects.filter(person_id__in=people, enabled=False).values_list(
            "person_id", "kind"
        )
    )
    claimed = set(
        Delivery.objects.filter(person_id__in=people).values_list("kind", "person_id", "key")
    )
    return [
        entry
        for entry in due
        if (entry.person.pk, entry.kind) not in off
        and (entry.kind, entry.person.pk, entry.key) not in claimed
    ]


def claim(entry: Due) -> Delivery | None:
    """Insert the delivery row; None when another run holds it already (the constraint says so)."""
    try:
        with transaction.atomic():
            return Delivery.objects.create(
                kind=entry.kind,
                person=entry.person,
                key=entry.key,
                meeting=entry.meeting,
                action_item=entry.item,
            )
    except IntegrityError:
        return None
    except OperationalError:  # SQLite busy with another writer: nothing claimed, next run retries
        return None


def send_due(*, now: dt.datetime | None = None, dry_run: bool = False) -> list[str]:
    """Claim and send every mail due now; returns one line per mail sent (or, dry, due)."""
    if not settings.EMAIL_ENABLED:
        return []
    pending = _wanted(due_mails(now))
    if dry_run:
        return [entry.describe() for entry in pending]
    sent: list[str] = []
    connection = None
    try:
        for entry in pending:
            delivery = claim(entry)
            if delivery is None:
                continue
            message = entry.build()
            try:
                if connection is None:
                    connection = get_connection(fail_silently=False)
                    connection.open()
                message.connection = connection
                message.send()
            except Exception as error:  # recorded, never retried: at most once
                log.warning("mail %s failed: %s", entry.describe(), error)
                Delivery.objects.filter(pk=delivery.pk).update(error=str(error)[:300])
                connection = None
                continue
            Delivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now())
            sent.append(entry.describe())
    finally:
        if connection is not None:
            connection.close()
    return sent
