"""Time, count the queries of, and profile the signed-in pages in-process.

    RAPPORT_DATA_DIR=/path/to/a/generated/folder python bench/profile_pages.py [--profile PAGE]

The folder holds an organisation made by `rapport demo --people 2000 --years 3 --seed 1`.
Each page is requested through Django's test client, signed in as the person who uses
it; the median CPU time of a few requests (the process's, SQLite's included: steadier than
wall time on a shared machine) is printed with the queries and the size.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import time
import urllib.parse

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from rapport.meetings.models import Meeting, Series  # noqa: E402
from rapport.people.models import Person  # noqa: E402


def pages() -> list[tuple[str, str, str]]:
    """(name, login email, path) for each page measured."""
    manager = Person.objects.get(email="manager@example.com")
    junior = Person.objects.get(email="junior@example.com")
    series = Series.objects.filter(manager=manager, report=junior).first()
    held = Meeting.objects.filter(series=series, status="held").order_by("-scheduled_at").first()
    planned = (
        Meeting.objects.filter(series=series, status="scheduled").order_by("scheduled_at").first()
    )
    return [
        ("manager home", "manager@example.com", reverse("home")),
        ("director home", "director@example.com", reverse("home")),
        ("IC home", "junior@example.com", reverse("home")),
        ("admin home", "admin@example.com", reverse("home")),
        ("series page", "manager@example.com", reverse("series", args=[series.pk])),
        ("meeting (planned)", "manager@example.com", reverse("meeting", args=[planned.pk])),
        ("meeting (held)", "manager@example.com", reverse("meeting", args=[held.pk])),
        *meeting_room(planned),
        ("action items", "manager@example.com", reverse("my_action_items")),
        ("people (admin)", "admin@example.com", reverse("people")),
        ("people (manager)", "manager@example.com", reverse("people")),
        ("person", "admin@example.com", reverse("person", args=[junior.pk])),
        ("career", "manager@example.com", reverse("career", args=[series.pk])),
        ("settings", "manager@example.com", reverse("settings")),
        ("insights (manager)", "manager@example.com", reverse("insights")),
        ("insights (director)", "director@example.com", reverse("insights")),
        ("insights (admin)", "admin@example.com", reverse("insights")),
    ]


def meeting_room(planned: Meeting) -> list[tuple[str, str, str]]:
    """The three modes of a planned meeting and its polls, sent with the fingerprints of
    the open page (nothing changed: each answers 204)."""
    page = reverse("meeting", args=[planned.pk])
    client = Client()
    client.force_login(Person.objects.get(email="manager@example.com"))
    html = client.get(page + "?mode=run").content.decode()

    def since(pattern: str) -> str:
        return urllib.parse.quote(re.search(pattern, html).group(1))

    agenda = since(r'id="agenda-since" name="since" value="([^"]*)"')
    timer = since(r'id="timer-since" name="since" value="([^"]*)"')
    live = since(r'id="meeting-live"[^>]*data-since="([^"]*)"')
    return [
        (f"meeting: {mode}", "manager@example.com", f"{page}?mode={mode}")
        for mode in ("prepare", "run", "wrap")
    ] + [
        ("poll: agenda", "manager@example.com", f"{page}agenda/?since={agenda}"),
        ("poll: timer", "manager@example.com", f"{page}timer/?since={timer}"),
        ("poll: notes (live)", "manager@example.com", f"{page}live/?since={live}"),
    ]


def measure(client: Client, path: str, rounds: int) -> tuple[float, int, float, int]:
    client.get(path)  # warm
    times = []
    for _ in range(rounds):
        began = time.process_time()
        response = client.get(path)
        times.append((time.process_time() - began) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    size = len(response.content) / 1024
    return statistics.median(times), len(queries), size, response.status_code


def profile(client: Client, path: str, top: int = 10) -> str:
    client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(5):
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats("rapport/", top)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", action="append", default=[], help="page name to profile")
    parser.add_argument("--only", action="append", default=[], help="page name to time")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    # A folder kept by an earlier run may predate this code's schema: bring it up first.
    call_command("migrate", interactive=False, verbosity=0)
    clients: dict[str, Client] = {}
    print("| Page | CPU ms (median) | queries | KB | status |")
    print("|---|---:|---:|---:|---:|")
    for name, email, path in pages():
        if args.only and name not in args.only and name not in args.profile:
            continue
        client = clients.get(email)
        if client is None:
            client = clients[email] = Client()
            client.force_login(Person.objects.get(email=email))
        ms, queries, kb, status = measure(client, path, args.rounds)
        print(f"| {name} | {ms:.1f} | {queries} | {kb:.0f} | {status} |", flush=True)
        if name in args.profile:
            print(profile(client, path))


if __name__ == "__main__":
    main()
