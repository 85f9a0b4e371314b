"""The report's own figures in words that invite rather than judge.

The manager reads the guide's signs and thresholds; the report reads what their 1:1
looks like and what they can bring to it. No sign, no badge, no "warning" here.
"""

from __future__ import annotations

from rapport.insights.figures import Relationship, days_ago


def invitations(rel: Relationship) -> list[str]:
    """One line per figure the report can act on, addressed to them."""
    manager = rel.series.manager.first_name
    lines = []
    if rel.ic_agenda_share is not None:
        lines.append(
            f"You brought {rel.ic_agenda_share}% of the topics of your last {rel.held} 1:1s. "
            "It is your meeting: add what matters to you before the next one."
        )
    else:
        lines.append("Your 1:1s are yours: add a topic before the next one and it comes first.")
    if rel.ic_preparation is not None:
        lines.append(f"You added a topic before the start of {rel.ic_preparation}% of them.")
    if rel.talk_share is not None:
        lines.append(
            f"You did about {100 - rel.talk_share}% of the talking. The guide hopes for 70%: "
            "the floor is yours."
        )
    ic, other = rel.on_time("ic"), rel.on_time("manager")
    if ic is not None or other is not None:
        parts = []
        if ic is not None:
            parts.append(f"you finished {ic}% of your action items by their date")
        if other is not None:
            parts.append(f"{manager} finished {other}% of theirs")
        lines.append("In the last " + f"{rel.window_days} days " + " and ".join(parts) + ".")
    if rel.days_since_career is None or rel.career_never:
        lines.append(f"Career has not been discussed yet: you can ask {manager} for a career 1:1.")
    else:
        lines.append(
            f"Your career was last discussed {days_ago(rel.days_since_career)} "
            f"(every {rel.career_interval_days} days at your level): ask for a career 1:1 any time."
        )
    if rel.mood_average is not None:
        lines.append(f"Your mood check-ins average {rel.mood_average:.1f} out of 5.")
    return lines
