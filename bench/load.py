"""Load-test Rapport as its users meet it: `python bench/load.py --people 2000 --years 3`.

Generates an organisation with `rapport demo --people N --years Y` into a fresh data
folder (or a fresh PostgreSQL database), starts `rapport serve` on a free port of
127.0.0.1, signs in through the login form as the demo's manager (eight reports), IC,
director and org admin, and measures every signed-in page with wrk: /healthz first, then
each page in turn, in alternating rounds. It prints and writes to bench/RESULTS.md the
medians of each page's throughput, its share of /healthz's in the same round, its
latency percentiles, its size and the server's CPU per request (the gunicorn workers',
plus the PostgreSQL backends' on PostgreSQL), and flags the pages below the targets.
It also times `rapport demo` and `rapport export` with their peak memory.

`--profile PATH_OR_PAGE...` instead renders pages in this process through a signed-in
Django test client under cProfile and prints the top entries (needs `--data-dir` of a run
made with `--keep`).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import http.cookiejar
import json
import math
import os
import platform
import pstats
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/rapport_bench"
# The scale targets, reported (never asserted: tests time nothing).
PAGE_SHARE = 5.0  # % of /healthz's throughput in the same round
FRAGMENT_SHARE = 25.0  # the polling fragments of an open meeting page
P95_MS = 50.0
HTML_KB = 100.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
NAN = float("nan")
GENERATED = re.compile(
    r"Generated .*? in ([\d.]+) s \(([\d,]+) meetings/s; ([\d.]+) s of CPU, ([\d,]+) meetings per"
)


class BenchError(Exception):
    """A reason to stop, printed as an `Error:` line."""


@dataclass(frozen=True)
class Page:
    """One URL as one signed-in person opens it."""

    name: str
    persona: str  # admin, director, manager, ic; "" for no session
    path: str
    kind: str = "page"  # baseline, page or fragment (polled by an open meeting page)
    headers: tuple[str, ...] = ()


@dataclass
class Sample:
    """One wrk run of one page."""

    page: Page
    round: int
    rps: float
    p50: float
    p95: float
    p99: float
    requests: int
    errors: int
    cpu_ms: float  # server CPU per request it answered (NaN when it answered none)
    served: int = 0  # requests the server answered (its access log), wrk's and its queued ones
    share: float = 0.0  # % of /healthz's req/s in the same round


@dataclass
class Row:
    """A page's medians over the rounds, and the targets it misses."""

    page: Page
    rps: float
    share: float
    p50: float
    p95: float
    p99: float
    cpu_ms: float
    size_kb: float
    errors: int
    served: int = 0
    flags: list[str] = field(default_factory=list)


# Arguments ----------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/load.py",
        description=__doc__.split("\n\n")[0],
        epilog=(
            "examples:\n"
            "  python bench/load.py --people 200 --years 1 --duration 3 --rounds 1\n"
            "  python bench/load.py --database postgres --people 2000 --years 3\n"
            "  python bench/load.py --people 200 --keep /tmp/org   (then, to profile:)\n"
            "  python bench/load.py --data-dir /tmp/org --profile 'manager home' /people/\n\n"
            "Needs wrk (Debian: apt-get install wrk). Everything it starts listens on\n"
            "127.0.0.1 only and is stopped when it ends, also on Ctrl-C."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--database-url",
        default=DEFAULT_POSTGRES,
        help="the PostgreSQL database to drop and create again (default %(default)s)",
    )
    parser.add_argument("--people", type=_positive, default=2000, help="default %(default)s")
    parser.add_argument("--years", type=float, default=3.0, help="default %(default)s")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--duration", type=_positive, default=5, help="seconds of load per page (default 5)"
    )
    parser.add_argument("--connections", type=_positive, default=16)
    parser.add_argument("--rounds", type=_positive, default=3)
    parser.add_argument(
        "--workers", type=_positive, default=2, help="`rapport serve --workers` (default 2)"
    )
    parser.add_argument(
        "--pages", metavar="TEXT", help="measure only the pages whose name contains TEXT"
    )
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--label", default="", help="added to the section's title (e.g. before)")
    parser.add_argument(
        "--keep",
        metavar="DIR",
        type=Path,
        help="generate into DIR and keep it (and the PostgreSQL database); reused when it "
        "already holds the same organisation",
    )
    parser.add_argument(
        "--profile-slowest",
        type=int,
        default=3,
        metavar="N",
        help="profile the N pages with the most CPU per request after the run (default 3)",
    )
    parser.add_argument("--no-export", action="store_true", help="do not time `rapport export`")
    profiling = parser.add_argument_group("profiling (in this process, no server)")
    profiling.add_argument(
        "--profile",
        nargs="+",
        metavar="PAGE",
        help="page names (as in the table) or paths to render under cProfile",
    )
    profiling.add_argument("--data-dir", type=Path, help="the folder kept by --keep")
    profiling.add_argument(
        "--as", dest="persona", choices=("admin", "director", "manager", "ic"), default="manager"
    )
    profiling.add_argument("--repeat", type=_positive, default=5)
    profiling.add_argument("--sort", choices=("cumulative", "tottime"), default="cumulative")
    profiling.add_argument("--top", type=_positive, default=25)
    args = parser.parse_args(argv)
    if not 0 < args.years <= 10:
        parser.error("--years: choose up to 10 years of history")
    if args.profile and not args.data_dir:
        parser.error("--profile needs --data-dir (a folder kept by an earlier --keep)")
    return args


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive whole number")
    return int(value)


