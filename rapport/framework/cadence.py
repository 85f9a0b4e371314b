"""How often and how long 1:1s run per level, and the sacred-time rules."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import MappingProxyType

from rapport.framework.items import Item
from rapport.framework.levels import LEVEL_LABELS, check_level


@dataclass(frozen=True, slots=True)
class Cadence:
    """One row of the seed's "Recommended Cadence" table, with numbers to schedule by."""

    level: str
    # The *_label fields are the seed's table cells verbatim; the numbers beside
    # them are how Rapport reads those cells.
    level_label: str
    frequency_label: str
    allowed_frequency_weeks: tuple[int, ...]
    default_frequency_weeks: int
    duration_label: str
    min_duration_minutes: int
    max_duration_minutes: int
    default_duration_minutes: int
    career_label: str
    career_interval_days: int
    career_interval_weeks: int

    def __post_init__(self) -> None:
        # Organisations override rows with dataclasses.replace(); refuse rows that
        # contradict themselves instead of scheduling nonsense later.
        if self.default_frequency_weeks not in self.allowed_frequency_weeks:
            raise ValueError(
                f"Default frequency {self.default_frequency_weeks} weeks is not among the "
                f"allowed frequencies {self.allowed_frequency_weeks} for {self.level}."
            )
        low, default, high = (
            self.min_duration_minutes,
            self.default_duration_minutes,
            self.max_duration_minutes,
        )
        if not 0 < low <= default <= high:
            raise ValueError(
                f"Durations for {self.level} must satisfy 0 < min <= default <= max minutes."
            )
        if self.career_interval_days <= 0 or self.career_interval_weeks <= 0:
            raise ValueError(f"The career-focus interval for {self.level} must be positive.")

    def allows_frequency(self, weeks: int) -> bool:
        """Say whether a meeting every `weeks` weeks fits this level."""
        return weeks in self.allowed_frequency_weeks

    def allows_duration(self, minutes: int) -> bool:
        """Say whether a regular 1:1 of `minutes` minutes fits this level."""
        return self.min_duration_minutes <= minutes <= self.max_duration_minutes

    def career_every_n_meetings(self, frequency_weeks: int | None = None) -> int:
        """Return how many regular meetings apart career-focused 1:1s fall."""
        weeks = self.default_frequency_weeks if frequency_weeks is None else frequency_weeks
        if weeks <= 0:
            raise ValueError(f"A frequency must be a positive number of weeks, not {weeks}.")
        # Round half up so a 3-weekly staff series lands a career 1:1 every 3rd
        # meeting (9 weeks) rather than every 2nd (6 weeks); never less than every meeting.
        return max(1, math.floor(self.career_interval_weeks / weeks + 0.5))


CADENCE_TABLE: Mapping[str, Cadence] = MappingProxyType(
    {
        "junior": Cadence(
            level="junior",
            level_label=LEVEL_LABELS["junior"],
            frequency_label="Weekly",
            allowed_frequency_weeks=(1,),
            default_frequency_weeks=1,
            duration_label="30-45 min",
            min_duration_minutes=30,
            max_duration_minutes=45,
            default_duration_minutes=30,
            career_label="Every other week",
            career_interval_days=14,
            career_interval_weeks=2,
        ),
        "confirmed": Cadence(
            level="confirmed",
            level_label=LEVEL_LABELS["confirmed"],
            frequency_label="Weekly or Bi-weekly",
            allowed_frequency_weeks=(1, 2),
            # The table names weekly first; a manager moves to bi-weekly as autonomy grows.
            default_frequency_weeks=1,
            duration_label="30 min",
            min_duration_minutes=30,
            max_duration_minutes=30,
            default_duration_minutes=30,
            career_label="Monthly",
            career_interval_days=30,
            career_interval_weeks=4,
        ),
        "senior": Cadence(
            level="senior",
            level_label=LEVEL_LABELS["senior"],
            frequency_label="Bi-weekly",
            allowed_frequency_weeks=(2,),
            default_frequency_weeks=2,
            duration_label="30 min",
            min_duration_minutes=30,
            max_duration_minutes=30,
            default_duration_minutes=30,
            career_label="Monthly",
            career_interval_days=30,
            career_interval_weeks=4,
        ),
        "staff": Cadence(
            level="staff",
            level_label=LEVEL_LABELS["staff"],
            frequency_label="Bi-weekly",
            # "Staff and Beyond" asks for a flexible cadence around the bi-weekly default.
            allowed_frequency_weeks=(1, 2, 3, 4),
            default_frequency_weeks=2,
            duration_label="30 min",
            min_duration_minutes=30,
            max_duration_minutes=30,
            default_duration_minutes=30,
            # Read as every two months (60 days), not twice a month.
            career_label="Bi-monthly",
            career_interval_days=60,
            career_interval_weeks=8,
        ),
    }
)

