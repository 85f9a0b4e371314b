"""Why 1:1s matter, how to tell they work, and the figure Rapport computes for each sign."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from rapport.framework.items import Item

WHY_ONE_ON_ONES: tuple[str, ...] = (
    "Building trust and psychological safety",
    "Understanding your IC's aspirations and concerns",
    "Providing regular feedback and coaching",
    "Identifying and removing blockers",
    "Tracking career progress",
    "Catching issues early",
)
WHEN_DONE_WELL = "ICs feel supported, grow faster, and stay longer."
WHEN_DONE_POORLY = "ICs feel neglected, plateau, and leave."

# The two lists run in parallel in the seed: each warning sign is the failure
# of the positive indicator at the same position.
POSITIVE_INDICATORS: tuple[Item, ...] = (
    Item("ics_drive_agenda", "ICs drive the agenda"),
    Item("open_conversations", "Open, honest conversations"),
    Item("career_progress_visible", "Career progress is visible"),
    Item("issues_surface_early", "Issues surface early"),
    Item("strong_trust", "Strong relationship and trust"),
    Item("ics_prepare", "ICs prepare in advance"),
    Item("action_items_completed", "Action items get completed"),
    Item("feedback_valued", "Feedback is valued and acted upon"),
)

WARNING_SIGNS: tuple[Item, ...] = (
    Item("manager_talks_most", "You do most of the talking"),
    Item("transactional", "Conversations feel transactional"),
    Item("career_rarely_discussed", "Career rarely discussed"),
    Item("review_surprises", "Surprises at review time"),
    Item("distant_relationship", "Relationship feels distant"),
    Item("ics_unprepared", "ICs show up unprepared"),
    Item("action_items_forgotten", "Action items forgotten"),
    Item("feedback_ignored", "Feedback is ignored or defensive"),
)

# What each sign is measured by, so a figure on screen can say what it means.
SIGN_MEASURES: Mapping[str, str] = MappingProxyType(
    {
        "ics_drive_agenda": "share of topics the IC added",
        "open_conversations": "share of topics that were more than status updates",
        "career_progress_visible": "goals with recent progress updates",
        "issues_surface_early": "constructive feedback and blockers raised in 1:1s",
        "strong_trust": "mood check-ins and retrospective answers over time",
        "ics_prepare": "share of meetings the IC added topics to before the start",
        "action_items_completed": "share of action items completed by their due date",
        "feedback_valued": "share of feedback acknowledged and acted on",
        "manager_talks_most": "manager talk share above 30% (transcript or own estimate)",
        "transactional": "share of topics that were only status updates",
        "career_rarely_discussed": "days since career was discussed, against the level's interval",
        "review_surprises": "no constructive feedback recorded in 1:1s before a review",
        "distant_relationship": "manager cancellations (3+ in 2 months) and falling mood",
        "ics_unprepared": "share of meetings with no IC topic added before the start",
        "action_items_forgotten": "action items still open past their due date",
        "feedback_ignored": "feedback not acknowledged or not acted on",
    }
)

RETROSPECTIVE_QUESTIONS: tuple[Item, ...] = (
    Item("working_for_you", "How are our 1:1s working for you?"),
    Item("more_valuable", "What would make them more valuable?"),
    Item("right_things", "Are we spending time on the right things?"),
    Item("more_or_less", "What should we do more/less of?"),
)
