"""`rapport remind`, concurrent senders, and the loop `rapport serve` runs in its arbiter."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from rapport import cli
from rapport.meetings import services
from rapport.notifications import mail
from rapport.notifications.loop import ReminderLoop
from rapport.notifications.models import Delivery
from rapport.server import reminder_hooks
from tests.conftest import free_time
from tests.test_serve import SERVE_SKIP, serve_environment, serving

HOUR = dt.timedelta(hours=1)


def keys(messages) -> Counter:
    """(recipient, subject) of each reminder mail; invitations (no unsubscribe link) left out."""
    return Counter(
        (str(m["To"]), str(m["Subject"])) for m in messages if m["List-Unsubscribe"] is not None
    )


def test_two_senders_at_the_same_moment_send_each_mail_once(
    transactional_db, inbox, cast, meeting
) -> None:
    now = meeting.scheduled_at - 23 * HOUR
    services.meeting_cancel(
        actor=cast.mia,
        meeting=cast.rita.series.get().meetings.filter(status="scheduled").first(),
        reason="Offsite",
        skip=True,
        now=now - HOUR,
    )
    inbox.messages.clear()  # the invitations the cast fixture mailed
    start = threading.Barrier(2)
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait(timeout=10)
            results.append(mail.send_due(now=now))
        except BaseException as error:  # reported below, with the thread's traceback lost
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    sent = [line for lines in results for line in lines]
    assert len(sent) == len(set(sent)) >= 3  # ray's, mia's prep, rita's notice
    received = keys(inbox.messages)
    assert sum(received.values()) == len(sent)
    assert max(received.values()) == 1
    assert Delivery.objects.count() == len(sent)


def test_the_database_refuses_a_second_claim(cast, meeting) -> None:
    entry = mail.Due("recap", cast.ray, f"meeting:{meeting.pk}", lambda: None, meeting=meeting)
    assert mail.claim(entry) is not None
    assert mail.claim(entry) is None
    assert Delivery.objects.filter(kind="recap", person=cast.ray).count() == 1


def test_remind_prints_what_it_sent(inbox, capsys, cast, meeting) -> None:
    soon = free_time(meeting, timezone.now() + 3 * HOUR)
    services.meeting_cancel(actor=cast.mia, meeting=meeting, reason="Clash", new_time=soon)
    assert cli.main(["remind", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "due: cancelled to ray@acme.test" in out and inbox.messages == []
    assert cli.main(["remind"]) == 0
    out = capsys.readouterr().out
    assert "sent: cancelled to ray@acme.test" in out
    assert "sent: ic_prep to ray@acme.test" in out  # the new time is within 48 hours
    assert re.search(r"^\d+ mails? sent\.$", out, re.M)
    assert cli.main(["remind"]) == 0
    assert "0 mails sent." in capsys.readouterr().out


def test_remind_says_when_email_is_off(db, capsys) -> None:
    with override_settings(EMAIL_ENABLED=False):
        assert cli.main(["remind"]) == 0
    assert "Email is off on this server" in capsys.readouterr().out


def test_serve_help_explains_no_reminders(capsys) -> None:
    cli.main(["serve", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--no-reminders" in out and "rapport remind" in out and "no effect" not in out


def test_the_loop_runs_every_interval_and_stops_when_asked(transactional_db, inbox, meeting):
    loop = ReminderLoop(interval=0.05)
    thread = threading.Thread(target=loop.run)
    thread.start()
    deadline = time.monotonic() + 10
    while loop.runs < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    loop.stopped.set()
    thread.join(timeout=10)
    assert loop.runs >= 2
    assert not thread.is_alive()


def test_the_serve_hooks_fork_one_reminder_process_and_stop_it_on_exit(cast, settings) -> None:
    settings.EMAIL_ENABLED = False  # the child must not write into the test database
    assert Delivery.objects.count() == 0  # the parent's connection is open across the fork
    hooks = reminder_hooks()
    assert set(hooks) == {"when_ready", "on_exit"}
    process = hooks["when_ready"].process
    hooks["when_ready"](None)
    pid = process.pid
    assert pid and Path(f"/proc/{pid}").exists()
    hooks["on_exit"](None)
    assert process.pid is None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # stopped and reaped: no zombie left behind
    assert cast.ray.series.count() == 1  # and the child left the parent's connection alone


def children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


# Real processes: cron firing twice, and `rapport serve` sending on its own ----------------


def rapport(*args: str, env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "rapport.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=cwd,
    )


@SERVE_SKIP
def test_two_remind_processes_at_once_send_each_mail_once(tmp_path, smtp_server) -> None:
    received, port = smtp_server
    env = {**serve_environment(tmp_path), "EMAIL_URL": f"smtp://127.0.0.1:{port}"}
    demo = rapport("demo", env=env, cwd=tmp_path)
    assert demo.wait(timeout=240) == 0, demo.stdout.read()
    runs = [rapport("remind", env=env, cwd=tmp_path) for _ in range(2)]
    outputs = [run.communicate(timeout=240)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    sent = [line for out in outputs for line in out.splitlines() if line.startswith("sent: ")]
    assert sent, outputs  # the demo has recent 1:1s: recaps at least
    assert len(sent) == len(set(sent))
    counted = keys(received.messages)
    assert sum(counted.values()) == len(sent) and max(counted.values()) == 1


@SERVE_SKIP
def test_serve_sends_due_mail_in_the_background_unless_told_not_to(
    tmp_path, smtp_server, monkeypatch
) -> None:
    received, port = smtp_server
    monkeypatch.setenv("EMAIL_URL", f"smtp://127.0.0.1:{port}")
    quiet = tmp_path / "quiet"
    quiet.mkdir()
    with serving(quiet, "--demo", "--no-reminders", "--workers", "2") as served:
        time.sleep(3)
        assert len(children(served.process.pid)) == 2  # the workers only
    assert keys(received.messages) == Counter()
    loud = tmp_path / "loud"
    loud.mkdir()
    with serving(loud, "--demo", "--workers", "2") as served:
        deadline = time.monotonic() + 60
        while not keys(received.messages) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert keys(received.messages), served.output
        # One reminder process beside the two workers; it outlives a worker's restart.
        # The mail can arrive before gunicorn has booted its second worker: wait for it.
        deadline = time.monotonic() + 30
        while served.output.count("Booting worker with pid") < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        first = children(served.process.pid)
        assert len(first) == 3, served.output
        worker = next(pid for pid in first if f"Booting worker with pid: {pid}" in served.output)
        os.kill(worker, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while len(children(served.process.pid) - {worker}) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        after = children(served.process.pid)
        assert len(after) == 3 and worker not in after
        assert len(first & after) == 2  # the reminder process and the other worker stayed
        served.process.terminate()
        assert served.process.wait(timeout=30) == 0
    assert max(keys(received.messages).values()) == 1


def test_the_serve_environment_helper_keeps_email_settings(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("EMAIL_URL", "smtp://127.0.0.1:2525")
    assert serve_environment(tmp_path)["EMAIL_URL"] == "smtp://127.0.0.1:2525"
    assert os.environ["EMAIL_URL"]