# Child processes -------------------------------------------------------------------------


@dataclass
class Finished:
    seconds: float
    cpu: float
    peak_mb: float
    output: str


def run_measured(command: list[str], env: dict[str, str], timeout: float) -> Finished:
    """Run a child to its end; its wall time, CPU and peak memory (its own rusage, wait4)."""
    started = time.perf_counter()
    child = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    killer = threading.Timer(timeout, child.kill)
    killer.start()
    try:
        output = child.stdout.read() if child.stdout else ""
        _, status, usage = os.wait4(child.pid, 0)
    except BaseException:
        child.kill()
        child.wait()
        raise
    finally:
        killer.cancel()
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if child.returncode:
        raise BenchError(f"`{' '.join(command)}` failed ({child.returncode}):\n{output[-2000:]}")
    return Finished(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def server(env: dict[str, str], workers: int, log: Path) -> Iterator[tuple[str, int]]:
    """`rapport serve` on a free port of 127.0.0.1, until /healthz answers; stopped after."""
    port = free_port()
    command = [
        *rapport_command(),
        *("serve", "--host", "127.0.0.1", "--port", str(port)),
        *("--workers", str(workers), "--no-reminders"),
    ]
    with log.open("w") as out:
        child = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if child.poll() is not None:
                raise BenchError(f"`rapport serve` stopped ({child.returncode}): see {log}")
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            with contextlib.suppress(OSError), opener.open(base + "/healthz", timeout=2) as answer:
                if answer.status == 200:
                    break
            if time.monotonic() > deadline:
                raise BenchError(f"`rapport serve` did not answer /healthz in 180 s: see {log}")
            time.sleep(0.3)
        yield base, child.pid
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()


def rapport_command() -> list[str]:
    found = shutil.which("rapport", path=str(Path(sys.executable).parent)) or shutil.which(
        "rapport"
    )
    return [found] if found else [sys.executable, "-m", "rapport.cli"]


# Server CPU ------------------------------------------------------------------------------


def _stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, utime+stime in ticks) of a process, None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rfind(")") + 2 :].split()
    return int(fields[1]), int(fields[11]) + int(fields[12])


def _processes() -> Iterator[int]:
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            yield int(entry.name)


def server_pids(root: int, database: str | None) -> dict[int, int]:
    """CPU ticks of `rapport serve`'s process tree, and of the database's PostgreSQL backends."""
    parents: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for pid in _processes():
        if (stat := _stat(pid)) is not None:
            parents[pid], ticks[pid] = stat
    tree = {root}
    grown = True
    while grown:
        grown = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grown = True
    helpers: set[int] = set()
    if database:
        for pid in parents:
            with contextlib.suppress(OSError):
                title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
                if title.startswith("postgres: ") and f" {database} " in title:
                    tree.add(pid)
                elif "parallel worker for PID " in title:
                    helpers.add(pid)  # a backend's helper: its title names no database
    # Parallel workers serve one backend; all of ours are this database's, others' are not.
    tree |= {pid for pid in helpers if _leader(pid) in tree}
    return {pid: ticks[pid] for pid in tree if pid in ticks}


def _leader(pid: int) -> int:
    with contextlib.suppress(OSError, ValueError, IndexError):
        title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        return int(title.split("parallel worker for PID ", 1)[1].split()[0])
    return 0


class CpuMeter:
    """The server's CPU over a span, sampled often so a process that ends loses little."""

    def __init__(self, root: int, database: str | None) -> None:
        self.root, self.database = root, database
        self.first: dict[int, int] = {}
        self.last: dict[int, int] = {}
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> CpuMeter:
        self.first = server_pids(self.root, self.database)
        self.last = dict(self.first)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.thread.join()
        self.last.update(server_pids(self.root, self.database))

    def _sample(self) -> None:
        while not self.stopping.wait(0.25):
            self.last.update(server_pids(self.root, self.database))

    def wait_idle(self, timeout: float = 120) -> None:
        """Until the server has answered what it still had queued (no CPU for half a second)."""
        deadline = time.monotonic() + timeout
        before = sum(server_pids(self.root, self.database).values())
        while time.monotonic() < deadline:
            time.sleep(0.5)
            now = sum(server_pids(self.root, self.database).values())
            if now - before <= 2:
                return
            before = now

    @property
    def seconds(self) -> float:
        return sum(t - self.first.get(pid, 0) for pid, t in self.last.items()) / CLOCK_TICKS


