"""Django's PostgreSQL backend, reading timestamps with psycopg's compiled loader,
checking a kept connection before reuse without a round trip to the server, and streaming
a long result in chunks.

Django reads every `timestamptz` value through its own loader, a Python subclass of
psycopg's pure-Python one: parsing the text of one value costs about 4 µs of CPU, more
than PostgreSQL takes to send it, and a page reads a few hundred. psycopg's compiled
loader parses the same text; given the connection's time zone it returns the very value
Django's loader would (Django sets that zone on each new connection, UTC unless the
database settings name another), so it is used whenever the two zones agree, and Django's
loader otherwise.
"""

from __future__ import annotations

import select
from collections.abc import Iterator, Sequence
from contextlib import closing
from itertools import islice
from typing import Any

import psycopg
from django.db.backends.postgresql import base
from django.db.backends.postgresql.psycopg_any import register_tzloader
from psycopg import capabilities
from psycopg.postgres import types
from psycopg.pq import ConnStatus, Format, TransactionStatus

TIMESTAMPTZ = types["timestamptz"].oid
# psycopg's own loader for the text of a timestamptz: its compiled one where installed.
NATIVE_TIMESTAMPTZ = psycopg.adapters.get_loader(TIMESTAMPTZ, Format.TEXT)
# A connection between statements is idle, or inside a transaction that has not failed.
USABLE_STATES = (TransactionStatus.IDLE, TransactionStatus.INTRANS)


class DatabaseWrapper(base.DatabaseWrapper):
    """Django's wrapper; timestamps are read by psycopg's loader when it agrees with Django's,
    and a connection is checked before reuse without a query."""

    native_timestamps = False

    def is_usable(self) -> bool:
        """Whether the connection is open, idle or in a transaction that has not failed, and
        the server has sent nothing since its last answer.

        Django's check runs `SELECT 1`, a round trip that cost a polled page a fifth of its
        time. Between statements the server sends nothing unless it ends the connection
        (a restart, `pg_terminate_backend`, an idle timeout): it then writes its reason and
        closes the socket, which becomes readable. A server that vanished without a word
        (a network cut) is found by the next query instead, which fails; Django then closes
        that connection at the end of the request, and the next request opens a new one.
        """
        connection = self.connection
        if connection is None or connection.closed:
            return False
        pgconn = connection.pgconn
        if pgconn.status != ConnStatus.OK or pgconn.transaction_status not in USABLE_STATES:
            return False
        poll = select.poll()
        poll.register(pgconn.socket, select.POLLIN)
        return not poll.poll(0)

    def init_connection_state(self) -> None:
        super().init_connection_state()
        self._choose_timestamp_loader()

    def ensure_timezone(self) -> bool:
        changed = super().ensure_timezone()
        if self.connection is not None:
            self._choose_timestamp_loader()
        return changed

    def _choose_timestamp_loader(self) -> None:
        """psycopg's loader gives values in the connection's zone; Django's, in its own."""
        adapters = self.connection.adapters
        self.native_timestamps = self.timezone is not None and (
            self.connection.info.timezone == self.timezone
        )
        if self.native_timestamps:
            adapters.register_loader(TIMESTAMPTZ, NATIVE_TIMESTAMPTZ)
        else:
            register_tzloader(self.timezone, self.connection)

    def create_cursor(self, name: str | None = None) -> Any:
        """Django's cursors, without its check of its own loader's zone (psycopg's has none)."""
        if not self.native_timestamps:
            return super().create_cursor(name)
        if name is None:
            return self.connection.cursor()
        withhold = self.connection.autocommit  # used outside a transaction: kept open
        if self.settings_dict["OPTIONS"].get("server_side_binding") is not True:
            return base.ServerSideCursor(
                self.connection, name=name, scrollable=False, withhold=withhold
            )
        return self.connection.cursor(name, scrollable=False, withhold=withhold)

    def streamed_rows(self, sql: str, params: Sequence, size: int) -> Iterator[list[tuple]] | None:
        """The rows of one statement in lists of `size`, or None where libpq cannot send them
        in chunks (before version 17).

        The server sends each chunk as soon as it is made and goes on with the next while
        the caller works on the last (a server-side cursor waits for each FETCH instead):
        it runs ahead by what the socket holds, so memory stays bounded. Stopped early, the
        statement is cancelled (failing the transaction, as an error would, if it was still
        running) and the connection stays usable.
        """
        if not capabilities.has_stream_chunked():
            return None
        return self._streamed_rows(sql, params, size)

    def _streamed_rows(self, sql: str, params: Sequence, size: int) -> Iterator[list[tuple]]:
        with (
            self.cursor() as cursor,
            self.wrap_database_errors,
            closing(cursor.cursor.stream(sql, params, size=size)) as rows,
        ):
            while batch := list(islice(rows, size)):
                yield batch
