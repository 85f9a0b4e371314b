"""What every meetings service shares: the refusal it raises and how it cleans text."""

from __future__ import annotations

from rapport.meetings.models import PrivateNote, SharedNotes


class ServiceError(ValueError):
    """A request the domain refuses, with a message meant for the person."""


class NotesConflict(ServiceError):
    """Someone saved the notes since this version was loaded."""

    def __init__(self, current: SharedNotes | PrivateNote) -> None:
        super().__init__("These notes were changed elsewhere since you loaded them.")
        self.current = current


def _clean_text(text: str, *, limit: int = 500, what: str = "A topic") -> str:
    text = " ".join(text.split())
    if not text:
        raise ServiceError(f"{what} needs some text.")
    if len(text) > limit:
        raise ServiceError(f"{what} is limited to {limit} characters.")
    return text
