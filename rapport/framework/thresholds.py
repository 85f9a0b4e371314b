"""The thresholds the indicators and warning signs are judged by, and how far each may be tuned.

The guide gives two numbers (the 70/30 rule, 3 cancellations in 2 months); the
others are Rapport's documented defaults. An organisation's admins tune them; a
value outside its range is refused with a sentence saying why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from rapport.framework.agenda import MANAGER_TALK_SHARE
from rapport.framework.cadence import CANCELLATION_WARNING_COUNT, CANCELLATION_WARNING_DAYS
from rapport.framework.retrospectives import RETROSPECTIVE_RATING_MIN, RETROSPECTIVE_WEEKS


@dataclass(frozen=True, slots=True)
class Threshold:
    """One tunable number: its default, its range and where the default comes from."""

    key: str
    label: str
    unit: str
    default: int
    minimum: int
    maximum: int
    source: str  # "guide" when the guide gives the number, else "Rapport's default"

    def check(self, value: object) -> int:
        """The value as an integer within range, or ValueError saying what is wrong."""
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            raise ValueError(f"{self.label}: “{value}” is not a whole number.") from None
        if not self.minimum <= number <= self.maximum:
            raise ValueError(
                f"{self.label}: {number} is outside {self.minimum}–{self.maximum} {self.unit}."
            )
        return number


GUIDE = "the guide"
DEFAULT = "Rapport’s default"

THRESHOLDS: tuple[Threshold, ...] = (
    Threshold("window_meetings", "Meetings looked at", "held 1:1s", 8, 2, 26, DEFAULT),
    Threshold("window_days", "Days looked at", "days", 90, 14, 365, DEFAULT),
    Threshold("min_meetings", "Held 1:1s before a sign is judged", "held 1:1s", 3, 1, 12, DEFAULT),
    Threshold("ic_agenda_share_min", "Least IC share of the agenda", "%", 50, 0, 100, DEFAULT),
    Threshold(
        "ic_preparation_min", "Least share of 1:1s the IC prepared", "%", 75, 0, 100, DEFAULT
    ),
    Threshold("status_share_max", "Most status-update topics", "%", 50, 0, 100, DEFAULT),
    Threshold(
        "manager_talk_share_max", "Most manager talk share", "%", MANAGER_TALK_SHARE, 0, 100, GUIDE
    ),
    Threshold(
        "on_time_share_min", "Least action items done by their due date", "%", 70, 0, 100, DEFAULT
    ),
    Threshold(
        "overdue_items_max",
        "Action items open past due before a warning",
        "items",
        0,
        0,
        50,
        DEFAULT,
    ),
    Threshold(
        "feedback_valued_min", "Least feedback acknowledged and acted on", "%", 50, 0, 100, DEFAULT
    ),
    Threshold(
        "constructive_min",
        "Least constructive feedback in the window",
        "records",
        1,
        0,
        50,
        DEFAULT,
    ),
    Threshold("mood_min", "Lowest average mood (1–5)", "points", 3, 1, 5, DEFAULT),
    Threshold(
        "mood_drop_max", "Largest mood drop across the window (1–5)", "points", 1, 1, 4, DEFAULT
    ),
    Threshold(
        "goal_progress_weeks",
        "Weeks within which a goal shows progress",
        "weeks",
        6,
        1,
        26,
        DEFAULT,
    ),
    Threshold(
        "goal_progress_min", "Least share of goals with recent progress", "%", 50, 0, 100, DEFAULT
    ),
    Threshold(
        "review_lookback_days",
        "Days before a review that feedback is looked for",
        "days",
        90,
        14,
        365,
        DEFAULT,
    ),
    Threshold(
        "cancellation_warning_count",
        "Manager cancellations before a warning",
        "cancellations",
        CANCELLATION_WARNING_COUNT,
        1,
        20,
        GUIDE,
    ),
    Threshold(
        "cancellation_warning_days",
        "Days cancellations are counted over",
        "days",
        CANCELLATION_WARNING_DAYS,
        7,
        365,
        GUIDE,
    ),
    Threshold(
        "retrospective_weeks",
        "Weeks between retrospectives",
        "weeks",
        RETROSPECTIVE_WEEKS,
        2,
        52,
        DEFAULT,
    ),
    Threshold(
        "retrospective_rating_min",
        "Lowest last retrospective rating (1–5)",
        "points",
        RETROSPECTIVE_RATING_MIN,
        1,
        5,
        DEFAULT,
    ),
)
THRESHOLDS_BY_KEY: Mapping[str, Threshold] = MappingProxyType({t.key: t for t in THRESHOLDS})
DEFAULTS: Mapping[str, int] = MappingProxyType({t.key: t.default for t in THRESHOLDS})
# Kept on the organisation itself (the series warnings read them there): one copy each.
ORGANISATION_FIELDS: tuple[str, ...] = ("cancellation_warning_count", "cancellation_warning_days")


def thresholds_with(overrides: Mapping[str, int]) -> dict[str, int]:
    """The defaults with an organisation's own values laid over them (unknown keys ignored)."""
    merged = dict(DEFAULTS)
    merged.update({key: value for key, value in overrides.items() if key in DEFAULTS})
    return merged


def check_thresholds(values: Mapping[str, object]) -> tuple[dict[str, int], dict[str, str]]:
    """Every known threshold checked: (the clean values, an error per key that is wrong)."""
    clean: dict[str, int] = {}
    errors: dict[str, str] = {}
    for threshold in THRESHOLDS:
        if threshold.key not in values:
            continue
        try:
            clean[threshold.key] = threshold.check(values[threshold.key])
        except ValueError as error:
            errors[threshold.key] = str(error)
    return clean, errors
