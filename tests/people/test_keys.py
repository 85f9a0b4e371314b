"""The keys that seal private notes: where they come from, and what happens when they are wrong."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from django.test.utils import override_settings

from rapport.meetings import services
from rapport.meetings.models import PrivateNote
from rapport.people import keys


@pytest.fixture
def key_file(settings, tmp_path: Path) -> Path:
    """A data folder of this test's own, with no key yet and no RAPPORT_KEYS."""
    settings.RAPPORT_KEYS = ""
    settings.NOTE_KEYS_FILE = tmp_path / "data" / "private-note-keys"
    return settings.NOTE_KEYS_FILE


def test_the_first_key_is_made_at_first_use_readable_by_its_owner_only(
    db: None, key_file: Path
) -> None:
    ring = keys.keyring()
    assert key_file.is_file()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    assert len(ring.keys) == 1 and len(ring.keys[0]) == 32
    assert keys.keyring() == ring  # made once, then read back
    assert list(key_file.parent.iterdir()) == [key_file]  # no draft left beside it


def test_a_sealed_text_opens_again_and_holds_no_plaintext(db: None, key_file: Path) -> None:
    sealed = keys.seal("She is thinking of leaving", organisation_id=3, author_id=7)
    assert "thinking" not in sealed and sealed.startswith(f"v1:{keys.keyring().sealing_id}:3:")
    assert keys.unseal(sealed, author_id=7) == "She is thinking of leaving"
    # Twice the same text, two different sealed texts: nothing to compare between rows.
    assert keys.seal("same", organisation_id=3, author_id=7) != keys.seal(
        "same", organisation_id=3, author_id=7
    )
    assert keys.seal("", organisation_id=3, author_id=7) == ""


def test_each_organisation_seals_with_its_own_key(db: None, key_file: Path) -> None:
    master = keys.keyring().keys[0]
    assert keys._organisation_key(master, 1) != keys._organisation_key(master, 2)
    sealed = keys.seal("Acme only", organisation_id=1, author_id=7)
    moved = sealed.replace(":1:", ":2:", 1)  # claims another organisation
    with pytest.raises(keys.SealError, match="does not open"):
        keys.unseal(moved, author_id=7)


def test_a_sealed_text_copied_onto_someone_elses_note_does_not_open(
    mia, ray, meeting, key_file: Path
) -> None:
    services.private_note_save(actor=mia, meeting=meeting, body="Mia's worry", version=0)
    services.private_note_save(actor=ray, meeting=meeting, body="Ray's", version=0)
    stolen = PrivateNote.objects.get(author=mia).sealed_body
    PrivateNote.objects.filter(author=ray).update(sealed_body=stolen)
    with pytest.raises(keys.SealError, match="another person's note"):
        PrivateNote.objects.get(author=ray).body  # noqa: B018


def test_rapport_keys_wins_over_the_file_and_its_first_key_seals(db: None, key_file: Path) -> None:
    new, old = keys.key_new(), keys.key_new()
    with override_settings(RAPPORT_KEYS=f"{old}"):
        sealed_old = keys.seal("before", organisation_id=1, author_id=1)
    with override_settings(RAPPORT_KEYS=f" {new} , {old} "):
        ring = keys.keyring()
        assert ring.source == "RAPPORT_KEYS" and not ring.from_file
        sealed_new = keys.seal("after", organisation_id=1, author_id=1)
        assert keys.sealed_key_id(sealed_new) == ring.sealing_id == ring.ids[0]
        assert keys.unseal(sealed_old, author_id=1) == "before"
    assert not key_file.exists()  # never made while RAPPORT_KEYS is set


@pytest.mark.parametrize("value", ["not-a-key", "x" * 44, "QUJD", "x" * 43 + "!"])
def test_a_malformed_rapport_keys_is_explained_without_quoting_it(
    db: None, key_file: Path, value: str
) -> None:
    with (
        override_settings(RAPPORT_KEYS=f"{keys.key_new()},{value}"),
        pytest.raises(keys.SealError) as caught,
    ):
        keys.keyring()
    message = str(caught.value)
    assert message.startswith("RAPPORT_KEYS: key 2 of 2 is not a key")
    assert value not in message


def test_a_note_sealed_with_a_key_no_longer_held_says_which_key_and_where(
    mia, meeting, key_file: Path
) -> None:
    services.private_note_save(actor=mia, meeting=meeting, body="Bring the numbers", version=0)
    sealed_with = keys.keyring().sealing_id
    with override_settings(RAPPORT_KEYS=keys.key_new()), pytest.raises(keys.SealError) as caught:
        PrivateNote.objects.get().body  # noqa: B018
    message = str(caught.value)
    assert f"sealed with key {sealed_with}, which RAPPORT_KEYS does not hold" in message
    assert "restore the key file" in message


def test_a_lost_key_file_is_never_replaced_by_a_new_key_over_sealed_notes(
    mia, meeting, key_file: Path
) -> None:
    services.private_note_save(actor=mia, meeting=meeting, body="Bring the numbers", version=0)
    key_file.unlink()
    with pytest.raises(keys.SealError, match=r"is missing .* Restore the key file"):
        PrivateNote.objects.get().body  # noqa: B018
    with pytest.raises(keys.SealError, match="is missing"):
        services.private_note_save(actor=mia, meeting=meeting, body="New", version=1)
    assert not key_file.exists()


def test_a_note_that_cannot_be_opened_is_never_written_over(mia, meeting, key_file: Path) -> None:
    services.private_note_save(actor=mia, meeting=meeting, body="Bring the numbers", version=0)
    before = PrivateNote.objects.get().sealed_body
    with override_settings(RAPPORT_KEYS=keys.key_new()), pytest.raises(keys.SealError):
        services.private_note_save(actor=mia, meeting=meeting, body="Oops", version=1)
    assert PrivateNote.objects.get().sealed_body == before
    assert PrivateNote.objects.get().body == "Bring the numbers"


def test_an_empty_or_unreadable_key_file_is_explained(db: None, key_file: Path) -> None:
    key_file.parent.mkdir(mode=0o700)
    key_file.write_text("# nothing but a comment\n")
    with pytest.raises(keys.SealError, match="holds no key: restore it"):
        keys.keyring()
    key_file.write_text("short\n")
    with pytest.raises(keys.SealError, match=r"key 1 of 1 is not a key") as caught:
        keys.keyring()
    assert "short" not in str(caught.value)


def test_a_new_key_goes_on_top_and_the_old_ones_still_open(db: None, key_file: Path) -> None:
    first = keys.keyring()
    sealed = keys.seal("old", organisation_id=1, author_id=1)
    second = keys.key_file_add()
    assert second.ids[1:] == first.ids and second.sealing_id != first.sealing_id
    assert keys.keyring() == second  # every process re-reads the file once it changed
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert keys.unseal(sealed, author_id=1) == "old"
    assert keys.sealed_key_id(keys.seal("new", organisation_id=1, author_id=1)) == second.ids[0]


def test_a_text_that_is_not_sealed_is_refused_not_shown(db: None, key_file: Path) -> None:
    with pytest.raises(keys.SealError, match="not a sealed text"):
        keys.unseal("plain words someone typed into the database", author_id=1)


def test_a_note_made_with_a_body_stores_it_sealed(mia, meeting, key_file: Path) -> None:
    PrivateNote.objects.create(meeting=meeting, author=mia, body="Bring the numbers")
    stored = PrivateNote.objects.values_list("sealed_body", flat=True).get()
    assert stored.startswith("v1:") and "numbers" not in stored
    assert PrivateNote.objects.get().body == "Bring the numbers"