# Signing in and reading pages -----------------------------------------------------------


# The yes of a confirmation page, with its one-time token.
CONFIRMED = r'<input type="hidden" name="confirmed" value="([^"]+)">'


class Browser:
    """One signed-in person: a cookie jar, the login form, CSRF-protected posts."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(self.jar)
        )

    def get(self, path: str, headers: tuple[str, ...] = ()) -> tuple[int, bytes]:
        request = urllib.request.Request(self.base + path)
        for header in headers:
            name, value = header.split(":", 1)
            request.add_header(name, value.strip())
        try:
            with self.opener.open(request, timeout=120) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, bytes]:
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": self.cookie("csrftoken")})
        request = urllib.request.Request(
            self.base + path, data=data.encode(), headers={"Origin": self.base}
        )
        try:
            with self.opener.open(request, timeout=120) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def cookie(self, name: str) -> str:
        return next((c.value for c in self.jar if c.name == name and c.value), "")

    def sign_in(self, email: str, password: str) -> None:
        status, _ = self.get("/login/")
        if status != 200 or not self.cookie("csrftoken"):
            raise BenchError(f"the login page answered {status} without a CSRF cookie")
        status, body = self.post("/login/", {"username": email, "password": password, "next": ""})
        if status != 200 or not self.cookie("sessionid"):
            raise BenchError(f"signing in as {email} failed ({status}): {body[:300]!r}")

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def attribute(html: str, pattern: str, what: str) -> str:
    found = re.search(pattern, html)
    if not found:
        raise BenchError(f"cannot find {what} in the page")
    return found.group(1)


def catalogue(ids: dict[str, Any], run_html: str, feed: str) -> list[Page]:
    """Every signed-in GET page a user opens (rapport/urls.py), with the person who opens it."""
    series, prepare, run, wrap = ids["series"], ids["prepare"], ids["run"], ids["wrap"]
    ic_id = ids["ids"]["ic"]
    agenda = attribute(run_html, r'id="agenda-since" name="since" value="([^"]*)"', "agenda")
    timer = attribute(run_html, r'id="timer-since" name="since" value="([^"]*)"', "timer")
    live = attribute(run_html, r'id="meeting-live"[^>]*data-since="([^"]*)"', "live notes")
    htmx = ("HX-Request: true",)
    pages = [
        Page("/healthz", "", "/healthz", "baseline"),
        Page("manager home", "manager", "/"),
        Page("IC home", "ic", "/"),
        Page("director home", "director", "/"),
        Page("admin home", "admin", "/"),
        Page("report page", "manager", f"/series/{series}/"),
        Page("meeting: prepare", "manager", f"/meetings/{prepare}/"),
        Page("meeting: run", "manager", f"/meetings/{run}/"),
        Page("meeting: wrap-up (held)", "manager", f"/meetings/{wrap}/"),
        Page("meeting: IC prepares", "ic", f"/meetings/{prepare}/"),
        Page(
            "poll: agenda", "manager", f"/meetings/{run}/agenda/?since={agenda}", "fragment", htmx
        ),
        Page("poll: timer", "manager", f"/meetings/{run}/timer/?since={timer}", "fragment", htmx),
        Page(
            "poll: notes (live)",
            "manager",
            f"/meetings/{run}/live/?since={urllib.parse.quote(live)}",
            "fragment",
            ("Accept: application/json",),
        ),
        Page("agenda fragment (changed)", "manager", f"/meetings/{run}/agenda/", "page", htmx),
        Page("panel: prepare", "manager", f"/meetings/{prepare}/prepare/", "page", htmx),
        Page("panel: questions", "manager", f"/meetings/{run}/questions/", "page", htmx),
        Page("panel: feedback", "manager", f"/meetings/{run}/feedback/", "page", htmx),
        Page("panel: playbooks", "manager", f"/meetings/{run}/playbooks/", "page", htmx),
        Page("panel: remote", "manager", f"/meetings/{run}/remote/", "page", htmx),
        Page("panel: goals", "manager", f"/meetings/{run}/goals/", "page", htmx),
        Page("panel: career", "manager", f"/meetings/{run}/career/", "page", htmx),
        Page("panel: talk (wrap-up)", "manager", f"/meetings/{wrap}/talk/", "page", htmx),
        Page("meeting recap (.md)", "manager", f"/meetings/{wrap}/recap.md"),
        Page("meeting invite (.ics)", "manager", f"/meetings/{prepare}/invite.ics"),
        Page("action items (manager)", "manager", "/action-items/"),
        Page("action items (IC)", "ic", "/action-items/"),
        Page("calendar feed (.ics)", "", feed),
        Page("career page", "manager", f"/series/{series}/career/"),
        Page("goals", "manager", f"/series/{series}/goals/"),
        Page("development plan", "manager", f"/series/{series}/plan/"),
        Page("feedback log", "manager", f"/series/{series}/feedback/"),
        Page("peer feedback", "manager", f"/series/{series}/peer-feedback/"),
        Page("peer requests (IC)", "ic", "/peer-requests/"),
        Page("insights: team view", "manager", "/insights/"),
        Page("insights: director", "director", "/insights/"),
        Page("insights: admin", "admin", "/insights/"),
        Page("insights: relationship", "manager", f"/insights/series/{series}/"),
        Page("retrospectives", "manager", f"/insights/series/{series}/retrospectives/"),
        Page("insights thresholds", "admin", "/insights/thresholds/"),
        Page("People page", "admin", "/people/"),
        Page("person page", "manager", f"/people/{ic_id}/"),
        Page("ladder", "manager", "/ladder/"),
        Page("ladder (.yaml)", "admin", "/ladder/export.yaml"),
        Page("framework", "manager", "/framework/"),
        Page("days away", "manager", "/away/"),
        Page("settings", "manager", "/settings/"),
        Page("privacy (admin)", "admin", "/privacy/"),
    ]
    return pages


def chosen(pages: list[Page], text: str | None) -> list[Page]:
    if not text:
        return pages
    return [p for p in pages if p.kind == "baseline" or text.lower() in p.name.lower()]


# wrk --------------------------------------------------------------------------------------

WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK {\\"requests\\": %d, \\"duration_us\\": %d, \\"errors\\": %d, \\"timeouts\\": %d, "
    .. "\\"p50\\": %d, \\"p95\\": %d, \\"p99\\": %d}\\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def wrk(
    url: str, headers: list[str], *, duration: int, connections: int, script: Path
) -> dict[str, Any]:
    command = [
        "wrk",
        *("-t", str(min(2, connections)), "-c", str(connections), "-d", f"{duration}s"),
        *("--timeout", "30s", "-s", str(script)),
    ]
    for header in headers:
        command += ["-H", header]
    done = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=duration + 90, check=False
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRK ")), None)
    if done.returncode or line is None:
        raise BenchError(f"wrk failed on {url}: {done.stderr or done.stdout}")
    return json.loads(line[4:])


# The report ---------------------------------------------------------------------------------


def summarise(samples: list[Sample], sizes: dict[str, float]) -> list[Row]:
    """Each page's medians over the rounds, flagged against the targets."""
    rows = []
    names = list(dict.fromkeys(s.page.name for s in samples))
    for name in names:
        mine = [s for s in samples if s.page.name == name]
        page = mine[0].page

        def median(values: list[float]) -> float:
            known = [v for v in values if not math.isnan(v)]
            return statistics.median(known) if known else NAN

        row = Row(
            page=page,
            rps=median([s.rps for s in mine]),
            share=median([s.share for s in mine]),
            p50=median([s.p50 for s in mine]),
            p95=median([s.p95 for s in mine]),
            p99=median([s.p99 for s in mine]),
            cpu_ms=median([s.cpu_ms for s in mine]),
            size_kb=sizes.get(name, 0.0),
            errors=sum(s.errors for s in mine),
            served=sum(s.served for s in mine),
        )
        row.flags = flags(row)
        rows.append(row)
    return rows


