"""A second connection to the PostgreSQL test database, as another server thread has: for
tests of what one transaction does while another holds a row."""

from __future__ import annotations

import time

import psycopg
import pytest
from django.db import connection

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are PostgreSQL's"
)


def other_connection(*, autocommit: bool = False) -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        autocommit=autocommit,
    )


def holding_row(table: str, pk: int) -> psycopg.Connection:
    """Another connection, in a transaction that holds one row of `table`."""
    other = other_connection()
    with other.cursor() as cursor:
        cursor.execute(f'SELECT id FROM "{table}" WHERE id = %s FOR UPDATE', [pk])
    return other


def until_a_transaction_waits_for_a_lock() -> None:
    """Return once a transaction of the test database waits for a lock (another thread's
    write has reached the row held); fail if none does within a minute.

    Asked on a connection of its own, outside any transaction: within one, PostgreSQL
    shows the activity of other connections as it was at its first look."""
    with other_connection(autocommit=True) as watcher:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            waiting = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).fetchone()
            if waiting[0]:
                return
            time.sleep(0.01)
    raise AssertionError("no transaction waited for a lock")
