"""A person's own export: the zip from settings and `rapport export --person`."""

from __future__ import annotations

import io
import json
import stat
import zipfile

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.cli import main
from rapport.meetings import services as meeting_services
from rapport.people.models import AuditEvent, Person
from rapport.privacy.selectors import person_export
from tests.career.conftest import move_to_manager
from tests.privacy.history import PEER_ANSWER, career_history

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
    assert data["format"] == "rapport-person-export" and data["version"] == 2
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
    assert "1:1s and 0 careers in Markdown" in capsys.readouterr().out


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


MENTION = "Ray Report"


def test_the_export_holds_every_career_record_i_may_see_and_no_colleagues_answer(
    cast, mia, ray, series, meeting, client_for
) -> None:
    written = career_history(cast, series, meeting, mention=MENTION)
    files = _files(client_for(ray).post(reverse("settings_export")).content)
    data = json.loads(files["data.json"])
    [mine] = data["series"]
    assert [v["answer"] for v in mine["aspirations"]] == [
        "First version: Ray Report wants to lead a team",
        "Second version: Ray Report wants the staff track",
    ]
    assert mine["aspirations"][1]["recorded_by"]["name"] == "Mia Manager"
    assert mine["aspirations"][0]["question"].endswith("?")
    [view] = mine["ladder_views"]
    assert (view["area_key"], view["level"], view["position"]) == ("delivery", "confirmed", "below")
    assert mine["self_assessments"][0]["text"] == "I, Ray Report, ship steadily"
    [goal] = mine["goals"]
    assert goal["id"] == written.goal.pk and goal["owner"]["name"] == "Ray Report"
    assert [(c["field"], c["after"]) for c in goal["changes"]][-1] == (
        "criterion",
        "Ray Report runs the cut-over",
    )
    assert [(p["text"], p["percent"]) for p in goal["progress"]] == [
        ("Ray Report wrote the plan", 30)
    ]
    plan = mine["development_plan"]
    assert plan["focus_areas"] == ["leadership"] and plan["notes"] == "Plan for Ray Report"
    assert {c["field"] for c in plan["changes"]} >= {"focus_areas", "notes"}
    assert [s["text"] for s in mine["peer_feedback_summaries"]] == [
        "Colleagues find Ray Report calm"
    ]
    [retro] = mine["retrospectives"]
    assert retro["rating"] == 4 and retro["reply"] == "Thank you Ray Report"
    [given] = [f for m in mine["meetings"] for f in m["feedback"]]
    assert given["acted_on_note"] == "Ray Report now waits his turn" and given["acted_on_at"]
    everything = "".join(files.values())
    assert PEER_ANSWER not in everything and "could delegate" not in everything
    assert "Rita mentors well" not in everything  # their own answer is the asking manager's
    [career_file] = [name for name in files if name.startswith("career/")]
    text = files[career_file]
    assert career_file.endswith(f"-career-with-mia-manager-{series.pk}.md")
    for expected in (
        "## Aspirations",
        "Second version: Ray Report wants the staff track",
        "Delivery: Below Confirmed (Mia Manager): Ray Report ships on time but alone",
        "### Lead the migration (Ray Report) (active)",
        "Progress ",
        'Criterion set to "Ray Report runs the cut-over"',
        "  - Situation: The incident review",
        "## Development plan",
        "Colleagues find Ray Report calm",
        "rated 4/5",
        "Reply (",
        "acted on ",
    ):
        assert expected in text, expected


def test_a_manager_whose_1on1_ended_exports_only_what_was_recorded_with_them(
    cast, mia, ray, series, meeting, client_for
) -> None:
    career_history(cast, series, meeting, mention=MENTION)
    move_to_manager(cast.ada, ray, cast.omar)
    data = json.loads(_files(client_for(mia).post(reverse("settings_export")).content)["data.json"])
    [ended] = [s for s in data["series"] if s["report"]["name"] == "Ray Report"]
    assert ended["ended_on"] is not None and len(ended["aspirations"]) == 2
    assert ended["retrospectives"] == []  # a report's retrospectives are their current manager's
    assert PEER_ANSWER not in json.dumps(data)


def test_the_export_costs_the_same_queries_however_much_career_there_is(
    cast, mia, ray, series, meeting
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            fresh = Person.objects.get(pk=ray.pk)
            person_export(viewer=fresh, person=fresh).zip_bytes()
        return len(queries)

    career_history(cast, series, meeting, mention=MENTION)
    few = count()
    later = list(series.meetings.filter(status="scheduled").order_by("scheduled_at"))[1]
    career_history(cast, series, later, mention="Ray again")
    assert count() == few <= 25
