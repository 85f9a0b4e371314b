from __future__ import annotations

import itertools
import re

import pytest

from rapport.framework.agenda import (
    CAREER_CHECK_MINUTES,
    CAREER_CHECK_QUESTIONS,
    CAREER_FOCUS_RULE,
    CAREER_PARTS,
    CLOSING_MINUTES,
    IC_TALK_SHARE,
    LEVEL_STYLES,
    MANAGER_JOBS,
    MANAGER_TALK_SHARE,
    MEETING_STRUCTURE,
    MY_TOPICS_SHARE,
    OPENING_MINUTES,
    TALK_RULE,
    THEIR_MEETING,
    THEIR_TOPICS_SHARE,
    TIME_SPLIT_KEYS,
    TIME_SPLITS,
    Timebox,
    agenda_plan,
    breaks_talk_rule,
    time_split_minutes,
)
from rapport.framework.levels import LEVELS
from tests.framework.conftest import Block

STYLE_HEADINGS = {
    "junior": "Junior Developers",
    "confirmed": "Confirmed Developers",
    "senior": "Senior Developers",
    "staff": "Staff and Beyond",
}


def size_range(label: str) -> tuple[int, int]:
    low, high = re.findall(r"\d+", label)
    return int(low), int(high)


def minutes(plan: tuple[Timebox, ...]) -> dict[str, int]:
    return {box.key: box.minutes for box in plan}


# --- The seed, verbatim ----------------------------------------------------------


def test_it_states_the_70_30_rule_as_the_seed_does(seed: Block) -> None:
    rule = seed.section("The 70/30 Rule")
    assert f"**{TALK_RULE}**" in rule.lines
    shares = tuple(int(share) for share in re.findall(r"(\d+)%", TALK_RULE))
    assert shares == (IC_TALK_SHARE, MANAGER_TALK_SHARE)
    line = next(line for line in rule.lines if line.startswith("This is"))
    assert line.replace("**", "") == f"{THEIR_MEETING} Your job is to:"


def test_it_lists_the_managers_job_verbatim(seed: Block) -> None:
    assert list(MANAGER_JOBS) == seed.section("The 70/30 Rule").bullets()


def test_it_follows_the_basic_meeting_structure_headings(seed: Block) -> None:
    headings = seed.section("Basic Meeting Structure").headings(4)
    assert headings == [
        f"{part.number}. {part.title} ({part.size_label})" for part in MEETING_STRUCTURE
    ]


def test_it_keeps_every_prompt_of_the_meeting_structure(seed: Block) -> None:
    structure = seed.section("Basic Meeting Structure")
    for part in MEETING_STRUCTURE:
        heading = f"{part.number}. {part.title} ({part.size_label})"
        assert list(part.prompts) == structure.section(heading).bullets()


def test_it_takes_the_opening_closing_and_share_ranges_from_the_headings() -> None:
    opening, their, mine, closing = MEETING_STRUCTURE
    assert size_range(opening.size_label) == OPENING_MINUTES == (2, 3)
    assert size_range(closing.size_label) == CLOSING_MINUTES == (2, 3)
    assert size_range(their.size_label) == THEIR_TOPICS_SHARE == (50, 60)
    assert size_range(mine.size_label) == MY_TOPICS_SHARE == (30, 40)
    assert [part.key for part in MEETING_STRUCTURE] == [
        "opening",
        "their_topics",
        "my_topics",
        "closing",
    ]


def test_it_states_the_monthly_career_rule_verbatim(seed: Block) -> None:
    assert f"**{CAREER_FOCUS_RULE}**" in seed.section("Monthly Career-Focused 1:1").lines


def test_it_follows_the_career_structure_parts_and_minutes(seed: Block) -> None:
    structure = seed.section("Structure for Career 1:1 (45-60 min)")
    labels = [line.strip("*") for line in structure.lines if line.startswith("**Part")]
    assert labels == [
        f"Part {part.number}: {part.title} ({part.minutes} min)" for part in CAREER_PARTS
    ]
    assert [part.minutes for part in CAREER_PARTS] == [15, 15, 15, 5]


def test_it_keeps_every_prompt_of_the_career_structure(seed: Block) -> None:
    structure = seed.section("Structure for Career 1:1 (45-60 min)")
    for part in CAREER_PARTS:
        label = f"Part {part.number}: {part.title} ({part.minutes} min)"
        assert list(part.prompts) == structure.bold(label).bullets()


