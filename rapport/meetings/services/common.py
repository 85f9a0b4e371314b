"""What the meetings services share: how they clean text, the notes' conflict."""

from __future__ import annotations

from rapport.errors import Conflict, Refused
from rapport.meetings.models import PrivateNote, SharedNotes

# The notes save path still says ServiceError: it is the one Refused under another name.
ServiceError = Refused


class NotesConflict(Conflict):
    """Someone saved the notes since this version was loaded."""

    def __init__(self, current: SharedNotes | PrivateNote) -> None:
        super().__init__(
            "These notes were changed elsewhere since you loaded them.", current=current
        )


def _clean_text(text: str, *, limit: int = 500, what: str = "A topic") -> str:
    text = " ".join(text.split())
    if not text:
        raise Refused(f"{what} needs some text.")
    if len(text) > limit:
        raise Refused(f"{what} is limited to {limit} characters.")
    return text
