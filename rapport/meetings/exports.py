"""The organisation export: its records as one JSON document, streamed in chunks.

The format (README, "Export"): an object with `format`, `version`, `rapport`, `exported_at`,
`organisation`, `private_notes`, then one list per kind of record (`people`, `series`,
`meetings`, `topics`, `shared_notes`, `action_items`), each row an object of the record's
columns, indented by two spaces exactly as `json.dumps(..., indent=2)` would. Private notes
are never in it: only their author may read them.

Every list is read from one snapshot of the database (one transaction that only reads). On
SQLite the database writes each row's JSON text itself and joins a batch of rows into one
string (json_quote escapes exactly as Django's JSON encoder does), one statement per batch,
each starting after the last id of the one before. On PostgreSQL each list is one query
whose rows the database streams in batches, making the next while orjson encodes the last;
it writes times as that encoder does, so every value arrives as a JSON number, string,
boolean or null. Memory stays constant whatever the size.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from itertools import starmap

import orjson
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, F, Func, Model, QuerySet, Value
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from rapport import __version__, access
from rapport.meetings.models import is_rendered
from rapport.people.models import Organisation

FORMAT = "rapport-export"
VERSION = 1
BATCH = 5000
PERSON_FIELDS = (
    "id",
    "email",
    "name",
    "level",
    "manager_id",
    "timezone",
    "remote",
    "is_org_admin",
    "is_active",
    "date_joined",
)
_DEFAULT = DjangoJSONEncoder().default
_LIST_END = b"\n  ]\n}"
_AFTER = -7_000_001  # stands for the id a batch starts after while its statement is built


@dataclass
class OrganisationExport:
    """An export under way: iterate `chunks()` once; `counts` fills in as rows go out."""

    organisation: Organisation
    now: dt.datetime
    batch: int = BATCH
    counts: dict[str, int] = field(default_factory=dict)

    def chunks(self) -> Iterator[str]:
        """The document as text."""
        for chunk in self.encoded_chunks():
            yield chunk.decode()

    def encoded_chunks(self) -> Iterator[bytes]:
        """The document as UTF-8, in chunks of about one batch of rows."""
        header = {
            "format": FORMAT,
            "version": VERSION,
            "rapport": __version__,
            "exported_at": self.now.astimezone(dt.UTC).isoformat(timespec="seconds"),
            "organisation": {"id": self.organisation.pk, "name": self.organisation.name},
            "private_notes": "not exported: a private note is readable by its author only",
        }
        text = json.dumps(header, indent=2, ensure_ascii=False)
        yield text.removesuffix("\n}").encode()
        with _snapshot(Organisation.objects.db) as in_snapshot:
            records = access.organisation_records_for_operator(
                self.organisation, in_snapshot=in_snapshot
            )
            for key, queryset in records.items():
                fields = PERSON_FIELDS if key == "people" else exported_columns(queryset.model)
                yield f',\n  "{key}": '.encode()
                yield from self._rows(key, queryset, fields)
        yield b"\n}\n"

    def _rows(self, key: str, queryset: QuerySet, fields: tuple[str, ...]) -> Iterator[bytes]:
        """The list of rows in id order, read a batch at a time without objects."""
        self.counts[key] = 0
        queryset = queryset.order_by("pk")
        vendor = connections[queryset.db].vendor
        if vendor == "sqlite" and _sqlite_writes_json(queryset.model, fields):
            batches = self._sqlite_batches(queryset, fields)
        else:
            batches = self._encoded_batches(key, queryset, fields)
        opening = b"[\n"
        for text, count in batches:
            self.counts[key] += count
            yield opening
            yield text
            opening = b",\n"
        yield b"[]" if opening == b"[\n" else b"\n  ]"

    def _encoded_batches(
        self, key: str, queryset: QuerySet, fields: tuple[str, ...]
    ) -> Iterator[tuple[bytes, int]]:
        """Each batch of rows as orjson writes it, and its size.

        One statement per list: pages by id would make the database join the whole
        organisation again for each page. PostgreSQL streams its rows, making the next
        batch while this process encodes the last, on the machine's other core; elsewhere
        a streaming cursor fetches each batch in turn.
        """
        rows = queryset.values_list(*_json_values(queryset.model, fields))
        sql, params = rows.query.get_compiler(queryset.db).as_sql()
        connection = connections[queryset.db]
        streamed = getattr(connection, "streamed_rows", None)
        batches = streamed and streamed(sql, params, self.batch)
        for batch in batches or _fetched(connection, sql, params, self.batch):
            yield _encode(key, fields, batch), len(batch)

    def _sqlite_batches(
        self, queryset: QuerySet, fields: tuple[str, ...]
    ) -> Iterator[tuple[bytes, int]]:
        """Each batch of rows as SQLite writes it, joined by SQLite too, and its size.

        One statement per batch, the rows after the last one's id: the record's table leads
        the scan (`_sqlite_json_batch`), so each batch starts where the last one stopped. One
        text per batch spares Python a bytes object per row and their join.
        """
        sql, params = _sqlite_json_batch(queryset, fields, self.batch)
        after = 0
        with connections[queryset.db].cursor() as cursor:
            while True:
                cursor.execute(sql, (*params, after))
                text, count, after = cursor.fetchone()
                if not count:
                    return
                yield text, count
                if count < self.batch:
                    return


@contextmanager
def _snapshot(using: str) -> Iterator[bool]:
    """Whether every list is read from one snapshot of the database: not inside a
    transaction already begun. On PostgreSQL a repeatable-read, read-only transaction (in
    which a server-side cursor, used where libpq cannot stream, need not copy its whole
    result first). On SQLite a deferred transaction, which only reads: Rapport's own take
    the write lock at once (BEGIN IMMEDIATE), which an export must not hold while it runs."""
    connection = connections[using]
    if connection.in_atomic_block or connection.vendor not in ("postgresql", "sqlite"):
        yield False
    elif connection.vendor == "postgresql":
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield True
    else:
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield True
        finally:
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")


def _fetched(
    connection: BaseDatabaseWrapper, sql: str, params: tuple, size: int
) -> Iterator[list[tuple]]:
    """The statement's rows in lists of `size`, through a streaming cursor."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(size):
            yield batch


