"""Development goals, the development plan and peer feedback: the guide's numbers, once."""

from __future__ import annotations

import datetime as dt

# A goal nobody updated for this long is flagged: progress is reviewed at least this often.
GOAL_STALE_AFTER = dt.timedelta(weeks=6)

# The ladder areas a goal or a plan's focus usually names (the organisation's ladder may differ).
DEFAULT_AREAS: tuple[tuple[str, str], ...] = (
    ("delivery", "Delivery"),
    ("craft", "Craft"),
    ("collaboration", "Collaboration"),
    ("leadership", "Leadership"),
)

# How long a colleague has to answer a request for peer feedback, by default and at most.
PEER_REQUEST_DAYS = 14
PEER_REQUEST_MAX_DAYS = 60

PERCENT_MIN, PERCENT_MAX = 0, 100


def goal_is_stale(*, last_update_at: dt.datetime, now: dt.datetime) -> bool:
    """Whether an active goal went without a progress update for too long."""
    return now - last_update_at >= GOAL_STALE_AFTER


def area_label(key: str) -> str:
    """A readable name for an area key: the default's label, else the key itself."""
    return dict(DEFAULT_AREAS).get(key, key.replace("_", " ").capitalize())
