from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime, timedelta

import pytest

from rapport.framework.cadence import (
    ADJUSTMENT_REASONS,
    CADENCE_TABLE,
    CANCELLATION_WARNING_COUNT,
    CANCELLATION_WARNING_DAYS,
    CAREER_MEETING_MINUTES,
    RESCHEDULE_RULES,
    SACRED_TIME_PRINCIPLE,
    SACRED_TIME_WARNING_SIGNS,
    SUGGESTED_END,
    SUGGESTED_START,
    WORKDAY_END,
    WORKDAY_START,
    cadence_for_level,
    cadence_refusal,
    cancellation_window_start,
    is_career_overdue,
    is_duration_allowed,
    is_frequency_allowed,
    move_refusal,
    too_many_cancellations,
    working_hours_concern,
)
from rapport.framework.levels import LEVEL_LABELS, LEVELS
from tests.framework.conftest import Block

# How Rapport reads the seed's words; the tests hold the data to these readings.
FREQUENCY_WEEKS = {"Weekly": {1}, "Bi-weekly": {2}, "Weekly or Bi-weekly": {1, 2}}
CAREER_DAYS = {"Every other week": 14, "Monthly": 30, "Bi-monthly": 60}


def cadence_rows(seed: Block) -> dict[str, list[str]]:
    rows = seed.section("Recommended Cadence").table()
    by_label = {label: level for level, label in LEVEL_LABELS.items()}
    return {by_label[row[0]]: row for row in rows}


def test_it_has_one_cadence_per_level_in_order() -> None:
    assert tuple(CADENCE_TABLE) == LEVELS
    assert all(CADENCE_TABLE[level].level == level for level in LEVELS)


def test_it_matches_every_row_of_the_cadence_table(seed: Block) -> None:
    rows = cadence_rows(seed)
    assert set(rows) == set(LEVELS)
    for level, (label, frequency, duration, career) in rows.items():
        cadence = CADENCE_TABLE[level]
        assert cadence.level_label == label
        assert cadence.frequency_label == frequency
        assert cadence.duration_label == duration
        assert cadence.career_label == career


def test_it_reads_each_duration_cell_as_its_minute_range(seed: Block) -> None:
    for level, row in cadence_rows(seed).items():
        numbers = [int(number) for number in re.findall(r"\d+", row[2])]
        cadence = CADENCE_TABLE[level]
        assert (cadence.min_duration_minutes, cadence.max_duration_minutes) == (
            numbers[0],
            numbers[-1],
        )
        assert cadence.default_duration_minutes == 30


def test_it_allows_every_frequency_the_table_names(seed: Block) -> None:
    for level, row in cadence_rows(seed).items():
        cadence = CADENCE_TABLE[level]
        assert FREQUENCY_WEEKS[row[1]] <= set(cadence.allowed_frequency_weeks)
        assert cadence.default_frequency_weeks in FREQUENCY_WEEKS[row[1]]


def test_it_allows_only_the_table_frequencies_except_for_staff_flexible_cadence(
    seed: Block,
) -> None:
    assert "Flexible cadence" in seed.section("Staff and Beyond").bold("Approach:").bullets()
    for level, row in cadence_rows(seed).items():
        allowed = set(CADENCE_TABLE[level].allowed_frequency_weeks)
        if level == "staff":
            assert allowed == {1, 2, 3, 4}
        else:
            assert allowed == FREQUENCY_WEEKS[row[1]]


def test_it_defaults_to_the_documented_frequencies() -> None:
    defaults = {level: CADENCE_TABLE[level].default_frequency_weeks for level in LEVELS}
    assert defaults == {"junior": 1, "confirmed": 1, "senior": 2, "staff": 2}


def test_it_reads_each_career_cell_as_an_interval_in_days_and_weeks(seed: Block) -> None:
    for level, row in cadence_rows(seed).items():
        cadence = CADENCE_TABLE[level]
        assert cadence.career_interval_days == CAREER_DAYS[row[3]]
    weeks = {level: CADENCE_TABLE[level].career_interval_weeks for level in LEVELS}
    assert weeks == {"junior": 2, "confirmed": 4, "senior": 4, "staff": 8}


