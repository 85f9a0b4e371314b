"""The four IC levels the seed distinguishes, in career order."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

LEVELS: tuple[str, ...] = ("junior", "confirmed", "senior", "staff")

# The seed's own labels, as in the cadence table ("Staff+" covers staff and beyond).
LEVEL_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "junior": "Junior",
        "confirmed": "Confirmed",
        "senior": "Senior",
        "staff": "Staff+",
    }
)

LEVEL_CHOICES: tuple[tuple[str, str], ...] = tuple((level, LEVEL_LABELS[level]) for level in LEVELS)

# A person whose level is not recorded yet is scheduled and coached as the middle of
# the ladder: the cadence most teams start from.
DEFAULT_LEVEL = "confirmed"


def level_or_default(level: str | None) -> str:
    """Return the level, or the default level when none is recorded."""
    return level or DEFAULT_LEVEL


def check_level(level: str) -> str:
    """Return the level unchanged, or raise ValueError naming the known levels."""
    if level not in LEVELS:
        known = ", ".join(LEVELS)
        raise ValueError(f"Unknown level {level!r}; expected one of: {known}.")
    return level


def level_label(level: str) -> str:
    """Return the seed's label for a level ("Staff+" for staff)."""
    return LEVEL_LABELS[check_level(level)]


def next_level(level: str) -> str | None:
    """Return the level after this one, or None at the top of the ladder."""
    index = LEVELS.index(check_level(level))
    return LEVELS[index + 1] if index + 1 < len(LEVELS) else None
