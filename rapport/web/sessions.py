"""Sessions in the database, read with one SQL string built once: every signed-in request
(a meeting page's polls every few seconds) reads its session first."""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import connections
from django.utils import timezone


class SessionStore(db.SessionStore):
    """Django's database sessions; only the read skips building its query each time."""

    def _get_session_from_db(self) -> Session | None:
        """The unexpired session's data (only `session_data` is filled in), else None and
        the key forgotten, as the base class does."""
        connection = connections[self.model.objects.db]
        quote = connection.ops.quote_name
        sql = (
            f"SELECT {quote('session_data')} FROM {quote(self.model._meta.db_table)}"
            f" WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s"
        )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return self.model(session_key=self.session_key, session_data=row[0])
