"""The reminder loop `rapport serve` runs: one child process of gunicorn's arbiter.

The arbiter forks it once when it is ready, next to the workers, so a server runs
exactly one loop however many workers it has and however often they restart.
A process rather than a thread in the arbiter: the arbiter forks workers at any
time, and a fork taken while a reminder thread held a lock (an import, a template
cache) would leave that worker deadlocked. Several servers on one database are
safe too: every mail is claimed under a unique constraint.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from typing import Any

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 60
# Signals gunicorn's arbiter handles; the child must not inherit its handlers.
ARBITER_SIGNALS = ("SIGHUP", "SIGQUIT", "SIGINT", "SIGTERM", "SIGTTIN", "SIGTTOU", "SIGUSR1",
                   "SIGUSR2", "SIGWINCH", "SIGCHLD")  # fmt: skip


class ReminderLoop:
    """Calls `send_due()` every interval until stopped (or until its parent is gone)."""

    def __init__(self, interval: float = INTERVAL_SECONDS, parent_pid: int | None = None) -> None:
        self.interval = interval
        self.parent_pid = parent_pid
        self.stopped = threading.Event()
        self.runs = 0

    def run(self) -> None:
        while not self.stopped.is_set():
            self.tick()
            if self.parent_pid is not None and os.getppid() != self.parent_pid:
                return  # the arbiter died without telling us: do not run on as an orphan
            self.stopped.wait(self.interval)

    def tick(self) -> None:
        """One pass; an error is logged and the next interval tries again."""
        from django.db import connection

        from rapport.notifications.mail import send_due

        try:
            for line in send_due():
                log.info("sent %s", line)
        except Exception:
            log.exception("sending reminders failed")
        finally:
            connection.close()  # hold no database connection between passes
            self.runs += 1


class ReminderProcess:
    """The loop in a forked child, started and stopped from gunicorn's arbiter hooks."""

    def __init__(self, interval: float = INTERVAL_SECONDS) -> None:
        self.interval = interval
        self.pid: int | None = None

    def start(self, server: Any = None) -> None:
        """Fork the child; in the child, run the loop until SIGTERM or SIGINT."""
        import rapport.notifications.mail  # noqa: F401  (imported once, before forking)

        parent = os.getpid()
        pid = os.fork()
        if pid:
            self.pid = pid
            return
        code = 0
        try:
            self._child(parent, server)
        except BaseException:
            log.exception("the reminder loop stopped")
            code = 1
        finally:
            os._exit(code)

    def _child(self, parent: int, server: Any) -> None:
        from django.db import connections

        # A database connection opened before the fork belongs to the parent: closing it
        # here would end the parent's session, so it is set aside, never used nor closed.
        inherited = []
        for connection in connections.all(initialized_only=True):
            if connection.connection is not None:
                inherited.append(connection.connection)
                connection.connection = None
        loop = ReminderLoop(self.interval, parent_pid=parent)
        for name in ARBITER_SIGNALS:
            signal.signal(getattr(signal, name), signal.SIG_DFL)
        for name in ("SIGTERM", "SIGINT"):
            signal.signal(getattr(signal, name), lambda *_: loop.stopped.set())
        for listener in getattr(server, "LISTENERS", None) or ():
            listener.close()  # the port belongs to the arbiter and its workers
        log.info("reminders: sending due mail every %s s (pid %s)", self.interval, os.getpid())
        loop.run()

    def stop(self, server: Any = None, timeout: float = 15) -> None:
        """SIGTERM the child and wait for a send in progress to finish."""
        if self.pid is None:
            return
        pid, self.pid = self.pid, None
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:  # already reaped (gunicorn reaps every child)
                return
            if done:
                return
            time.sleep(0.05)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
