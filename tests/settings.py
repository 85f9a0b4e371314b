"""Test settings: the real settings, with a throwaway data folder."""

from __future__ import annotations

import os
import tempfile

import jinja2

os.environ.setdefault("RAPPORT_DATA_DIR", tempfile.mkdtemp(prefix="rapport-test-"))
os.environ.pop("EMAIL_URL", None)
os.environ.pop("EMAIL_HOST", None)

from rapport.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A template that reads a missing variable fails the test instead of rendering blank.
TEMPLATES[0]["OPTIONS"]["undefined"] = jinja2.StrictUndefined  # noqa: F405
