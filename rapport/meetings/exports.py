"""The organisation export: its records as one JSON document, streamed in chunks.

The format (README, "Export"): an object with `format`, `version`, `rapport`, `exported_at`,
`organisation`, `private_notes`, then one list per kind of record (`people`, `series`,
`meetings`, `topics`, `shared_notes`, `action_items`), each row an object of the record's
columns, indented by two spaces exactly as `json.dumps(..., indent=2)` would. Private notes
are never in it: only their author may read them.

Rows are read by primary key, a batch at a time (keyset pagination), and each batch is
encoded by the json module's C encoder: memory stays constant whatever the size.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
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
# Inside a row (three levels deep), each column starts on its own line.
_ROW = json.JSONEncoder(
    ensure_ascii=False, separators=(",\n      ", ": "), default=DjangoJSONEncoder().default
)
_BETWEEN_ROWS = "},\n      {"


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
        """The list of rows, in batches by primary key."""
        self.counts[key] = 0
        last, first = None, True
        rows = queryset.order_by("pk").values_list(*fields)
        while True:
            page = rows.filter(pk__gt=last) if last is not None else rows
            batch = list(page[: self.batch])
            if not batch:
                break
            last = batch[-1][0]
            self.counts[key] += len(batch)
            encoded = _ROW.encode([dict(zip(fields, row, strict=True)) for row in batch])
            # '[{' ... '}]': put each row's braces on their own lines, as indent=2 does.
            body = encoded[2:-2].replace(_BETWEEN_ROWS, "\n    },\n    {\n      ")
            yield ("[\n    {\n      " if first else ",\n    {\n      ") + body + "\n    }"
            first = False
            if len(batch) < self.batch:
                break
        yield "[]" if first else "\n  ]"


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
