"""The `rapport` command, run as a person would, then checked by reopening the data.

Most commands run in this process against the test database (`main([...])`);
the ones that need a real data folder run `python -m rapport.cli` in a subprocess.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.test import Client

from rapport import cli
from rapport.meetings import services as meeting_services
from rapport.meetings.models import Meeting, PrivateNote, SharedNotes, Topic
from rapport.people.models import Organisation, Person
from tests.failing import refuse_inserts

ON_POSTGRESQL = bool(os.environ.get("DATABASE_URL"))
HEADER = "email,name,level,manager_email,timezone,remote\n"
ROSTER = HEADER + (
    "lena@initech.test,Lena Lead,staff,,Europe/Berlin,no\n"
    "ivan@initech.test,Ivan IC,junior,lena@initech.test,America/New_York,yes\n"
    "jo@initech.test,Jo Senior,senior,lena@initech.test,,no\n"
)
BAD_ROSTER = HEADER + (
    "lena@initech.test,Lena Lead,staff,,Europe/Berlin,no\n"
    "ivan@initech.test,Ivan IC,wizard,lena@initech.test,UTC,yes\n"
    "jo@initech.test,Jo Senior,senior,lena@initech.test,Mars/Olympus,no\n"
    "lena@initech.test,Lena Again,staff,,UTC,no\n"
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> SimpleNamespace:
    """Run `rapport ARGS` in this process; return its exit code and output."""
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return SimpleNamespace(code=code, out=out, err=err)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def assert_one_error_line(result: SimpleNamespace, *fragments: str) -> None:
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("Error: ")
    for fragment in fragments:
        assert fragment in lines[0]
    assert "Traceback" not in result.err


@pytest.fixture
def initech(db: None) -> Organisation:
    return Organisation.objects.create(name="Initech")


# import-roster ----------------------------------------------------------------------


def test_it_imports_a_roster_and_prints_each_new_persons_link(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, initech: Organisation
) -> None:
    roster = write(tmp_path, "people.csv", ROSTER)
    result = run(capsys, "import-roster", str(roster))
    assert result.code == 0, result.err
    assert "3 created, 0 updated, 0 unchanged" in result.out
    people = Person.objects.filter(organisation=initech)
    assert sorted(people.values_list("email", flat=True)) == [
        "ivan@initech.test",
        "jo@initech.test",
        "lena@initech.test",
    ]
    ivan = people.get(email="ivan@initech.test")
    assert (ivan.level, ivan.manager.email, ivan.timezone, ivan.remote) == (
        "junior",
        "lena@initech.test",
        "America/New_York",
        True,
    )
    assert ivan.series.filter(ended_on__isnull=True, manager__email="lena@initech.test").exists()
    links = dict(re.findall(r"^ +(\S+@\S+) +http://[^/]+(/reset/\S+)$", result.out, re.M))
    assert set(links) == {person.email for person in people}
    page = Client().get(links["ivan@initech.test"], follow=True)
    assert page.status_code == 200
    assert b'name="new_password1"' in page.content


def test_a_second_import_updates_people_instead_of_duplicating_them(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, initech: Organisation
) -> None:
    assert run(capsys, "import-roster", str(write(tmp_path, "a.csv", ROSTER))).code == 0
    changed = ROSTER.replace("Jo Senior,senior", "Jo Staff,staff")
    result = run(capsys, "import-roster", str(write(tmp_path, "b.csv", changed)))
    assert result.code == 0, result.err
    assert "0 created, 1 updated, 2 unchanged" in result.out
    assert "Set-password links" not in result.out
    assert Person.objects.filter(organisation=initech).count() == 3
    assert Person.objects.get(email="jo@initech.test").level == "staff"


def test_a_bad_roster_reports_every_bad_line_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, initech: Organisation
) -> None:
    roster = write(tmp_path, "bad.csv", BAD_ROSTER)
    result = run(capsys, "import-roster", str(roster))
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert lines[0].startswith(f"{roster}:3: unknown level “wizard”")
    assert lines[1].startswith(f"{roster}:4: unknown timezone")
    assert lines[2].startswith(f"{roster}:5: duplicate email lena@initech.test")
    assert lines[3] == f"Error: {roster}: 3 bad lines, nothing was imported."
    assert "Traceback" not in result.err
    assert not Person.objects.filter(organisation=initech).exists()


def test_a_reporting_cycle_is_refused_with_its_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, initech: Organisation
) -> None:
    cycle = HEADER + (
        "a@initech.test,A,senior,b@initech.test,UTC,no\nb@initech.test,B,senior,a@initech.test,UTC,no\n"
    )
    result = run(capsys, "import-roster", str(write(tmp_path, "cycle.csv", cycle)))
    assert result.code == 1
    assert f"{tmp_path / 'cycle.csv'}:2: reporting cycle" in result.err
    assert not Person.objects.filter(organisation=initech).exists()


def test_a_missing_file_is_one_error_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, initech: Organisation
) -> None:
    missing = tmp_path / "nowhere.csv"
    assert_one_error_line(run(capsys, "import-roster", str(missing)), f"{missing}: no such file")


def test_a_file_that_is_not_utf8_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, initech: Organisation
) -> None:
    latin1 = write(
        tmp_path, "latin1.csv", (HEADER + "zoe@initech.test,Zoé,,,,\n").encode("latin-1")
    )
    assert_one_error_line(run(capsys, "import-roster", str(latin1)), f"{latin1}: not UTF-8")
    assert not Person.objects.exists()


def test_without_an_organisation_it_creates_one_only_when_asked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db: None
) -> None:
    roster = write(tmp_path, "people.csv", ROSTER)
    assert_one_error_line(run(capsys, "import-roster", str(roster)), "no organisation yet")
    assert not Organisation.objects.exists()

    bad = write(tmp_path, "bad.csv", BAD_ROSTER)
    assert run(capsys, "import-roster", str(bad), "--create-org", "Initech").code == 1
    assert not Organisation.objects.exists(), "a failed import leaves no new organisation"

    result = run(capsys, "import-roster", str(roster), "--create-org", "Initech")
    assert result.code == 0, result.err
    assert Person.objects.filter(organisation__name="Initech").count() == 3


def test_a_new_organisation_goes_with_an_import_that_fails_in_the_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db: None
) -> None:
    refuse_inserts("meetings_series")  # the people are written, then their 1:1s fail
    roster = write(tmp_path, "people.csv", ROSTER)
    result = run(capsys, "import-roster", str(roster), "--create-org", "Initech")
    assert_one_error_line(result, "database")
    assert not Organisation.objects.exists()
    assert not Person.objects.exists()


def test_with_several_organisations_it_asks_which_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, cast: SimpleNamespace
) -> None:
    roster = write(tmp_path, "people.csv", ROSTER)
    assert_one_error_line(run(capsys, "import-roster", str(roster)), "Acme, Globex", "--org")
    assert_one_error_line(run(capsys, "import-roster", str(roster), "--org", "Hooli"), "Hooli")
    result = run(capsys, "import-roster", str(roster), "--org", "globex")
    assert result.code == 0, result.err
    assert Person.objects.filter(organisation=cast.globex, email="ivan@initech.test").exists()


# createadmin ------------------------------------------------------------------------


def test_createadmin_sets_up_the_first_admin_without_a_browser(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db: None
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough passphrase\n"))
    result = run(
        capsys, "createadmin", "--org", "Initech", "--email", "Bill@Initech.test",
        "--name", "Bill Lumbergh", "--password-stdin",
    )  # fmt: skip
    assert result.code == 0, result.err
    admin = Person.objects.get(email="bill@initech.test")
    assert admin.is_org_admin
    assert admin.organisation.name == "Initech"
    assert admin.check_password("a long enough passphrase")


def test_createadmin_refuses_once_people_exist(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, cast: SimpleNamespace
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough passphrase\n"))
    result = run(
        capsys, "createadmin", "--org", "Initech", "--email", "bill@initech.test",
        "--name", "Bill", "--password-stdin",
    )  # fmt: skip
    assert_one_error_line(result, "already set up")
    assert not Person.objects.filter(email="bill@initech.test").exists()


def test_createadmin_without_a_terminal_asks_for_password_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db: None
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    result = run(capsys, "createadmin", "--org", "I", "--email", "b@i.test", "--name", "B")
    assert_one_error_line(result, "--password-stdin")
    assert not Organisation.objects.exists()


# demo -------------------------------------------------------------------------------


def _row_counts() -> dict[str, int]:
    models = (Organisation, Person, Meeting, Topic, SharedNotes, PrivateNote)
    return {model.__name__: model.objects.count() for model in models}


def test_demo_prints_its_logins_and_a_second_run_changes_nothing(
    capsys: pytest.CaptureFixture[str], db: None
) -> None:
    from rapport import demo

    first = run(capsys, "demo")
    assert first.code == 0, first.err
    assert demo.DEMO_PASSWORD in first.out
    for email, _role in demo.DEMO_LOGINS:
        assert email in first.out
        assert Person.objects.get(email=email).check_password(demo.DEMO_PASSWORD)
    counts = _row_counts()
    assert counts["Meeting"] > 0

    second = run(capsys, "demo")
    assert second.code == 0, second.err
    assert "nothing changed" in second.out
    assert _row_counts() == counts


def test_demo_refuses_a_database_with_real_people(
    capsys: pytest.CaptureFixture[str], cast: SimpleNamespace
) -> None:
    before = _row_counts()
    assert_one_error_line(run(capsys, "demo"))
    assert _row_counts() == before


def test_demo_with_people_generates_an_organisation_and_prints_its_logins(
    capsys: pytest.CaptureFixture[str], db: None
) -> None:
    from rapport.demo import large

    result = run(capsys, "demo", "--people", "12", "--years", "0.3", "--seed", "4")
    assert result.code == 0, result.err
    assert "Generated 12 people" in result.out and "meetings/s" in result.out
    assert result.err == "", "no progress bar outside a terminal"
    for email, _role in large.LOGINS:
        assert email in result.out
    assert Person.objects.count() == 12
    assert Meeting.objects.filter(status="held").count() > 30


@pytest.mark.parametrize(
    ("arguments", "message"),
    [(["--people", "2"], "between 4"), (["--people", "12", "--years", "20"], "10 years")],
)
def test_demo_with_people_refuses_sizes_out_of_range(
    capsys: pytest.CaptureFixture[str], db: None, arguments: list[str], message: str
) -> None:
    result = run(capsys, "demo", *arguments)
    assert result.code != 0
    assert message in result.err
    assert not Person.objects.exists()


def test_demo_with_people_refuses_a_database_with_real_people(
    capsys: pytest.CaptureFixture[str], cast: SimpleNamespace
) -> None:
    before = _row_counts()
    assert_one_error_line(run(capsys, "demo", "--people", "12"), "not Rapport's demo")
    assert _row_counts() == before


# export -----------------------------------------------------------------------------


def test_export_holds_the_shared_record_but_no_private_note(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, cast: SimpleNamespace, meeting: Meeting
) -> None:
    meeting_services.topic_add(actor=cast.ray, meeting=meeting, text="Shared topic: on-call load")
    notes = meeting.shared_notes
    meeting_services.shared_notes_save(
        actor=cast.mia,
        notes=notes,
        sections={"feedback": "SHARED-FEEDBACK-7731"},
        bases=notes.sections(),
    )
    meeting_services.private_note_save(
        actor=cast.mia, meeting=meeting, body="MANAGER-PRIVATE-4412", version=0
    )
    meeting_services.private_note_save(
        actor=cast.ray, meeting=meeting, body="REPORT-PRIVATE-9180", version=0
    )
    output = tmp_path / "acme.json"

    result = run(capsys, "export", "--org", "Acme", "--output", str(output))

    assert result.code == 0, result.err
    assert "Private notes are not exported" in result.out
    text = output.read_text(encoding="utf-8")
    assert "SHARED-FEEDBACK-7731" in text
    assert "Shared topic: on-call load" in text
    assert "MANAGER-PRIVATE-4412" not in text
    assert "REPORT-PRIVATE-9180" not in text
    data = json.loads(text)
    assert data["organisation"]["name"] == "Acme"
    emails = {person["email"] for person in data["people"]}
    assert "ray@acme.test" in emails
    assert "zed@globex.test" not in emails, "another organisation stays out"
    assert all("password" not in person for person in data["people"])
    assert {row["id"] for row in data["meetings"]} >= {meeting.pk}


def test_export_to_standard_output_is_plain_json(
    capsys: pytest.CaptureFixture[str], cast: SimpleNamespace
) -> None:
    result = run(capsys, "export", "--org", "Globex")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert [person["email"] for person in data["people"]] == ["zed@globex.test"]


# backup -----------------------------------------------------------------------------


def rapport(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """`rapport ARGS` in a subprocess with its own SQLite data folder."""
    env = {
        key: value
        for key, value in os.environ.items()
        # Django's variables (some set by other tests' fixtures) stay out of the child.
        if key not in {"DATABASE_URL", "SECRET_KEY", "SITE_URL"} and not key.startswith("DJANGO_")
    }
    env.update(RAPPORT_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1")
    return subprocess.run(
        [sys.executable, "-m", "rapport.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=data_dir,
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(
    ON_POSTGRESQL,
    reason="copies a SQLite file: the SQLite run covers it, and PostgreSQL is pg_dump's job",
)
def test_backup_writes_a_readable_sqlite_copy_with_the_people(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    setup = rapport(
        data, "createadmin", "--org", "Initech", "--email", "bill@initech.test",
        "--name", "Bill", "--password-stdin", stdin="a long enough passphrase\n",
    )  # fmt: skip
    assert setup.returncode == 0, setup.stderr
    write(data, "people.csv", ROSTER)
    assert rapport(data, "import-roster", "people.csv").returncode == 0

    first = rapport(data, "backup")
    target = tmp_path / "copy.sqlite3"
    second = rapport(data, "backup", "--output", str(target))
    again = rapport(data, "backup", "--output", str(target))

    assert first.returncode == 0, first.stderr
    [automatic] = (data / "backups").glob("rapport-*.sqlite3")
    assert str(automatic) in first.stdout
    assert second.returncode == 0, second.stderr
    for copy in (automatic, target):
        with sqlite3.connect(copy) as connection:
            emails = {row[0] for row in connection.execute("SELECT email FROM people_person")}
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert emails == {"bill@initech.test", "lena@initech.test", "ivan@initech.test",
                          "jo@initech.test"}  # fmt: skip
    assert again.returncode == 1
    assert again.stderr.strip() == f"Error: {target}: already exists, choose another file"


@pytest.mark.skipif(
    ON_POSTGRESQL,
    reason="copies a SQLite file: the SQLite run covers it, and PostgreSQL is pg_dump's job",
)
def test_backups_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    result = rapport(data, "backup", "--output", str(tmp_path / "copy.sqlite3"))
    automatic = rapport(data, "backup")
    assert result.returncode == 0 and automatic.returncode == 0, result.stderr + automatic.stderr
    [copy] = (data / "backups").glob("rapport-*.sqlite3")
    assert stat.S_IMODE((data / "backups").stat().st_mode) == 0o700
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "copy.sqlite3").stat().st_mode) == 0o600


def test_an_export_is_readable_by_its_owner_only_even_over_an_older_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, cast: SimpleNamespace
) -> None:
    output = tmp_path / "acme.json"
    output.write_text("old")
    output.chmod(0o644)
    assert run(capsys, "export", "--org", "Acme", "--output", str(output)).code == 0
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    assert json.loads(output.read_text())["organisation"]["name"] == "Acme"


@pytest.mark.skipif(not ON_POSTGRESQL, reason="checks the PostgreSQL answer; needs DATABASE_URL")
def test_backup_on_postgresql_says_to_use_pg_dump(
    capsys: pytest.CaptureFixture[str], db: None
) -> None:
    assert_one_error_line(run(capsys, "backup"), "pg_dump", '"$DATABASE_URL"')


# the command line itself --------------------------------------------------------------


def test_a_fresh_data_folder_gets_an_explanation_not_a_traceback(tmp_path: Path) -> None:
    result = rapport(tmp_path, "export")
    assert result.returncode == 1
    assert result.stderr.startswith("Error: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_a_short_secret_key_is_one_error_line(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("too-short")
    result = rapport(tmp_path, "export")
    assert result.returncode == 1
    assert result.stderr.strip() == "Error: SECRET_KEY must be at least 32 characters long."


@pytest.mark.parametrize(
    "command", [[], ["serve"], ["demo"], ["import-roster"], ["createadmin"], ["export"], ["backup"]]
)
def test_every_help_shows_an_example(
    capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    result = run(capsys, *command, "--help")
    assert result.code == 0
    assert "example" in result.out
    assert "rapport " in result.out.split("example", 1)[1]


def test_a_usage_mistake_exits_2_with_the_usage(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, "serve", "--port", "eighty")
    assert result.code == 2
    assert "usage: rapport serve" in result.err
    assert "not a port number" in result.err
    assert run(capsys).code == 2
    assert run(capsys, "frobnicate").code == 2


def test_manage_passes_through_to_django(capsys: pytest.CaptureFixture[str], db: None) -> None:
    code = cli.main(["manage", "showmigrations", "people"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert "[X] 0001_initial" in out


def test_a_line_with_several_problems_counts_as_one_bad_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, initech: Organisation
) -> None:
    roster = write(
        tmp_path,
        "bad.csv",
        "email,name,level,manager_email,timezone,remote\n"
        "bob@initech.test,Bob,wizard,nobody@initech.test,Mars/Base,maybe\n",
    )
    result = run(capsys, "import-roster", str(roster))
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert len([line for line in lines if line.startswith(f"{roster}:2: ")]) == 4
    assert lines[-1] == f"Error: {roster}: 1 bad line, nothing was imported."


def test_export_streams_the_indented_format_whatever_the_batch_size(
    cast: SimpleNamespace, meeting: Meeting
) -> None:
    from rapport.meetings.exports import organisation_export

    meeting_services.topic_add(actor=cast.ray, meeting=meeting, text='Quotes " and }, {\\n')
    # An optional text, empty or not: a summary with what JSON escapes.
    Meeting.objects.filter(pk=meeting.pk).update(summary='Said "yes"\n\tthen \\ left')
    moment = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    whole = "".join(organisation_export(cast.acme, now=moment).chunks())
    small = organisation_export(cast.acme, now=moment, batch=2)
    assert "".join(small.chunks()) == whole
    # Exactly what json.dumps(indent=2) writes for the same data.
    data = json.loads(whole)
    assert whole == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    assert data["exported_at"] == "2025-01-02T03:04:05+00:00"
    assert small.counts == {key: len(data[key]) for key in small.counts}
    assert small.counts["people"] == 7 and small.counts["topics"] >= 1
    assert 'Quotes " and }, {\\n' in [t["text"] for t in data["topics"]]
    # The same values as Django's JSON encoder gives for each record (times, booleans...).
    from django.core.serializers.json import DjangoJSONEncoder

    from rapport import access
    from rapport.meetings.exports import PERSON_FIELDS, exported_columns

    for key, queryset in access.organisation_records_for_operator(cast.acme).items():
        rows = list(queryset.values(*(PERSON_FIELDS if key == "people" else ())))
        # The `<text>_html` columns stay out: they only repeat their text as HTML; so do
        # the `kept_` figures, which only count records the export holds.
        rendered = set(rows[0] if rows else ()) - {
            *PERSON_FIELDS,
            *exported_columns(queryset.model),
        }
        assert all(name.endswith("_html") or name.startswith("kept_") for name in rendered), key
        if key == "meetings":
            assert {
                "kept_topics",
                "kept_report_topics",
                "kept_report_topics_early",
                "kept_status_topics",
            } <= rendered
        rows = [{k: v for k, v in row.items() if k not in rendered} for row in rows]
        assert data[key] == json.loads(json.dumps(rows, cls=DjangoJSONEncoder)), key


def test_export_writes_times_as_djangos_encoder_does_to_the_millisecond(
    cast: SimpleNamespace, meeting: Meeting
) -> None:
    from django.core.serializers.json import DjangoJSONEncoder

    from rapport.meetings.exports import organisation_export

    for when in (
        dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC),  # whole seconds: no fraction
        dt.datetime(2025, 1, 2, 3, 4, 5, 838999, tzinfo=dt.UTC),  # cut to .838, not rounded
        dt.datetime(2025, 1, 2, 3, 4, 5, 123, tzinfo=dt.UTC),  # under a millisecond: .000
        dt.datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC),  # before 2000
        dt.datetime(1969, 7, 20, 20, 17, 40, tzinfo=dt.UTC),  # before 1970, whole
    ):
        Meeting.objects.filter(pk=meeting.pk).update(started_at=when, created_at=when)
        data = json.loads("".join(organisation_export(cast.acme).chunks()))
        (row,) = [found for found in data["meetings"] if found["id"] == meeting.pk]
        expected = DjangoJSONEncoder().default(when)
        assert (row["started_at"], row["created_at"]) == (expected, expected), when


def test_export_records_leave_out_other_organisations_in_a_snapshot_or_not(
    cast: SimpleNamespace, meeting: Meeting
) -> None:
    from rapport import access
    from rapport.meetings.models import ActionItem, Series

    meeting_services.topic_add(actor=cast.ray, meeting=meeting, text="Acme's topic")
    stranger = Person.objects.create(
        organisation=cast.globex, email="yan@globex.test", name="Yan Globex"
    )
    theirs = Series.objects.create(
        organisation=cast.globex,
        manager=cast.zed,
        report=stranger,
        started_on=dt.date(2025, 1, 6),
        frequency_weeks=1,
        duration_minutes=30,
        career_every_weeks=4,
        start_time=dt.time(9),
    )
    their_meeting = Meeting.objects.create(
        series=theirs, scheduled_at=dt.datetime(2025, 1, 6, 9, tzinfo=dt.UTC), duration_minutes=30
    )
    Topic.objects.create(meeting=their_meeting, author=cast.zed, text="Globex's topic")
    SharedNotes.objects.create(meeting=their_meeting)
    ActionItem.objects.create(
        series=theirs, meeting=their_meeting, owner=stranger, created_by=cast.zed, text="Theirs"
    )

    def exported(in_snapshot: bool) -> dict[str, list[int]]:
        records = access.organisation_records_for_operator(cast.acme, in_snapshot=in_snapshot)
        return {
            key: list(queryset.values_list("pk", flat=True)) for key, queryset in records.items()
        }

    joined = exported(in_snapshot=False)
    assert exported(in_snapshot=True) == joined  # another organisation's 1:1s: still joined
    assert their_meeting.pk not in joined["meetings"] and theirs.pk not in joined["series"]
    assert not Topic.objects.filter(pk__in=joined["topics"], meeting=their_meeting).exists()
    assert len(joined["action_items"]) == ActionItem.objects.count() - 1

    theirs.delete()  # Acme now holds every 1:1 of the database
    records = access.organisation_records_for_operator(cast.acme, in_snapshot=True)
    assert " JOIN " not in str(records["topics"].query)
    assert exported(in_snapshot=True) == exported(in_snapshot=False)
    assert " JOIN " in str(access.organisation_records_for_operator(cast.acme)["topics"].query)


def test_export_outside_a_transaction_reads_one_snapshot(
    transactional_db: None, cast: SimpleNamespace, meeting: Meeting, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection

    from rapport import access
    from rapport.meetings.exports import organisation_export

    asked = []
    records = access.organisation_records_for_operator

    def recorded(organisation: Organisation, *, in_snapshot: bool = False) -> dict:
        asked.append((in_snapshot, connection.in_atomic_block))
        return records(organisation, in_snapshot=in_snapshot)

    monkeypatch.setattr(access, "organisation_records_for_operator", recorded)
    meeting_services.topic_add(actor=cast.ray, meeting=meeting, text="Outside")
    moment = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    text = "".join(organisation_export(cast.acme, now=moment, batch=3).chunks())
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"
    assert "Outside" in [t["text"] for t in json.loads(text)["topics"]]
    # PostgreSQL's is Django's atomic block; SQLite's a deferred one beside it.
    assert asked == [(True, connection.vendor == "postgresql")]
    assert not connection.in_atomic_block
    if connection.vendor == "sqlite":
        assert not connection.connection.in_transaction


def _meetings_fail_from(monkeypatch: pytest.MonkeyPatch, meeting_id: int) -> None:
    """From now on the export's reading of meetings fails at the meeting `meeting_id`, a real
    error of the database (on SQLite, through the rows read as on PostgreSQL)."""
    from django.db import connection
    from django.db.models import F, Func

    from rapport.meetings import exports

    failing = (
        f"1 / (%(expressions)s - {meeting_id})"  # division by zero
        if connection.vendor == "postgresql"
        else f"json(CASE %(expressions)s WHEN {meeting_id} THEN 'x' ELSE '1' END)"  # malformed
    )
    json_values = exports._json_values

    def values(model: type, fields: tuple[str, ...]) -> list:
        found = json_values(model, fields)
        return [*found, Func(F("pk"), template=failing)] if model is Meeting else found

    monkeypatch.setattr(exports, "_json_values", values)
    monkeypatch.setattr(exports, "_sqlite_writes_json", lambda model, fields: False)


@contextlib.contextmanager
def _in_key_order() -> Iterator[None]:
    """PostgreSQL reads a table in the order of its key when asked for it, however small."""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET enable_sort = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_sort")


def test_an_export_failing_midway_is_one_error_line_and_leaves_no_file(
    transactional_db: None,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    cast: SimpleNamespace,
    meeting: Meeting,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.db import DatabaseError, connection

    from rapport.meetings.exports import organisation_export

    # Outside a transaction, as the command runs: Acme's rows are read in id order (as on a
    # real organisation, not sorted first, which PostgreSQL would do for so few), so the
    # database sends the meetings before the last one, then fails on it.
    ids = list(Meeting.objects.order_by("pk").values_list("pk", flat=True))
    _meetings_fail_from(monkeypatch, ids[-1])
    export = organisation_export(cast.acme, batch=2)
    with _in_key_order(), pytest.raises(DatabaseError):
        for _chunk in export.encoded_chunks():
            pass
    assert export.counts["meetings"] == (len(ids) - 1) // 2 * 2
    assert not connection.in_atomic_block

    output = tmp_path / "acme.json"
    result = run(capsys, "export", "--org", "Acme", "--output", str(output))
    assert result.code == 1
    assert result.err.startswith("Error: ") and len(result.err.strip().splitlines()) == 1
    assert result.out == ""
    assert not output.exists(), "no half-written export left behind"


def test_an_export_stopped_early_leaves_the_connection_usable(
    cast: SimpleNamespace, meeting: Meeting
) -> None:
    from rapport.meetings.exports import organisation_export

    chunks = organisation_export(cast.acme, batch=2).encoded_chunks()
    while b'"meetings"' not in next(chunks):
        pass
    next(chunks)  # the first batch of meetings
    chunks.close()
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_sqlite_writes_the_same_bytes_as_the_json_encoder_for_any_text_and_time(
    cast: SimpleNamespace, meeting: Meeting, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection

    from rapport.meetings import exports
    from rapport.meetings.models import ActionItem, Series

    if connection.vendor != "sqlite":
        pytest.skip("the database writes the rows' text on SQLite only")
    awkward = "".join(map(chr, range(32))) + '"\\/ é 日本 😀 \u2028\u2029\x7f %s %d'
    topic = meeting_services.topic_add(actor=cast.ray, meeting=meeting, text="placeholder")
    Topic.objects.filter(pk=topic.pk).update(
        text=awkward, created_at=dt.datetime(2025, 1, 2, 3, 4, 5, 678901, tzinfo=dt.UTC)
    )
    Meeting.objects.filter(pk=meeting.pk).update(
        started_at=dt.datetime(2025, 1, 2, 3, 4, 5, 120000, tzinfo=dt.UTC),
        ended_at=dt.datetime(2025, 1, 2, 3, 34, tzinfo=dt.UTC),
        summary=awkward,
    )
    Series.objects.filter(pk=meeting.series_id).update(
        ended_on=dt.date(2025, 6, 30), start_time=dt.time(9, 30, 15, 250000)
    )
    for due_on in (dt.date(2025, 2, 3), None):
        ActionItem.objects.create(
            series_id=meeting.series_id,
            meeting=meeting,
            owner=cast.ray,
            created_by=cast.mia,
            text=awkward,
            due_on=due_on,
        )
    moment = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)

    by_sqlite = b"".join(exports.organisation_export(cast.acme, now=moment).encoded_chunks())
    monkeypatch.setattr(exports, "_sqlite_writes_json", lambda model, fields: False)
    by_orjson = b"".join(exports.organisation_export(cast.acme, now=moment).encoded_chunks())

    assert by_sqlite == by_orjson
    data = json.loads(by_sqlite)
    assert [t["created_at"] for t in data["topics"] if t["text"] == awkward] == [
        "2025-01-02T03:04:05.678Z"
    ]
    assert any(item["due_on"] is None for item in data["action_items"])
    assert any(series["ended_on"] is None for series in data["series"])
