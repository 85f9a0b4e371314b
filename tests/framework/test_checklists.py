from __future__ import annotations

import re

from rapport.framework.checklists import (
    CHECKLIST_PHASE_TITLES,
    CHECKLIST_PHASES,
    DURING_DO,
    DURING_DONT,
    DURING_MEETING,
    IC_PREPARATION,
    IC_SHARE_AHEAD,
    MANAGER_PREPARATION,
    MANAGER_PREPARATION_MINUTES,
    POST_MEETING,
    PRE_MEETING,
    ChecklistItem,
)
from tests.framework.conftest import Block


def texts(items: tuple[ChecklistItem, ...]) -> list[str]:
    return [item.text for item in items]


def test_it_keeps_the_pre_meeting_checklist_verbatim(seed: Block) -> None:
    assert texts(PRE_MEETING) == seed.section("1:1 Checklist").section("Pre-Meeting").bullets()


def test_it_keeps_the_during_meeting_checklist_verbatim(seed: Block) -> None:
    expected = seed.section("1:1 Checklist").section("During Meeting").bullets()
    assert texts(DURING_MEETING) == expected


def test_it_keeps_the_post_meeting_checklist_verbatim(seed: Block) -> None:
    expected = seed.section("1:1 Checklist").section("Post-Meeting").bullets()
    assert texts(POST_MEETING) == expected


def test_it_orders_the_checklist_phases_as_the_seed(seed: Block) -> None:
    assert list(CHECKLIST_PHASE_TITLES.values()) == seed.section("1:1 Checklist").headings(3)
    assert list(CHECKLIST_PHASES) == list(CHECKLIST_PHASE_TITLES)
    assert CHECKLIST_PHASES["during"] == DURING_MEETING


def test_it_keeps_the_manager_preparation_verbatim(seed: Block) -> None:
    before = seed.section("Preparation (Manager)").bold("Before Each Meeting:")
    assert texts(MANAGER_PREPARATION) == before.bullets()


def test_it_takes_the_preparation_time_from_the_seed(seed: Block) -> None:
    investment = seed.section("Preparation (Manager)").bold_inline("Time Investment:")
    assert investment == "10-15 minutes"
    low, high = (int(number) for number in re.findall(r"\d+", investment))
    assert (low, high) == MANAGER_PREPARATION_MINUTES


def test_it_keeps_the_ic_preparation_verbatim_with_prompt_keys(seed: Block) -> None:
    encourage = seed.section("Preparation (IC)").bold("Encourage them to prepare:")
    assert texts(IC_PREPARATION) == encourage.bullets()
    assert [item.key for item in IC_PREPARATION] == [
        "topics",
        "questions",
        "goal_updates",
        "blockers",
        "wins",
    ]


def test_it_keeps_the_advice_to_share_ahead(seed: Block) -> None:
    assert seed.section("Preparation (IC)").bold_inline("Share ahead of time:") == IC_SHARE_AHEAD


def test_it_keeps_the_dos_and_donts_of_the_meeting_verbatim(seed: Block) -> None:
    during = seed.section("During the Meeting")
    assert texts(DURING_DO) == during.bold("✅ Do:").bullets()
    assert texts(DURING_DONT) == during.bold("❌ Don't:").bullets()


def test_it_keys_every_list_uniquely() -> None:
    for items in (
        PRE_MEETING,
        DURING_MEETING,
        POST_MEETING,
        MANAGER_PREPARATION,
        IC_PREPARATION,
        DURING_DO,
        DURING_DONT,
    ):
        keys = [item.key for item in items]
        assert len(keys) == len(set(keys))


def test_it_lets_an_item_serve_as_a_choice_pair() -> None:
    key, text = IC_PREPARATION[0]
    assert (key, text) == ("topics", "Topics they want to discuss")
