"""The seed's bank of powerful questions, grouped as the seed groups them."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from rapport.framework.levels import LEVEL_LABELS


@dataclass(frozen=True, slots=True)
class Question:
    """One question of the bank; group and category are keys, text is the seed's."""

    key: str
    group: str
    category: str
    text: str


@dataclass(frozen=True, slots=True)
class QuestionCategory:
    """A bold sub-heading of the bank ("Long-term:", "Blockers:") and its questions."""

    key: str
    group: str
    title: str
    questions: tuple[Question, ...]

    @property
    def label(self) -> str:
        """The title, with its group's where the bank uses the title twice ("Growth")."""
        return CATEGORY_LABELS[self.key]


@dataclass(frozen=True, slots=True)
class QuestionGroup:
    """A section of the bank ("Understanding Aspirations") and its categories."""

    key: str
    title: str
    categories: tuple[QuestionCategory, ...]


# Keys are written by hand, not derived from the text, so that fixing a word in
# a question never orphans the record of when it was last asked.
_BANK: tuple[tuple[str, str, tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]], ...] = (
    (
        "aspirations",
        "Understanding Aspirations",
        (
            (
                "long_term",
                "Long-term",
                (
                    ("where_in_few_years", "Where do you see yourself in 2-3 years?"),
                    ("what_success_looks_like", "What does success look like for you?"),
                    ("impact_wanted", "What kind of impact do you want to have?"),
                    ("management_or_ic", "Are you interested in management or staying IC?"),
                ),
            ),
            (
                "short_term",
                "Short-term",
                (
                    ("learn_this_quarter", "What do you want to learn this quarter?"),
                    ("valuable_experiences", "What experiences would be valuable for you?"),
                    ("exciting_projects", "What projects excite you most?"),
                ),
            ),
            (
                "motivation",
                "Motivation",
                (
                    ("energising_work", "What parts of your work give you energy?"),
                    ("what_drains_you", "What drains you?"),
                    ("proudest_moments", "When do you feel most proud of your work?"),
                    ("more_fulfilling_role", "What would make this role more fulfilling?"),
                ),
            ),
        ),
    ),
    (
        "current_state",
        "Assessing Current State",
        (
            (
                "performance",
                "Performance",
                (
                    (
                        "performing_at_criterion",
                        "How do you feel you're performing at [criterion]?",
                    ),
                    ("going_well_recently", "What's been going well recently?"),
                    ("been_challenging", "What's been challenging?"),
                    ("strongest_weakest", "Where do you feel strongest/weakest?"),
                ),
            ),
            (
                "current_growth",
                "Growth",
                (
                    ("learned_past_month", "What have you learned in the past month?"),
                    ("tracking_goals", "How are you tracking against your goals?"),
                    ("progress_on_skill", "What progress have you made on [skill]?"),
                ),
            ),
            (
                "blockers",
                "Blockers",
                (
                    ("in_the_way", "What's getting in the way of your best work?"),
                    ("missing_support", "What support do you need that you're not getting?"),
                    ("move_faster", "What would help you move faster?"),
                ),
            ),
        ),
    ),
    (
        "context",
        "Giving Context",
        (
            (
                "framework",
                "Framework",
                (
                    ("how_i_see_performance", "Let me share how I'm seeing your performance..."),
                    (
                        "relative_to_level",
                        "Here's where I see you relative to [level] expectations...",
                    ),
                    (
                        "framework_observations",
                        "Based on the framework, here's what I'm observing...",
                    ),
                ),
            ),
            (
                "expectations",
                "Expectations",
                (
                    ("at_your_level", "At your level, we're looking for..."),
                    ("next_level_needs", "To get to the next level, you'd need to demonstrate..."),
                    ("what_good_looks_like", "Here's what 'good' looks like for this..."),
                ),
            ),
            (
                "opportunities",
                "Opportunities",
                (
                    ("opportunity_for_you", "I'm seeing an opportunity for you to..."),
                    (
                        "upcoming_project_fit",
                        "This upcoming project would be a great fit because...",
                    ),
                    ("work_aligns_with_goals", "Here's how this work aligns with your goals..."),
                ),
            ),
        ),
    ),
    (
        "coaching",
        "Coaching Questions",
        (
            (
                "reflection",
                "Reflection",
                (
                    ("what_went_well", "What do you think went well there?"),
                    ("do_differently", "What would you do differently next time?"),
                    ("lessons_learned", "What did you learn from that experience?"),
                ),
            ),
            (
                "problem_solving",
                "Problem-solving",
                (
                    ("options_considered", "What options have you considered?"),
                    ("what_you_should_do", "What do you think you should do?"),
                    ("holding_you_back", "What's holding you back from trying that?"),
                ),
            ),
            (
                "coaching_growth",
                "Growth",
                (
                    ("improved_looks_like", "What would it look like if you improved at this?"),
                    ("learn_from_whom", "Who could you learn from?"),
                    ("helpful_resources", "What resources would help?"),
                ),
            ),
        ),
    ),
)