# How far a series may be tuned away from its level's row, whatever the reason.
SERIES_MINUTES: tuple[int, int] = (15, 120)
SERIES_FREQUENCY_WEEKS: tuple[int, int] = (1, 8)
SERIES_CAREER_EVERY_WEEKS: tuple[int, int] = (1, 26)

# A career-focused 1:1 runs longer than the regular one: "Structure for Career 1:1 (45-60 min)".
CAREER_MEETING_MINUTES: tuple[int, int] = (45, 60)

ADJUSTMENT_REASONS: tuple[Item, ...] = (
    Item("individual_needs", "Individual needs and preferences"),
    Item("current_projects", "Current projects and challenges"),
    Item("active_development", "Active development periods"),
    Item("performance_concern", "Performance concerns"),
    Item("remote", "Remote vs. co-located"),
)

SACRED_TIME_PRINCIPLE = "1:1s should be sacred—don't cancel them."

RESCHEDULE_RULES: tuple[Item, ...] = (
    Item("advance_notice", "Give advance notice"),
    Item("reschedule_immediately", "Reschedule immediately"),
    Item("explain_why", "Explain why (briefly)"),
    Item("exception_not_rule", "Make it the exception, not the rule"),
)

SACRED_TIME_WARNING_SIGNS: tuple[Item, ...] = (
    Item("frequent_cancellations", "You've cancelled 3+ times in 2 months"),
    Item("topics_withheld", "ICs stop bringing up important topics"),
    Item("transactional", "Relationship feels transactional"),
    Item("trust_eroding", "Trust is eroding"),
)

CANCELLATION_WARNING_COUNT = 3
# "2 months" as a rolling window: 61 days covers any two consecutive calendar months.
CANCELLATION_WARNING_DAYS = 61
# A move with less notice than this counts toward the warning sign beside the
# cancellations ("give advance notice"); a move made in good time does not.
LATE_MOVE_NOTICE_HOURS = 24
# Starting or marking held a 1:1 more than this many hours before its time asks to
# confirm first: a click weeks early is far likelier a mistake than a real 1:1.
EARLY_START_CONFIRM_HOURS = 2
# Days a 1:1 or a career talk may run late before it is called overdue.
OVERDUE_GRACE_DAYS = 3
# A person's working hours, on their own clock: a 1:1 moved outside them for either person
# is asked about first (allowed once confirmed: some pairs do meet early or late on purpose).
WORKDAY_START = time(8, 0)  # a 1:1 starting earlier is outside
WORKDAY_END = time(19, 0)  # a 1:1 planned to end later is outside
WEEKEND_DAYS: tuple[int, ...] = (5, 6)  # Saturday and Sunday, as date.weekday() counts
# The hours Rapport suggests a new series' time in, for both people: preferred hours, not a
# second rule. A suggested 1:1 starts from 09:00 and its hour ends by 17:00, an hour inside
# the working day at each end, so it stays inside it when one person's clocks change a week or
# two before the other's (an hour's shift) and a career-focused one runs up to an hour.
# Each suggestion is held to working_hours_concern as well.
SUGGESTED_START = time(9, 0)
SUGGESTED_END = time(17, 0)


def cadence_for_level(level: str) -> Cadence:
    """Return the seed's cadence for a level, or raise ValueError for an unknown level."""
    return CADENCE_TABLE[check_level(level)]


def is_frequency_allowed(level: str, weeks: int) -> bool:
    """Say whether meeting every `weeks` weeks fits the level's cadence."""
    return cadence_for_level(level).allows_frequency(weeks)


def is_duration_allowed(level: str, minutes: int) -> bool:
    """Say whether a regular 1:1 of `minutes` minutes fits the level's cadence."""
    return cadence_for_level(level).allows_duration(minutes)


def cadence_departs(
    level: str, *, frequency_weeks: int, duration_minutes: int, career_every_weeks: int
) -> bool:
    """Whether a cadence leaves the framework's row for the level (then it needs a reason)."""
    return (
        not is_frequency_allowed(level, frequency_weeks)
        or not is_duration_allowed(level, duration_minutes)
        or career_every_weeks != cadence_for_level(level).career_interval_weeks
    )


@dataclass(frozen=True, slots=True)
class CadenceChoice:
    """A manager's choice of when and how often a series meets, and why it departs."""

    frequency_weeks: int
    duration_minutes: int
    career_every_weeks: int
    weekday: int
    start_time: time
    reason: str
    note: str = ""