def test_it_asks_the_three_career_check_questions_verbatim(seed: Block) -> None:
    check = seed.section("Weekly Career Touch-points").bold("5-Minute Career Check:")
    assert list(CAREER_CHECK_QUESTIONS) == check.bullets()
    assert CAREER_CHECK_MINUTES == 5


def test_it_splits_each_level_as_the_seed_does(seed: Block) -> None:
    for level in LEVELS:
        bullets = seed.section(STYLE_HEADINGS[level]).bold("Time Split:").bullets()
        assert [f"{part.percent}% {part.label}" for part in TIME_SPLITS[level]] == bullets


def test_it_keys_every_split_tactical_skills_career_summing_to_100() -> None:
    for level in LEVELS:
        split = TIME_SPLITS[level]
        assert tuple(part.key for part in split) == TIME_SPLIT_KEYS
        assert sum(part.percent for part in split) == 100


def test_it_keeps_each_level_style_verbatim(seed: Block) -> None:
    assert tuple(LEVEL_STYLES) == LEVELS
    for level in LEVELS:
        style = LEVEL_STYLES[level]
        section = seed.section(style.title)
        assert style.title == STYLE_HEADINGS[level]
        assert list(style.focus) == section.bold("Focus:").bullets()
        assert list(style.approach) == section.bold("Approach:").bullets()
        assert style.time_split == TIME_SPLITS[level]


def test_it_covers_every_style_heading_of_the_seed(seed: Block) -> None:
    headings = seed.section("Different 1:1 Styles by Level").headings(3)
    assert headings == [LEVEL_STYLES[level].title for level in LEVELS]


# --- Talk rule ----------------------------------------------------------------


def test_it_flags_a_manager_talking_more_than_30_percent() -> None:
    assert not breaks_talk_rule(30)
    assert not breaks_talk_rule(12.5)
    assert breaks_talk_rule(30.1)
    assert breaks_talk_rule(65)


def test_it_rejects_a_talk_share_outside_0_to_100() -> None:
    with pytest.raises(ValueError):
        breaks_talk_rule(130)


# --- Regular plans ------------------------------------------------------------


@pytest.mark.parametrize("duration", range(15, 121))
def test_it_fills_a_regular_meeting_with_contiguous_boxes_summing_exactly(duration: int) -> None:
    plan = agenda_plan(duration_minutes=duration, kind="regular", level="confirmed")
    assert [box.key for box in plan] == [
        "opening",
        "their_topics",
        "my_topics",
        "career_check",
        "closing",
    ]
    assert plan[0].start_minute == 0
    for before, after in itertools.pairwise(plan):
        assert after.start_minute == before.end_minute
    assert plan[-1].end_minute == duration
    assert sum(box.minutes for box in plan) == duration
    assert all(box.minutes >= 1 for box in plan)


@pytest.mark.parametrize("duration", range(30, 121))
def test_it_keeps_a_regular_meeting_within_the_seed_ranges(duration: int) -> None:
    planned = minutes(agenda_plan(duration_minutes=duration, kind="regular", level="senior"))
    mine = planned["my_topics"] + planned["career_check"]
    assert OPENING_MINUTES[0] <= planned["opening"] <= OPENING_MINUTES[1]
    assert CLOSING_MINUTES[0] <= planned["closing"] <= CLOSING_MINUTES[1]
    assert 50 <= 100 * planned["their_topics"] / duration <= 60
    assert 30 <= 100 * mine / duration <= 40


@pytest.mark.parametrize(
    ("duration", "expected"),
    [
        (30, {"opening": 3, "their_topics": 15, "my_topics": 4, "career_check": 5, "closing": 3}),
        (45, {"opening": 3, "their_topics": 23, "my_topics": 11, "career_check": 5, "closing": 3}),
        (60, {"opening": 3, "their_topics": 32, "my_topics": 17, "career_check": 5, "closing": 3}),
    ],
)
def test_it_plans_the_usual_lengths_exactly(duration: int, expected: dict[str, int]) -> None:
    planned = minutes(agenda_plan(duration_minutes=duration, kind="regular", level="junior"))
    assert planned == expected


def test_it_opens_and_closes_in_two_minutes_below_thirty() -> None:
    planned = minutes(agenda_plan(duration_minutes=25, kind="regular", level="junior"))
    assert planned["opening"] == planned["closing"] == 2


def test_it_shortens_only_the_closing_when_the_ranges_demand_it() -> None:
    planned = minutes(agenda_plan(duration_minutes=31, kind="regular", level="junior"))
    assert (planned["opening"], planned["closing"]) == (3, 2)


