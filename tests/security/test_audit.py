"""CI's pip-audit step says what it really checked: never a green it did not earn."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

AUDIT = Path(__file__).resolve().parents[2] / ".ci" / "audit.py"
spec = importlib.util.spec_from_file_location("ci_audit", AUDIT)
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)

SKIPPED = {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited"}


def report(*dependencies: dict) -> str:
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


def test_an_unreachable_database_says_not_checked_and_does_not_fail() -> None:
    message, failed = audit.verdict("", 1, "Traceback ...\nConnectionError: no route to host")
    assert "NOT CHECKED" in message and "no route to host" in message
    assert "no known vulnerab" not in message.lower()
    assert failed is False


def test_every_package_skipped_is_not_a_green_run() -> None:
    message, failed = audit.verdict(report(SKIPPED, {**SKIPPED, "name": "nh3"}), 0)
    assert "NOT CHECKED" in message and "none of the 2" in message
    assert "no known vulnerab" not in message.lower()
    assert failed is False


def test_a_clean_checked_run_passes_and_counts_what_it_checked() -> None:
    clean = {"name": "django", "version": "5.2.9", "vulns": []}
    message, failed = audit.verdict(report(clean, {**SKIPPED, "name": "nh3"}), 0)
    assert "no known vulnerability in the 1 packages it checked" in message
    assert "could not check 1 packages: nh3" in message
    assert failed is False


def test_a_found_vulnerability_is_named_and_fails() -> None:
    vulnerable = {
        "name": "django",
        "version": "5.2.0",
        "vulns": [{"id": "PYSEC-2025-1", "fix_versions": ["5.2.1"], "description": "..."}],
    }
    message, failed = audit.verdict(report(vulnerable), 1)
    assert "VULNERABLE: django 5.2.0: PYSEC-2025-1 (fixed in 5.2.1)" in message
    assert failed is True
