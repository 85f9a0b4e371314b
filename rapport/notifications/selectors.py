"""Reads of notifications: a person's own settings page (calendar feed, which mails they get,
who looked at their data)."""

from __future__ import annotations

from dataclasses import dataclass

from rapport import access
from rapport.notifications.calendar import feed_url
from rapport.notifications.mail import mail_preferences
from rapport.notifications.models import MailKind
from rapport.people.audit import FOLD_MINUTES
from rapport.people.models import Person
from rapport.people.selectors import AuditPage, audit_page


@dataclass(frozen=True)
class SettingsPage:
    """The viewer's own settings: their feed address (empty when off) and each kind of mail
    as (kind, label, whether they get it); one page of who looked at their data."""

    viewer: Person
    feed_url: str
    kinds: list[tuple[str, str, bool]]
    seen: AuditPage
    fold_minutes: int


def settings_page(viewer: Person, *, seen_page: object = 1) -> SettingsPage:
    """The settings page of the signed-in person (only ever their own)."""
    preferences = mail_preferences(viewer)
    return SettingsPage(
        viewer=viewer,
        feed_url=feed_url(viewer),
        kinds=[(kind, MailKind(kind).label, preferences[kind]) for kind in MailKind.values],
        seen=audit_page(access.audit_events_visible_to(viewer), viewer, page=seen_page),
        fold_minutes=FOLD_MINUTES,
    )
