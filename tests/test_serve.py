"""`rapport serve` runs gunicorn with static files, and /healthz answers without a session."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.test import Client

SERVE_SKIP = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason=(
        "serving does not depend on the database: the SQLite run covers it, and a served "
        "process must not write into the shared PostgreSQL database"
    ),
)


# /healthz -------------------------------------------------------------------------


def test_healthz_answers_ok_without_a_session_or_a_query(
    db: None, client: Client, django_assert_num_queries
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "Set-Cookie" not in response
    assert not response.cookies


def test_healthz_does_not_load_a_signed_in_persons_session(
    client_for, mia, django_assert_num_queries
) -> None:
    client = client_for(mia)
    assert client.get("/").status_code in (200, 302)  # a real page loads the session
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert "Set-Cookie" not in response


def test_each_worker_is_forked_with_start_up_set_aside_from_the_garbage_collector() -> None:
    import gc

    from rapport.server import gunicorn_options

    fork_hook = gunicorn_options(host="127.0.0.1", port=8000, workers=2)["pre_fork"]
    gc.unfreeze()
    try:
        fork_hook(None, None)
        assert gc.get_freeze_count() > 1000  # Django and every module loaded by the tests
    finally:
        gc.unfreeze()


def test_healthz_refuses_other_methods(client: Client) -> None:
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


# rapport serve ---------------------------------------------------------------------


@dataclass
class Served:
    process: subprocess.Popen[str]
    url: str
    lines: list[str] = field(default_factory=list)

    @property
    def output(self) -> str:
        return "".join(self.lines)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_environment(data_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # Django's variables (some set by other tests' fixtures) stay out of the child.
        if key not in {"DATABASE_URL", "SECRET_KEY", "SITE_URL"} and not key.startswith("DJANGO_")
    }
    env.update(RAPPORT_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1")
    return env


def get(url: str, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_until_healthy(served: Served, tries: int = 150) -> None:
    for _ in range(tries):
        if served.process.poll() is not None:
            pytest.fail(f"rapport serve stopped early:\n{served.output}")
        try:
            if get(served.url + "/healthz", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"rapport serve did not answer /healthz within 30 s:\n{served.output}")


@contextmanager
def serving(tmp_path: Path, *args: str) -> Iterator[Served]:
    """`rapport serve` on a free port with its own data folder, stopped afterwards."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "rapport.cli", "serve", "--port", str(port), "--workers", "1",
         *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=serve_environment(tmp_path),
        cwd=tmp_path,
    )  # fmt: skip
    served = Served(process=process, url=f"http://127.0.0.1:{port}")
    reader = threading.Thread(target=lambda: served.lines.extend(process.stdout), daemon=True)
    reader.start()
    try:
        wait_until_healthy(served)
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        reader.join(timeout=10)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    with serving(tmp_path) as served:
        yield served


@SERVE_SKIP
def test_serve_prints_the_first_start_link_that_shows_the_set_up_form(served: Served) -> None:
    match = re.search(r"(http://\S+/setup/\S+/)", served.output)
    assert match, served.output
    assert match.group(1).startswith(served.url + "/setup/"), "the link uses the real port"
    status, _headers, body = get(match.group(1))
    assert status == 200
    assert b"Set up Rapport" in body
    assert b'name="organisation_name"' in body
    assert get(served.url + "/setup/forged-token/")[0] == 404


