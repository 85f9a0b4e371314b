"""The 16 signs judged from plain figures against the thresholds: pure framework rules."""

from __future__ import annotations

import pytest

from rapport.framework import indicators
from rapport.framework.thresholds import (
    DEFAULTS,
    THRESHOLDS_BY_KEY,
    check_thresholds,
    thresholds_with,
)

HEALTHY = {
    "held": 8,
    "ic_agenda_share": 65,
    "ic_preparation": 90,
    "status_share": 10,
    "talk_share": 25,
    "talk_measured": 4,
    "items_due": 5,
    "items_on_time_share": 80,
    "overdue_items": 0,
    "feedback_count": 3,
    "feedback_valued_share": 67,
    "constructive_count": 1,
    "review_constructive": 2,
    "mood_average": 4.2,
    "mood_drop": 0.0,
    "cancellations": 0,
    "days_since_career": 10,
    "goal_progress_share": 100,
}


def judged(level: str = "junior", **changes: object) -> dict[str, indicators.Reading]:
    readings = indicators.judge({**HEALTHY, **changes}, DEFAULTS, level=level)
    return {reading.key: reading for reading in readings}


def test_a_healthy_relationship_holds_every_indicator_and_shows_no_sign() -> None:
    readings = judged()
    assert len(readings) == 16
    assert all(reading.state == indicators.GOOD for reading in readings.values())
    assert not any(reading.fires for reading in readings.values())


@pytest.mark.parametrize(
    ("sign", "changes", "words"),
    [
        ("manager_talks_most", {"talk_share": 45}, "45%"),
        ("transactional", {"status_share": 70}, "70% of the topics were only status updates"),
        ("career_rarely_discussed", {"days_since_career": 40}, "40 days ago"),
        ("career_rarely_discussed", {"days_since_career": None}, "never discussed"),
        ("review_surprises", {"review_constructive": 0}, "0 constructive"),
        ("distant_relationship", {"cancellations": 3}, "cancelled 3 times"),
        ("distant_relationship", {"mood_drop": 1.5}, "fell by 1.5"),
        ("ics_unprepared", {"ic_preparation": 40}, "only 40%"),
        ("action_items_forgotten", {"overdue_items": 2}, "2 action items are still open"),
        ("feedback_ignored", {"feedback_valued_share": 20}, "Only 20%"),
    ],
)
def test_each_warning_sign_fires_with_a_sentence_naming_its_figures(sign, changes, words) -> None:
    reading = judged(**changes)[sign]
    assert reading.fires
    assert words in reading.sentence
    assert reading.next_step is not None
    assert reading.figures and all(key in indicators.FIGURES for key in reading.figures)


def test_the_sentences_name_the_two_people_as_the_reader_knows_them() -> None:
    def sentences(**names: str) -> dict[str, str]:
        figures = {**HEALTHY, "cancellations": 3, "mood_drop": 1.5, "talk_share": 45}
        readings = indicators.judge(
            {**figures, "ic_preparation": 40}, DEFAULTS, level="junior", **names
        )
        return {reading.key: reading.sentence for reading in readings}

    by_role = sentences()
    assert by_role["distant_relationship"].startswith("The manager cancelled 3 times")
    assert by_role["distant_relationship"].endswith("and the mood fell by 1.5 points.")
    assert by_role["manager_talks_most"].startswith("The manager talked 45%")
    assert by_role["ics_unprepared"].startswith("The IC added a topic")

    # The manager reading their own team: "you" for them, the report by first name.
    own = sentences(manager=indicators.YOU, ic="Tomás")
    assert own["distant_relationship"].startswith("You cancelled 3 times")
    assert own["manager_talks_most"].startswith("You talked 45%")
    assert own["ics_unprepared"].startswith("Tomás added a topic before the start of only 40%")

    # A director reading another manager's team: both by first name, capitals kept.
    calm = indicators.judge(HEALTHY, DEFAULTS, level="junior", manager="McKenzie", ic="Tomás")
    sentence = {reading.key: reading.sentence for reading in calm}["distant_relationship"]
    assert sentence.startswith("0 cancellations by McKenzie in ")
    you = indicators.judge(HEALTHY, DEFAULTS, level="junior", manager=indicators.YOU)
    assert "0 cancellations by you in " in {r.key: r.sentence for r in you}["distant_relationship"]


