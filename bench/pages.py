"""Whom `bench/load.py` signs in as and which ids it opens, in a generated organisation.

Run in the benchmark's environment (RAPPORT_DATA_DIR, or DATABASE_URL for PostgreSQL), it
prints them as JSON: `python bench/pages.py`. `bench/load.py --profile` imports `pick`.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

ROLES = ("admin", "director", "manager", "ic")


def pick() -> dict[str, Any]:
    """The demo's four logins, the manager's 1:1 with the IC and its meetings, and the data size."""
    from django.apps import apps
    from django.db import connection

    from rapport.demo import DEMO_PASSWORD
    from rapport.demo.large import LOGINS
    from rapport.meetings.models import Meeting, Series
    from rapport.people.models import Person

    emails = dict(zip(ROLES, (email for email, _ in LOGINS), strict=True))
    people = {role: Person.objects.get(email=email) for role, email in emails.items()}
    manager, ic = people["manager"], people["ic"]
    series = Series.objects.get(manager=manager, report=ic, ended_on__isnull=True)
    scheduled = Meeting.objects.filter(status=Meeting.Status.SCHEDULED)
    upcoming = scheduled.filter(series=series, started_at__isnull=True).order_by("scheduled_at")
    held = Meeting.objects.filter(series=series, status=Meeting.Status.HELD)
    theirs = scheduled.filter(series__manager=manager, series__ended_on__isnull=True).exclude(
        series=series
    )
    started = theirs.filter(started_at__isnull=False).order_by("scheduled_at").first()
    to_start = theirs.filter(started_at__isnull=True).order_by("scheduled_at").first()
    tables = {}
    for model in apps.get_models():
        if model._meta.managed and not model._meta.proxy:
            tables[model._meta.db_table] = model._default_manager.count()
    past = Meeting.objects.exclude(status=Meeting.Status.SCHEDULED).count()
    return {
        "password": DEMO_PASSWORD,
        "emails": emails,
        "ids": {role: person.pk for role, person in people.items()},
        "reports": Series.objects.filter(manager=manager, ended_on__isnull=True).count(),
        "series": series.pk,
        "prepare": upcoming.first().pk,
        "wrap": held.latest("scheduled_at").pk,
        "run": started.pk if started else None,
        "to_start": to_start.pk if to_start else None,
        "vendor": connection.vendor,
        "database_version": _database_version(connection),
        "size": {
            "people": Person.objects.count(),
            "series": Series.objects.count(),
            "meetings": Meeting.objects.count(),
            "past_meetings": past,
            "rows": sum(tables.values()),
            "tables": tables,
        },
    }


def _database_version(connection: Any) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
        cursor.execute("show server_version")
        return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    import django

    django.setup()
    json.dump(pick(), sys.stdout)
    sys.stdout.write("\n")
