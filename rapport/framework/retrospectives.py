"""The guide's regular retrospectives: its four questions, a 1-5 rating, and when one is due."""

from __future__ import annotations

import datetime as dt

# "Ask your ICs periodically" (Measuring 1:1 Effectiveness, Regular Retrospectives).
QUESTIONS: tuple[tuple[str, str], ...] = (
    ("working", "How are our 1:1s working for you?"),
    ("valuable", "What would make them more valuable?"),
    ("right_things", "Are we spending time on the right things?"),
    ("more_less", "What should we do more/less of?"),
)
RATING_QUESTION = "Overall, how useful are our 1:1s for you? (1 = not at all, 5 = very)"
RATING_MIN, RATING_MAX = 1, 5
# Rapport's default: a retrospective every quarter; each organisation tunes it.
RETROSPECTIVE_WEEKS = 12
# A last rating under this makes the strong-trust indicator ask for attention.
RETROSPECTIVE_RATING_MIN = 3
# A retrospective left unanswered this long after it fell due gets one mail reminder.
REMINDER_AFTER = dt.timedelta(days=7)
ANSWER_MAX_CHARS = 2000
REPLY_MAX_CHARS = 300


def next_due_on(*, started_on: dt.date, last_on: dt.date | None, weeks: int) -> dt.date:
    """The day the next retrospective falls due: N weeks after the last one, or the 1:1's start."""
    return (last_on or started_on) + dt.timedelta(weeks=weeks)


def is_due(*, started_on: dt.date, last_on: dt.date | None, weeks: int, today: dt.date) -> bool:
    return today >= next_due_on(started_on=started_on, last_on=last_on, weeks=weeks)