def flags(row: Row) -> list[str]:
    found = []
    if row.page.kind != "baseline":
        target = FRAGMENT_SHARE if row.page.kind == "fragment" else PAGE_SHARE
        if not row.share >= target:
            found.append(f"< {target:g} %")
        if not row.p95 < P95_MS:
            found.append(f"p95 ≥ {P95_MS:g} ms")
    if row.size_kb > HTML_KB:
        found.append(f"> {HTML_KB:g} KB")
    if row.errors:
        found.append(f"{row.errors} errors")
    return found


def table(rows: list[Row]) -> str:
    lines = [
        "| page | as | req/s | % of /healthz | p50 ms | p95 ms | p99 ms | server CPU ms/req "
        "| answered | KB | below target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        rps = _n(r.rps, ",.1f" if r.rps >= 1 else ".2f")
        lines.append(
            f"| {r.page.name} | {r.page.persona or '–'} | {rps} | "
            f"{_n(r.share, '.1f')} | {_n(r.p50, '.1f')} | {_n(r.p95, '.1f')} | "
            f"{_n(r.p99, '.1f')} | {_n(r.cpu_ms, '.2f')} | {r.served:,} | {r.size_kb:.1f} | "
            f"{', '.join(r.flags)} |"
        )
    return "\n".join(lines)


def _n(value: float, spec: str) -> str:
    return "–" if math.isnan(value) else format(value, spec)


def machine() -> str:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{model or platform.processor() or 'unknown CPU'}, {os.cpu_count()} cores"


def git_commit() -> str:
    done = subprocess.run(
        ["git", "-C", str(ROOT), "describe", "--always", "--dirty", "--exclude", "*"],
        capture_output=True,
        text=True,
        check=False,
    )
    branch = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--abbrev-ref", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return f"`{done.stdout.strip() or 'unknown'}` (branch `{branch.stdout.strip() or '?'}`)"


def section(
    *,
    args: argparse.Namespace,
    info: dict[str, Any],
    rows: list[Row],
    when: dt.datetime,
    load: tuple[float, float],
    generated: str,
    exported: str,
    profiles: str = "",
    rounds_done: int | None = None,
) -> tuple[str, str]:
    """The Markdown section (its title, and its text) of one run."""
    size = info["size"]
    database = "PostgreSQL" if info["vendor"] == "postgresql" else "SQLite"
    title = (
        f"## Load benchmark: {size['people']:,} people × {args.years:g} years on {database}, "
        f"{when:%Y-%m-%d}" + (f" ({args.label})" if args.label else "")
    )
    below = [r for r in rows if r.flags]
    lines = [
        title,
        "",
        f"- **Machine**: {machine()}; load average {load[0]:.1f} before the run, "
        f"{load[1]:.1f} after (other jobs share the machine: CPU per request is the "
        "steadier figure).",
        f"- **Date**: {when:%Y-%m-%d %H:%M} UTC. **Commit**: {git_commit()}.",
        f"- **Database**: {info['database_version']}. **Server**: `rapport serve --workers "
        f"{args.workers} --no-reminders` (gunicorn, 4 threads per worker) on 127.0.0.1.",
        f"- **Data**: {size['people']:,} people, {size['series']:,} series, "
        f"{size['meetings']:,} meetings ({size['past_meetings']:,} past), "
        f"{size['tables'].get('meetings_topic', 0):,} topics, "
        f"{size['tables'].get('meetings_actionitem', 0):,} action items, "
        f"{size['rows']:,} rows in all (seed {args.seed}). The manager has "
        f"{info['reports']} reports.",
        f"- **Load**: wrk, {args.connections} connections, {args.duration} s per page, "
        f"{args.rounds} round{'s' if args.rounds != 1 else ''}"
        + (
            f" (**only {rounds_done} done so far**: this run was still going)"
            if rounds_done is not None
            else ""
        )
        + " (each: /healthz, then every page in turn); medians over the rounds. "
        "% of /healthz compares req/s within a round. "
        "Server CPU is the serve process tree's user+system time until it is idle again"
        + (" plus the database's PostgreSQL backends'" if database == "PostgreSQL" else "")
        + ", divided by the requests it answered (its access log; wrk's, and those still "
        "queued when wrk stopped). Polls send the fingerprint of the page they "
        "sit on, as an open, unchanged meeting page does.",
        f"- **Targets**: every page ≥ {PAGE_SHARE:g} % of /healthz, polling "
        f"fragments ≥ {FRAGMENT_SHARE:g} %, p95 < {P95_MS:g} ms at 16 connections, "
        f"≤ {HTML_KB:g} KB. {len(below)} of {len(rows) - 1} pages miss one.",
        f"- **`rapport demo`**: {generated}",
        f"- **`rapport export`**: {exported}",
        "",
        table(rows),
    ]
    if profiles:
        lines += ["", profiles]
    return title, "\n".join(lines) + "\n"


def write_section(path: Path, title: str, text: str) -> None:
    """Replace the section of the same title in the file, or append it."""
    old = path.read_text() if path.exists() else "# Benchmark results\n"
    parts = re.split(r"(?m)^(?=## )", old)
    kept = [p for p in parts if p.splitlines()[:1] != [title]]
    path.write_text("".join(kept).rstrip("\n") + "\n\n" + text)


# The run ------------------------------------------------------------------------------------


def environment(args: argparse.Namespace, folder: Path) -> tuple[dict[str, str], str | None]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    env.update(RAPPORT_DATA_DIR=str(folder), PYTHONWARNINGS="ignore")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if args.database == "postgres":
        env["DATABASE_URL"] = args.database_url
        return env, urllib.parse.urlsplit(args.database_url).path.lstrip("/")
    return env, None


def recreate_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise BenchError(f"{name!r}: choose a database name of letters, digits and _")
    maintenance = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True, connect_timeout=10) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")