def test_it_gives_the_career_check_five_minutes_when_there_is_room() -> None:
    for duration in range(20, 121):
        plan = agenda_plan(duration_minutes=duration, kind="regular", level="staff")
        assert minutes(plan)["career_check"] == CAREER_CHECK_MINUTES


def test_it_shrinks_the_career_check_in_a_very_short_meeting_but_keeps_it() -> None:
    planned = minutes(agenda_plan(duration_minutes=15, kind="regular", level="junior"))
    assert planned == {
        "opening": 2,
        "their_topics": 7,
        "my_topics": 1,
        "career_check": 3,
        "closing": 2,
    }


def test_it_puts_the_career_check_right_after_my_topics_with_its_questions() -> None:
    plan = agenda_plan(duration_minutes=30, kind="regular", level="senior")
    keys = [box.key for box in plan]
    check = plan[keys.index("career_check")]
    assert keys.index("career_check") == keys.index("my_topics") + 1
    assert check.prompts == CAREER_CHECK_QUESTIONS


def test_it_carries_the_seed_prompts_into_each_regular_box() -> None:
    plan = agenda_plan(duration_minutes=30, kind="regular", level="senior")
    by_key = {box.key: box for box in plan}
    for part in MEETING_STRUCTURE:
        assert by_key[part.key].prompts == part.prompts
        assert by_key[part.key].title == part.title


# --- Career plans -------------------------------------------------------------


@pytest.mark.parametrize(
    ("duration", "expected"),
    [(45, [14, 14, 13, 4]), (50, [15, 15, 15, 5]), (60, [18, 18, 18, 6])],
)
def test_it_scales_the_career_parts_to_the_meeting(duration: int, expected: list[int]) -> None:
    plan = agenda_plan(duration_minutes=duration, kind="career", level="senior")
    assert [box.key for box in plan] == [part.key for part in CAREER_PARTS]
    assert [box.minutes for box in plan] == expected
    assert plan[-1].end_minute == duration


@pytest.mark.parametrize("duration", range(15, 121))
def test_it_fills_a_career_meeting_contiguously_and_exactly(duration: int) -> None:
    plan = agenda_plan(duration_minutes=duration, kind="career", level="staff")
    assert plan[0].start_minute == 0
    for before, after in itertools.pairwise(plan):
        assert after.start_minute == before.end_minute
    assert sum(box.minutes for box in plan) == duration


def test_it_carries_the_career_prompts_into_each_career_box() -> None:
    plan = agenda_plan(duration_minutes=50, kind="career", level="junior")
    assert [box.prompts for box in plan] == [part.prompts for part in CAREER_PARTS]
    assert [box.title for box in plan] == [part.title for part in CAREER_PARTS]


# --- Errors -------------------------------------------------------------------


@pytest.mark.parametrize("duration", [0, 14, 121, 240])
def test_it_refuses_to_plan_a_meeting_too_short_or_too_long(duration: int) -> None:
    with pytest.raises(ValueError, match="between 15 and 120 minutes"):
        agenda_plan(duration_minutes=duration, kind="regular", level="junior")


def test_it_refuses_a_fractional_duration() -> None:
    with pytest.raises(ValueError, match="whole number of minutes"):
        agenda_plan(duration_minutes=30.5, kind="regular", level="junior")  # type: ignore[arg-type]


def test_it_refuses_an_unknown_meeting_kind() -> None:
    with pytest.raises(ValueError, match="Unknown meeting kind 'standup'"):
        agenda_plan(duration_minutes=30, kind="standup", level="junior")


def test_it_refuses_an_unknown_level() -> None:
    with pytest.raises(ValueError, match="Unknown level 'intern'"):
        agenda_plan(duration_minutes=30, kind="regular", level="intern")


# --- Time split in minutes ----------------------------------------------------


def test_it_splits_minutes_by_the_level_percentages() -> None:
    assert time_split_minutes("junior", 30) == {"tactical": 15, "skills": 9, "career": 6}
    assert time_split_minutes("staff", 60) == {"tactical": 6, "skills": 12, "career": 42}


@pytest.mark.parametrize("level", LEVELS)
def test_it_splits_any_length_into_shares_summing_exactly(level: str) -> None:
    for total in range(0, 121):
        split = time_split_minutes(level, total)
        assert tuple(split) == TIME_SPLIT_KEYS
        assert sum(split.values()) == total
        for part in TIME_SPLITS[level]:
            assert abs(split[part.key] - total * part.percent / 100) < 1


def test_it_refuses_a_negative_number_of_minutes_to_split() -> None:
    with pytest.raises(ValueError):
        time_split_minutes("senior", -5)