def test_it_counts_regular_meetings_between_career_meetings() -> None:
    assert cadence_for_level("junior").career_every_n_meetings() == 2
    assert cadence_for_level("confirmed").career_every_n_meetings() == 4
    assert cadence_for_level("confirmed").career_every_n_meetings(2) == 2
    assert cadence_for_level("senior").career_every_n_meetings() == 2
    assert cadence_for_level("staff").career_every_n_meetings() == 4
    assert cadence_for_level("staff").career_every_n_meetings(3) == 3
    assert cadence_for_level("staff").career_every_n_meetings(4) == 2


def test_it_rejects_a_non_positive_frequency_when_counting_meetings() -> None:
    with pytest.raises(ValueError, match="positive number of weeks"):
        cadence_for_level("junior").career_every_n_meetings(0)


def test_it_takes_the_career_meeting_length_from_the_seed(seed: Block) -> None:
    headings = seed.section("Monthly Career-Focused 1:1").headings(4)
    assert headings == ["Structure for Career 1:1 (45-60 min)"]
    assert CAREER_MEETING_MINUTES == (45, 60)


def test_it_rejects_an_unknown_level_clearly() -> None:
    with pytest.raises(ValueError, match="Unknown level 'lead'"):
        cadence_for_level("lead")


def test_it_checks_frequencies_against_the_level() -> None:
    assert is_frequency_allowed("junior", 1)
    assert not is_frequency_allowed("junior", 2)
    assert is_frequency_allowed("confirmed", 2)
    assert not is_frequency_allowed("senior", 1)
    assert is_frequency_allowed("staff", 3)
    assert not is_frequency_allowed("staff", 6)


def test_it_checks_durations_against_the_level() -> None:
    assert is_duration_allowed("junior", 45)
    assert not is_duration_allowed("junior", 60)
    assert is_duration_allowed("senior", 30)
    assert not is_duration_allowed("senior", 45)


def test_it_refuses_an_override_that_contradicts_itself() -> None:
    with pytest.raises(ValueError, match="not among the allowed"):
        dataclasses.replace(CADENCE_TABLE["senior"], default_frequency_weeks=1)
    with pytest.raises(ValueError, match="min <= default <= max"):
        dataclasses.replace(CADENCE_TABLE["junior"], default_duration_minutes=50)


def test_it_accepts_a_consistent_override() -> None:
    weekly = dataclasses.replace(
        CADENCE_TABLE["senior"], allowed_frequency_weeks=(1, 2), default_frequency_weeks=1
    )
    assert weekly.allows_frequency(1)
    assert CADENCE_TABLE["senior"].allowed_frequency_weeks == (2,)


def test_it_lists_the_adjustment_reasons_verbatim(seed: Block) -> None:
    reasons = seed.section("Recommended Cadence").bold("Adjust based on:").bullets()
    assert [reason.text for reason in ADJUSTMENT_REASONS] == reasons
    assert [reason.key for reason in ADJUSTMENT_REASONS] == [
        "individual_needs",
        "current_projects",
        "active_development",
        "performance_concern",
        "remote",
    ]


def test_it_states_the_sacred_time_principle_verbatim(seed: Block) -> None:
    sacred = seed.section("Sacred Time Principle")
    assert f"**{SACRED_TIME_PRINCIPLE}**" in sacred.lines


def test_it_lists_the_reschedule_rules_verbatim(seed: Block) -> None:
    rules = seed.section("Sacred Time Principle").after("If you absolutely must reschedle:")
    assert [rule.text for rule in RESCHEDULE_RULES] == rules.bullets()


def test_it_lists_the_sacred_time_warning_signs_verbatim(seed: Block) -> None:
    signs = seed.section("Sacred Time Principle").bold("Warning signs:").bullets()
    assert [sign.text for sign in SACRED_TIME_WARNING_SIGNS] == signs


def test_it_takes_the_cancellation_threshold_from_the_warning_sign(seed: Block) -> None:
    signs = seed.section("Sacred Time Principle").bold("Warning signs:").bullets()
    match = re.search(r"(\d+)\+ times in (\d+) months", signs[0])
    assert match is not None
    assert int(match.group(1)) == CANCELLATION_WARNING_COUNT
    # Two months, whichever two: long enough for two 31-day months less a day.
    assert 59 <= CANCELLATION_WARNING_DAYS <= 62
    assert CANCELLATION_WARNING_DAYS == 61


