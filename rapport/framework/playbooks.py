"""The seed's four playbooks for difficult conversations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class PlaybookStep:
    """One numbered step of an approach: its bold title and the seed's text after it."""

    title: str
    # Kept verbatim, quotation marks included: a quoted text is something to say,
    # an unquoted one something to do.
    text: str


@dataclass(frozen=True, slots=True)
class Playbook:
    """How to approach one kind of difficult conversation, with the seed's example."""

    key: str
    title: str
    steps: tuple[PlaybookStep, ...]
    # What to say, without the surrounding quotation marks.
    example: str


PLAYBOOKS: tuple[Playbook, ...] = (
    Playbook(
        key="underperforming",
        title="When They're Underperforming",
        steps=(
            PlaybookStep("Be direct but kind", '"I need to talk about some concerns I have..."'),
            PlaybookStep("Be specific", "Use concrete examples with context"),
            PlaybookStep("Listen", "Understand their perspective"),
            PlaybookStep("Problem-solve together", '"What would help you improve?"'),
            PlaybookStep("Create a plan", "Clear expectations and timeline"),
            PlaybookStep("Follow up", "Regular check-ins on progress"),
        ),
        example=(
            "I want to discuss the quality of recent PRs. In the last three pull requests "
            "[#123, #124, #125], there were significant bugs that made it to production "
            "despite code review. This is concerning because it impacts the team's velocity "
            "and customer experience. Help me understand what's happening from your "
            "perspective. What support do you need to improve the quality before submitting PRs?"
        ),
    ),
    Playbook(
        key="disengaged",
        title="When They're Unhappy/Disengaged",
        steps=(
            PlaybookStep("Notice and name it", '"You seem less engaged lately..."'),
            PlaybookStep("Create safety", '"I want to understand what\'s going on..."'),
            PlaybookStep("Ask open questions", '"What\'s changed?"'),
            PlaybookStep("Listen deeply", "Don't jump to solutions"),
            PlaybookStep("Explore together", '"What would make this better?"'),
        ),
        example=(
            "I've noticed that in the past few weeks, you've seemed less engaged in team "
            "meetings and your energy feels different. I care about you and want to "
            "understand what's happening. Is there something going on with work, or is there "
            "a way I can better support you?"
        ),
    ),
    Playbook(
        key="wants_to_leave",
        title="When They Want to Leave",
        steps=(
            PlaybookStep("Don't panic", "Stay calm and curious"),
            PlaybookStep("Understand why", '"What\'s prompting this?"'),
            PlaybookStep("Be genuine", "\"I'd love to keep you if we can address what's wrong\""),
            PlaybookStep("Don't overpromise", "Only commit to what you can deliver"),
            PlaybookStep("Respect their decision", "If they've decided, support them"),
        ),
        example=(
            "Thank you for telling me. I'm sad to hear this, but I appreciate your honesty. "
            "Help me understand what's driving this decision. Is there anything that would "
            "make you reconsider, or have you already made up your mind? If there are things "
            "we could address, I'd like to explore that, but I also respect your decision."
        ),
    ),
    Playbook(
        key="bad_news",
        title="When You Have to Deliver Bad News",
        steps=(
            PlaybookStep("Be direct", "Don't bury the lead"),
            PlaybookStep("Be clear", "No ambiguity about the decision"),
            PlaybookStep("Explain why", "Context helps understanding"),
            PlaybookStep("Acknowledge impact", '"I know this is disappointing..."'),
            PlaybookStep("Discuss next steps", '"Here\'s what happens now..."'),
        ),
        example=(
            "I need to share some difficult news. We won't be moving forward with your "
            "promotion this cycle. The decision came down to [specific reasons]. I know you "
            "were hoping for a different outcome, and I understand this is disappointing. "
            "Let's talk about what this means and what the path forward looks like."
        ),
    ),
)

PLAYBOOKS_BY_KEY: Mapping[str, Playbook] = MappingProxyType(
    {entry.key: entry for entry in PLAYBOOKS}
)


def playbook(key: str) -> Playbook:
    """Return the playbook with this key, or raise ValueError naming the known ones."""
    try:
        return PLAYBOOKS_BY_KEY[key]
    except KeyError:
        known = ", ".join(PLAYBOOKS_BY_KEY)
        raise ValueError(f"Unknown playbook {key!r}; expected one of: {known}.") from None
