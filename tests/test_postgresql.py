"""Rapport's PostgreSQL backend reads what Django's own reads, with less CPU.

Each case needs PostgreSQL: run them with DATABASE_URL set (they are skipped on SQLite).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader
from django.test import override_settings
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
