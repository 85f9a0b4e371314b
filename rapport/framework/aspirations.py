"""The aspiration questions an IC answers over time, and where other answers are written.

The questions are the bank's own "Understanding Aspirations" group (long-term, short-term,
motivation): each exists once, in `questions.py`; this module only names them.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from rapport.framework.questions import QUESTION_GROUPS, Question, QuestionCategory

ASPIRATION_GROUP = "aspirations"
ANSWER_LIMIT = 2000

ASPIRATION_CATEGORIES: tuple[QuestionCategory, ...] = next(
    group.categories for group in QUESTION_GROUPS if group.key == ASPIRATION_GROUP
)
ASPIRATION_QUESTIONS: tuple[Question, ...] = tuple(
    question for category in ASPIRATION_CATEGORIES for question in category.questions
)
ASPIRATION_KEYS: frozenset[str] = frozenset(question.key for question in ASPIRATION_QUESTIONS)

# An answer to any other question of the bank, recorded when the manager marks it asked,
# joins the meeting's shared notes in the section of the documentation template it fits.
ANSWER_NOTE_SECTIONS: Mapping[str, str] = MappingProxyType(
    {
        "current_state": "career_progress",
        "context": "my_topics",
        "coaching": "their_topics",
    }
)


def note_section_for(group_key: str) -> str:
    """The shared-notes section where an answer to a question of this group is written."""
    return ANSWER_NOTE_SECTIONS.get(group_key, "their_topics")
