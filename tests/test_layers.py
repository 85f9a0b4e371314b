"""Imports point down only: interfaces → privacy → notifications → insights → growth → career
→ meetings → people.

`access.py` reads every domain model (that is its job) and no interface; `errors.py`
and `framework/` are below everything. A lazy import inside a function counts like any other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import rapport

ROOT = Path(rapport.__file__).parent

# The higher the number, the higher the layer; a module imports its own layer's app
# and anything lower, never a peer app or anything higher.
LAYERS = {
    "errors": 0,
    "framework": 0,
    "compiled": 0.5,  # querysets compiled once: Django only, under every domain app
    "postgresql": 0.5,  # the database backend: Django and psycopg only
    "people": 1,
    "meetings": 2,
    "career": 2.5,  # above meetings, below growth: goals may name a ladder area
    "growth": 3,
    "insights": 3.5,  # above growth: the figures read goals and development plans
    "notifications": 3.75,  # above insights: the retrospective reminder reads its selector
    "access": 4,  # the gate: reads every model, imported by services and interfaces
    "privacy": 4,  # a person's export and erasure read and write across every domain app
    "web": 5,
    "api": 5,
    "cli": 5,
    "demo": 5,
    "urls": 5,
    "server": 5,
}
GROUND = {"errors", "framework"}
INTERFACE = 5


def _part(module: str) -> str | None:
    """The top-level part of rapport a dotted module name belongs to."""
    parts = module.split(".")
    if parts[0] != "rapport" or len(parts) < 2:
        return None
    return parts[1]


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "rapport":  # from rapport import access, errors...
                found += [(node.lineno, f"rapport.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, node.module))
    return found


def _allowed(source: str, target: str) -> bool:
    if target == source:
        return True
    if source in GROUND:
        return target in GROUND
    if target == "access":
        return True  # the gate, for every service and interface
    if LAYERS[source] == INTERFACE:
        return True  # interfaces use the domain and each other (urls → web, cli → server)
    return LAYERS[target] < LAYERS[source]


def arrows_upward(root: Path = ROOT) -> list[str]:
    wrong = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if "migrations" in relative.parts:
            continue
        source = relative.parts[0].removesuffix(".py")
        if source not in LAYERS:
            continue
        for line, module in _imports(path):
            target = _part(module)
            if target in LAYERS and not _allowed(source, target):
                wrong.append(f"{relative}:{line} imports {module}")
    return wrong


def test_no_import_runs_from_a_lower_layer_up_to_a_higher_one() -> None:
    assert arrows_upward() == []


def test_every_part_of_the_package_has_a_layer() -> None:
    parts = {
        path.relative_to(ROOT).parts[0].removesuffix(".py")
        for path in ROOT.glob("*")
        if path.name not in {"__init__.py", "__pycache__", "settings.py", "wsgi.py"}
        and (path.is_dir() or path.suffix == ".py")
    }
    assert parts - set(LAYERS) == set()


@pytest.mark.parametrize(
    ("where", "source"),
    [
        ("people/probe.py", "from rapport.meetings import services\n"),
        ("meetings/probe.py", "def later():\n    from rapport.growth.services import x\n"),
        ("growth/probe.py", "from rapport.notifications import mail\n"),
        ("framework/probe.py", "from rapport import access\n"),
        ("people/probe.py", "import rapport.web.views\n"),
    ],
)
def test_the_check_catches_an_upward_import(tmp_path: Path, where: str, source: str) -> None:
    probe = tmp_path / where
    probe.parent.mkdir(parents=True)
    probe.write_text(source)
    assert arrows_upward(tmp_path) != []
