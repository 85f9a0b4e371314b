"""Time Rapport's main pages on generated data: `python bench/run.py --people 200 --years 1`.

Generates a throwaway organisation as `rapport demo --people` does (SQLite in a
temporary data folder, or the empty PostgreSQL database of DATABASE_URL), then
renders each page many times through Django's test client and prints the median
and 95th percentile time and the query count.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("RAPPORT_DATA_DIR", tempfile.mkdtemp(prefix="rapport-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
os.environ.setdefault("PYTHONWARNINGS", "ignore")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from rapport.demo import large  # noqa: E402
from rapport.meetings.models import Meeting  # noqa: E402
from rapport.people.models import Person  # noqa: E402


def generate(people: int, years: float) -> tuple[Person, Person, int]:
    """The generated organisation of `rapport demo --people`: its manager, IC and a meeting."""
    large.organisation_generate(people_count=people, years=years, seed=1)
    manager = Person.objects.get(email="manager@example.com")
    report = Person.objects.get(email="junior@example.com")
    meeting = Meeting.objects.filter(series__report=report, status="held").latest("scheduled_at")
    return manager, report, meeting.pk


def measure(client: Client, url: str, runs: int) -> tuple[float, float, int]:
    queries = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    # A wrapper survives the connection being closed between requests; the query log does not.
    with connection.execute_wrapper(count):
        assert client.get(url).status_code == 200, url
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], len(queries)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--years", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    manager, report, meeting_id = generate(args.people, args.years)
    print(
        f"generated {args.people} people x {args.years:g} years "
        f"in {time.perf_counter() - started:.1f} s on {connection.vendor}"
    )
    manager_client, report_client = Client(), Client()
    manager_client.force_login(manager)
    report_client.force_login(report)
    series_id = report.series.get(ended_on__isnull=True).pk
    pages = [
        ("healthz", manager_client, "/healthz"),
        ("manager home", manager_client, reverse("home")),
        ("IC home", report_client, reverse("home")),
        ("report page", manager_client, reverse("series", args=[series_id])),
        ("meeting page", manager_client, reverse("meeting", args=[meeting_id])),
        ("action items", manager_client, reverse("my_action_items")),
    ]
    print(f"{'page':<16}{'median ms':>10}{'p95 ms':>10}{'queries':>9}")
    for name, client, url in pages:
        median, p95, queries = measure(client, url, args.runs)
        print(f"{name:<16}{median:>10.1f}{p95:>10.1f}{queries:>9}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