def cadence_refusal(
    level: str,
    *,
    frequency_weeks: int,
    duration_minutes: int,
    career_every_weeks: int,
    weekday: int,
    reason: str,
) -> str | None:
    """Why a series cadence cannot be saved, in words, or None when it can."""
    shortest, longest = SERIES_MINUTES
    if not shortest <= duration_minutes <= longest:
        return f"A 1:1 lasts between {shortest} and {longest} minutes."
    weeks, career_weeks = SERIES_FREQUENCY_WEEKS, SERIES_CAREER_EVERY_WEEKS
    if not (
        weeks[0] <= frequency_weeks <= weeks[1]
        and career_weeks[0] <= career_every_weeks <= career_weeks[1]
    ):
        return (
            f"Choose a frequency of {weeks[0]} to {weeks[1]} weeks and a career interval "
            f"up to {career_weeks[1]}."
        )
    if not 0 <= weekday <= 6:
        return "Choose a weekday from Monday to Sunday."
    if reason and reason not in dict(ADJUSTMENT_REASONS):
        return "Choose one of the framework's reasons to adjust a cadence."
    if career_every_weeks <= frequency_weeks:
        # Every meeting would fall due as the career one: no regular 1:1 would be left.
        return (
            f"With a 1:1 every {_weeks(frequency_weeks)}, a career-focused 1:1 every "
            f"{_weeks(career_every_weeks)} would make every meeting a career 1:1: choose a "
            f"career interval longer than the frequency (every {2 * frequency_weeks} weeks "
            f"keeps one regular 1:1 between two career ones)."
        )
    departs = cadence_departs(
        level,
        frequency_weeks=frequency_weeks,
        duration_minutes=duration_minutes,
        career_every_weeks=career_every_weeks,
    )
    if departs and not reason:
        return "This cadence differs from the framework's for the level: choose a reason."
    return None


def _weeks(count: int) -> str:
    return "week" if count == 1 else f"{count} weeks"


def too_many_cancellations(count: int, *, threshold: int = CANCELLATION_WARNING_COUNT) -> bool:
    """Say whether this many manager cancellations in the window is a warning sign."""
    if count < 0:
        raise ValueError(f"A cancellation count cannot be negative (got {count}).")
    return count >= threshold


def cancellation_warning(
    cancellations: int,
    late_moves: int,
    *,
    period: str,
    threshold: int = CANCELLATION_WARNING_COUNT,
    late_hours: int = LATE_MOVE_NOTICE_HOURS,
) -> str | None:
    """The sacred-time warning for a manager's cancellations and late moves, or None."""
    if not too_many_cancellations(cancellations + late_moves, threshold=threshold):
        return None
    parts = []
    if cancellations:
        parts.append(f"{cancellations} cancellation{'s' if cancellations != 1 else ''}")
    if late_moves:
        parts.append(
            f"{late_moves} late move{'s' if late_moves != 1 else ''} "
            f"(under {late_hours} hours' notice)"
        )
    return f"{' and '.join(parts)} by the manager in the last {period}: 1:1s should be sacred"


def cancellation_window_start(today: date, *, days: int = CANCELLATION_WARNING_DAYS) -> date:
    """Return the first day of the rolling window cancellations are counted in."""
    return today - timedelta(days=days - 1)


def is_career_overdue(level: str, days_since_career: int | None, *, grace_days: int = 0) -> bool:
    """Say whether career talk is overdue for the level; None means never discussed."""
    if days_since_career is None:
        return True
    return days_since_career > cadence_for_level(level).career_interval_days + grace_days


def reschedule_refusal(*, new_time_given: bool, skip: bool) -> str | None:
    """Why a cancellation breaks "reschedule immediately", or None when it does not."""
    if new_time_given and skip:
        return "Choose a new time or skip this one, not both."
    if not new_time_given and not skip:
        return (
            "Give the new time, or choose “skip this one”: a cancelled 1:1 is best "
            "rescheduled at once."
        )
    return None


def move_refusal(ahead: timedelta, *, horizon_weeks: int) -> str | None:
    """Why a 1:1 may not move to a time `ahead` of now, or None when it may.

    "Reschedule immediately": a moved 1:1 lands within the weeks its series is planned
    ahead; a longer break is a skipped 1:1, and the series carries on.
    """
    if ahead <= timedelta(0):
        return "The new time must be in the future."
    if ahead > timedelta(weeks=horizon_weeks):
        return (
            f"Choose a new time within the next {horizon_weeks} weeks (“reschedule "
            "immediately”), or skip this one: the 1:1s after it stay planned."
        )
    return None


def working_hours_concern(local_start: datetime, minutes: int) -> str | None:
    """Why a 1:1 at `local_start` (on the person's own clock) for its planned `minutes` is
    outside their working hours: "weekend", "early" or "late"; None when it is inside.

    A question, never a refusal: confirmed, the 1:1 may be then all the same.
    """
    if local_start.weekday() in WEEKEND_DAYS:
        return "weekend"
    if local_start.time() < WORKDAY_START:
        return "early"
    end = local_start + timedelta(minutes=minutes)
    # Past midnight is later still, not early: a 1:1 from 23:30 to 00:15 ends after hours.
    if end.date() > local_start.date() or end.time() > WORKDAY_END:
        return "late"
    return None
