"""A person's own export: the zip from settings and `rapport export --person`."""

from __future__ import annotations

import io
import json
import stat
import zipfile

from django.urls import reverse

from rapport.cli import main
from rapport.meetings import services as meeting_services
from rapport.people.models import AuditEvent

MINE = "RAY-OWN-NOTE-5e1: ask about the staff track"
THEIRS = "MIA-OWN-NOTE-0c2: Ray needs support"


def _prepared(mia, ray, meeting) -> None:
    meeting_services.topic_add(actor=ray, meeting=meeting, text="The conference budget")
    meeting_services.private_note_save(actor=ray, meeting=meeting, body=MINE, version=0)
    meeting_services.private_note_save(actor=mia, meeting=meeting, body=THEIRS, version=0)
    meeting_services.action_item_add(
        actor=mia, meeting=meeting, text="Book the conference", owner=ray
    )


def _files(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def test_download_my_data_gives_json_and_every_1on1_with_only_my_private_notes(
    mia, ray, meeting, client_for
) -> None:
    _prepared(mia, ray, meeting)
    response = client_for(ray).post(reverse("settings_export"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    files = _files(response.content)
    data = json.loads(files["data.json"])
    assert data["format"] == "rapport-person-export" and data["version"] == 1
    assert data["person"]["email"] == "ray@acme.test"
    [series] = data["series"]
    assert series["role"] == "report" and series["manager"]["name"] == "Mia Manager"
    exported = next(m for m in series["meetings"] if m["id"] == meeting.pk)
    assert exported["my_private_note"] == MINE
    assert exported["topics"][0]["text"] == "The conference budget"
    assert series["action_items"][0]["text"] == "Book the conference"
    [markdown] = [text for name, text in files.items() if name.startswith("meetings/")]
    assert markdown.startswith("## 1:1 with Mia Manager - ")
    assert "### My Private Notes\n" + MINE in markdown
    assert all(THEIRS not in text for text in files.values())
    assert AuditEvent.objects.filter(subject=ray, action="person_export").count() == 1


def test_the_managers_export_holds_their_own_note_under_the_templates_heading(
    mia, ray, meeting, client_for
) -> None:
    _prepared(mia, ray, meeting)
    files = _files(client_for(mia).post(reverse("settings_export")).content)
    text = "".join(files.values())
    assert "### Private Manager Notes\n" + THEIRS in text and MINE not in text


def test_the_export_is_not_a_get(ray, client_for) -> None:
    assert client_for(ray).get(reverse("settings_export")).status_code == 405


def test_the_command_line_exports_a_person_as_themselves_into_a_private_file(
    mia, ray, meeting, tmp_path, capsys
) -> None:
    _prepared(mia, ray, meeting)
    target = tmp_path / "ray.zip"
    argv = ["export", "--person", "RAY@acme.test", "--as", "ray@acme.test", "--output"]
    assert main([*argv, str(target)]) == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    files = _files(target.read_bytes())
    assert MINE in "".join(files.values()) and THEIRS not in "".join(files.values())
    row = AuditEvent.objects.get(subject=ray, action="person_export")
    assert row.via == "cli"
    assert "1:1s in Markdown" in capsys.readouterr().out


def test_nobody_else_may_export_a_person_not_even_an_admin(ray, ada, tmp_path, capsys) -> None:
    target = tmp_path / "ray.zip"
    argv = ["export", "--person", "ray@acme.test", "--as", "ada@acme.test", "--output"]
    assert main([*argv, str(target)]) == 1
    error = capsys.readouterr().err
    assert error.startswith("Error: only the person themselves") and error.count("\n") == 1
    assert not target.exists()
    assert main(["export", "--person", "ray@acme.test", "--output", str(target)]) == 1
    assert (
        main(
            [
                "export",
                "--person",
                "nobody@acme.test",
                "--as",
                "nobody@acme.test",
                "--output",
                str(target),
            ]
        )
        == 1
    )
