"""The live server behind the browser tests serves concurrent requests as production does."""

from __future__ import annotations

import contextlib
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connection
from django.test import Client

from rapport.meetings.models import Meeting


def test_every_server_thread_has_its_own_database_connection(live_server, db) -> None:
    # An in-memory SQLite database reaches the server threads either as the test's
    # own connection (one sqlite3 connection used by several threads at once) or
    # through SQLite's shared cache (whole tables locked, "table is locked" at once).
    assert not (connection.vendor == "sqlite" and connection.is_in_memory_db())
    assert live_server.thread.connections_override == {}


def test_concurrent_pages_and_the_test_thread_share_no_connection(
    live_server, served, mia, meeting
) -> None:
    client = Client()
    client.force_login(mia)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    paths = ["/", f"/meetings/{meeting.pk}/", f"/meetings/{meeting.pk}/timer/", "/people/"] * 10
    start = threading.Barrier(8)

    def fetch(path: str) -> int:
        # All 8 threads ask at once; should one be late, the others go anyway.
        with contextlib.suppress(threading.BrokenBarrierError):
            start.wait(timeout=20)
        request = urllib.request.Request(live_server.url + path, headers={"Cookie": cookie})
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = [pool.submit(fetch, path) for path in paths]
        # Meanwhile the test thread reads and writes through its own connection.
        minutes = 0
        while not all(answer.done() for answer in answers):
            minutes += 1
            Meeting.objects.filter(pk=meeting.pk).update(held_minutes=minutes)
            assert Meeting.objects.get(pk=meeting.pk).held_minutes == minutes
        assert [answer.result() for answer in answers] == [200] * len(paths)
    served.wait_idle()
