"""Notes: shared in the template's sections, private to their author, never overwritten silently."""

from __future__ import annotations

import pytest

from rapport import access
from rapport.errors import Conflict, Refused
from rapport.meetings import services
from rapport.meetings.models import PrivateNote, SharedNotes


def test_saving_shared_notes_bumps_the_version(ray, meeting) -> None:
    saved = services.shared_notes_save(
        actor=ray,
        notes=meeting.shared_notes,
        sections={"their_topics": "- Deploys are slow", "follow_up": "Check CI"},
        bases={"their_topics": "", "follow_up": ""},
    )
    notes = saved.notes
    assert notes.version == 1
    assert notes.updated_by == ray
    assert notes.sections()["their_topics"] == "- Deploys are slow"


def test_a_save_from_a_stale_base_is_a_conflict_and_keeps_theirs(mia, ray, meeting) -> None:
    notes = meeting.shared_notes
    services.shared_notes_save(
        actor=mia, notes=notes, sections={"feedback": "Mia's"}, bases={"feedback": ""}
    )
    stale = SharedNotes.objects.get(pk=notes.pk)
    conflict = services.shared_notes_save(
        actor=ray, notes=stale, sections={"feedback": "Ray's"}, bases={"feedback": ""}
    )
    assert conflict.conflicts == ("feedback",) and conflict.saved == ()
    assert conflict.notes.feedback == "Mia's"
    assert conflict.notes.version == 1
    notes.refresh_from_db()
    assert notes.feedback == "Mia's"


def test_keeping_mine_after_a_conflict_saves_over_the_current_text(mia, ray, meeting) -> None:
    notes = meeting.shared_notes
    services.shared_notes_save(
        actor=mia, notes=notes, sections={"feedback": "Mia's"}, bases={"feedback": ""}
    )
    conflict = services.shared_notes_save(
        actor=ray, notes=notes, sections={"feedback": "Ray's"}, bases={"feedback": ""}
    )
    theirs = conflict.notes.feedback
    saved = services.shared_notes_save(
        actor=ray, notes=notes, sections={"feedback": "Ray's"}, bases={"feedback": theirs}
    )
    assert (saved.notes.feedback, saved.notes.version) == ("Ray's", 2)


def test_unknown_sections_are_refused(ray, meeting) -> None:
    with pytest.raises(Refused, match="Unknown notes section"):
        services.shared_notes_save(
            actor=ray, notes=meeting.shared_notes, sections={"private": "x"}, bases={"private": ""}
        )
    meeting.shared_notes.refresh_from_db()
    assert meeting.shared_notes.version == 0


def test_each_person_has_their_own_private_note(mia, ray, meeting) -> None:
    services.private_note_save(actor=mia, meeting=meeting, body="Mia's concern", version=0)
    services.private_note_save(actor=ray, meeting=meeting, body="Ray's worry", version=0)
    assert access.private_note_for(mia, meeting).body == "Mia's concern"
    assert access.private_note_for(ray, meeting).body == "Ray's worry"
    assert [note.body for note in access.private_notes_visible_to(ray)] == ["Ray's worry"]


def test_a_private_note_from_a_stale_tab_is_a_conflict(mia, meeting) -> None:
    services.private_note_save(actor=mia, meeting=meeting, body="First tab", version=0)
    with pytest.raises(Conflict) as conflict:
        services.private_note_save(actor=mia, meeting=meeting, body="Second tab", version=0)
    assert conflict.value.current.body == "First tab"
    assert access.private_note_for(mia, meeting).body == "First tab"


def test_a_stale_first_private_note_writes_nothing(ray, meeting) -> None:
    # The note row is created inside the service before the version check fails:
    # the transaction must take it back.
    with pytest.raises(Conflict):
        services.private_note_save(actor=ray, meeting=meeting, body="Lost?", version=3)
    assert not PrivateNote.objects.filter(meeting=meeting).exists()


def test_an_outsider_cannot_write_a_private_note_on_the_meeting(omar, meeting) -> None:
    from django.http import Http404

    with pytest.raises(Http404):
        services.private_note_save(actor=omar, meeting=meeting, body="Snooping", version=0)
    assert not PrivateNote.objects.exists()
