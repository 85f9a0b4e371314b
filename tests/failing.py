"""A real database failure in the middle of a write: a trigger that refuses every new row of
one table, on SQLite and PostgreSQL alike. Created inside the test's transaction, it goes
with it."""

from __future__ import annotations

from django.db import connection


def refuse_inserts(table: str) -> None:
    """From now on in this test, inserting into `table` fails with a database error."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE FUNCTION refuse_{table}() RETURNS trigger AS $$ BEGIN "
                f"RAISE EXCEPTION 'no new rows in {table}'; END; $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION refuse_{table}()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'no new rows in {table}'); END"
            )
