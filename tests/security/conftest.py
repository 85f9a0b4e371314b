"""The world of the persona walk (tests/test_access.py): one object of every kind a route
names, owned by mia and ray, with a private note from each."""

from __future__ import annotations

from tests.test_access import world  # noqa: F401
