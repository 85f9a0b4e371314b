"""Querysets compiled to SQL once per process and shape, then run with new values.

Building a queryset and compiling it costs Django far more CPU than SQLite takes to run it
over a page's few rows. The querysets of a page keep their shape from one request to the
next: only the viewer, the time and a few ids change. `rows` builds such a queryset with
stand-in values, compiles it once per process (each server thread would otherwise pay for
it again), and afterwards only puts the real values in its parameters. The queryset still
comes from its selector (and its visibility from `access`); only the work of turning it
into SQL again is saved.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import threading
from collections.abc import Callable, Hashable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet

# The compiled shapes kept per process: a few per page, well under this.
MOST_SHAPES = 512
_COMPILED: dict[Hashable, tuple[QuerySet, Any, str, list, dict]] = {}
_LOCK = threading.Lock()
# The compiler a thread is running, for the queryset's iterable to take.
_RUNNING = threading.local()

# Stand-in ints: above any key a test or a page meets, below PostgreSQL's integer limit.
_FIRST_STANDIN = 1_000_000_000
_VARIANT_STEP = 500_000_000
_ARGUMENT_STEP = 10_000_000


class ShapeError(TypeError):
    """A builder whose SQL does not depend on its arguments as values only: a mistake in
    the code, never a refusal of what someone typed."""


def rows(build: Callable[..., QuerySet], *args: Any, **constants: Hashable) -> list[Any]:
    """`list(build(*args, **constants))`, from SQL compiled once per process and shape.

    `build` depends on its arguments only and starts from a model's manager (or an `access`
    queryset), without prefetches. Each positional argument is a value in the SQL's
    parameters: an int, a text, a datetime, a date, a saved model instance (its key) or a
    list of ints (its length is part of the shape), never inlined in the SQL (no slice bounds);
    keyword arguments are part of the shape, as are `None`s among the positional ones.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    kinds = tuple(_kind(arg) for arg in args)
    shape = (connection.alias, build, kinds, tuple(sorted(constants.items())))
    entry = _COMPILED.get(shape)
    if entry is None:
        entry = _compile(connection, build, args, constants)
        with _LOCK:
            if len(_COMPILED) >= MOST_SHAPES:
                _COMPILED.clear()
            _COMPILED[shape] = entry
    queryset, template, sql, plan, converters = entry
    values = _values(connection, args)
    params = tuple(
        constant if slot is None else values[slot] if cast is None else cast(values[slot])
        for slot, cast, constant in plan
    )
    # The compiled state is shared by every thread; this request's copy runs on its own
    # connection with its own values.
    compiler = copy.copy(template)
    compiler.connection = connection
    compiler.as_sql = lambda *_, **__: (sql, params)
    compiler.get_converters = lambda _columns: converters
    _RUNNING.compiler = compiler
    try:
        return list(queryset._iterable_class(queryset))
    finally:
        _RUNNING.compiler = None


def first(build: Callable[..., QuerySet], *args: Any, **constants: Hashable) -> Any | None:
    """The first of `rows(build, ...)`, else None (the builder orders and slices it)."""
    found = rows(build, *args, **constants)
    return found[0] if found else None


def _kind(arg: Any) -> Hashable:
    if arg is None:
        return None
    if isinstance(arg, bool):
        raise ShapeError("a bool is a constant: pass it by keyword")
    if isinstance(arg, int):
        return int
    if isinstance(arg, str):
        return str
    if isinstance(arg, dt.datetime):
        return (dt.datetime, arg.tzinfo is not None)
    if isinstance(arg, dt.date):
        return dt.date
    if isinstance(arg, Model):
        if arg.pk is None:
            raise ShapeError("an unsaved instance")
        return arg._meta.model
    if isinstance(arg, list | tuple) and all(type(value) is int for value in arg):
        return (list, len(arg))
    raise ShapeError(f"not a value of the SQL's parameters: {arg!r}")


def _standin(arg: Any, index: int, variant: int) -> Any:
    """A value of the argument's kind no real argument has, distinct per argument."""
    base = _FIRST_STANDIN + variant * _VARIANT_STEP + index * _ARGUMENT_STEP
    if arg is None:
        return None
    if isinstance(arg, int):
        return base
    if isinstance(arg, str):
        return f"stand-in {base}"
    if isinstance(arg, dt.datetime):
        zone = dt.UTC if arg.tzinfo is not None else None
        return dt.datetime(2900 + variant * 50 + index, 1, 2, 3, 4, 5, 678_901, tzinfo=zone)
    if isinstance(arg, dt.date):
        return dt.date(2900 + variant * 50 + index, 1, 2)
    if isinstance(arg, Model):
        return arg._meta.model(pk=base)
    return [base + offset for offset in range(len(arg))]


