from __future__ import annotations

import pytest

from rapport.framework.playbooks import PLAYBOOKS, PLAYBOOKS_BY_KEY, playbook
from tests.framework.conftest import Block


def conversations(seed: Block) -> Block:
    return seed.section("Handling Difficult Conversations")


def test_it_has_the_four_playbooks_in_seed_order(seed: Block) -> None:
    assert [entry.title for entry in PLAYBOOKS] == conversations(seed).headings(3)
    assert [entry.key for entry in PLAYBOOKS] == [
        "underperforming",
        "disengaged",
        "wants_to_leave",
        "bad_news",
    ]


def test_it_keeps_every_step_of_every_playbook_verbatim(seed: Block) -> None:
    for entry in PLAYBOOKS:
        section = conversations(seed).section(entry.title)
        assert [(step.title, step.text) for step in entry.steps] == section.numbered()


def test_it_keeps_every_example_verbatim_without_its_quote_marks(seed: Block) -> None:
    for entry in PLAYBOOKS:
        assert entry.example == conversations(seed).section(entry.title).quote()
        assert not entry.example.startswith('"')


def test_it_looks_a_playbook_up_by_key() -> None:
    assert playbook("bad_news").title == "When You Have to Deliver Bad News"
    assert playbook("wants_to_leave") is PLAYBOOKS_BY_KEY["wants_to_leave"]


def test_it_rejects_an_unknown_playbook() -> None:
    with pytest.raises(ValueError, match="Unknown playbook 'layoffs'"):
        playbook("layoffs")