def generate(args: argparse.Namespace, folder: Path, env: dict[str, str]) -> str:
    """`rapport demo --people` into the folder (reused when --keep already holds it)."""
    marker = folder / "bench-organisation.json"
    wanted = {
        "people": args.people,
        "years": args.years,
        "seed": args.seed,
        "database": env.get("DATABASE_URL", "sqlite"),
    }
    if marker.exists() and json.loads(marker.read_text()).get("wanted") == wanted:
        # Made by older code, perhaps: its schema is brought up to this code's first.
        subprocess.run(
            [*rapport_command(), "manage", "migrate", "--no-input", "-v", "0"],
            env=env,
            cwd=ROOT,
            check=True,
            timeout=3600,
        )
        return json.loads(marker.read_text())["generated"] + " (reused from an earlier run)"
    if args.database == "postgres":
        recreate_database(args.database_url)
    command = [
        *rapport_command(),
        *("demo", "--people", str(args.people), "--years", f"{args.years:g}"),
        *("--seed", str(args.seed)),
    ]
    print(f"Generating: {' '.join(command[-7:])} ...", flush=True)
    done = run_measured(command, env, timeout=3 * 3600)
    found = GENERATED.search(done.output)
    printed = (
        f"{found.group(1)} s, {found.group(2)} meetings/s, {found.group(3)} s of CPU, "
        f"{found.group(4)} meetings per CPU second as printed; "
        if found
        else ""
    )
    meetings = _meetings(done.output)
    text = (
        f"{printed}the whole command (with start-up and migrations) {done.seconds:.1f} s wall, "
        f"{done.cpu:.1f} s CPU"
        + (f" ({meetings / done.cpu:,.0f} past meetings per CPU second)" if meetings else "")
        + f", peak memory {done.peak_mb:,.0f} MB."
    )
    marker.write_text(json.dumps({"wanted": wanted, "generated": text}))
    print(text, flush=True)
    return text