@SERVE_SKIP
def test_serve_runs_gunicorn_and_serves_static_files_itself(served: Served) -> None:
    status, headers, body = get(served.url + "/healthz")
    assert (status, body) == (200, b"ok")
    assert headers["Server"] == "gunicorn", "not Django's development server"
    assert "Set-Cookie" not in headers
    assert "Booting worker" in served.output

    status, headers, body = get(served.url + "/static/rapport/rapport.css")
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert "max-age=" in headers["Cache-Control"]
    assert (
        body == (Path(__file__).parents[1] / "rapport/web/static/rapport/rapport.css").read_bytes()
    )

    request = urllib.request.Request(
        served.url + "/static/rapport/vendor/htmx-2.0.11.min.js",
        headers={"Accept-Encoding": "gzip"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Content-Encoding"] == "gzip"

    assert get(served.url + "/static/rapport/nothing-here.css")[0] == 404
    assert '"GET /static/rapport/rapport.css HTTP/1.1" 200' in served.output, "access log"


@SERVE_SKIP
def test_pages_link_static_files_by_hashed_names_cached_for_a_year(served: Served) -> None:
    _status, _headers, page = get(served.url + "/login/")
    match = re.search(rb'href="(/static/rapport/rapport\.[0-9a-f]{12}\.css)"', page)
    assert match, page[:2000]
    status, headers, body = get(served.url + match.group(1).decode())
    assert status == 200
    assert "immutable" in headers["Cache-Control"]
    assert "max-age=315360000" in headers["Cache-Control"]
    assert (
        body == (Path(__file__).parents[1] / "rapport/web/static/rapport/rapport.css").read_bytes()
    )


@SERVE_SKIP
def test_serve_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    with serving(tmp_path) as served:
        served.process.terminate()
        assert served.process.wait(timeout=30) == 0
    assert "Shutting down" in served.output


@SERVE_SKIP
def test_serve_demo_prints_the_logins_that_sign_in(tmp_path: Path) -> None:
    from rapport import demo

    with serving(tmp_path, "--demo") as served:
        status, _headers, body = get(served.url + "/login/")
    for email, _role in demo.DEMO_LOGINS:
        assert email in served.output
    assert demo.DEMO_PASSWORD in served.output
    assert "/setup/" not in served.output, "no first-start link once people exist"
    assert status == 200
    assert b'name="password"' in body


@SERVE_SKIP
def test_serve_on_a_busy_port_is_one_error_line(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "rapport.cli", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            env=serve_environment(tmp_path),
            timeout=60,
            check=False,
        )
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: cannot listen on 127.0.0.1:{port}")
    assert "Traceback" not in result.stderr


def wait_for_output(served: Served, text: str, tries: int = 150) -> None:
    for _ in range(tries):
        if text in served.output:
            return
        time.sleep(0.1)
    pytest.fail(f"{text!r} never appeared in the output:\n{served.output}")


@SERVE_SKIP
def test_the_logs_never_hold_the_tokens_of_secret_addresses(served: Served) -> None:
    setup_link = re.search(r"http://\S+(/setup/(\S+)/)", served.output)
    assert setup_link, served.output
    secrets = {
        "/calendar/feed-secret-0123456789.ics": "feed-secret-0123456789",
        "/reset/MQ/reset-secret-0123456789/": "reset-secret-0123456789",
        "/mail/off/mail-secret-0123456789/": "mail-secret-0123456789",
        setup_link.group(1): setup_link.group(2),
    }
    for path in secrets:
        get(served.url + path)
    # Each line is written once its response has gone: wait for all of them.
    for line in (
        '"GET /calendar/[token].ics HTTP/1.1" 404',
        '"GET /reset/[token]/ HTTP/1.1"',
        '"GET /mail/off/[token]/ HTTP/1.1" 404',
        '"GET /setup/[token]/ HTTP/1.1" 200',
    ):
        wait_for_output(served, line)
    logged = [line for line in served.lines if '"GET ' in line or "Not Found" in line]
    for token in secrets.values():
        assert not [line for line in logged if token in line], token
    assert "Not Found: /calendar/[token].ics" in served.output


@SERVE_SKIP
def test_serve_warns_when_others_may_read_the_data_folder(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    with serving(tmp_path) as served:
        pass
    assert f"Warning: other users of this machine may read {tmp_path} (mode 755)" in served.output
    assert f"chmod -R go-rwx {tmp_path}" in served.output


@SERVE_SKIP
def test_serve_is_quiet_about_a_private_data_folder(served: Served) -> None:
    assert "Warning: other users" not in served.output
