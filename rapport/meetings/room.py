"""Shared notes merged per section: each section nobody else changed is saved.

The meeting room's reads are in `rapport.meetings.selectors`, its writes in
`rapport.meetings.services`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from rapport import access
from rapport.meetings.models import SharedNotes
from rapport.meetings.selectors import MODES, plan_for
from rapport.meetings.services import NOTE_LIMIT, ServiceError
from rapport.people.models import Person

# Read where the notes are merged, and by pages that name the room's modes.
__all__ = ["MODES", "NotesMerge", "plan_for", "shared_notes_merge"]


@dataclass(frozen=True, slots=True)
class NotesMerge:
    """What a save did: the notes as stored now, and the sections both people changed."""

    notes: SharedNotes
    saved: tuple[str, ...]
    conflicts: tuple[str, ...]


@transaction.atomic
def shared_notes_merge(
    *,
    actor: Person,
    notes: SharedNotes,
    sections: dict[str, str],
    bases: dict[str, str],
) -> NotesMerge:
    """Save each section nobody else changed since `bases`; report those both changed."""
    access.meeting_check_change(actor, notes.meeting)
    unknown = (set(sections) | set(bases)) - set(SharedNotes.SECTIONS)
    if unknown:
        raise ServiceError(f"Unknown notes section: {', '.join(sorted(unknown))}.")
    if any(len(text) > NOTE_LIMIT for text in sections.values()):
        raise ServiceError(f"A notes section is limited to {NOTE_LIMIT:,} characters.")
    missing = set(sections) - set(bases)
    if missing:
        raise ServiceError("The notes' starting text is missing: reload the page.")
    # Lock the row: two saves at once must not both think they were first.
    current = SharedNotes.objects.select_for_update().get(pk=notes.pk)
    stored = current.sections()
    changes: dict[str, str] = {}
    conflicts: list[str] = []
    for key, mine in sections.items():
        if mine == stored[key] or mine == bases[key]:
            continue  # nothing to write: same as stored, or untouched here
        if stored[key] == bases[key]:
            changes[key] = mine
        else:
            conflicts.append(key)
    if changes:
        SharedNotes.objects.filter(pk=notes.pk).update(
            version=F("version") + 1, updated_by=actor, updated_at=timezone.now(), **changes
        )
        current.refresh_from_db()
    return NotesMerge(current, tuple(changes), tuple(conflicts))