def analyze(url: str) -> None:
    """Refresh PostgreSQL's planner statistics, as autovacuum does after a bulk load: a
    server with autovacuum off would otherwise plan on empty tables (a 100 ms scan where
    the index answers in 0.4 ms)."""
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=10) as connection:
        connection.execute("ANALYZE")


def _meetings(output: str) -> int:
    found = re.search(r"and ([\d,]+) past meetings", output)
    return int(found.group(1).replace(",", "")) if found else 0


def export(env: dict[str, str], folder: Path, meetings: int, database: str | None) -> str:
    """`rapport export` to a file: its wall time, its CPU and, on PostgreSQL, its backend's."""
    target = folder / "export.json"
    # No process is its child (-1): the meter follows the database's backends only.
    with CpuMeter(-1, database) if database else contextlib.nullcontext() as backends:
        done = run_measured([*rapport_command(), "export", "--output", str(target)], env, 3600)
    size = target.stat().st_size / 1e6
    target.unlink()
    text = (
        f"{meetings:,} meetings in {done.seconds:.1f} s wall ({meetings / done.seconds:,.0f} "
        f"meetings/s), {done.cpu:.1f} s CPU ({meetings / max(done.cpu, 0.01):,.0f} meetings/s), "
        f"peak memory {done.peak_mb:,.0f} MB, {size:,.0f} MB of JSON."
    )
    if backends is None:
        return text
    both = done.cpu + backends.seconds
    return (
        f"{text} With its PostgreSQL backend's {backends.seconds:.1f} s: {both:.1f} s CPU "
        f"({meetings / max(both, 0.01):,.0f} meetings per CPU second)."
    )


