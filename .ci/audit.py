"""pip-audit over the virtual environment, said plainly.

pip-audit prints "No known vulnerabilities found" even when its vulnerability
database answered for no package at all (no network, or an index that does not
know the packages). This reads its JSON instead: it reports how many packages
were really checked, says NOT CHECKED when none was, and fails only on a
vulnerability it actually found.
"""

from __future__ import annotations

import json
import subprocess
import sys


def verdict(output: str, returncode: int, errors: str = "") -> tuple[str, bool]:
    """What to print about one pip-audit run, and whether CI fails for it."""
    try:
        report = json.loads(output)
        dependencies = report["dependencies"]
    except (ValueError, KeyError, TypeError):
        last = errors.strip().splitlines()[-1:] or [f"exit status {returncode}"]
        return (
            "pip-audit could not reach its vulnerability database: NOT CHECKED "
            f"(not a failure). It said: {last[0]}",
            False,
        )
    checked = [d for d in dependencies if not d.get("skip_reason")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    vulnerable = [d for d in checked if d.get("vulns")]
    lines = []
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            lines.append(
                f"VULNERABLE: {dependency['name']} {dependency.get('version', '?')}: "
                f"{vuln.get('id', '?')} (fixed in {fixed})"
            )
    if not checked:
        lines.append(
            f"pip-audit checked none of the {len(skipped)} installed packages: its "
            "vulnerability database answered for none of them (no network?). "
            "NOT CHECKED (not a failure)."
        )
        return "\n".join(lines), False
    if skipped:
        names = ", ".join(sorted(d["name"] for d in skipped))
        lines.append(f"pip-audit could not check {len(skipped)} packages: {names}")
    if vulnerable:
        lines.append(f"pip-audit: {len(vulnerable)} of {len(checked)} checked packages vulnerable")
        return "\n".join(lines), True
    lines.append(f"pip-audit: no known vulnerability in the {len(checked)} packages it checked")
    return "\n".join(lines), False


def main() -> int:
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pip_audit", "--format", "json", "--progress-spinner", "off",
             "--skip-editable"],
            capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        print("pip-audit timed out reaching its vulnerability database: NOT CHECKED")
        return 0
    message, failed = verdict(result.stdout, result.returncode, result.stderr)
    print(message)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