def _values(connection: Any, args: tuple[Any, ...]) -> list[Any]:
    """The arguments as the SQL's parameters, in order, a list's values one by one."""
    values: list[Any] = []
    for arg in args:
        if isinstance(arg, dt.datetime):
            values.append(connection.ops.adapt_datetimefield_value(arg))
        elif isinstance(arg, dt.date):
            values.append(connection.ops.adapt_datefield_value(arg))
        elif isinstance(arg, Model):
            values.append(arg.pk)
        elif isinstance(arg, list | tuple):
            values.extend(arg)
        elif arg is not None:
            values.append(arg)
    return values


def _compile(
    connection: Any, build: Callable[..., QuerySet], args: tuple[Any, ...], constants: dict
) -> tuple[QuerySet, Any, str, list[tuple[int | None, type | None, Any]], dict]:
    """The queryset built with stand-ins, its compiler, its SQL, and for each parameter the
    argument value it takes (its slot, and the type it is given) or the constant it keeps.

    Built twice with different stand-ins: a parameter that follows neither the stand-ins
    nor stays the same was worked out from an argument, and the SQL must not change."""
    built = []
    for variant in (0, 1):
        standins = tuple(_standin(arg, index, variant) for index, arg in enumerate(args))
        queryset = build(*standins, **constants)
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise ShapeError("prefetches and related managers are not compiled")
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        built.append((queryset, compiler, sql, list(params), _values(connection, standins)))
    (queryset, compiler, sql, params, slots), (_, _, other_sql, other_params, other_slots) = built
    if sql != other_sql or len(params) != len(other_params):
        raise ShapeError(f"{build.__qualname__}: the SQL changes with the arguments' values")
    plan: list[tuple[int | None, type | None, Any]] = []
    for param, other in zip(params, other_params, strict=True):
        slot = next((i for i, value in enumerate(slots) if _same(value, param)), None)
        if slot is not None and _same(other_slots[slot], other):
            # A driver's own type for the value (psycopg's Int4) is kept.
            cast = None if type(param) is type(slots[slot]) else type(param)
            plan.append((slot, cast, None))
        elif slot is None and _same(param, other):
            plan.append((None, None, param))
        else:
            raise ShapeError(f"{build.__qualname__}: a parameter worked out from an argument")
    if connection.vendor == "postgresql":
        sql, plan = _constants_written_in(sql, plan)
    # The queryset's iterable takes the running thread's copy of the compiler, ready.
    queryset.query.get_compiler = lambda *_, **__: _RUNNING.compiler
    # How each column's value is read back depends only on the columns: worked out once.
    columns = [column for column, *_ in compiler.select[: compiler.col_count]]
    converters = compiler.get_converters(columns)
    # So does whether one of them is a composite key's pair of columns (asked of every row
    # set, one test per column).
    composite = compiler.has_composite_fields(columns)
    compiler.has_composite_fields = lambda _columns: composite
    return queryset, compiler, sql, plan, converters


# A placeholder of Django's SQL, or a percent sign written twice (kept as it is).
_PLACEHOLDER = re.compile(r"%%|%s")
_INT4 = 2**31


def _constants_written_in(
    sql: str, plan: list[tuple[int | None, type | None, Any]]
) -> tuple[str, list[tuple[int | None, type | None, Any]]]:
    """The SQL with its constant texts and whole numbers written in as literals, and the
    plan of the parameters left.

    PostgreSQL keeps one plan of a prepared statement for all its values only when that
    plan looks no costlier than a plan made for the values at hand; otherwise it plans the
    statement again at each run, which costs more than running it. A status sent as a value
    hides how rare it is from that one plan: written in, it is known to it."""
    entries = iter(plan)
    left: list[tuple[int | None, type | None, Any]] = []

    def written(match: re.Match) -> str:
        if match.group() == "%%":
            return "%%"
        entry = next(entries)
        slot, _, constant = entry
        if slot is None and (literal := _literal(constant)) is not None:
            return literal.replace("%", "%%")
        left.append(entry)
        return "%s"

    return _PLACEHOLDER.sub(written, sql), left


def _literal(value: Any) -> str | None:
    """The SQL literal of a text or of a whole number PostgreSQL reads as an integer."""
    if isinstance(value, str) and "\\" not in value:
        # Without a backslash, a quote doubled is all the escaping any server setting needs.
        return "'" + str.__str__(value).replace("'", "''") + "'"
    if isinstance(value, int) and not isinstance(value, bool) and -_INT4 <= value < _INT4:
        # In brackets, a negative number never follows a minus sign as a comment's "--".
        return str(int(value)) if value >= 0 else f"({int(value)})"
    return None


def _same(value: Any, param: Any) -> bool:
    """Whether the parameter is the value, or the value in a subclass of its type."""
    return isinstance(param, type(value)) and value == param
