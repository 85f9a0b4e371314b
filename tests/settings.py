"""Test settings: the real settings, with a throwaway data folder and database file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import jinja2

os.environ.setdefault("RAPPORT_DATA_DIR", tempfile.mkdtemp(prefix="rapport-test-"))
os.environ.pop("EMAIL_URL", None)
os.environ.pop("EMAIL_HOST", None)

from rapport.settings import *  # noqa: F403

# Browser tests are served by the threads of a live server. An in-memory SQLite
# database reaches those threads either as the test's own connection, handed to
# every thread at once (when the database was set up before the server started:
# "bad parameter or other API misuse", rows of another query), or through
# SQLite's shared cache (whole tables locked, "table is locked" at once). A
# database file gives each thread its own connection, as in production.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.mkdtemp(prefix="rapport-test-db-")) / "test.sqlite3")
    }

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A template that reads a missing variable fails the test instead of rendering blank.
TEMPLATES[0]["OPTIONS"]["undefined"] = jinja2.StrictUndefined  # noqa: F405
