"""Settings come from the environment: each case runs in a fresh Python with its own data folder."""

from __future__ import annotations

import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

PRINT_SECRET = "from django.conf import settings; print(settings.SECRET_KEY)"
PRINT_DATABASE = (
    "import django; django.setup(); from django.db import connection; "
    "print(connection.vendor, connection.settings_dict['NAME'], connection.settings_dict['HOST'])"
)
PRINT_SQLITE_MODES = (
    "import django; django.setup(); from django.db import connection; "
    "cursor = connection.cursor(); "
    "print(cursor.execute('PRAGMA journal_mode').fetchone()[0], "
    "cursor.execute('PRAGMA foreign_keys').fetchone()[0])"
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
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=env["RAPPORT_DATA_DIR"],
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


def test_database_url_switches_to_postgresql(tmp_path: Path) -> None:
    url = "postgres://postgres@127.0.0.1:5432/rapport_elsewhere"
    result = python(PRINT_DATABASE, environment(tmp_path, DATABASE_URL=url))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["postgresql", "rapport_elsewhere", "127.0.0.1"]
    assert not (tmp_path / "rapport.sqlite3").exists()


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    env = environment(
        tmp_path,
        SITE_URL="https://rapport.example.com",
        ALLOWED_HOSTS="rapport.example.com",
        SECRET_KEY=secrets.token_urlsafe(50),
    )
    result = subprocess.run(
        [sys.executable, "-m", "rapport.cli", "manage", "check", "--deploy",
         "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
