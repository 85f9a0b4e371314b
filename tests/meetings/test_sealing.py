"""Private notes at rest: a copy of the database, or of its backup, shows none of their text.

The SQLite part runs a real Rapport in a subprocess on a data folder of its own and
reads the database file and its write-ahead log byte by byte; the PostgreSQL part
reads a `pg_dump` of the test database. Keys rotate while notes are being read.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import override_settings
from django.urls import reverse

from rapport import access, cli
from rapport.meetings import services
from rapport.meetings.models import PrivateNote, SharedNotes
from rapport.meetings.services.sealing import private_note_keys_in_use, private_notes_reseal
from rapport.people import keys

ON_POSTGRESQL = bool(os.environ.get("DATABASE_URL"))
MIA_SECRET = "Mia suspects Ray interviews at Zanzibar Labs"
RAY_SECRET = "Ray wants to ask for a raise in March"
SHARED = "Shared-marker: the release plan is fine"

WRITER = r"""
import os, sys
import django

os.environ["DJANGO_SETTINGS_MODULE"] = "rapport.settings"
django.setup()
from django.core.management import call_command
from django.db import connection

call_command("migrate", interactive=False, verbosity=0)
from rapport.meetings import services
from rapport.meetings.models import SharedNotes
from rapport.people.models import Organisation, Person
from rapport.meetings.services import report_invite

acme = Organisation.objects.create(name="Acme")
ada = Person.objects.create(organisation=acme, email="ada@acme.test", name="Ada", is_org_admin=True)
mia = report_invite(actor=ada, email="mia@acme.test", name="Mia", level="senior")
ray = report_invite(actor=ada, email="ray@acme.test", name="Ray", manager=mia, level="junior")
meeting = ray.series.get().meetings.order_by("scheduled_at").first()
services.private_note_save(actor=mia, meeting=meeting, body=sys.argv[1], version=0)
services.private_note_save(actor=ray, meeting=meeting, body=sys.argv[2], version=0)
SharedNotes.objects.filter(meeting=meeting).update(context=sys.argv[3])
print("written", flush=True)
sys.stdin.readline()
with connection.cursor() as cursor:
    cursor.execute("PRAGMA wal_checkpoint(FULL)")
