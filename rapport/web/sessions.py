"""The session and the signed-in person, read with SQL compiled once: every signed-in
request (a meeting page's polls every few seconds) reads both first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.utils import timezone

from rapport import access, compiled
from rapport.people.models import Person


class SessionStore(db.SessionStore):
    """Django's database sessions; only the read skips building its query each time."""

    def _get_session_from_db(self) -> Session | None:
        """The unexpired session's data (only `session_data` is filled in), else None and
        the key forgotten, as the base class does."""
        data = compiled.first(_session_data, self.session_key, timezone.now())
        if data is None:
            self._session_key = None
            return None
        return self.model(session_key=self.session_key, session_data=data)


def _session_data(key: str, now: dt.datetime) -> QuerySet[Session]:
    return Session.objects.filter(session_key=key, expire_date__gt=now).values_list(
        "session_data", flat=True
    )


class PersonBackend(ModelBackend):
    """Django's ModelBackend; the signed-in person is read with their organisation (which
    every page shows) by SQL compiled once, and the same checks follow (an inactive
    account is refused; Django then compares the session's password hash)."""

    def get_user(self, user_id: Any) -> Person | None:
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        person = access.person_of_session(pk)
        return person if person is not None and self.user_can_authenticate(person) else None