def _encode(key: str, fields: tuple[str, ...], batch: list[tuple]) -> bytes:
    """The rows as the document holds them in its list `key`, without the list's brackets.

    orjson's two-space indent is json.dumps(indent=2)'s, so encoding the rows inside an
    object of that one list indents them for their place in the document.
    """
    rows = list(starmap(_row_maker(fields), batch))
    text = orjson.dumps({key: rows}, default=_DEFAULT, option=orjson.OPT_INDENT_2)
    return text[text.index(b"[") + 2 : -len(_LIST_END)]


@cache
def _row_maker(fields: tuple[str, ...]) -> Callable[..., dict]:
    """A function making a row's dictionary from its values, its keys `fields` in order.

    Its body is one dictionary of constant keys, which Python builds at its full size in
    one step, and `starmap` passes each row's values in C: 40 % less CPU a row than
    `dict(zip(fields, row))`, which grows the dictionary key by key, for a topic's ten
    columns, 10 % for a meeting's 22. The keys are the model's column names written as
    Python literals (`repr`) and the arguments are numbered, so no other text is compiled.
    Values after the last key are left out, as `zip` leaves them.
    """
    names = [f"_{position}" for position in range(len(fields))]
    items = ", ".join(f"{key!r}: {name}" for key, name in zip(fields, names, strict=True))
    return eval(f"lambda {', '.join(names)}, *_: {{{items}}}", {})