def pick(env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "pages.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        check=False,
    )
    if done.returncode:
        raise BenchError(f"bench/pages.py failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout)


def start_meeting(manager: Browser, meeting_id: int) -> None:
    """Start the meeting as its manager would: asked "Start early?" on a page of its own
    when it is well ahead, then yes."""
    start = f"/meetings/{meeting_id}/start/"
    status, page = manager.post(start, {})
    if status == 200 and (asked := re.search(CONFIRMED, page.decode())):
        status, _ = manager.post(start, {"confirmed": asked.group(1)})
    if status != 200:
        raise BenchError(f"starting meeting {meeting_id} answered {status}")


def prepare_pages(
    base: str, info: dict[str, Any]
) -> tuple[dict[str, Browser], list[Page], dict[str, Any]]:
    """Sign everyone in; start a meeting and create a calendar feed as the manager would."""
    browsers = {}
    for role, email in info["emails"].items():
        browsers[role] = Browser(base)
        browsers[role].sign_in(email, info["password"])
    manager = browsers["manager"]
    if info["run"] is None:
        if info["to_start"] is None:
            raise BenchError("the manager has no upcoming meeting to start")
        start_meeting(manager, info["to_start"])
        info["run"] = info["to_start"]
    status, settings_html = manager.get("/settings/")
    if 'id="feed-url"' not in settings_html.decode():
        manager.post("/settings/calendar/", {"action": "regenerate"})
        status, settings_html = manager.get("/settings/")
    feed = attribute(settings_html.decode(), r'id="feed-url" type="text" value="([^"]+)"', "feed")
    status, run_html = manager.get(f"/meetings/{info['run']}/")
    if status != 200 or b"In progress" not in run_html:
        raise BenchError(f"meeting {info['run']} is not running ({status})")
    feed_path = urllib.parse.urlsplit(feed).path
    return browsers, catalogue(info, run_html.decode(), feed_path), info


def measure(
    args: argparse.Namespace,
    base: str,
    root_pid: int,
    database: str | None,
    browsers: dict[str, Browser],
    pages: list[Page],
    script: Path,
    log: Path,
    on_round: Callable[[list[Sample], dict[str, float], int], None] | None = None,
) -> tuple[list[Sample], dict[str, float]]:
    sizes: dict[str, float] = {}
    for page in pages:
        browser = browsers.get(page.persona) or Browser(base)
        status, body = browser.get(page.path, page.headers)
        if status not in (200, 204):
            raise BenchError(f"{page.name} ({page.path}) answered {status} to {page.persona}")
        sizes[page.name] = len(body) / 1024
    samples: list[Sample] = []
    for number in range(1, args.rounds + 1):
        baseline = 0.0
        for page in pages:
            headers = list(page.headers)
            if page.persona:
                headers.append(f"Cookie: {browsers[page.persona].cookie_header}")
            offset = log.stat().st_size
            with CpuMeter(root_pid, database) as meter:
                result = wrk(
                    base + page.path,
                    headers,
                    duration=args.duration,
                    connections=args.connections,
                    script=script,
                )
                # Requests still queued when wrk stops are answered, and counted, here.
                meter.wait_idle()
            served = answered(log, offset)
            done = result["requests"] > 0
            rps = result["requests"] / (result["duration_us"] / 1e6)
            if page.kind == "baseline":
                baseline = rps
            sample = Sample(
                page=page,
                round=number,
                rps=rps,
                p50=result["p50"] / 1000 if done else NAN,
                p95=result["p95"] / 1000 if done else NAN,
                p99=result["p99"] / 1000 if done else NAN,
                requests=result["requests"],
                errors=result["errors"] + result["timeouts"],
                cpu_ms=meter.seconds * 1000 / served if served else NAN,
                served=served,
                share=100 * rps / baseline if baseline else 0.0,
            )
            samples.append(sample)
            print(
                f"round {number}/{args.rounds}  {page.name:<28} {rps:>9,.0f} req/s "
                f"{sample.share:>6.1f} %  p95 {sample.p95:>8.1f} ms  "
                f"CPU {sample.cpu_ms:>7.2f} ms/req ({served} answered)"
                + (f"  {sample.errors} errors" if sample.errors else ""),
                flush=True,
            )
        if on_round is not None:
            on_round(samples, sizes, number)
    return samples, sizes


def answered(log: Path, offset: int) -> int:
    """The GET requests `rapport serve` logged after that offset of its log."""
    with log.open("rb") as file:
        file.seek(offset)
        return sum(1 for line in file if b'"GET ' in line)


def run(args: argparse.Namespace) -> int:
    if not shutil.which("wrk"):
        raise BenchError(
            "wrk is not installed: it generates the load. Install it with `apt-get install wrk` "
            "(Debian, Ubuntu) or your system's package manager."
        )
    folder = args.keep or Path(tempfile.mkdtemp(prefix="rapport-load-"))
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # it holds every note
    env, database = environment(args, folder)
    when = dt.datetime.now(dt.UTC)
    load_before = os.getloadavg()[0]
    try:
        generated = generate(args, folder, env)
        if args.database == "postgres":
            analyze(args.database_url)
        info = pick(env)
        if info["vendor"] != ("postgresql" if args.database == "postgres" else "sqlite"):
            raise BenchError(f"the organisation is on {info['vendor']}, not {args.database}")
        script = folder / "report.lua"
        script.write_text(WRK_REPORT)

        def partial(samples: list[Sample], sizes: dict[str, float], done: int) -> None:
            if done < args.rounds:  # kept if the run is stopped before its end
                title, text = section(
                    args=args,
                    info=info,
                    rows=summarise(samples, sizes),
                    when=when,
                    load=(load_before, os.getloadavg()[0]),
                    generated=generated,
                    exported="not timed yet",
                    rounds_done=done,
                )
                write_section(args.output, title, text)

        with server(env, args.workers, folder / "serve.log") as (base, pid):
            browsers, pages, info = prepare_pages(base, info)
            pages = chosen(pages, args.pages)
            samples, sizes = measure(
                args, base, pid, database, browsers, pages, script, folder / "serve.log", partial
            )
        rows = summarise(samples, sizes)
        load_after = os.getloadavg()[0]
        exported = (
            "not timed (--no-export)"
            if args.no_export
            else export(env, folder, info["size"]["past_meetings"], database)
        )
        profiles = ""
        if args.profile_slowest:
            slowest = sorted(
                (r for r in rows if r.page.kind != "baseline" and r.page.persona),
                key=lambda r: 0 if math.isnan(r.cpu_ms) else -r.cpu_ms,
            )[: args.profile_slowest]
            profiles = profile_children(args, folder, env, slowest)
        title, text = section(
            args=args,
            info=info,
            rows=rows,
            when=when,
            load=(load_before, load_after),
            generated=generated,
            exported=exported,
            profiles=profiles,
        )
        print()
        print(text)
        write_section(args.output, title, text)
        print(f"Written to {args.output}.")
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
            if args.database == "postgres":
                with contextlib.suppress(Exception):
                    _drop_database(args.database_url)


def _drop_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True, connect_timeout=10) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# Profiling -------------------------------------------------------------------------------------


