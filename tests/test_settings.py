"""Settings come from the environment: each case runs in a fresh Python with its own data folder."""

from __future__ import annotations

import os
import secrets
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

PRINT_SECRET = "from django.conf import settings; print(settings.SECRET_KEY)"
PRINT_DATABASE = (
    "import django; django.setup(); from django.db import connection; "
    "print(connection.vendor, connection.settings_dict['NAME'], connection.settings_dict['HOST'], "
    "connection.settings_dict['ENGINE'])"
)
PRINT_SQLITE_MODES = (
    "import django; django.setup(); from django.db import connection; "
    "cursor = connection.cursor(); "
    "print(cursor.execute('PRAGMA journal_mode').fetchone()[0], "
    "cursor.execute('PRAGMA foreign_keys').fetchone()[0])"
)

# What a served request does at its end, then whether the same SQLite connection is open.
PRINT_KEPT_CONNECTION = (
    "import django; django.setup(); from django.core.signals import request_finished; "
    "from django.db import connection; connection.cursor().execute('SELECT 1'); "
    "before = connection.connection; request_finished.send(sender=None); "
    "print(connection.connection is not None and connection.connection is before)"
)


def environment(data_dir: Path, **overrides: str) -> dict[str, str]:
    """This process's environment minus what the settings read, plus the overrides."""
    read_by_settings = {
        "DATABASE_URL", "SECRET_KEY", "SITE_URL", "DEBUG", "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS", "EMAIL_URL", "EMAIL_HOST",
    }  # fmt: skip
    # Django's own variables too: the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process.
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in read_by_settings and not key.startswith("DJANGO_")
    }
    env.update(RAPPORT_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="rapport.settings")
    env.update(overrides)
    return env


def python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-c", code], env)


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The command with this environment, from the data folder's parent."""
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(env["RAPPORT_DATA_DIR"]).parent,
        timeout=60,
        check=False,
    )


def test_the_secret_key_is_generated_once_into_the_data_folder_and_reused(tmp_path: Path) -> None:
    first = python(PRINT_SECRET, environment(tmp_path))
    second = python(PRINT_SECRET, environment(tmp_path))
    assert first.returncode == 0, first.stderr
    key = first.stdout.strip()
    assert len(key) >= 50
    assert second.stdout.strip() == key
    stored = tmp_path / "secret_key"
    assert stored.read_text().strip() == key
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600, "only the owner may read it"


def test_a_secret_key_in_the_environment_wins_and_writes_nothing(tmp_path: Path) -> None:
    given = secrets.token_urlsafe(40)
    result = python(PRINT_SECRET, environment(tmp_path, SECRET_KEY=given))
    assert result.stdout.strip() == given
    assert not (tmp_path / "secret_key").exists()


def test_a_short_secret_key_is_refused(tmp_path: Path) -> None:
    result = python(PRINT_SECRET, environment(tmp_path, SECRET_KEY="short"))
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 32 characters long" in result.stderr