QUESTION_GROUPS: tuple[QuestionGroup, ...] = tuple(
    QuestionGroup(
        key=group_key,
        title=group_title,
        categories=tuple(
            QuestionCategory(
                key=category_key,
                group=group_key,
                title=category_title,
                questions=tuple(
                    Question(key=key, group=group_key, category=category_key, text=text)
                    for key, text in questions
                ),
            )
            for category_key, category_title, questions in categories
        ),
    )
    for group_key, group_title, categories in _BANK
)

QUESTION_CATEGORIES: Mapping[str, QuestionCategory] = MappingProxyType(
    {category.key: category for group in QUESTION_GROUPS for category in group.categories}
)

_TITLE_COUNTS = Counter(category.title for category in QUESTION_CATEGORIES.values())
_GROUP_TITLES = {group.key: group.title for group in QUESTION_GROUPS}
CATEGORY_LABELS: Mapping[str, str] = MappingProxyType(
    {
        key: category.title
        if _TITLE_COUNTS[category.title] == 1
        else f"{category.title} ({_GROUP_TITLES[category.group]})"
        for key, category in QUESTION_CATEGORIES.items()
    }
)

QUESTIONS: tuple[Question, ...] = tuple(
    question for category in QUESTION_CATEGORIES.values() for question in category.questions
)

QUESTIONS_BY_KEY: Mapping[str, Question] = MappingProxyType(
    {question.key: question for question in QUESTIONS}
)

PLACEHOLDERS: tuple[str, ...] = ("criterion", "skill", "level")
_PLACEHOLDER = re.compile(r"\[(criterion|skill|level)\]")


def questions_in(category_key: str) -> tuple[Question, ...]:
    """Return the questions of one category, in the seed's order."""
    return _category(category_key).questions


def placeholders_in(text: str) -> tuple[str, ...]:
    """Return the placeholders ("criterion", "skill", "level") a text asks to be filled."""
    return tuple(match.group(1) for match in _PLACEHOLDER.finditer(text))


def fill_placeholders(
    text: str,
    *,
    criterion: str | None = None,
    skill: str | None = None,
    level: str | None = None,
) -> str:
    """Fill [criterion], [skill] and [level]; keep a placeholder that has no value."""
    # A level key reads better as the seed's label ("Staff+ expectations").
    if level is not None:
        level = LEVEL_LABELS.get(level, level)
    values = {"criterion": criterion, "skill": skill, "level": level}

    def replace(match: re.Match[str]) -> str:
        value = values[match.group(1)]
        return value.strip() if value and value.strip() else match.group(0)

    return _PLACEHOLDER.sub(replace, text)


def suggest_questions(
    *,
    asked_recently: frozenset[str] | set[str],
    category: str | None = None,
    limit: int = 3,
) -> list[Question]:
    """Return up to `limit` questions not asked recently, in the seed's order."""
    if limit < 0:
        raise ValueError(f"A limit cannot be negative (got {limit}).")
    pool = QUESTIONS if category is None else questions_in(category)
    fresh = [question for question in pool if question.key not in asked_recently]
    return fresh[:limit]


def _category(category_key: str) -> QuestionCategory:
    try:
        return QUESTION_CATEGORIES[category_key]
    except KeyError:
        known = ", ".join(QUESTION_CATEGORIES)
        raise ValueError(
            f"Unknown question category {category_key!r}; expected one of: {known}."
        ) from None
