from __future__ import annotations

import pytest

from rapport.framework.questions import (
    QUESTION_CATEGORIES,
    QUESTION_GROUPS,
    QUESTIONS,
    QUESTIONS_BY_KEY,
    fill_placeholders,
    placeholders_in,
    questions_in,
    suggest_questions,
)
from tests.framework.conftest import Block

SEED_GROUPS = {
    "Understanding Aspirations": ["Long-term", "Short-term", "Motivation"],
    "Assessing Current State": ["Performance", "Growth", "Blockers"],
    "Giving Context": ["Framework", "Expectations", "Opportunities"],
    "Coaching Questions": ["Reflection", "Problem-solving", "Growth"],
}


def seed_bank(seed: Block) -> dict[tuple[str, str], list[str]]:
    bank = seed.section("Powerful Questions to Ask")
    return {
        (group, category): bank.section(group).bold(f"{category}:").bullets()
        for group, categories in SEED_GROUPS.items()
        for category in categories
    }


def test_it_has_the_seed_groups_and_categories_in_order(seed: Block) -> None:
    assert seed.section("Powerful Questions to Ask").headings(3) == list(SEED_GROUPS)
    assert {
        group.title: [category.title for category in group.categories] for group in QUESTION_GROUPS
    } == SEED_GROUPS


def test_it_holds_exactly_the_seed_questions_of_every_category(seed: Block) -> None:
    bank = seed_bank(seed)
    for group in QUESTION_GROUPS:
        for category in group.categories:
            texts = [question.text for question in category.questions]
            assert set(texts) == set(bank[(group.title, category.title)])
            assert texts == bank[(group.title, category.title)]


def test_it_holds_exactly_the_seed_questions_overall(seed: Block) -> None:
    from_seed = [text for texts in seed_bank(seed).values() for text in texts]
    assert sorted(question.text for question in QUESTIONS) == sorted(from_seed)
    assert len(QUESTIONS) == 39


def test_it_stores_questions_without_surrounding_quote_marks() -> None:
    for question in QUESTIONS:
        assert question.text[0] not in "\"'“‘"
        assert question.text[-1] not in "\"'”’"


def test_it_gives_every_question_a_unique_stable_slug() -> None:
    keys = [question.key for question in QUESTIONS]
    assert len(keys) == len(set(keys))
    assert all(key.replace("_", "").isalnum() and key.islower() for key in keys)
    assert set(QUESTIONS_BY_KEY) == set(keys)


def test_it_tells_the_two_growth_categories_apart() -> None:
    assert QUESTION_CATEGORIES["current_growth"].title == "Growth"
    assert QUESTION_CATEGORIES["current_growth"].group == "current_state"
    assert QUESTION_CATEGORIES["coaching_growth"].title == "Growth"
    assert QUESTION_CATEGORIES["coaching_growth"].group == "coaching"
    assert len(QUESTION_CATEGORIES) == 12


def test_it_links_each_question_to_its_group_and_category() -> None:
    for group in QUESTION_GROUPS:
        for category in group.categories:
            assert category.group == group.key
            for question in category.questions:
                assert (question.group, question.category) == (group.key, category.key)


def test_it_lists_the_questions_of_a_category_in_seed_order() -> None:
    assert [question.text for question in questions_in("blockers")] == [
        "What's getting in the way of your best work?",
        "What support do you need that you're not getting?",
        "What would help you move faster?",
    ]


def test_it_rejects_an_unknown_category() -> None:
    with pytest.raises(ValueError, match="Unknown question category 'growth'"):
        questions_in("growth")
    with pytest.raises(ValueError):
        suggest_questions(asked_recently=set(), category="growth")


def test_it_finds_the_placeholders_a_question_asks_for() -> None:
    assert placeholders_in(QUESTIONS_BY_KEY["performing_at_criterion"].text) == ("criterion",)
    assert placeholders_in(QUESTIONS_BY_KEY["progress_on_skill"].text) == ("skill",)
    assert placeholders_in(QUESTIONS_BY_KEY["relative_to_level"].text) == ("level",)
    with_placeholders = {question.key for question in QUESTIONS if placeholders_in(question.text)}
    assert with_placeholders == {
        "performing_at_criterion",
        "progress_on_skill",
        "relative_to_level",
    }


def test_it_fills_the_placeholders_it_has_values_for() -> None:
    text = QUESTIONS_BY_KEY["performing_at_criterion"].text
    assert (
        fill_placeholders(text, criterion="code review", skill=None, level=None)
        == "How do you feel you're performing at code review?"
    )
    skill = QUESTIONS_BY_KEY["progress_on_skill"].text
    assert (
        fill_placeholders(skill, criterion=None, skill="system design", level=None)
        == "What progress have you made on system design?"
    )


def test_it_fills_a_level_key_with_its_seed_label() -> None:
    text = QUESTIONS_BY_KEY["relative_to_level"].text
    assert (
        fill_placeholders(text, criterion=None, skill=None, level="staff")
        == "Here's where I see you relative to Staff+ expectations..."
    )
    assert (
        fill_placeholders(text, criterion=None, skill=None, level="principal")
        == "Here's where I see you relative to principal expectations..."
    )


def test_it_leaves_a_placeholder_without_a_value_in_place() -> None:
    text = "[criterion] and [skill] at [level]"
    assert fill_placeholders(text, criterion=None, skill="", level="  ") == text
    assert fill_placeholders(text, criterion="testing") == "testing and [skill] at [level]"


def test_it_leaves_text_without_placeholders_unchanged() -> None:
    text = QUESTIONS_BY_KEY["what_drains_you"].text
    assert fill_placeholders(text, criterion="x", skill="y", level="senior") == text


def test_it_suggests_the_first_questions_in_seed_order_when_none_were_asked() -> None:
    suggested = suggest_questions(asked_recently=frozenset())
    assert suggested == list(QUESTIONS[:3])


def test_it_skips_questions_asked_recently() -> None:
    asked = {"where_in_few_years", "impact_wanted"}
    suggested = suggest_questions(asked_recently=asked, limit=3)
    assert [question.key for question in suggested] == [
        "what_success_looks_like",
        "management_or_ic",
        "learn_this_quarter",
    ]


def test_it_suggests_within_a_category() -> None:
    suggested = suggest_questions(
        asked_recently={"learned_past_month"}, category="current_growth", limit=5
    )
    assert [question.key for question in suggested] == ["tracking_goals", "progress_on_skill"]


def test_it_suggests_nothing_when_everything_was_asked_recently() -> None:
    asked = {question.key for question in questions_in("reflection")}
    assert suggest_questions(asked_recently=asked, category="reflection") == []


def test_it_suggests_the_same_questions_every_time() -> None:
    first = suggest_questions(asked_recently={"what_drains_you"}, limit=10)
    assert first == suggest_questions(asked_recently={"what_drains_you"}, limit=10)


def test_it_honours_the_limit_and_refuses_a_negative_one() -> None:
    assert suggest_questions(asked_recently=set(), limit=0) == []
    assert len(suggest_questions(asked_recently=set(), limit=100)) == len(QUESTIONS)
    with pytest.raises(ValueError):
        suggest_questions(asked_recently=set(), limit=-1)


def test_every_category_has_a_label_of_its_own() -> None:
    labels = [category.label for category in QUESTION_CATEGORIES.values()]
    assert len(labels) == len(set(labels))
    assert QUESTION_CATEGORIES["blockers"].label == "Blockers"  # unique titles stay as they are
    assert QUESTION_CATEGORIES["coaching_growth"].label == "Growth (Coaching Questions)"
