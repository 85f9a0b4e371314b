"""Rapport's PostgreSQL backend reads what Django's own reads, with less CPU.

Each case needs PostgreSQL: run them with DATABASE_URL set (they are skipped on SQLite).
"""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from django.db import (
    DatabaseError,
    OperationalError,
    close_old_connections,
    connection,
    transaction,
)
from django.db.backends.postgresql.psycopg_any import register_tzloader
from django.test import Client, override_settings
from django.urls import reverse
from psycopg.pq import Format

from rapport.meetings.models import Meeting
from rapport.postgresql.base import NATIVE_TIMESTAMPTZ, TIMESTAMPTZ

# Daylight-saving changes, leap days, microseconds, offsets, and the ends of Python's range.
MOMENTS = [
    "2026-03-29 00:59:59.999999+00",
    "2026-10-25 01:30:00+01",
    "2024-02-29 12:00:00.000001+05:30",
    "1970-01-01 00:00:00+00",
    "1900-06-30 23:59:60+00",
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
]


@pytest.fixture(autouse=True)
def _postgresql_only(db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Rapport's PostgreSQL backend: run with DATABASE_URL set")


def _read(cursor, moments: list[str]) -> list[dt.datetime]:
    found = []
    for moment in moments:
        cursor.execute("SELECT %s::timestamptz", [moment])
        found.append(cursor.fetchone()[0])
    return found


def test_timestamps_are_read_by_psycopgs_loader_when_the_zones_agree() -> None:
    with connection.cursor() as cursor:
        loader = cursor.cursor.adapters.get_loader(TIMESTAMPTZ, Format.TEXT)
    assert connection.native_timestamps
    assert loader is NATIVE_TIMESTAMPTZ


def test_it_reads_every_timestamp_as_djangos_own_loader_does() -> None:
    with connection.cursor() as cursor:
        ours = _read(cursor, MOMENTS)
    with connection.cursor() as cursor:
        register_tzloader(connection.timezone, cursor.cursor)
        djangos = _read(cursor, MOMENTS)
    assert ours == djangos
    assert [moment.tzinfo for moment in ours] == [moment.tzinfo for moment in djangos]
    assert {moment.tzinfo for moment in ours} == {dt.UTC}


def test_rows_read_in_chunks_have_the_same_timestamps(meeting: Meeting) -> None:
    times = Meeting.objects.filter(series=meeting.series).order_by("pk")
    times = times.values_list("scheduled_at", "created_at")
    # .iterator() reads through a named (server-side) cursor on PostgreSQL.
    assert list(times.iterator(chunk_size=1)) == list(times)
    assert all(moment.tzinfo is dt.UTC for row in times.iterator(chunk_size=1) for moment in row)


def test_without_time_zones_it_reads_naive_timestamps_as_django_does() -> None:
    with override_settings(USE_TZ=False):
        assert not connection.native_timestamps
        with connection.cursor() as cursor:
            naive = _read(cursor, MOMENTS[:1])
    assert naive == [dt.datetime(2026, 3, 29, 0, 59, 59, 999999)]
    with connection.cursor() as cursor:
        assert _read(cursor, MOMENTS[:1])[0].tzinfo is dt.UTC
    assert connection.native_timestamps


# A kept connection is checked before reuse without a query ------------------------------


def _end_from_another_connection(pid: int) -> None:
    """What a restart does to the connection: the server ends it (waiting until it has)."""
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        assert other.execute("SELECT pg_terminate_backend(%s, 5000)", [pid]).fetchone()[0]


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _between_requests() -> None:
    """What Django does at each request's end and start (the test client skips it)."""
    close_old_connections()


def test_a_working_connection_is_usable_without_a_query(monkeypatch) -> None:
    _backend_pid()

    def refused(*args, **kwargs):
        raise AssertionError("the check sent a query")

    with monkeypatch.context() as patched:
        patched.setattr(connection.connection, "cursor", refused)
        patched.setattr(connection.connection, "execute", refused)
        assert connection.is_usable()


def test_a_connection_in_a_failed_transaction_is_not_usable() -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT 1 / 0")
        assert not connection.is_usable()


@pytest.mark.django_db(transaction=True)
def test_after_the_server_ends_a_connection_the_next_request_opens_a_new_one(
    client_for, ray
) -> None:
    client = client_for(ray)
    assert client.get(reverse("home")).status_code == 200
    before = _backend_pid()
    _end_from_another_connection(before)
    assert not connection.is_usable()
    _between_requests()
    assert client.get(reverse("home")).status_code == 200
    assert _backend_pid() != before


@pytest.mark.django_db(transaction=True)
def test_a_connection_lost_within_a_request_fails_that_request_only(client_for, ray) -> None:
    client = client_for(ray)
    assert client.get(reverse("home")).status_code == 200
    _between_requests()
    # Checked at the request's first query; the server ends it just after.
    _end_from_another_connection(_backend_pid())
    with pytest.raises(OperationalError):
        client.get(reverse("home"))
    _between_requests()
    # The same browser's next request (the client would raise the failed one's error again).
    browser = Client()
    browser.cookies = client.cookies
    assert browser.get(reverse("home")).status_code == 200


def test_a_prepared_statement_keeps_one_plan_for_any_values(meeting: Meeting) -> None:
    """A statement run often enough to be prepared is planned once, not on each run."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone() == ("force_generic_plan",)
        for day in range(1, 9):
            cursor.execute(
                "SELECT count(*) FROM meetings_meeting WHERE scheduled_at >= %s",
                [dt.datetime(2026, 1, day, tzinfo=dt.UTC)],
            )
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE %s",
            ["SELECT count(*) FROM meetings_meeting WHERE scheduled_at >= $1%"],
        )
        assert cursor.fetchall() == [(3, 0)]
