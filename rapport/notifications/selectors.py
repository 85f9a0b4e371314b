"""Reads of notifications: a person's own settings page (calendar feed, which mails they get)."""

from __future__ import annotations

from dataclasses import dataclass

from rapport.notifications.calendar import feed_url
from rapport.notifications.mail import mail_preferences
from rapport.notifications.models import MailKind
from rapport.people.models import Person


@dataclass(frozen=True)
class SettingsPage:
    """The viewer's own settings: their feed address (empty when off) and each kind of mail
    as (kind, label, whether they get it)."""

    viewer: Person
    feed_url: str
    kinds: list[tuple[str, str, bool]]


def settings_page(viewer: Person) -> SettingsPage:
    """The settings page of the signed-in person (only ever their own)."""
    preferences = mail_preferences(viewer)
    return SettingsPage(
        viewer=viewer,
        feed_url=feed_url(viewer),
        kinds=[(kind, MailKind(kind).label, preferences[kind]) for kind in MailKind.values],
    )
