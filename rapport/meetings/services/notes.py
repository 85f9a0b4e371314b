"""Every write to a meeting's notes: the shared ones and each person's private one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from rapport import access
from rapport.errors import Conflict, Refused
from rapport.meetings.models import Meeting, PrivateNote, SharedNotes
from rapport.people import keys
from rapport.people.audit import Action, audit_record
from rapport.people.models import Person

NOTE_LIMIT = 100_000
CHANGED_ELSEWHERE = "These notes were changed elsewhere since you loaded them."


@dataclass(frozen=True, slots=True)
class NotesMerge:
    """What a save did: the notes as stored now, and the sections both people changed."""

    notes: SharedNotes
    saved: tuple[str, ...]
    conflicts: tuple[str, ...]


@transaction.atomic
def shared_notes_save(
    *,
    actor: Person,
    notes: SharedNotes,
    sections: dict[str, str],
    bases: dict[str, str],
    now: dt.datetime | None = None,
) -> NotesMerge:
    """Save each section nobody else changed since `bases`; report those both changed.

    The one way shared notes are written: `bases` holds, per section sent, the text the
    writer started from (what the page loaded, or the text stored now to write over it).
    """
    access.meeting_check_change(actor, notes.meeting)
    unknown = (set(sections) | set(bases)) - set(SharedNotes.SECTIONS)
    if unknown:
        raise Refused(f"Unknown notes section: {', '.join(sorted(unknown))}.")
    if any(len(text) > NOTE_LIMIT for text in sections.values()):
        raise Refused(f"A notes section is limited to {NOTE_LIMIT:,} characters.")
    missing = set(sections) - set(bases)
    if missing:
        raise Refused("The notes' starting text is missing: reload the page.")
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
            version=F("version") + 1,
            updated_by=actor,
            updated_at=now or timezone.now(),
            **SharedNotes.with_html(changes),
        )
    notes.refresh_from_db()  # the caller's copy shows what is stored now
    return NotesMerge(notes, tuple(changes), tuple(conflicts))


@transaction.atomic
def private_note_save(
    *, actor: Person, meeting: Meeting, body: str, version: int, now: dt.datetime | None = None
) -> PrivateNote:
    """Save the actor's own private note on a meeting, refusing stale versions."""
    access.meeting_check_change(actor, meeting)
    if len(body) > NOTE_LIMIT:
        raise Refused(f"A note is limited to {NOTE_LIMIT:,} characters.")
    note, _ = PrivateNote.objects.get_or_create(meeting=meeting, author=actor)
    updated = PrivateNote.objects.filter(pk=note.pk, version=version).update(
        version=F("version") + 1,
        sealed_body=keys.seal(
            body,
            organisation_id=actor.organisation_id,
            author_id=actor.pk,
            replacing=note.sealed_body,
        ),
        updated_at=now or timezone.now(),
    )
    had_text = bool(note.sealed_body)
    note.refresh_from_db()
    if not updated:
        raise Conflict(CHANGED_ELSEWHERE, current=note)
    if had_text or body:
        # Only that the author wrote, never what: the author alone sees these rows.
        action = (
            (Action.PRIVATE_NOTE_EDIT if body else Action.PRIVATE_NOTE_DELETE)
            if had_text
            else Action.PRIVATE_NOTE_CREATE
        )
        audit_record(actor=actor, subject=actor, action=action, target=note, now=now)
    return note
