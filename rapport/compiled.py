"""Querysets built and compiled once per database connection, then run with other keys.

Building a queryset and compiling it to SQL costs Django far more than the database takes
to answer it; a page asks the same few questions on every view, only with other keys. A
`CompiledQuery` builds its queryset once per connection with stand-in values, keeps the
SQL and how to turn its rows into objects, and afterwards only runs it.

Only querysets whose SQL does not depend on the values fit: keys, texts, people and dates
compared as they are, never a list (`__in`), `None` or a value that changes the query's
shape. A value the SQL does not hold as it is fails when the query is compiled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import (
    ModelIterable,
    ValuesIterable,
    ValuesListIterable,
    get_related_populators,
)
from django.db.models.sql.compiler import SQLCompiler

# The stand-ins are numbers no key reaches, so a constant of the query never equals one.
_STAND_IN = 2**62


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # Each parameter of the SQL: the name of a value and how it is used, or a constant.
    slots: tuple[tuple[str | None, str, object], ...]
    compiler: SQLCompiler
    converters: dict[int, Any]
    # values(): the names of the columns, each row a dict.
    names: tuple[str, ...] = ()
    # Model rows: how Django's ModelIterable turns a row into objects.
    model: type[Model] | None = None
    init_list: tuple[str, ...] = ()
    model_columns: slice = field(default_factory=lambda: slice(0))
    related_populators: tuple[Any, ...] = ()
    annotations: tuple[tuple[str, int], ...] = ()


class CompiledQuery:
    """A queryset `build(**values)` compiled once per connection, run with new values.

    A value is a key, a text, a model instance (compared by its key), an aware datetime
    (its date may be compared too) or a date.
    """

    def __init__(self, build: Callable[..., QuerySet]) -> None:
        self.build = build

    def rows(self, **values: Any) -> list[Any]:
        """The queryset's objects (or its values' dicts or tuples) for these values."""
        connection = connections[DEFAULT_DB_ALIAS]
        kept = connection.__dict__.setdefault("rapport_compiled_queries", {})
        compiled = kept.get(self)
        if compiled is None:
            compiled = kept[self] = self._compile(connection, values)
        params = [
            _param(connection, values[name], how) if name else constant
            for name, how, constant in compiled.slots
        ]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters:
            rows = list(compiled.compiler.apply_converters(rows, compiled.converters))
        if compiled.names:
            return [dict(zip(compiled.names, row, strict=True)) for row in rows]
        if compiled.model is None:
            return [tuple(row) for row in rows]
        return [_object(compiled, row) for row in rows]

    def first(self, **values: Any) -> Any | None:
        """The first object (or value tuple), else None."""
        found = self.rows(**values)
        return found[0] if found else None

    def _compile(self, connection: Any, values: dict[str, Any]) -> _Compiled:
        stand_ins = {
            name: _stand_in(value, index) for index, (name, value) in enumerate(values.items())
        }
        # What each stand-in becomes as a parameter of the SQL, back to its value's name.
        known = {
            _param(connection, stand_in, how): (name, how)
            for name, stand_in in stand_ins.items()
            for how in _uses(stand_in)
        }
        queryset = self.build(**stand_ins)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        slots = tuple(
            (*known[param], None) if _is_known(param, known) else (None, "", param)
            for param in params
        )
        if {name for name, _, _ in slots if name} != set(values):
            raise ValueError(f"{self.build!r} leaves out some of {sorted(values)}")
        columns = [select[0] for select in compiler.select[: compiler.col_count]]
        converters = compiler.get_converters(columns)
        if queryset._iterable_class is ValuesListIterable:
            return _Compiled(sql, slots, compiler, converters)
        if queryset._iterable_class is ValuesIterable:
            query = queryset.query
            names = (*query.extra_select, *query.values_select, *query.annotation_select)
            return _Compiled(sql, slots, compiler, converters, names=names)
        if queryset._iterable_class is not ModelIterable or queryset._prefetch_related_lookups:
            raise ValueError("a compiled query reads objects or values, nothing prefetched")
        info = compiler.klass_info
        start, end = info["select_fields"][0], info["select_fields"][-1] + 1
        return _Compiled(
            sql,
            slots,
            compiler,
            converters,
            model=info["model"],
            init_list=tuple(f[0].target.attname for f in compiler.select[start:end]),
            model_columns=slice(start, end),
            related_populators=tuple(
                get_related_populators(info, compiler.select, connection.alias)
            ),
            annotations=tuple((compiler.annotation_col_map or {}).items()),
        )


def _object(compiled: _Compiled, row: Any) -> Model:
    """A row as Django's ModelIterable makes it an object, its related objects set."""
    assert compiled.model is not None
    found = compiled.model.from_db(
        DEFAULT_DB_ALIAS, list(compiled.init_list), row[compiled.model_columns]
    )
    for populator in compiled.related_populators:
        populator.populate(row, found)
    for name, column in compiled.annotations:
        setattr(found, name, row[column])
    return found


def _stand_in(value: Any, index: int) -> Any:
    """A value no data holds, of the same kind: each kind its own, each value its own."""
    if isinstance(value, Model):
        return value._meta.model(pk=_STAND_IN + index)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return dt.datetime(2900 + index, 1, 1, tzinfo=dt.UTC)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.date(2800 + index, 1, 1)
    if isinstance(value, int) and not isinstance(value, bool):
        return _STAND_IN + index
    if isinstance(value, str):
        return f"\x00stand-in {index}"
    raise TypeError(f"a compiled query takes keys, texts, models and dates, not {value!r}")


def _uses(value: Any) -> tuple[str, ...]:
    """How a value may reach the SQL: itself, or for a datetime also its date."""
    return ("value", "date") if isinstance(value, dt.datetime) else ("value",)


def _param(connection: Any, value: Any, how: str) -> Any:
    """A value as the SQL takes it, as Django's lookups prepare it."""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, dt.datetime):
        if how == "date":
            return connection.ops.adapt_datefield_value(value.date())
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return connection.ops.adapt_datefield_value(value)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(
            f"a compiled query takes keys, texts, model instances and dates, not {value!r}"
        )
    return value


def _is_known(param: object, known: dict[Any, tuple[str, str]]) -> bool:
    try:
        return type(param) is not bool and param in known
    except TypeError:  # a parameter that cannot be hashed is a constant of the query
        return False
