"""Aggregates kept between requests, until the data they count changes.

The teams' aggregates an org admin or a director reads count every open 1:1 they oversee:
the dearest figures of the product, and the same for every visit until someone writes.
Each organisation has a stamp, `Organisation.figures_stamp`, read with the viewer's
session. Every write to a table the aggregates read (`WATCHED_TABLES`) moves the stamp on,
whoever writes it (a service, the backfill's bulk rows, a cascade): a watcher sees each
statement Django sends (`watch_writes`, on every database connection). Aggregates are kept
per process under the stamp they were counted at, for the viewer, their page and the
minute (counted as of its start, so that the window moves on with the clock): a change
makes a new stamp, under which nothing is kept yet.

When the stamp moves on:
- SQLite: in the writer's transaction, with its data (SQLite writes one transaction at a
  time: nothing waits that was not waiting already). A reader sees both or neither.
- PostgreSQL: in the writer's transaction, unless another transaction holds the stamp's
  row (`SKIP LOCKED`: a writer never waits for another, so never deadlocks on the stamp):
  then once more after the commit, unless still held. Whoever holds it has moved the
  stamp too and shows it at its own commit; should it roll back instead, the aggregates
  show the change from the next minute. A reader that read the old stamp before a
  commit counts as of before it, as it would have a moment earlier.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable, Hashable
from functools import partial
from typing import Any, TypeVar

from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

# What the aggregates read: the 1:1s, their meetings (with the topic counts the topic
# services keep on each), retrospectives, and people (names, reporting lines, roles).
WATCHED_TABLES = (
    "meetings_series",
    "meetings_meeting",
    "insights_retrospective",
    "people_person",
)
_BUMP = 'UPDATE "people_organisation" SET "figures_stamp" = "figures_stamp" + 1'
# An organisation's own row changed (its thresholds, say) moves its stamp on too: whoever
# holds that row's lock has then moved the stamp in the same transaction.
_WATCHED = re.compile(
    r'(?:INSERT INTO|UPDATE|DELETE FROM) "(?:' + "|".join(WATCHED_TABLES) + r')"'
    r'|UPDATE "people_organisation" SET (?!"figures_stamp" = "figures_stamp" \+ 1)'
)
_SCHEMA_CHANGES = ("CREATE ", "ALTER ", "DROP ")
# Every stamp another transaction does not hold; each row moved tells how many there are.
_BUMP_UNLESS_HELD = (
    f'{_BUMP} WHERE "id" IN (SELECT "id" FROM "people_organisation" FOR UPDATE SKIP LOCKED)'
    ' RETURNING (SELECT COUNT(*) FROM "people_organisation")'
)

# Aggregates kept per process: a page per viewer and minute is a few hundred bytes.
KEPT_MOST = 512
_KEPT: dict[Hashable, Any] = {}
_LOCK = threading.Lock()

T = TypeVar("T")


def watch_writes(connection: BaseDatabaseWrapper, **_: object) -> None:
    """Watch this connection's statements (the `connection_created` signal's receiver)."""
    connection.figures_stamp_found = None  # not looked for yet
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def _watch(execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
    result = execute(sql, params, many, context)
    if sql[:1] in "IUDCA":
        connection = context["connection"]
        if _WATCHED.match(sql):
            if _stamp_found(connection):
                _stamp_moves_on(connection)
        elif sql.startswith(_SCHEMA_CHANGES):
            connection.figures_stamp_found = None  # a migration: look again
    return result


def _stamp_found(connection: BaseDatabaseWrapper) -> bool:
    """Whether the organisations have their stamp: a migration writing people or meetings
    runs before or after the one that adds it (the schema is looked at once, then again
    after any change to it)."""
    found = getattr(connection, "figures_stamp_found", None)
    if found is None:
        with connection.cursor() as cursor:
            columns = connection.introspection.get_table_description(cursor, "people_organisation")
        found = connection.figures_stamp_found = any(
            column.name == "figures_stamp" for column in columns
        )
    return found


def _stamp_moves_on(connection: BaseDatabaseWrapper) -> None:
    # With each statement, in its transaction if there is one (a savepoint rolled back
    # takes its own away), else just after its write.
    if connection.vendor != "postgresql":
        _bump(connection, _BUMP)  # SQLite writes one transaction at a time
        return
    # On PostgreSQL, when another transaction holds the stamp, once more after the commit.
    if _bump_unless_held(connection) and connection.in_atomic_block:
        hooks = (getattr(hook, "func", None) for _ids, hook, _robust in connection.run_on_commit)
        if _after_commit not in hooks:
            transaction.on_commit(partial(_after_commit, connection.alias), using=connection.alias)


def _after_commit(alias: str) -> None:
    """Move the stamp on again once the transaction committed, unless another transaction
    holds it: that one moved it too, and commits later."""
    _bump_unless_held(connections[alias])


def _bump(connection: BaseDatabaseWrapper, sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


def _bump_unless_held(connection: BaseDatabaseWrapper) -> bool:
    """Move on every stamp no other transaction holds; whether one was held."""
    with connection.cursor() as cursor:
        cursor.execute(_BUMP_UNLESS_HELD)
        moved = cursor.fetchall()
    return not moved or len(moved) < moved[0][0]


def figures(
    key: tuple[Hashable, ...], stamp: int, now: dt.datetime, count: Callable[[dt.datetime], T]
) -> T:
    """What `count(minute)` gives for `key` at this stamp, counted once per process and
    minute: `minute` is `now` to the minute's start."""
    minute = now.replace(second=0, microsecond=0)
    full_key = (*key, stamp, minute)
    found = _KEPT.get(full_key)
    if found is None:
        found = count(minute)
        with _LOCK:
            if len(_KEPT) >= KEPT_MOST:
                _KEPT.clear()
            _KEPT[full_key] = found
    return found


def forget_all() -> None:
    """Let every kept aggregate go (a test's data is gone with its transaction)."""
    with _LOCK:
        _KEPT.clear()
