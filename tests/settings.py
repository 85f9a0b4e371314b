"""Test settings: the real settings, with a throwaway data folder."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("RAPPORT_DATA_DIR", tempfile.mkdtemp(prefix="rapport-test-"))
os.environ.pop("EMAIL_URL", None)
os.environ.pop("EMAIL_HOST", None)

from rapport.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