def test_sqlite_in_the_data_folder_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    result = python(PRINT_SQLITE_MODES, environment(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "1"]
    assert (tmp_path / "rapport.sqlite3").is_file()


def test_sqlite_connections_are_kept_from_one_request_to_the_next(tmp_path: Path) -> None:
    # Opening one (SQLite reading the schema, Django its functions) costs a small page's CPU.
    result = python(PRINT_KEPT_CONNECTION, environment(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True"]


def test_database_url_switches_to_postgresql(tmp_path: Path) -> None:
    url = "postgres://postgres@127.0.0.1:5432/rapport_elsewhere"
    result = python(PRINT_DATABASE, environment(tmp_path, DATABASE_URL=url))
    assert result.returncode == 0, result.stderr
    # Django's backend, reading timestamps with psycopg's compiled loader.
    assert result.stdout.split() == [
        "postgresql", "rapport_elsewhere", "127.0.0.1", "rapport.postgresql"
    ]  # fmt: skip
    assert not (tmp_path / "rapport.sqlite3").exists()


def check_deploy(tmp_path: Path, **overrides: str) -> subprocess.CompletedProcess[str]:
    env = environment(
        tmp_path,
        SITE_URL="https://rapport.example.com",
        ALLOWED_HOSTS="rapport.example.com",
        SECRET_KEY=secrets.token_urlsafe(50),
    )
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "-m", "rapport.cli", "manage", "check", "--deploy",
         "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )  # fmt: skip


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = check_deploy(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_is_clean_on_postgresql_too(tmp_path: Path) -> None:
    result = check_deploy(
        tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:5432/rapport_elsewhere"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_catches_debug_left_on(tmp_path: Path) -> None:
    # The clean runs above mean something only if the check does fail on a real mistake.
    result = check_deploy(tmp_path, DEBUG="1")
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr


WRITE_AND_LIST_MODES = (
    "import django, os, stat; django.setup(); from django.conf import settings; "
    "from django.db import connection; cursor = connection.cursor(); "
    "cursor.execute('CREATE TABLE probe (x)'); cursor.execute('INSERT INTO probe VALUES (1)'); "
    "folder = settings.DATA_DIR; "
    "print(oct(stat.S_IMODE(folder.stat().st_mode))); "
    "[print(name, oct(stat.S_IMODE((folder / name).stat().st_mode))) "
    " for name in sorted(os.listdir(folder))]"
)


def test_the_data_folder_database_and_its_wal_files_are_private(tmp_path: Path) -> None:
    data = tmp_path / "fresh"
    code = f"import os; os.umask(0o022); exec({WRITE_AND_LIST_MODES!r})"
    result = python(code, environment(data))
    assert result.returncode == 0, result.stderr
    folder_mode, *files = result.stdout.split("\n")[:-1]
    assert folder_mode == "0o700"
    modes = dict(line.split() for line in files)
    assert set(modes) >= {"rapport.sqlite3", "rapport.sqlite3-wal", "rapport.sqlite3-shm"}
    assert set(modes.values()) == {"0o600"}, modes


def read_only(data: Path, *args: str) -> list[str]:
    """The command run with the folder read-only: by its mode, or for root (who writes
    anywhere) by a read-only mount of its own that nobody else sees."""
    if os.geteuid() != 0:
        data.chmod(0o500)
        return list(args)
    if not shutil.which("unshare"):
        pytest.skip("running as root without unshare: cannot make a folder read-only")
    script = f'mount --bind -o ro "{data}" "{data}" && exec "$@"'
    return ["unshare", "-m", "sh", "-c", script, "sh", *args]


def test_a_read_only_data_folder_is_explained_in_words(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "secret_key").write_text(secrets.token_urlsafe(50))
    command = read_only(data, sys.executable, "-m", "rapport.cli", "export")
    try:
        result = run(command, environment(data))
    finally:
        data.chmod(0o700)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"Error: The data folder {data} is read-only"), result.stderr
    assert "set RAPPORT_DATA_DIR to a folder you can write" in result.stderr


def test_link_lifetime_is_tunable_in_hours(tmp_path: Path) -> None:
    code = "from django.conf import settings; print(settings.PASSWORD_RESET_TIMEOUT)"
    assert python(code, environment(tmp_path)).stdout.strip() == str(72 * 3600)
    assert python(code, environment(tmp_path, RAPPORT_LINK_HOURS="12")).stdout.strip() == "43200"
    wrong = python(code, environment(tmp_path, RAPPORT_LINK_HOURS="soon"))
    assert "RAPPORT_LINK_HOURS must be a whole number, not 'soon'." in wrong.stderr


def test_static_files_keep_their_plain_names_until_collectstatic_ran() -> None:
    from django.templatetags.static import static

    # The tests never collect: pages link the package's files, which the finders serve.
    assert static("rapport/rapport.css") == "/static/rapport/rapport.css"
