"""The demo's retrospectives: each report looked back on their 1:1s once or twice.

Maya Chen (junior@example.com) answered one a quarter ago, so her next one is due and
her home page asks for it; the others answered their latest recently.
"""

from __future__ import annotations

import datetime as dt

from rapport.demo.generator import STEPS, Built
from rapport.insights import services as insights

PROMPTED = "junior@example.com"

ANSWERS = (
    {
        "working": "Mostly well: I like having a fixed slot every week.",
        "valuable": "Bring the roadmap context earlier, before decisions are made.",
        "right_things": "A bit too much status; we could read that async.",
        "more_less": "More career talk, less ticket-by-ticket review.",
    },
    {
        "working": "Better than last quarter: I come with my own topics now.",
        "valuable": "Follow up on the action items we agreed the week before.",
        "right_things": "Yes, mostly.",
        "more_less": "More feedback on my design docs.",
    },
)
REPLIES = (
    "Fair point on status: let's move it to the written update from next week.",
    "Thanks, I'll send design doc feedback within two days from now on.",
)


def retrospectives(built: Built, now: dt.datetime) -> None:
    """One or two answered retrospectives per report, the first one replied to."""
    for number, (email, series) in enumerate(sorted(built.series.items())):
        held = built.held.get(email) or []
        if len(held) < 4:
            continue
        quarter_ago = [m for m in held if m.ended_at <= now - dt.timedelta(weeks=13)]
        moments = [(quarter_ago or held[: len(held) // 2])[-1].ended_at]
        if email != PROMPTED:
            moments.append(held[-1].ended_at)
        for index, moment in enumerate(moments):
            answered_at = moment + dt.timedelta(hours=2)
            retro = insights.retrospective_answer(
                actor=series.report,
                series=series,
                answers=ANSWERS[index % 2],
                rating=3 + (number + index) % 3,
                now=answered_at,
            )
            if index == 0:
                insights.retrospective_reply(
                    actor=series.manager,
                    retrospective=retro,
                    reply=REPLIES[number % 2],
                    now=answered_at + dt.timedelta(days=1),
                )


STEPS.append(retrospectives)
