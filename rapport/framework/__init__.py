"""The one-on-one framework of the seed as plain data and pure functions (no Django)."""

from __future__ import annotations

from rapport.framework.agenda import Timebox, agenda_plan, time_split_minutes
from rapport.framework.cadence import (
    CADENCE_TABLE,
    Cadence,
    cadence_for_level,
    is_frequency_allowed,
    too_many_cancellations,
)
from rapport.framework.documentation import recap_markdown, sensitive_matters
from rapport.framework.items import Item
from rapport.framework.levels import LEVEL_CHOICES, LEVEL_LABELS, LEVELS, next_level
from rapport.framework.playbooks import Playbook, playbook
from rapport.framework.questions import (
    QUESTIONS,
    Question,
    fill_placeholders,
    suggest_questions,
)

__all__ = [
    "CADENCE_TABLE",
    "LEVELS",
    "LEVEL_CHOICES",
    "LEVEL_LABELS",
    "QUESTIONS",
    "Cadence",
    "Item",
    "Playbook",
    "Question",
    "Timebox",
    "agenda_plan",
    "cadence_for_level",
    "fill_placeholders",
    "is_frequency_allowed",
    "next_level",
    "playbook",
    "recap_markdown",
    "sensitive_matters",
    "suggest_questions",
    "time_split_minutes",
    "too_many_cancellations",
]