print("checkpointed", flush=True)
sys.stdin.readline()
"""


def child_environment(data_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SECRET_KEY", "SITE_URL", "RAPPORT_KEYS"}
        and not key.startswith("DJANGO_")
    }
    env.update(RAPPORT_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1")
    return env


def secrets_in(data: bytes) -> list[str]:
    """Every private-note text (or a telling piece of one) found in the bytes."""
    pieces = [MIA_SECRET, RAY_SECRET, "Zanzibar", "raise in March"]
    found = [piece for piece in pieces if piece.encode() in data]
    return found + [piece for piece in pieces if piece.encode("utf-16-le") in data]


@pytest.fixture
def key_file(settings, tmp_path: Path) -> Path:
    settings.RAPPORT_KEYS = ""
    settings.NOTE_KEYS_FILE = tmp_path / "keys" / "private-note-keys"
    return settings.NOTE_KEYS_FILE


# At rest --------------------------------------------------------------------------------


def test_the_sqlite_file_its_wal_and_its_backup_hold_no_private_note_text(tmp_path: Path) -> None:
    data = tmp_path / "data"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, MIA_SECRET, RAY_SECRET, SHARED],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_environment(data),
        cwd=tmp_path,
    )
    try:
        assert writer.stdout.readline().strip() == "written", writer.stderr.read()
        database, wal = data / "rapport.sqlite3", data / "rapport.sqlite3-wal"
        # The notes were just written: they are in the write-ahead log, not yet in the file.
        before = {"database": database.read_bytes(), "wal": wal.read_bytes()}
        writer.stdin.write("\n")
        writer.stdin.flush()
        assert writer.stdout.readline().strip() == "checkpointed", writer.stderr.read()
        after = {"database": database.read_bytes(), "wal": wal.read_bytes()}
    finally:
        writer.stdin.close()
        writer.wait(timeout=60)
    # The scan finds what is there: the shared notes are stored as they are.
    assert SHARED.encode() in before["wal"] and SHARED.encode() in after["database"]
    for name, content in [*before.items(), *after.items()]:
        assert secrets_in(content) == [], name
    with sqlite3.connect(database) as copy:
        sealed = [row[0] for row in copy.execute("SELECT sealed_body FROM meetings_privatenote")]
    assert len(sealed) == 2 and all(text.startswith("v1:") for text in sealed)
    key_file = data / "private-note-keys"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"

    backup = subprocess.run(
        [sys.executable, "-m", "rapport.cli", "backup", "--output", str(tmp_path / "copy")],
        capture_output=True,
        text=True,
        env=child_environment(data),
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert backup.returncode == 0, backup.stderr
    assert f"open only with the keys in {key_file}: back that up too" in backup.stdout
    assert secrets_in((tmp_path / "copy").read_bytes()) == []


@pytest.mark.skipif(not ON_POSTGRESQL, reason="reads a pg_dump; needs DATABASE_URL")
@pytest.mark.django_db(transaction=True)
def test_a_pg_dump_holds_no_private_note_text(mia, ray, meeting) -> None:
    services.private_note_save(actor=mia, meeting=meeting, body=MIA_SECRET, version=0)
    services.private_note_save(actor=ray, meeting=meeting, body=RAY_SECRET, version=0)
    SharedNotes.objects.filter(meeting=meeting).update(context=SHARED)
    config = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": config.get("PASSWORD") or ""}
    command = [shutil.which("pg_dump") or "pg_dump", "--no-owner", "--dbname", config["NAME"]]
    for flag, value in (("--host", config["HOST"]), ("--port", config["PORT"])):
        if value:
            command += [flag, str(value)]
    if config["USER"]:
        command += ["--username", config["USER"]]
    dump = subprocess.run(command, capture_output=True, env=env, timeout=120, check=True).stdout
    assert SHARED.encode() in dump  # the dump does hold the data
    assert dump.count(b"\tv1:") == 2  # both notes, sealed
    assert secrets_in(dump) == []


def test_reading_a_private_note_is_one_query(mia, meeting, django_assert_num_queries) -> None:
    services.private_note_save(actor=mia, meeting=meeting, body=MIA_SECRET, version=0)
    with django_assert_num_queries(1):
        assert access.private_note_for(mia, meeting).body == MIA_SECRET


# Rotation -------------------------------------------------------------------------------


def _notes(cast, series, count: int) -> dict[int, str]:
    """`count` private notes over the series' meetings, by both people; pk → text."""
    written = {}
    for number, meeting in enumerate(series.meetings.order_by("scheduled_at")[: count // 2]):
        for person in (cast.mia, cast.ray):
            text = f"{person.name} note {number}"
            note = services.private_note_save(actor=person, meeting=meeting, body=text, version=0)
            written[note.pk] = text
    return written


def _read_back(cast) -> dict[int, str]:
    notes = [*access.private_notes_visible_to(cast.mia), *access.private_notes_visible_to(cast.ray)]
    return {note.pk: note.body for note in notes}


def test_keys_rotate_midway_and_every_note_reads_back_throughout(
    cast, series, key_file: Path
) -> None:
    written = _notes(cast, series, 8)
    old = keys.keyring().sealing_id
    new = keys.key_file_add().sealing_id

    halfway = private_notes_reseal(limit=3, batch_size=2)
    assert halfway.resealed == 3 and halfway.key == new
    assert halfway.remaining == {old: 5}
    assert private_note_keys_in_use() == {new: 3, old: 5}
    assert _read_back(cast) == written  # old and new keys open side by side
    # A save during the rotation seals with the new key and is not undone by it.
    first = PrivateNote.objects.filter(sealed_body__startswith=f"v1:{old}:").first()
    saved = services.private_note_save(
        actor=first.author, meeting=first.meeting, body="Changed meanwhile", version=first.version
    )
    written[saved.pk] = "Changed meanwhile"
    versions = dict(PrivateNote.objects.values_list("pk", "version"))

    finished = private_notes_reseal()
    assert finished.resealed == 4 and finished.remaining == {}
    assert private_note_keys_in_use() == {new: 8}
    assert _read_back(cast) == written
    # Re-sealing is invisible to an open editor: versions stay.
    assert dict(PrivateNote.objects.values_list("pk", "version")) == versions

    # Retiring the old key: delete its line; every note still opens.
    lines = key_file.read_text().splitlines()
    key_file.write_text("\n".join(line for line in lines[:-1]) + "\n")
    assert keys.keyring().ids == (new,)
    assert _read_back(cast) == written


def test_a_rotation_with_a_note_under_a_lost_key_stops_in_words(
    cast, series, key_file: Path
) -> None:
    _notes(cast, series, 2)
    lost = keys.key_new()
    with override_settings(RAPPORT_KEYS=lost):
        services.private_note_save(
            actor=cast.mia,
            meeting=series.meetings.order_by("scheduled_at")[3],
            body="sealed with a key that will be lost",
            version=0,
        )
    with pytest.raises(keys.SealError, match=r"which the key file .* does not hold"):
        private_notes_reseal()


# The command line -----------------------------------------------------------------------


def test_rotate_keys_starts_finishes_and_says_how_to_retire_the_old_key(
    cast, series, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    written = _notes(cast, series, 6)
    old = keys.keyring().sealing_id

    assert cli.main(["rotate-keys", "--at-most", "4"]) == 0
    started = capsys.readouterr().out
    new = keys.keyring().sealing_id
    assert f"New key {new} put on top of {key_file}." in started
    assert f"Re-sealed 4 notes with key {new}." in started
    assert f"2 notes are still sealed with key {old}: run `rapport rotate-keys` again" in started

    assert cli.main(["rotate-keys"]) == 0
    finished = capsys.readouterr().out
    assert keys.keyring().sealing_id == new  # no third key: it finished the second
    assert f"Finishing the rotation to key {new}" in finished
    assert f"Every private note is now sealed with key {new}." in finished
    assert f"Key {old} opens nothing in this database any more" in finished
    assert f"delete its line from {key_file}" in finished
    assert _read_back(cast) == written


def test_rotate_keys_with_rapport_keys_explains_the_steps(
    db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with override_settings(RAPPORT_KEYS=keys.key_new()):
        assert cli.main(["rotate-keys"]) == 0
    out = capsys.readouterr().out
    assert "put a new key first in RAPPORT_KEYS" in out and "restart Rapport" in out


def test_serve_refuses_notes_whose_key_is_missing_in_one_error_line(
    mia, meeting, key_file: Path
) -> None:
    services.private_note_save(actor=mia, meeting=meeting, body=MIA_SECRET, version=0)
    held = keys.keyring().sealing_id
    assert cli.keys_description() == f"sealed with key {held} from {key_file} (back it up)."
    with (
        override_settings(RAPPORT_KEYS=keys.key_new()),
        pytest.raises(cli.CliError, match=f"1 private notes are sealed with key {held}"),
    ):
        cli.keys_description()


# The web --------------------------------------------------------------------------------


def test_a_missing_key_shows_a_page_in_words_never_a_traceback_or_an_empty_note(
    client_for, mia, meeting, key_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    services.private_note_save(actor=mia, meeting=meeting, body=MIA_SECRET, version=0)
    held = keys.keyring().sealing_id
    client = client_for(mia)
    page = reverse("meeting", args=[meeting.pk])
    with override_settings(RAPPORT_KEYS=keys.key_new()), caplog.at_level(logging.ERROR):
        response = client.get(page)
        fragment = client.post(
            reverse("private_note", args=[meeting.pk]),
            {"intent": "reload"},
            headers={"HX-Request": "true"},
        )
    assert response.status_code == 503
    text = response.content.decode()
    assert "cannot be opened" in text and "Nothing was changed or lost" in text
    assert "Traceback" not in text and "private-note-body" not in text
    assert fragment.status_code == 503 and "cannot be opened" in fragment.json()["error"]
    # Whoever runs Rapport reads which key is missing in the log, with no traceback.
    assert any(f"sealed with key {held}" in r.getMessage() for r in caplog.records)
    assert all(r.exc_info is None for r in caplog.records if r.name == "rapport.keys")
    assert client.get(page).status_code == 200  # the key back: the note is there


def test_there_is_no_django_admin_to_show_note_bodies(client_for, ada, settings) -> None:
    assert "django.contrib.admin" not in settings.INSTALLED_APPS
    assert client_for(ada).get("/admin/").status_code == 404
    assert client_for(ada).get("/admin/meetings/privatenote/").status_code == 404


# The migration --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_plaintext_notes_and_its_reverse_opens_them(
    cast, series, key_file: Path
) -> None:
    meeting = series.meetings.order_by("scheduled_at").first()
    before = [("meetings", "0003_timestamps_set_by_services")]
    # Every app's leaf: going back unapplies the later apps' migrations that depend on meetings.
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before[0]).apps.get_model("meetings", "PrivateNote")
        old.objects.create(meeting_id=meeting.pk, author_id=cast.mia.pk, body=MIA_SECRET)
        old.objects.create(meeting_id=meeting.pk, author_id=cast.ray.pk, body="")
        MigrationExecutor(connection).migrate(latest)
        mine = access.private_note_for(cast.mia, meeting)
        assert mine.body == MIA_SECRET and mine.sealed_body.startswith("v1:")
        assert access.private_note_for(cast.ray, meeting).sealed_body == ""

        executor = MigrationExecutor(connection)
        executor.migrate(before)
        reverted = executor.loader.project_state(before[0]).apps.get_model(
            "meetings", "PrivateNote"
        )
        assert reverted.objects.get(author_id=cast.mia.pk).body == MIA_SECRET
    finally:
        MigrationExecutor(connection).migrate(latest)
    assert access.private_note_for(cast.mia, meeting).body == MIA_SECRET


def test_rotate_keys_help_has_an_example_and_a_bad_count_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["rotate-keys", "--help"]) == 0
    assert "example" in capsys.readouterr().out
    assert cli.main(["rotate-keys", "--at-most", "0"]) == 2
    assert "is not a number of notes" in capsys.readouterr().err


def test_rotate_keys_with_the_wrong_keys_is_one_error_line_and_changes_nothing(
    mia, meeting, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    services.private_note_save(actor=mia, meeting=meeting, body=MIA_SECRET, version=0)
    before = PrivateNote.objects.get().sealed_body
    with override_settings(RAPPORT_KEYS=keys.key_new()):
        assert cli.main(["rotate-keys"]) == 1
    result = capsys.readouterr()
    assert result.out == ""
    [line] = result.err.strip().splitlines()
    assert line.startswith("Error: 1 private notes are sealed with key ")
    assert line.endswith("Nothing was changed.")
    assert PrivateNote.objects.get().sealed_body == before
