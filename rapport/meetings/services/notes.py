"""Every write to a meeting's notes: the shared ones and each person's private one."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from rapport import access
from rapport.meetings.models import Meeting, PrivateNote, SharedNotes
from rapport.meetings.services.common import NotesConflict, ServiceError
from rapport.people.models import Person

NOTE_LIMIT = 100_000


@transaction.atomic
def shared_notes_save(
    *, actor: Person, notes: SharedNotes, sections: dict[str, str], version: int
) -> SharedNotes:
    """Save the shared notes unless someone saved since `version` (then NotesConflict)."""
    access.meeting_check_change(actor, notes.meeting)
    unknown = set(sections) - set(SharedNotes.SECTIONS)
    if unknown:
        raise ServiceError(f"Unknown notes section: {', '.join(sorted(unknown))}.")
    if any(len(text) > NOTE_LIMIT for text in sections.values()):
        raise ServiceError(f"A notes section is limited to {NOTE_LIMIT:,} characters.")
    updated = SharedNotes.objects.filter(pk=notes.pk, version=version).update(
        version=F("version") + 1, updated_by=actor, updated_at=timezone.now(), **sections
    )
    notes.refresh_from_db()
    if not updated:
        raise NotesConflict(notes)
    return notes


@transaction.atomic
def private_note_save(*, actor: Person, meeting: Meeting, body: str, version: int) -> PrivateNote:
    """Save the actor's own private note on a meeting, refusing stale versions."""
    access.meeting_check_change(actor, meeting)
    if len(body) > NOTE_LIMIT:
        raise ServiceError(f"A note is limited to {NOTE_LIMIT:,} characters.")
    note, _ = PrivateNote.objects.get_or_create(meeting=meeting, author=actor)
    updated = PrivateNote.objects.filter(pk=note.pk, version=version).update(
        version=F("version") + 1, body=body, updated_at=timezone.now()
    )
    note.refresh_from_db()
    if not updated:
        raise NotesConflict(note)
    return note
