"""Every public function of the framework is used by the product, not only by its tests.

A rule that only its tests call is a rule the product reimplements somewhere else.
"""

from __future__ import annotations

import ast
from pathlib import Path

import rapport

PACKAGE = Path(rapport.__file__).parent
FRAMEWORK = PACKAGE / "framework"

# Rules of the guide whose screen does not exist yet; each leaves this list with its
# first caller (the test below fails once one is used, so the list only shrinks).
AWAITING_A_CALLER = {
    "placeholders_in": "editing the organisation's own questions",
    "playbook": "opening one playbook by its key",
    "time_split_minutes": "the split in minutes on the meeting plan",
}


def _public_functions() -> dict[str, Path]:
    found = {}
    for path in sorted(FRAMEWORK.glob("*.py")):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                found[node.name] = path
    return found


def _names_used() -> set[str]:
    """Every name read anywhere in the product (imports alone do not count as a use)."""
    used: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Name):
                used.add(node.id)
            elif isinstance(node, ast.Attribute):
                used.add(node.attr)
    return used


def test_the_framework_defines_public_functions_to_check() -> None:
    assert {"cadence_for_level", "too_many_cancellations", "agenda_plan"} <= set(
        _public_functions()
    )


def test_every_public_framework_function_has_a_caller_in_the_product() -> None:
    used = _names_used()
    unused = sorted(
        f"{path.name}:{name}"
        for name, path in _public_functions().items()
        if name not in used and name not in AWAITING_A_CALLER
    )
    assert unused == [], f"framework functions only tests call: {unused}"


def test_a_function_awaiting_a_caller_leaves_the_list_once_it_has_one() -> None:
    used = _names_used()
    assert set(AWAITING_A_CALLER) <= set(_public_functions())
    assert sorted(name for name in AWAITING_A_CALLER if name in used) == []