# SQLite writes each row as orjson would indent it in its list, with one printf() per row and
# as few function calls per value as may be: each call allocates, and building the row with
# `||` or json_object(), or quoting every value, costs more than the Python objects it saves.
# Per type: the placeholder in the row's format, then the arguments for a value that is never
# NULL, then for one that may be. `%(c)s` is the column; SQLite writes an integer through
# printf's %d (one that may be NULL as text through %s) as JSON does; json_quote escapes text
# exactly as Django's JSON encoder does. Datetimes are stored as '2025-03-12
# 09:30:00[.123456]' in UTC, times as '09:30:00[.123456]'. A `%%%%` in
# SQL reaches printf as `%`: Django's templates and then its SQLite cursor each halve it.
_INTEGER = ("%d", ["%(c)s"], ["ifnull(%(c)s, 'null')"])
_TEXT = ("%s", ["json_quote(%(c)s)"], ["json_quote(%(c)s)"])
# An optional text (blank=True) is often empty: an empty value skips json_quote(), which
# costs more than the test. A required one never is: the test would only add to it.
_OPTIONAL_TEXT = "CASE %(c)s WHEN '' THEN '\"\"' ELSE json_quote(%(c)s) END"
_SQLITE_ROW_VALUES = {
    "AutoField": _INTEGER,
    "BigAutoField": _INTEGER,
    "BigIntegerField": _INTEGER,
    "ForeignKey": _INTEGER,
    "IntegerField": _INTEGER,
    "OneToOneField": _INTEGER,
    "PositiveBigIntegerField": _INTEGER,
    "PositiveIntegerField": _INTEGER,
    "PositiveSmallIntegerField": _INTEGER,
    "SmallIntegerField": _INTEGER,
    "CharField": _TEXT,
    "TextField": _TEXT,
    "BooleanField": (
        "%s",
        ["CASE WHEN %(c)s THEN 'true' ELSE 'false' END"],
        ["CASE WHEN %(c)s IS NULL THEN 'null' WHEN %(c)s THEN 'true' ELSE 'false' END"],
    ),
    "DateTimeField": (
        '"%.10sT%.12sZ"',
        ["%(c)s", "substr(%(c)s, 12)"],
        [
            "CASE WHEN %(c)s IS NULL THEN 'null' "
            "ELSE printf('\"%%%%.10sT%%%%.12sZ\"', %(c)s, substr(%(c)s, 12)) END"
        ],
    ),
    "DateField": (
        '"%s"',
        ["%(c)s"],
        ["CASE WHEN %(c)s IS NULL THEN 'null' ELSE printf('\"%%%%s\"', %(c)s) END"],
    ),
    "TimeField": (
        '"%.12s"',
        ["%(c)s"],
        ["CASE WHEN %(c)s IS NULL THEN 'null' ELSE printf('\"%%%%.12s\"', %(c)s) END"],
    ),
}


def _sqlite_writes_json(model: type[Model], fields: tuple[str, ...]) -> bool:
    """Whether SQLite writes every one of these columns as Django's JSON encoder does
    (integers, text, booleans and times: not floats, decimals or JSON)."""
    by_name = {f.attname: f for f in model._meta.concrete_fields}
    return all(by_name[name].get_internal_type() in _SQLITE_ROW_VALUES for name in fields)


def _sqlite_json_batch(queryset: QuerySet, fields: tuple[str, ...], size: int) -> tuple[str, tuple]:
    """The statement giving the JSON text of the next `size` rows as UTF-8 (joined as the
    document lists them), their number and the last one's id; the id to start after is
    its last parameter.

    The record's own table leads the scan (CROSS JOIN is SQLite's way to say so): read in
    id order from the id given, the rows need no sorting, which would cost more than the
    joins' key look-ups. The subquery's ORDER BY stays (with its LIMIT it chooses the
    rows) and its co-routine hands them to group_concat() in that order: id order.
    """
    by_name = {f.attname: f for f in queryset.model._meta.concrete_fields}
    row, values = "    {", []
    for name in fields:
        field = by_name[name]
        placeholder, never_null, maybe_null = _SQLITE_ROW_VALUES[field.get_internal_type()]
        if never_null is _TEXT[1] and field.blank:
            never_null = maybe_null = [_OPTIONAL_TEXT]
        row += f'{"," if values else ""}\n      "{name}": ' + ("%s" if field.null else placeholder)
        for template in maybe_null if field.null else never_null:
            values.append(Func(F(name), template=template.replace("%(c)s", "%(expressions)s")))
    printf = Func(Value(row + "\n    }"), *values, function="printf", output_field=CharField())
    rows = queryset.annotate(_json=printf).filter(pk__gt=_AFTER).values_list("_json", "pk")
    sql, params = rows[:size].query.get_compiler(queryset.db).as_sql()
    if params[-1] != _AFTER or _AFTER in params[:-1]:
        raise AssertionError("the id to start after must be the statement's last parameter")
    sql = sql.replace(" INNER JOIN ", " CROSS JOIN ")
    joined = (
        f'SELECT CAST(group_concat("_json", \',{chr(10)}\') AS BLOB), count(*), max("pk") '
        f'FROM ({sql}) AS "batch"'
    )
    return joined, params[:-1]


