"""Rows written straight into a table, for the services that write many at once (a series'
planned meetings, a backfilled history): one executemany per table, no model object per row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Model


def moment_value() -> Callable[[dt.datetime | None], Any]:
    """How a datetime goes into the database: naive UTC text on SQLite (as Django stores it)."""
    return _sqlite_text if connection.vendor == "sqlite" else _unchanged


def utc_moment_value() -> Callable[[dt.datetime], Any]:
    """As `moment_value`, for a datetime already in UTC: nothing to convert."""
    return _clock_text if connection.vendor == "sqlite" else _unchanged


def _unchanged(value: Any) -> Any:
    return value


def _sqlite_text(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    # The wall clock less the zone's offset is the UTC one: cheaper than a conversion.
    if offset := value.utcoffset():
        value = value - offset
    return _clock_text(value)


# A history writes hundreds of thousands of times over a few thousand days: each day's text
# and each second's are kept once made (`isoformat` and `replace` cost more than the rest).
_DAYS: dict[int, str] = {}
_SECONDS: dict[int, str] = {}
DAYS_KEPT = 40_000


def _clock_text(value: dt.datetime) -> str:
    """The wall clock as `isoformat(" ")` writes it without a timezone (as Django stores it)."""
    day = _DAYS.get(ordinal := value.toordinal()) or _day_text(ordinal)
    second = value.hour * 3600 + value.minute * 60 + value.second
    clock = _SECONDS.get(second) or _second_text(second)
    if micro := value.microsecond:
        return f"{day} {clock}.{micro:06d}"
    return f"{day} {clock}"


def _day_text(ordinal: int) -> str:
    if len(_DAYS) >= DAYS_KEPT:
        _DAYS.clear()
    text = _DAYS[ordinal] = dt.date.fromordinal(ordinal).isoformat()
    return text


def _second_text(second: int) -> str:
    hours, rest = divmod(second, 3600)
    text = _SECONDS[second] = f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"
    return text


class RowTable:
    """INSERTs into one model's table: the columns given per row, the rest at their default."""

    def __init__(self, model: type[Model], columns: Sequence[str]) -> None:
        self.model = model
        fields = {field.column: field for field in model._meta.concrete_fields}
        rest = [c for c in fields if c not in columns and c != model._meta.pk.column]
        self.tail = tuple(
            fields[c].get_db_prep_save(fields[c].get_default(), connection) for c in rest
        )
        names = ["id", *columns, *rest]
        quote = connection.ops.quote_name
        self.sql = (
            f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, names))}) "
            f"VALUES ({', '.join(['%s'] * len(names))})"
        )

    def ids(self, count: int) -> list[int]:
        """Draw `count` new ids (the transaction already holds the write lock on SQLite)."""
        if not count:
            return []
        table = self.model._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [table, count],
                )
                return [row[0] for row in cursor.fetchall()]
            # AUTOINCREMENT never reuses an id, even one whose row was deleted.
            cursor.execute(
                f"SELECT MAX((SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}),"
                " (SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = %s))",
                [table],
            )
            top = cursor.fetchone()[0]
            return list(range(top + 1, top + 1 + count))

    def insert(self, rows: Sequence[tuple]) -> None:
        """Write rows that begin with their id."""
        if rows:
            tail = self.tail
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, (row + tail for row in rows) if tail else rows)

    def insert_new(self, rows: Sequence[tuple]) -> None:
        """Write rows without an id, each under a new one."""
        if rows:
            tail = self.tail
            with connection.cursor() as cursor:
                cursor.executemany(
                    self.sql,
                    ((pk, *row, *tail) for pk, row in zip(self.ids(len(rows)), rows, strict=True)),
                )
