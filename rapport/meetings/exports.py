"""The organisation export: its records as one JSON document, streamed in chunks.

The format (README, "Export"): an object with `format`, `version`, `rapport`, `exported_at`,
`organisation`, `private_notes`, then one list per kind of record (`people`, `series`,
`meetings`, `topics`, `shared_notes`, `action_items`), each row an object of the record's
columns, indented by two spaces exactly as `json.dumps(..., indent=2)` would. Private notes
are never in it: only their author may read them.

Each list is one query read a batch at a time from a streaming cursor, and each batch is
encoded by the json module's C encoder: memory stays constant whatever the size.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.db.models import Model, QuerySet
from django.utils import timezone

from rapport import __version__, access
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
_US = "\x1f"  # between rows and values while encoding; escaped inside any JSON string
_VALUES = json.JSONEncoder(
    ensure_ascii=False, separators=(_US, ": "), default=DjangoJSONEncoder().default
)


@dataclass
class OrganisationExport:
    """An export under way: iterate `chunks()` once; `counts` fills in as rows go out."""

    organisation: Organisation
    now: dt.datetime
    batch: int = BATCH
    counts: dict[str, int] = field(default_factory=dict)

    def chunks(self) -> Iterator[str]:
        header = {
            "format": FORMAT,
            "version": VERSION,
            "rapport": __version__,
            "exported_at": self.now.astimezone(dt.UTC).isoformat(timespec="seconds"),
            "organisation": {"id": self.organisation.pk, "name": self.organisation.name},
            "private_notes": "not exported: a private note is readable by its author only",
        }
        text = json.dumps(header, indent=2, ensure_ascii=False)
        yield text.removesuffix("\n}")
        records = access.organisation_records_for_operator(self.organisation)
        for key, queryset in records.items():
            fields = PERSON_FIELDS if key == "people" else _columns(queryset.model)
            yield f',\n  "{key}": '
            yield from self._rows(key, queryset, fields)
        yield "\n}\n"

    def _rows(self, key: str, queryset: QuerySet, fields: tuple[str, ...]) -> Iterator[str]:
        """The list of rows in id order, one query read a batch at a time without objects.

        One statement per list, on a streaming cursor (server-side on PostgreSQL): pages
        by id would make the database join the whole organisation again for each page.
        """
        self.counts[key] = 0
        template = _template(fields)
        fixes = _fixes(queryset.model, fields)
        rows = queryset.order_by("pk").values_list(*fields)
        sql, params = rows.query.get_compiler(queryset.db).as_sql()
        first = True
        with connections[queryset.db].chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while batch := cursor.fetchmany(self.batch):
                self.counts[key] += len(batch)
                yield ("[\n" if first else ",\n") + _encode(batch, template, fixes)
                first = False
        yield "[]" if first else "\n  ]"


def _encode(batch: list[tuple], template: str, fixes: list[tuple[int, Callable]]) -> str:
    """The rows as indented JSON objects: the C encoder writes the values, a template the keys.

    Encoded with a control character between items, which JSON always escapes inside a
    string: splitting on it finds each row and each value exactly.
    """
    texts = []
    for part in _VALUES.encode(batch)[2:-2].split(f"]{_US}["):
        values = part.split(_US)
        for index, fix in fixes:
            values[index] = fix(values[index])
        texts.append(template % tuple(values))
    return ",\n".join(texts)


def _template(fields: tuple[str, ...]) -> str:
    keys = ",\n".join(f"      {json.dumps(name, ensure_ascii=False)}: %s" for name in fields)
    return "    {\n" + keys.replace("%", "%%").replace("%%s", "%s") + "\n    }"


def _sqlite_moment(text: str) -> str:
    """'"2025-03-12 09:30:00.123456"' as Django's encoder writes it: '"...T09:30:00.123Z"'."""
    if text == "null":
        return text
    if len(text) > 21:
        return f'{text[:11]}T{text[12:24]}Z"'
    return f'{text[:11]}T{text[12:20]}Z"'


def _sqlite_time(text: str) -> str:
    return text if len(text) <= 10 else text[:13] + '"'


def _sqlite_bool(text: str) -> str:
    return {"1": "true", "0": "false"}.get(text, text)


_SQLITE_FIXES = {
    "DateTimeField": _sqlite_moment,
    "TimeField": _sqlite_time,
    "BooleanField": _sqlite_bool,
}


def _fixes(model: type[Model], fields: tuple[str, ...]) -> list[tuple[int, Callable]]:
    """Where SQLite's stored text differs from what Django's JSON encoder writes.

    PostgreSQL returns datetimes, dates and booleans, which the encoder's default handles.
    """
    if connections[model.objects.db].vendor != "sqlite":
        return []
    by_name = {f.attname: f for f in model._meta.concrete_fields}
    found = []
    for index, name in enumerate(fields):
        fix = _SQLITE_FIXES.get(by_name[name].get_internal_type())
        if fix is not None:
            found.append((index, fix))
    return found


def _columns(model: type[Model]) -> tuple[str, ...]:
    """Every column of the model, in its order (what `.values()` gives), the key first."""
    names = [f.attname for f in model._meta.concrete_fields]
    pk = model._meta.pk.attname
    return (pk, *(name for name in names if name != pk))


def organisation_export(
    organisation: Organisation, *, now: dt.datetime | None = None, batch: int = BATCH
) -> OrganisationExport:
    """The organisation's records as a stream of JSON text; private notes stay out."""
    return OrganisationExport(organisation, now or timezone.now(), batch)