@pytest.mark.parametrize(
    ("indicator", "changes"),
    [
        ("ics_drive_agenda", {"ic_agenda_share": 30}),
        ("open_conversations", {"status_share": 80}),
        ("career_progress_visible", {"goal_progress_share": 10}),
        ("issues_surface_early", {"constructive_count": 0}),
        ("strong_trust", {"mood_average": 2.1}),
        ("ics_prepare", {"ic_preparation": 10}),
        ("action_items_completed", {"items_on_time_share": 30}),
        ("feedback_valued", {"feedback_valued_share": 0}),
    ],
)
def test_each_positive_indicator_fails_when_its_figure_falls_short(indicator, changes) -> None:
    reading = judged(**changes)[indicator]
    assert reading.state == indicators.ATTENTION
    assert not reading.fires  # an indicator that fails is not counted as a warning sign


def test_too_few_meetings_says_not_enough_data_rather_than_firing() -> None:
    readings = judged(held=2, ic_preparation=0, status_share=100)
    assert readings["ics_unprepared"].state == indicators.NO_DATA
    assert readings["ics_unprepared"].sentence == "Not enough data yet (2 meetings)."
    assert not readings["transactional"].fires


def test_missing_goals_and_review_dates_are_said_so() -> None:
    readings = judged(goal_progress_share=None, review_constructive=None)
    assert readings["career_progress_visible"].sentence == "No goals recorded yet."
    assert "no review date" in readings["review_surprises"].sentence


def test_the_talk_threshold_is_the_guides_70_30_rule_and_tunable() -> None:
    assert DEFAULTS["manager_talk_share_max"] == 30
    assert not judged(talk_share=30)["manager_talks_most"].fires
    assert judged(talk_share=31)["manager_talks_most"].fires
    tuned = indicators.judge(
        {**HEALTHY, "talk_share": 35}, {**DEFAULTS, "manager_talk_share_max": 40}, level="junior"
    )
    assert not next(r for r in tuned if r.key == "manager_talks_most").fires


def test_cancellations_fire_at_the_guides_three_in_two_months() -> None:
    assert DEFAULTS["cancellation_warning_count"] == 3
    assert not judged(cancellations=2)["distant_relationship"].fires
    assert judged(cancellations=3)["distant_relationship"].fires


def test_career_is_judged_against_the_levels_interval() -> None:
    assert judged("junior", days_since_career=20)["career_rarely_discussed"].fires
    assert not judged("staff", days_since_career=20)["career_rarely_discussed"].fires


def test_thresholds_are_checked_with_a_sentence_for_each_bad_value() -> None:
    clean, errors = check_thresholds(
        {"manager_talk_share_max": "45", "min_meetings": "0", "window_days": "abc"}
    )
    assert clean == {"manager_talk_share_max": 45}
    assert "outside 1–12" in errors["min_meetings"]
    assert "not a whole number" in errors["window_days"]
    assert THRESHOLDS_BY_KEY["mood_min"].check(" 4 ") == 4


def test_an_organisations_values_lie_over_the_defaults() -> None:
    merged = thresholds_with({"status_share_max": 40, "unknown": 3})
    assert merged["status_share_max"] == 40
    assert "unknown" not in merged
    assert merged["manager_talk_share_max"] == DEFAULTS["manager_talk_share_max"]


def test_every_sign_has_a_figure_and_a_next_step() -> None:
    keys = {item.key for item in indicators.POSITIVE_INDICATORS + indicators.WARNING_SIGNS}
    assert set(indicators.SIGN_FIGURES) == keys == set(indicators.NEXT_STEPS)
    assert {step.kind for step in indicators.NEXT_STEPS.values()} <= {
        "question",
        "playbook",
        "schedule",
    }


def test_every_next_step_points_at_something_that_exists() -> None:
    from rapport.framework.playbooks import PLAYBOOKS_BY_KEY
    from rapport.framework.questions import QUESTION_CATEGORIES

    for step in indicators.NEXT_STEPS.values():
        if step.kind == "question":
            assert step.target in QUESTION_CATEGORIES, step
        elif step.kind == "playbook":
            assert step.target in PLAYBOOKS_BY_KEY, step
        else:
            assert step.target in {"add_topics", "review_items", "career", "cadence"}, step
