"""How the time went: seconds per part of the plan become seconds per kind of talk."""

from __future__ import annotations

import pytest

from rapport.framework.agenda import CAREER_PARTS, PART_KINDS, TIME_SPLIT_KEYS, time_by_kind


def test_every_part_of_both_plans_has_a_kind_of_talk() -> None:
    parts = {part.key for part in CAREER_PARTS} | {
        "opening",
        "their_topics",
        "my_topics",
        "career_check",
        "closing",
    }
    assert parts == set(PART_KINDS)
    assert {kind for kind in PART_KINDS.values() if kind} <= set(TIME_SPLIT_KEYS)


def test_a_career_1_1_is_mostly_career_time() -> None:
    spent = {"progress_review": 900, "feedback_exchange": 900, "forward_planning": 900}
    spent["action_items"] = 300
    totals = time_by_kind(spent, {})
    assert totals == {"tactical": 300, "skills": 900, "career": 1800}


def test_a_topic_parts_time_is_shared_among_the_kinds_of_its_discussed_topics() -> None:
    totals = time_by_kind(
        {"opening": 120, "their_topics": 900, "career_check": 300},
        {"their_topics": {"career": 1, "tactical": 2}},
    )
    assert totals == {"tactical": 120 + 600, "skills": 0, "career": 300 + 300}


def test_an_untagged_or_empty_topic_part_counts_as_tactical() -> None:
    totals = time_by_kind({"my_topics": 600, "their_topics": 60}, {"my_topics": {"status": 2}})
    assert totals == {"tactical": 660, "skills": 0, "career": 0}


def test_a_negative_stretch_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot last"):
        time_by_kind({"opening": -1}, {})
