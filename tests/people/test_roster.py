"""Roster import: every bad line reported with its number, all or nothing, re-import updates."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError

from rapport import access
from rapport.errors import Refused
from rapport.meetings.models import Series
from rapport.meetings.services import roster_apply
from rapport.meetings.services import series as series_services
from rapport.people.models import Organisation, Person
from rapport.people.services import RosterErrors, roster_parse
from tests.failing import refuse_inserts

HEADER = "email,name,level,manager_email,timezone,remote\n"


def csv_text(*lines: str, header: str = HEADER) -> str:
    return header + "".join(line + "\n" for line in lines)


def import_errors(ada: Person, text: str) -> list[tuple[int, str]]:
    """The errors a refused import reports, after checking it wrote nothing."""
    before = list(Person.objects.order_by("pk").values_list("pk", "name", "level", "manager_id"))
    with pytest.raises(RosterErrors) as refused:
        roster_apply(actor=ada, organisation=ada.organisation, text=text)
    after = list(Person.objects.order_by("pk").values_list("pk", "name", "level", "manager_id"))
    assert after == before
    return refused.value.errors


def test_a_new_roster_creates_everyone_with_their_reporting_lines(ada, cast) -> None:
    text = csv_text(
        "nina@acme.test,Nina New,junior,noor@acme.test,Europe/Berlin,yes",
        "noor@acme.test,Noor Lead,senior,dan@acme.test,,no",
    )
    result = roster_apply(actor=ada, organisation=cast.acme, text=text)
    assert [p.email for p in result.created] == ["nina@acme.test", "noor@acme.test"]
    assert (result.updated, result.unchanged) == ([], 0)
    nina = Person.objects.get(email="nina@acme.test")
    assert (nina.name, nina.level, nina.timezone, nina.remote) == (
        "Nina New",
        "junior",
        "Europe/Berlin",
        True,
    )
    assert nina.manager.email == "noor@acme.test"
    assert nina.manager.manager == cast.dan
    assert nina.series.get().manager == nina.manager
    assert not nina.has_usable_password()


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("nina@acme.test,Nina New,lead,,UTC,no", "unknown level “lead”"),
        (
            "nina@acme.test,Nina New,junior,ghost@acme.test,UTC,no",
            "unknown manager ghost@acme.test",
        ),
        ("nina@acme.test,Nina New,junior,,Mars/Olympus,no", "unknown timezone “Mars/Olympus”"),
        ("nina@acme.test,Nina New,junior,,UTC", "missing column remote"),
        ("nina@acme.test,Nina New,junior,,UTC,no,extra", "more values than columns"),
        ("nina@acme.test,Nina New,junior,,UTC,sometimes", "remote must be yes or no"),
        ("nina-at-acme,Nina New,junior,,UTC,no", "not an email address"),
        ("nina@acme.test,,junior,,UTC,no", "the name is empty"),
        ("nina@acme.test,Nina New,junior,nina@acme.test,UTC,no", "their own manager"),
        ("zed@globex.test,Zed,junior,,UTC,no", "another organisation"),
    ],
)
def test_each_kind_of_bad_line_is_reported_with_its_line_number(ada, line, reason) -> None:
    text = csv_text("ok@acme.test,Fine Person,senior,,UTC,no", line)
    errors = import_errors(ada, text)
    assert len(errors) == 1
    number, message = errors[0]
    assert number == 3
    assert reason in message


def test_a_duplicate_email_is_reported_on_its_second_line(ada) -> None:
    text = csv_text(
        "nina@acme.test,Nina New,junior,,UTC,no",
        "noor@acme.test,Noor Lead,senior,,UTC,no",
        "NINA@acme.test,Nina Again,junior,,UTC,no",
    )
    assert import_errors(ada, text) == [(4, "duplicate email nina@acme.test (also on line 2)")]


def test_a_missing_column_in_the_header_is_reported_on_line_one(ada) -> None:
    text = csv_text(
        "nina@acme.test,Nina New,junior,UTC,no", header="email,name,level,timezone,remote\n"
    )
    assert import_errors(ada, text) == [(1, "missing column manager_email")]


def test_an_empty_file_is_refused(ada) -> None:
    assert import_errors(ada, "")[0][0] == 1
    assert import_errors(ada, HEADER) == [(1, "the file has no people")]


def test_every_bad_line_is_reported_at_once_and_nothing_is_written(ada) -> None:
    text = csv_text(
        "nina@acme.test,Nina New,junior,,UTC,no",
        "bad@acme.test,Bad Level,wizard,,UTC,no",
        "noor@acme.test,Noor Lead,senior,,UTC,no",
        "late@acme.test,Late Person,junior,ghost@acme.test,Nowhere/Land,no",
        "ok@acme.test,Fine Person,senior,,UTC,no",
    )
    errors = import_errors(ada, text)
    assert [line for line, _ in errors] == [3, 5, 5]
    assert not Person.objects.filter(email="nina@acme.test").exists()


def test_a_cycle_within_the_file_is_reported_on_every_line_in_it(ada) -> None:
    text = csv_text(
        "a@acme.test,Alpha,senior,b@acme.test,UTC,no",
        "b@acme.test,Beta,senior,c@acme.test,UTC,no",
        "c@acme.test,Gamma,senior,a@acme.test,UTC,no",
        "d@acme.test,Delta,junior,a@acme.test,UTC,no",
    )
    errors = import_errors(ada, text)
    assert [line for line, _ in errors] == [2, 3, 4]
    assert all("reporting cycle" in reason for _, reason in errors)


def test_a_cycle_across_the_file_and_existing_people_is_reported(ada, dan, ray) -> None:
    # ray reports to mia, who reports to dan: dan cannot report to ray.
    text = csv_text("dan@acme.test,Dan Director,,ray@acme.test,Europe/Paris,no")
    assert import_errors(ada, text) == [(2, "reporting cycle through ray@acme.test")]


def test_a_deactivated_manager_is_refused(ada, omar, olga) -> None:
    from rapport.meetings.services import report_deactivate, report_update

    report_update(
        actor=ada,
        person=olga,
        name=olga.name,
        level=olga.level,
        manager=None,
        timezone=olga.timezone,
        remote=olga.remote,
        is_org_admin=False,
    )
    report_deactivate(actor=ada, person=omar)
    text = csv_text("nina@acme.test,Nina New,junior,omar@acme.test,UTC,no")
    assert import_errors(ada, text) == [(2, "manager omar@acme.test is deactivated")]


def test_a_byte_order_mark_and_header_case_and_windows_line_ends_are_accepted(ada) -> None:
    text = "\ufeffEmail, Name ,LEVEL,Manager_Email,TimeZone,Remote\r\n" + (
        "nina@acme.test,Nina New,Junior,mia@acme.test,europe/paris,Yes\r\n"
    )
    result = roster_apply(actor=ada, organisation=ada.organisation, text=text)
    nina = result.created[0]
    assert (nina.email, nina.level, nina.timezone, nina.remote) == (
        "nina@acme.test",
        "junior",
        "Europe/Paris",
        True,
    )


def test_quoted_values_and_reports_listed_before_their_manager_are_fine(ada) -> None:
    text = csv_text(
        'nina@acme.test,"New, Nina",junior,noor@acme.test,UTC,no',
        "noor@acme.test,Noor Lead,senior,,UTC,no",
    )
    roster_apply(actor=ada, organisation=ada.organisation, text=text)
    assert Person.objects.get(email="nina@acme.test").manager.name == "Noor Lead"


def test_new_people_are_numbered_in_the_order_of_the_file_with_their_managers_set(ada) -> None:
    text = csv_text(
        "zoe@acme.test,Zoe Report,junior,abe@acme.test,UTC,no",
        "abe@acme.test,Abe Lead,senior,,UTC,no",
        "max@acme.test,Max Report,confirmed,abe@acme.test,UTC,no",
    )
    result = roster_apply(actor=ada, organisation=ada.organisation, text=text)
    emails = ["zoe@acme.test", "abe@acme.test", "max@acme.test"]
    assert [p.email for p in result.created] == emails
    assert [p.pk for p in result.created] == sorted(p.pk for p in result.created)
    stored = Person.objects.filter(email__in=emails).order_by("pk")
    assert [(p.email, p.manager_id) for p in stored] == [
        ("zoe@acme.test", result.created[1].pk),
        ("abe@acme.test", None),
        ("max@acme.test", result.created[1].pk),
    ]
    assert [p.email for p in result.moved] == ["zoe@acme.test", "max@acme.test"]
    planned = Series.objects.get(report__email="max@acme.test").meetings
    assert planned.count() > 0 and planned.filter(shared_notes__isnull=True).count() == 0


def test_reimporting_updates_people_instead_of_duplicating_them(ada, cast) -> None:
    text = csv_text(
        "ray@acme.test,Ray Report,junior,mia@acme.test,America/New_York,yes",
        "rita@acme.test,Rita Senior,senior,mia@acme.test,UTC,no",
    )
    first = roster_apply(actor=ada, organisation=cast.acme, text=text)
    assert (first.created, first.updated, first.unchanged) == ([], [], 2)
    count = Person.objects.count()
    changed = csv_text(
        "ray@acme.test,Raymond Report,confirmed,omar@acme.test,America/New_York,yes",
        "rita@acme.test,Rita Senior,senior,mia@acme.test,UTC,no",
    )
    second = roster_apply(actor=ada, organisation=cast.acme, text=changed)
    assert [p.email for p in second.updated] == ["ray@acme.test"]
    assert (second.created, second.unchanged) == ([], 1)
    assert Person.objects.count() == count
    ray = Person.objects.get(email="ray@acme.test")
    assert (ray.name, ray.level, ray.manager) == ("Raymond Report", "confirmed", cast.omar)


def test_a_new_manager_on_reimport_ends_the_old_one_on_one_which_the_ic_still_sees(
    ada, cast, series
) -> None:
    text = csv_text("ray@acme.test,Ray Report,junior,omar@acme.test,America/New_York,yes")
    roster_apply(actor=ada, organisation=cast.acme, text=text)
    series.refresh_from_db()
    assert series.ended_on is not None
    ray = cast.ray
    assert ray.series.get(ended_on__isnull=True).manager == cast.omar
    assert set(access.series_visible_to(ray)) == set(ray.series.all())
    assert series in access.series_visible_to(ray)


def test_the_command_line_imports_without_an_actor(cast) -> None:
    text = csv_text("nina@acme.test,Nina New,junior,mia@acme.test,UTC,no")
    result = roster_apply(actor=None, organisation=cast.acme, text=text)
    assert result.created[0].organisation == cast.acme


def test_errors_read_as_line_and_reason_for_the_command_line(cast) -> None:
    text = csv_text("nina@acme.test,Nina New,lead,,UTC,no")
    with pytest.raises(RosterErrors) as refused:
        roster_apply(actor=None, organisation=cast.acme, text=text)
    assert (
        str(refused.value)
        == "line 2: unknown level “lead” (use junior, confirmed, senior, staff or nothing)"
    )


def test_only_org_admins_import(mia) -> None:
    with pytest.raises(PermissionDenied):
        roster_apply(actor=mia, organisation=mia.organisation, text=csv_text())


def test_an_admin_imports_only_into_their_own_organisation(zed, cast) -> None:
    with pytest.raises(Refused, match="own organisation"):
        roster_apply(actor=zed, organisation=cast.acme, text=csv_text())


def test_an_oversized_text_is_refused(ada) -> None:
    line = "x@acme.test,X,junior,,UTC,no\n"
    with pytest.raises(RosterErrors, match="too large"):
        roster_parse(HEADER + line * (1_000_000 // len(line) + 1))


def test_new_people_are_mailed_their_link_only_when_asked(
    ada, settings, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    settings.EMAIL_ENABLED = True
    with django_capture_on_commit_callbacks(execute=True):
        roster_apply(
            actor=ada,
            organisation=ada.organisation,
            text=csv_text("nina@acme.test,Nina New,junior,,UTC,no"),
        )
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        roster_apply(
            actor=ada,
            organisation=ada.organisation,
            send_invites=True,
            text=csv_text("noor@acme.test,Noor New,junior,,UTC,no"),
        )
    assert [mail.to for mail in mailoutbox] == [["noor@acme.test"]]


def test_a_manager_on_a_bad_line_is_not_also_called_unknown(ada) -> None:
    text = csv_text(
        "noor@acme.test,Noor Lead,wizard,,UTC,no",
        "nina@acme.test,Nina New,junior,noor@acme.test,UTC,no",
    )
    assert [line for line, _ in import_errors(ada, text)] == [2]


# One transaction ---------------------------------------------------------------------


def test_a_refused_roster_for_a_new_organisation_leaves_no_organisation_behind(db) -> None:
    bad = csv_text("nina@acme.test,Nina New,wizard,,UTC,no")
    with pytest.raises(RosterErrors):
        roster_apply(actor=None, new_organisation="Initech", text=bad)
    assert not Organisation.objects.filter(name="Initech").exists()
    good = csv_text("nina@initech.test,Nina New,junior,,UTC,no")
    result = roster_apply(actor=None, new_organisation="Initech", text=good)
    assert result.organisation == Organisation.objects.get(name="Initech")
    assert Person.objects.filter(organisation=result.organisation).count() == len(result.created)


def test_only_the_operator_creates_an_organisation_with_a_roster(ada) -> None:
    with pytest.raises(Refused, match="Only the operator"):
        roster_apply(actor=ada, new_organisation="Initech", text=csv_text())
    with pytest.raises(Refused, match="Choose the organisation"):
        roster_apply(actor=None, text=csv_text())
    assert not Organisation.objects.filter(name="Initech").exists()


def test_a_roster_failing_halfway_through_its_one_on_ones_writes_nobody(ada, cast, mia) -> None:
    before = list(Person.objects.order_by("pk").values_list("pk", "name", "level", "manager_id"))
    series_before = list(Series.objects.order_by("pk").values_list("pk", "ended_on"))
    text = csv_text(
        "nina@acme.test,Nina New,junior,mia@acme.test,UTC,no",
        "ray@acme.test,Ray Report,junior,omar@acme.test,America/New_York,yes",
    )
    refuse_inserts("meetings_series")  # the people are written, then their 1:1s fail
    with pytest.raises(DatabaseError):
        roster_apply(actor=ada, organisation=cast.acme, text=text)
    after = list(Person.objects.order_by("pk").values_list("pk", "name", "level", "manager_id"))
    assert after == before
    assert list(Series.objects.order_by("pk").values_list("pk", "ended_on")) == series_before


def test_new_1on1s_started_together_keep_clear_of_each_other(ada, cast, monkeypatch) -> None:
    # Written and looked up in parts of two, as a large roster is in parts.
    monkeypatch.setattr(series_services, "START_BATCH", 2)
    text = csv_text(
        *(f"new{n}@acme.test,New Report {n},junior,dan@acme.test,Europe/Paris,no" for n in range(3))
    )
    roster_apply(actor=ada, organisation=cast.acme, text=text)
    standing = Series.objects.filter(manager=cast.dan, ended_on__isnull=True, weekday=1)
    assert standing.count() == 5  # Mia, Omar and the three new reports
    assert len({series.start_time for series in standing}) == 5
    for series in standing.filter(report__email__startswith="new"):
        assert series.meetings.filter(status="scheduled").exists()
        assert all(hasattr(m, "shared_notes") for m in series.meetings.all())
