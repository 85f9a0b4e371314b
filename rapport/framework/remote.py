"""The seed's practices for 1:1s held over video."""

from __future__ import annotations

SETUP_DO: tuple[str, ...] = (
    "Use video (not just audio)",
    "Good lighting and audio",
    "Quiet space without distractions",
    "Reliable internet connection",
    "Share screen when reviewing documents",
)

SETUP_DONT: tuple[str, ...] = (
    "Take calls while walking (hard to focus)",
    "Join from noisy locations",
    "Use phone if laptop available",
    "Multitask or check email",
)

CONNECTION_STRATEGIES: tuple[str, ...] = (
    "Start with personal check-in",
    "Use virtual backgrounds for fun",
    "Share your space/context",
    "Send memes or articles between meetings",
    'Occasional informal "coffee chats"',
    "Celebrate wins visibly (emoji reactions, gifs)",
)

DOCUMENTATION_IS_CRITICAL: tuple[str, ...] = (
    "Shared docs are even more important",
    "Use collaborative tools (Notion, Google Docs)",
    "Make notes visible in real-time",
    "Action items in project management tools",
    "Follow up in writing after calls",
)