# How each database writes a column's value as Django's JSON encoder would, by field type.
# SQLite stores datetimes as '2025-03-12 09:30:00[.123456]' in UTC and times as
# '09:30:00[.123456]': their first 23 (or 12) characters keep the milliseconds only. A bare
# SQLite date column would be parsed in Python because of its declared type; `+` keeps the text.
# PostgreSQL: one to_char per time (each costs more than reading the row), its format chosen
# by whether the time is whole seconds, which a cast to timestamptz(0) (a rounding) tells
# without the time zone arithmetic of date_trunc(); MS cuts to milliseconds as Django does.
_JSON_TEXT = {
    "DateTimeField": {
        "sqlite": "replace(substr(%(expressions)s, 1, 23), ' ', 'T') || 'Z'",
        "postgresql": (
            "to_char(%(expressions)s AT TIME ZONE 'UTC', CASE "
            "WHEN %(expressions)s = %(expressions)s::timestamptz(0) "
            'THEN \'YYYY-MM-DD"T"HH24:MI:SS"Z"\' ELSE \'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"\' END)'
        ),
    },
    "TimeField": {
        "sqlite": "substr(%(expressions)s, 1, 12)",
        "postgresql": (
            "to_char(%(expressions)s, 'HH24:MI:SS') || "
            "CASE WHEN date_trunc('second', %(expressions)s::interval) = %(expressions)s "
            "THEN '' ELSE to_char(%(expressions)s, '.MS') END"
        ),
    },
    "DateField": {
        "sqlite": "+%(expressions)s",
        "postgresql": "to_char(%(expressions)s, 'YYYY-MM-DD')",
    },
}


class _JsonText(Func):
    """A column as the text Django's JSON encoder writes for it, made by the database."""

    output_field = CharField()

    def __init__(self, name: str, templates: dict[str, str]) -> None:
        super().__init__(F(name))
        self.templates = templates

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: object
    ) -> tuple[str, list]:
        template = self.templates[connection.vendor]
        return super().as_sql(compiler, connection, template=template, **extra)


def _json_values(model: type[Model], fields: tuple[str, ...]) -> list[str | Func]:
    """The columns to select, times formatted by the database as the export writes them."""
    by_name = {f.attname: f for f in model._meta.concrete_fields}
    found: list[str | Func] = []
    for name in fields:
        templates = _JSON_TEXT.get(by_name[name].get_internal_type())
        found.append(name if templates is None else _JsonText(name, templates))
    return found


def exported_columns(model: type[Model]) -> tuple[str, ...]:
    """Every column of the model, in its order (what `.values()` gives), the key first;
    not the `<text>_html` columns, which only repeat their text as HTML, nor the `kept_`
    figures, which only count other records of the export."""
    names = [
        f.attname
        for f in model._meta.concrete_fields
        if not is_rendered(model, f.name) and not f.name.startswith("kept_")
    ]
    pk = model._meta.pk.attname
    return (pk, *(name for name in names if name != pk))


def organisation_export(
    organisation: Organisation, *, now: dt.datetime | None = None, batch: int = BATCH
) -> OrganisationExport:
    """The organisation's records as a stream of JSON text; private notes stay out."""
    return OrganisationExport(organisation, now or timezone.now(), batch)
