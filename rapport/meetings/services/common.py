"""What the meetings services share: how they clean text, the question they may ask."""

from __future__ import annotations

from rapport.errors import Refused


def _clean_text(text: str, *, limit: int = 500, what: str = "A topic") -> str:
    text = " ".join(text.split())
    if not text:
        raise Refused(f"{what} needs some text.")
    if len(text) > limit:
        raise Refused(f"{what} is limited to {limit} characters.")
    return text


class NeedsConfirmation(Refused):
    """Allowed but unusual enough to ask first: confirmed, the same call goes through."""

    status = 409
