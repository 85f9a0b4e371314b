"""Time Rapport's main pages on generated data: `python bench/run.py --reports 40`.

Builds a throwaway organisation (SQLite in a temporary data folder, or the
PostgreSQL of DATABASE_URL), then renders each page many times through Django's
test client and prints the median and 95th percentile time and the query count.
"""

from __future__ import annotations

import argparse
import datetime as dt
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
from django.utils import timezone  # noqa: E402

from rapport.meetings import services as meetings  # noqa: E402
from rapport.meetings.services import person_invite  # noqa: E402
from rapport.people.models import Organisation, Person  # noqa: E402


def generate(reports: int, weeks: int) -> tuple[Person, Person, int]:
    """One manager with `reports` reports, each with `weeks` weeks of held 1:1s."""
    organisation = Organisation.objects.create(name=f"Bench {time.time_ns()}")
    admin = Person(
        organisation=organisation,
        email=f"admin{time.time_ns()}@bench.test",
        name="Admin",
        is_org_admin=True,
    )
    admin.save()
    manager = person_invite(actor=admin, email=f"m{time.time_ns()}@bench.test", name="Manager")
    start = timezone.localdate() - dt.timedelta(weeks=weeks)
    report = None
    meeting_id = 0
    for number in range(reports):
        report = person_invite(
            actor=admin,
            email=f"r{number}-{time.time_ns()}@bench.test",
            name=f"Report {number}",
            level="junior",
        )
        report.manager = manager
        report.save(update_fields=["manager"])
        series = meetings.series_start(manager=manager, report=report, on=start)
        # The schedule plans ahead of "now": walk "now" through the past to lay out history.
        for week in range(0, weeks, 4):
            moment = timezone.now() - dt.timedelta(weeks=weeks - week)
            meetings.series_schedule(series=series, now=moment)
        past = list(series.meetings.filter(scheduled_at__lt=timezone.now()))
        for meeting in past:
            meetings.topic_add(
                actor=report,
                meeting=meeting,
                text="How is the project going?",
                now=meeting.scheduled_at - dt.timedelta(days=1),
            )
            meetings.action_item_add(
                actor=manager,
                meeting=meeting,
                text="Follow up",
                owner=report,
                due_on=meeting.scheduled_at.date(),
            )
            meetings.meeting_complete(
                actor=manager,
                meeting=meeting,
                held_minutes=30,
                now=meeting.scheduled_at + dt.timedelta(minutes=30),
            )
            meeting_id = meeting.pk
    return manager, report, meeting_id


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
    parser.add_argument("--reports", type=int, default=40)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    manager, report, meeting_id = generate(args.reports, args.weeks)
    print(
        f"generated {args.reports} reports x {args.weeks} weeks "
        f"in {time.perf_counter() - started:.1f} s on {connection.vendor}"
    )
    manager_client, report_client = Client(), Client()
    manager_client.force_login(manager)
    report_client.force_login(report)
    series_id = report.series.get().pk
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