def profile_children(
    args: argparse.Namespace, folder: Path, env: dict[str, str], rows: list[Row]
) -> str:
    """Profile the given pages in a child process against the same data; its Markdown."""
    parts = ["### Profiles of the pages with the most CPU per request", ""]
    for row in rows:
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            *("--data-dir", str(folder), "--as", row.page.persona, "--top", "25"),
            *("--database", args.database, "--database-url", args.database_url),
            *("--profile", row.page.name),
        ]
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=900, check=False, cwd=ROOT
        )
        parts += [
            f"`{row.page.name}` as {row.page.persona} ({row.cpu_ms:.1f} ms CPU per request "
            "under load), cProfile in one process, sorted by cumulative CPU time (the request "
            "plumbing above the view left out; on PostgreSQL the database's own work is not "
            "in it):",
            "",
            "```",
            (done.stdout if done.returncode == 0 else done.stderr[-1500:]).rstrip(),
            "```",
            "",
        ]
    return "\n".join(parts).rstrip("\n")


def profile(args: argparse.Namespace) -> int:
    """Render pages in this process under cProfile, signed in through Django's test client."""
    os.environ["RAPPORT_DATA_DIR"] = str(args.data_dir)
    if args.database == "postgres":
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "rapport.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from rapport.people.models import Person

    # A folder kept by an earlier run may predate this code's schema: bring it up first.
    call_command("migrate", interactive=False, verbosity=0)

    info = _pages_module().pick()
    clients: dict[str, Client] = {}
    for role, person_id in info["ids"].items():
        clients[role] = Client()
        clients[role].force_login(Person.objects.get(pk=person_id))
    manager = clients["manager"]
    if info["run"] is None:
        raise BenchError("no meeting is running: profile the data of a `--keep` load run")
    run_html = manager.get(f"/meetings/{info['run']}/").content.decode()
    feed = Person.objects.get(pk=info["ids"]["manager"]).calendar_token
    by_name = {p.name: p for p in catalogue(info, run_html, f"/calendar/{feed}.ics")}
    for wanted in args.profile:
        page = by_name.get(wanted) or Page(wanted, args.persona, wanted)
        if not page.path.startswith("/"):
            raise BenchError(f"{wanted!r} is neither a page of the table nor a path")
        client = clients.get(page.persona) or Client()
        extra = {
            "HTTP_" + h.split(":")[0].upper().replace("-", "_"): h.split(":", 1)[1].strip()
            for h in page.headers
        }
        first = client.get(page.path, **extra)
        if first.status_code not in (200, 204):
            raise BenchError(f"{page.path} answered {first.status_code}")
        # CPU time, not wall time: on a shared machine waiting for a core is not the page's.
        profiler = cProfile.Profile(time.process_time)
        started, cpu = time.perf_counter(), time.process_time()
        profiler.enable()
        for _ in range(args.repeat):
            client.get(page.path, **extra)
        profiler.disable()
        each = (time.perf_counter() - started) * 1000 / args.repeat
        each_cpu = (time.process_time() - cpu) * 1000 / args.repeat
        print(
            f"{page.name} ({page.path}) as {page.persona or 'nobody'}: {each_cpu:.1f} ms of CPU "
            f"({each:.1f} ms wall) per render under cProfile, {args.repeat} renders, "
            f"{len(first.content) / 1024:.1f} KB; times below are CPU"
        )
        print(top_entries(profiler, args.repeat, args.sort, args.top))
    return 0


def _pages_module() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_pages", ROOT / "bench" / "pages.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def top_entries(profiler: cProfile.Profile, repeat: int, sort: str, top: int) -> str:
    """The top entries of a profile, per render, with short file names."""
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    index = 3 if sort == "cumulative" else 2
    ranked = sorted(stats.items(), key=lambda item: -item[1][index])
    if sort == "cumulative" and ranked:
        # The test client, handlers and middleware around the view: each nearly all of it.
        whole = ranked[0][1][3]
        ranked = [item for item in ranked if item[1][3] < 0.97 * whole]
    ranked = ranked[:top]
    lines = [f"{'calls':>9} {'own ms':>8} {'total ms':>9}  function"]
    for (filename, line, function), (_, calls, own, total, _) in ranked:
        lines.append(
            f"{calls // repeat:>9,} {own * 1000 / repeat:>8.1f} {total * 1000 / repeat:>9.1f}  "
            f"{short(filename)}:{line}({function})"
        )
    return "\n".join(lines)


def short(filename: str) -> str:
    for marker in ("site-packages/", str(ROOT) + "/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM stops a run as Ctrl-C does: everything started is stopped


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        return profile(args) if args.profile else run(args)
    except BenchError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Stopped: everything this run started has been stopped.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
