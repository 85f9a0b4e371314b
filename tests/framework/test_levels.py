from __future__ import annotations

import pytest

from rapport.framework.levels import (
    LEVEL_CHOICES,
    LEVEL_LABELS,
    LEVELS,
    check_level,
    level_label,
    next_level,
)
from tests.framework.conftest import Block


def test_it_labels_levels_as_the_cadence_table_does(seed: Block) -> None:
    table_labels = [row[0] for row in seed.section("Recommended Cadence").table()]
    assert [LEVEL_LABELS[level] for level in LEVELS] == table_labels


def test_it_offers_choices_in_career_order() -> None:
    assert LEVEL_CHOICES == (
        ("junior", "Junior"),
        ("confirmed", "Confirmed"),
        ("senior", "Senior"),
        ("staff", "Staff+"),
    )


def test_it_names_the_next_level_up_the_ladder() -> None:
    assert next_level("junior") == "confirmed"
    assert next_level("confirmed") == "senior"
    assert next_level("senior") == "staff"


def test_it_has_no_level_after_staff() -> None:
    assert next_level("staff") is None


def test_it_rejects_an_unknown_level_with_the_known_ones_in_the_message() -> None:
    with pytest.raises(ValueError, match=r"Unknown level 'principal'.*junior, confirmed"):
        next_level("principal")
    with pytest.raises(ValueError):
        check_level("Senior")


def test_it_gives_the_seed_label_for_a_level() -> None:
    assert level_label("staff") == "Staff+"


def test_it_keeps_level_labels_read_only() -> None:
    with pytest.raises(TypeError):
        LEVEL_LABELS["junior"] = "Intern"  # type: ignore[index]