def test_it_warns_from_the_third_cancellation() -> None:
    assert not too_many_cancellations(0)
    assert not too_many_cancellations(2)
    assert too_many_cancellations(3)
    assert too_many_cancellations(7)


def test_it_rejects_a_negative_cancellation_count() -> None:
    with pytest.raises(ValueError):
        too_many_cancellations(-1)


def test_it_counts_cancellations_over_a_rolling_window_including_today() -> None:
    start = cancellation_window_start(date(2025, 3, 31))
    assert start == date(2025, 1, 30)
    assert (date(2025, 3, 31) - start).days + 1 == CANCELLATION_WARNING_DAYS


def test_it_calls_career_overdue_past_the_level_interval() -> None:
    assert not is_career_overdue("junior", 14)
    assert is_career_overdue("junior", 15)
    assert not is_career_overdue("staff", 45)
    assert is_career_overdue("staff", 61)


def test_it_calls_career_overdue_when_it_was_never_discussed() -> None:
    assert is_career_overdue("senior", None)


@pytest.mark.parametrize(("frequency", "career"), [(2, 2), (2, 1), (4, 4), (1, 1)])
def test_a_career_interval_not_longer_than_the_frequency_is_refused(frequency, career) -> None:
    refusal = cadence_refusal(
        "staff",
        frequency_weeks=frequency,
        duration_minutes=30,
        career_every_weeks=career,
        weekday=1,
        reason="remote",
    )
    assert refusal is not None and "every meeting a career 1:1" in refusal


def test_the_levels_own_cadence_needs_no_reason() -> None:
    for level in LEVELS:
        row = cadence_for_level(level)
        assert (
            cadence_refusal(
                level,
                frequency_weeks=row.default_frequency_weeks,
                duration_minutes=row.default_duration_minutes,
                career_every_weeks=row.career_interval_weeks,
                weekday=1,
                reason="",
            )
            is None
        )


@pytest.mark.parametrize(
    ("ahead", "refused"),
    [
        (timedelta(0), "in the future"),
        (timedelta(hours=1), None),
        (timedelta(weeks=8), None),
        (timedelta(weeks=8, minutes=1), "within the next 8 weeks"),
        (timedelta(days=2_912_101), "within the next 8 weeks"),
    ],
)
def test_a_one_on_one_moves_to_a_time_ahead_within_the_horizon(ahead, refused) -> None:
    refusal = move_refusal(ahead, horizon_weeks=8)
    assert refusal is None if refused is None else refused in refusal


@pytest.mark.parametrize(
    ("start", "minutes", "concern"),
    [
        (datetime(2099, 12, 7, 10, 0), 30, None),  # a Monday morning
        (datetime(2099, 12, 7, 8, 0), 30, None),  # the first minute of the day
        (datetime(2099, 12, 7, 7, 59), 30, "early"),
        (datetime(2099, 12, 7, 3, 0), 30, "early"),
        (datetime(2099, 12, 7, 18, 30), 30, None),  # ends at 19:00 sharp
        (datetime(2099, 12, 7, 18, 30), 45, "late"),  # the planned minutes end it at 19:15
        (datetime(2099, 12, 7, 22, 30), 30, "late"),
        (datetime(2099, 12, 11, 23, 45), 30, "late"),  # a Friday, ending after midnight
        (datetime(2099, 12, 12, 11, 0), 30, "weekend"),  # a Saturday
        (datetime(2099, 12, 13, 11, 0), 30, "weekend"),  # a Sunday
    ],
)
def test_working_hours_are_weekdays_from_eight_to_seven(start, minutes, concern) -> None:
    assert working_hours_concern(start, minutes) == concern


def test_suggested_hours_sit_an_hour_inside_the_working_day_at_each_end() -> None:
    # Suggestions are preferred hours, not a second rule: narrower, so a suggested time stays
    # inside the working day when one person's clocks move an hour before the other's.
    day = date(2099, 12, 7)
    slack_before = datetime.combine(day, SUGGESTED_START) - datetime.combine(day, WORKDAY_START)
    slack_after = datetime.combine(day, WORKDAY_END) - datetime.combine(day, SUGGESTED_END)
    assert slack_before >= timedelta(hours=1) and slack_after >= timedelta(hours=1)
    assert SUGGESTED_START < SUGGESTED_END
