from __future__ import annotations

from rapport.framework.indicators import (
    POSITIVE_INDICATORS,
    RETROSPECTIVE_QUESTIONS,
    SIGN_MEASURES,
    WARNING_SIGNS,
    WHEN_DONE_POORLY,
    WHEN_DONE_WELL,
    WHY_ONE_ON_ONES,
)
from tests.framework.conftest import Block


def test_it_keeps_why_one_on_ones_matter_verbatim(seed: Block) -> None:
    why = seed.section("Why 1:1s Matter")
    assert list(WHY_ONE_ON_ONES) == why.bullets()
    assert why.bold_inline("When done well:") == WHEN_DONE_WELL
    assert why.bold_inline("When done poorly:") == WHEN_DONE_POORLY


def test_it_keeps_the_positive_indicators_verbatim(seed: Block) -> None:
    expected = seed.section("Positive Indicators").marked("✅")
    assert [indicator.text for indicator in POSITIVE_INDICATORS] == expected
    assert len(POSITIVE_INDICATORS) == 8


def test_it_keeps_the_warning_signs_verbatim(seed: Block) -> None:
    expected = seed.section("Measuring 1:1 Effectiveness").section("Warning Signs").marked("⚠️")
    assert [sign.text for sign in WARNING_SIGNS] == expected
    assert len(WARNING_SIGNS) == 8


def test_it_keeps_the_retrospective_questions_verbatim(seed: Block) -> None:
    asked = seed.section("Regular Retrospectives").bold("Ask your ICs periodically:")
    assert [question.text for question in RETROSPECTIVE_QUESTIONS] == asked.bullets()


def test_it_keys_every_indicator_and_sign_uniquely() -> None:
    keys = [item.key for item in (*POSITIVE_INDICATORS, *WARNING_SIGNS)]
    assert len(keys) == len(set(keys)) == 16
    retrospective = [question.key for question in RETROSPECTIVE_QUESTIONS]
    assert len(retrospective) == len(set(retrospective)) == 4


def test_it_says_what_rapport_measures_for_every_indicator_and_sign() -> None:
    keys = {item.key for item in (*POSITIVE_INDICATORS, *WARNING_SIGNS)}
    assert set(SIGN_MEASURES) == keys
    assert all(description.strip() for description in SIGN_MEASURES.values())


def test_it_measures_most_of_the_talking_against_the_70_30_rule() -> None:
    assert "30%" in SIGN_MEASURES["manager_talks_most"]
    assert "interval" in SIGN_MEASURES["career_rarely_discussed"]
