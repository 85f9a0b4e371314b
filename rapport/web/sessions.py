"""The session and the signed-in person, read in one query by SQL compiled once: every
signed-in request (a meeting page's polls every few seconds) reads both first."""

from __future__ import annotations

import contextvars
from typing import Any

from django.contrib import auth
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.utils import timezone

from rapport import access
from rapport.people.models import Person, Session

# The session being read for the request whose user is being worked out, for PersonBackend.
_SIGNING_IN: contextvars.ContextVar[SessionBase | None] = contextvars.ContextVar(
    "rapport_signing_in", default=None
)


# Session data decoded, by its signed text: a signed-in person's every request (a meeting
# page's polls, every few seconds) reads the same text until the session changes.
_DECODED: dict[str, dict[str, Any]] = {}
MOST_DECODED = 1024
_SCALARS = (str, int, float, bool, type(None))


class SessionStore(db.SessionStore):
    """Django's database sessions, in a table that names the signed-in person: the read
    fetches that person too, with their organisation (every page shows it)."""

    # The person the session's row named when it was read (None: nobody, or not read).
    person: Person | None = None

    @classmethod
    def get_model_class(cls) -> type[Session]:
        return Session

    def _get_session_from_db(self) -> Session | None:
        """The unexpired session with its person, else None and the key forgotten, as the
        base class does."""
        self.person = None
        session = access.session_with_person(self.session_key, timezone.now())
        if session is None:
            self._session_key = None
            return None
        self.person = session.person
        return session

    def decode(self, session_data: str) -> dict[str, Any]:
        """Django's decoding (the signature checked, then the JSON read), once per process
        for a given text: the same text always decodes to the same data. Each request gets
        its own copy; data holding more than plain values, or none, is decoded each time."""
        found = _DECODED.get(session_data)
        if found is None:
            found = super().decode(session_data)
            if not found or not all(isinstance(value, _SCALARS) for value in found.values()):
                return found  # nothing kept of a text that failed its check
            if len(_DECODED) >= MOST_DECODED:
                _DECODED.clear()
            _DECODED[session_data] = found
        return dict(found)

    def create_model_instance(self, data: dict[str, Any]) -> Session:
        """The row to save: the data, and the person it names (if any)."""
        session = super().create_model_instance(data)
        session.person_id = _person_key(data.get(SESSION_KEY))
        return session


def _person_key(user_id: Any) -> int | None:
    try:
        return int(user_id)
    except (TypeError, ValueError):
        return None


class PersonAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's, the user read at once instead of behind a lazy object; while it works out
    the signed-in user, PersonBackend may take the person read with the session instead of
    reading them again.

    Every request that gets here reads its user anyway (PersonTimezoneMiddleware, further
    down, activates their time zone), and each attribute read through Django's
    `SimpleLazyObject` raises and catches an AttributeError: some forty times the cost of a
    plain one, and a page reads `request.user` a few hundred times, a poll about sixty."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = _user_of(request)


def _user_of(request: HttpRequest) -> Any:
    """Django's `auth.get_user`, every check included, cached on the request as Django does."""
    if not hasattr(request, "_cached_user"):
        token = _SIGNING_IN.set(request.session)
        try:
            request._cached_user = auth.get_user(request)
        finally:
            _SIGNING_IN.reset(token)
    return request._cached_user


class PersonBackend(ModelBackend):
    """Django's ModelBackend; the signed-in person comes with their session's row, else is
    read with their organisation by SQL compiled once, and the same checks follow (an
    inactive account is refused; Django then compares the session's password hash)."""

    def get_user(self, user_id: Any) -> Person | None:
        pk = _person_key(user_id)
        if pk is None:
            return None
        person = _read_with_session(pk) or access.person_of_session(pk)
        return person if person is not None and self.user_can_authenticate(person) else None


def _read_with_session(pk: int) -> Person | None:
    """The person read with this request's session, when that is the person it names."""
    session = _SIGNING_IN.get()
    person = getattr(session, "person", None)
    return person if person is not None and person.pk == pk else None
