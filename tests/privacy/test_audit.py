"""The audit trail: reads of someone else's data and changes to sensitive records, as the
person reads them on their settings page, and as counts for org admins."""

from __future__ import annotations

import ast
import datetime as dt
import logging
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rapport.cli import main
from rapport.growth import services as growth_services
from rapport.meetings import services as meeting_services
from rapport.people.audit import FOLD_MINUTES, audit_record
from rapport.people.models import AuditEvent

NOTE = "MIA-PRIVATE-audit: Ray seems tired lately"
ROOT = Path(__file__).resolve().parents[2] / "rapport"


def rows_about(person) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(subject=person).order_by("pk"))


def test_the_manager_opening_the_report_page_is_in_the_reports_trail(
    mia, ray, series, client_for
) -> None:
    assert client_for(mia).get(reverse("series", args=[series.pk])).status_code == 200
    [row] = rows_about(ray)
    assert (row.actor, row.action, row.target_type, row.target_id) == (
        mia,
        AuditEvent.Action.SERIES_VIEW,
        "series",
        series.pk,
    )
    assert row.via == "web" and row.ip == "127.0.0.1"
    page = client_for(ray).get(reverse("settings")).content.decode()
    assert "Mia Manager" in page and "opened your 1:1 page" in page
    # Where Mia works from is hers: kept in the trail, never shown to Ray.
    assert "127.0.0.1" not in page


def test_a_person_reads_the_address_of_their_own_actions_only(
    mia, ray, meeting, client_for
) -> None:
    from rapport.people.audit import origin_set
    from rapport.privacy.selectors import person_export

    with origin_set(via="web", ip="198.51.100.7"):
        audit_record(actor=mia, subject=ray, action=AuditEvent.Action.MEETING_VIEW, target=meeting)
    with origin_set(via="web", ip="203.0.113.5"):
        meeting_services.private_note_save(actor=ray, meeting=meeting, body="Mine", version=0)
    page = client_for(ray).get(reverse("settings")).content.decode()
    assert "from 203.0.113.5" in page and "198.51.100.7" not in page
    lines = {
        line["actor"]["name"]: line["ip"]
        for line in person_export(viewer=ray, person=ray).data["audit"]
    }
    assert lines == {"Ray Report": "203.0.113.5", "Mia Manager": ""}


def test_reading_your_own_report_page_records_nothing(ray, series, client_for) -> None:
    client_for(ray).get(reverse("series", args=[series.pk]))
    assert rows_about(ray) == []


def test_the_managers_preparation_and_a_look_at_the_record_are_recorded(
    mia, ray, meeting, client_for
) -> None:
    client = client_for(mia)
    assert client.get(reverse("meeting_prepare", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("person", args=[ray.pk])).status_code == 200
    assert [row.action for row in rows_about(ray)] == ["prepare_view", "person_view"]


def test_the_manager_opening_the_career_page_is_in_the_reports_trail(
    mia, ray, series, client_for
) -> None:
    assert client_for(ray).get(reverse("career", args=[series.pk])).status_code == 200
    assert rows_about(ray) == []
    assert client_for(mia).get(reverse("career", args=[series.pk])).status_code == 200
    [row] = rows_about(ray)
    assert (row.actor, row.action) == (mia, AuditEvent.Action.CAREER_VIEW)
    page = client_for(ray).get(reverse("settings")).content.decode()
    assert "opened your career page" in page


def test_a_repeat_read_within_the_window_folds_and_a_later_one_is_a_new_row(mia, ray, series):
    start = timezone.now()
    kind = AuditEvent.Action.SERIES_VIEW
    assert audit_record(actor=mia, subject=ray, action=kind, target=series, now=start)
    later = start + dt.timedelta(minutes=FOLD_MINUTES - 1)
    assert audit_record(actor=mia, subject=ray, action=kind, target=series, now=later) is None
    after = start + dt.timedelta(minutes=FOLD_MINUTES + 1)
    assert audit_record(actor=mia, subject=ray, action=kind, target=series, now=after)
    assert len(rows_about(ray)) == 2


def test_a_folded_repeat_costs_one_read_and_ones_own_read_nothing(mia, ray, series) -> None:
    kind = AuditEvent.Action.SERIES_VIEW
    audit_record(actor=mia, subject=ray, action=kind, target=series)
    with CaptureQueriesContext(connection) as repeat:
        assert audit_record(actor=mia, subject=ray, action=kind, target=series) is None
    assert [q["sql"].split()[0] for q in repeat] == ["SELECT"]  # no savepoint, no write
    with CaptureQueriesContext(connection) as own:
        assert audit_record(actor=ray, subject=ray, action=kind, target=series) is None
    assert len(own) == 0


def test_behind_a_proxy_the_trail_keeps_the_clients_address(
    mia, ray, series, client_for, settings
) -> None:
    settings.PROXY_COUNT = 1
    client_for(mia).get(
        reverse("series", args=[series.pk]), HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )
    assert rows_about(ray)[0].ip == "203.0.113.9"


def test_a_private_note_change_is_recorded_for_its_author_only_and_never_its_text(
    mia, ray, meeting, client_for
) -> None:
    note = meeting_services.private_note_save(actor=mia, meeting=meeting, body=NOTE, version=0)
    meeting_services.private_note_save(actor=mia, meeting=meeting, body=NOTE + "!", version=1)
    meeting_services.private_note_save(actor=mia, meeting=meeting, body="", version=2)
    actions = [row.action for row in rows_about(mia)]
    assert actions == ["private_note_create", "private_note_edit", "private_note_delete"]
    assert rows_about(ray) == []
    for row in AuditEvent.objects.values():
        assert not any(NOTE[:20] in str(value) for value in row.values())
    assert AuditEvent.objects.filter(target_id=note.pk, target_type="privatenote").count() == 3
    assert "wrote a private note" not in client_for(ray).get(reverse("settings")).content.decode()


def test_feedback_plans_and_deactivation_land_in_the_persons_trail(
    ada, mia, ray, meeting, olga
) -> None:
    feedback = growth_services.feedback_give(
        actor=mia, meeting=meeting, kind="positive", situation="s", behaviour="b", impact="i"
    )
    growth_services.feedback_mark(actor=ray, feedback=feedback, acknowledged=True)
    growth_services.plan_create(
        actor=mia,
        meeting=meeting,
        expectations="Ship the migration",
        ends_on=timezone.localdate() + dt.timedelta(weeks=4),
    )
    growth_services.plan_close(actor=mia, meeting=meeting, status="met")
    meeting_services.report_deactivate(actor=ada, person=olga)
    assert [row.action for row in rows_about(ray)] == [
        "feedback_give",
        "feedback_mark",
        "plan_create",
        "plan_close",
    ]
    assert [(row.actor, row.action) for row in rows_about(olga)] == [(ada, "deactivate")]


def test_who_looked_is_paginated_newest_first_at_a_cost_that_does_not_grow(
    mia, ray, series, client_for
) -> None:
    start = timezone.now() - dt.timedelta(days=30)
    for number in range(25):
        audit_record(
            actor=mia,
            subject=ray,
            action=AuditEvent.Action.SERIES_VIEW,
            target=series,
            now=start + dt.timedelta(hours=number),
        )
    client = client_for(ray)
    with CaptureQueriesContext(connection) as first:
        page = client.get(reverse("settings")).content.decode()
    assert page.count("opened your 1:1 page") == 20 and "?seen=2#seen" in page
    older = client.get(reverse("settings") + "?seen=2").content.decode()
    assert older.count("opened your 1:1 page") == 5 and "?seen=3" not in older
    for number in range(25, 60):
        audit_record(
            actor=mia,
            subject=ray,
            action=AuditEvent.Action.SERIES_VIEW,
            target=series,
            now=start + dt.timedelta(hours=number),
        )
    with CaptureQueriesContext(connection) as second:
        client.get(reverse("settings"))
    assert len(second) == len(first)
    assert client.get(reverse("settings") + "?seen=nonsense").status_code == 200


def test_org_admins_see_counts_per_month_never_who_read_whom(
    ada, mia, ray, series, client_for
) -> None:
    client_for(mia).get(reverse("series", args=[series.pk]))
    page = client_for(ada).get(reverse("privacy")).content.decode()
    assert "1:1 pages opened by someone else" in page
    assert "Mia Manager" not in page and "Ray Report" not in page
    assert client_for(mia).get(reverse("privacy")).status_code == 404


def test_an_organisation_export_shows_in_everyones_trail_as_the_command_line(
    ray, mia, tmp_path
) -> None:
    assert main(["export", "--org", "Acme", "--output", str(tmp_path / "acme.json")]) == 0
    [row] = rows_about(ray)
    assert row.action == "org_export" and row.actor is None and row.via == "cli"
    assert len(rows_about(mia)) == 1


def test_nothing_but_erasure_updates_or_deletes_audit_rows() -> None:
    allowed_writers = {"people/audit.py", "privacy/services.py"}
    readers = {"access.py", "people/selectors.py"}
    for path in ROOT.rglob("*.py"):
        relative = str(path.relative_to(ROOT))
        if "migrations" in relative:
            continue
        tree = ast.parse(path.read_text())
        touches = any(
            isinstance(node, ast.Attribute)
            and node.attr == "objects"
            and isinstance(node.value, ast.Name)
            and node.value.id == "AuditEvent"
            for node in ast.walk(tree)
        )
        assert not touches or relative in allowed_writers | readers, relative
    text = (ROOT / "people" / "audit.py").read_text()
    assert ".update(" not in text and ".delete(" not in text


def test_the_privacy_page_costs_the_same_queries_however_many_rows(
    ada, mia, ray, series, client_for
) -> None:
    client = client_for(ada)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("privacy")).status_code == 200
        return len(queries)

    audit_record(actor=mia, subject=ray, action="series_view", target=series)
    few = count()
    start = timezone.now() - dt.timedelta(days=400)
    for number in range(40):
        audit_record(
            actor=mia,
            subject=ray,
            action=AuditEvent.Action.PREPARE_VIEW if number % 2 else AuditEvent.Action.SERIES_VIEW,
            target=series,
            now=start + dt.timedelta(days=10 * number),
        )
    assert count() == few


def test_the_manager_reading_a_colleagues_answer_is_in_the_reports_trail(
    mia, ray, omar, series, client_for
) -> None:
    from rapport.growth import services as growth

    [request] = growth.peer_request_create(actor=mia, series=series, colleague_ids=[omar.pk])
    growth.peer_request_answer(actor=omar, request=request, strengths="Calm", change="Delegate")
    url = reverse("series_peer", args=[series.pk])
    assert client_for(ray).get(url).status_code == 200  # the IC reads no answer, nothing logged
    assert rows_about(ray) == []
    assert client_for(mia).get(url).status_code == 200
    assert [row.action for row in rows_about(ray)] == [AuditEvent.Action.PEER_ANSWER_READ]
    assert "answer about you" in client_for(ray).get(reverse("settings")).content.decode()


def test_the_manager_opening_a_meeting_its_recap_and_its_career_part_is_in_the_trail(
    mia, ray, meeting, client_for
) -> None:
    client = client_for(mia)
    for name in ("meeting", "meeting_recap", "meeting_career"):
        assert client.get(reverse(name, args=[meeting.pk])).status_code == 200, name
    rows = rows_about(ray)
    assert [(row.actor, row.action) for row in rows] == [
        (mia, AuditEvent.Action.MEETING_VIEW),
        (mia, AuditEvent.Action.RECAP_VIEW),
        (mia, AuditEvent.Action.CAREER_VIEW),
    ]
    assert (rows[0].target_type, rows[0].target_id) == ("meeting", meeting.pk)
    page = client_for(ray).get(reverse("settings")).content.decode()
    assert "opened a 1:1 meeting with you" in page
    assert "downloaded the recap of a 1:1 with you" in page


def test_reopening_a_meeting_within_ten_minutes_folds_and_ones_own_reads_leave_nothing(
    mia, ray, meeting, client_for
) -> None:
    for _ in range(3):
        client_for(mia).get(reverse("meeting", args=[meeting.pk]))
        client_for(ray).get(reverse("meeting", args=[meeting.pk]))
        client_for(ray).get(reverse("meeting_recap", args=[meeting.pk]))
    assert [row.action for row in rows_about(ray)] == [AuditEvent.Action.MEETING_VIEW]
    assert rows_about(mia) == []


def test_the_figures_of_a_1on1_opened_by_the_manager_are_in_the_trail(
    mia, ray, series, client_for
) -> None:
    assert client_for(ray).get(reverse("insights_series", args=[series.pk])).status_code == 200
    assert rows_about(ray) == []
    assert client_for(mia).get(reverse("insights_series", args=[series.pk])).status_code == 200
    assert [row.action for row in rows_about(ray)] == [AuditEvent.Action.INSIGHTS_VIEW]


def test_reading_several_answers_is_one_line_per_page_view_not_one_per_answer(
    mia, ray, omar, dan, series, client_for
) -> None:
    from rapport.growth import services as growth

    asked = growth.peer_request_create(actor=mia, series=series, colleague_ids=[omar.pk, dan.pk])
    for request in asked:
        growth.peer_request_answer(
            actor=request.colleague, request=request, strengths="Calm", change="Delegate"
        )
    url = reverse("series_peer", args=[series.pk])
    client = client_for(mia)
    assert client.get(url).status_code == 200
    [row] = rows_about(ray)
    assert (row.action, row.target_type, row.target_id) == ("peer_answer_read", "series", series.pk)
    client.get(url)  # again within ten minutes: folded
    assert len(rows_about(ray)) == 1


FULL_TABLES = ("people_auditevent", "growth_meetingvisit")


@pytest.fixture
def full_disk(db):
    """The database refuses every new or changed audit row and visit, as a full disk would:
    a trigger makes the real database raise (PostgreSQL with its disk_full code, SQLite
    with the words of its full-disk error), inside the request's own transaction."""
    with connection.cursor() as cursor:
        for table in FULL_TABLES:
            for event in ("INSERT", "UPDATE"):
                name = f"full_{table}_{event.lower()}"
                if connection.vendor == "postgresql":
                    cursor.execute(
                        f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN "
                        "RAISE EXCEPTION 'could not extend file: No space left on device' "
                        "USING ERRCODE = 'disk_full'; END $$ LANGUAGE plpgsql"
                    )
                    cursor.execute(
                        f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
                        f"FOR EACH ROW EXECUTE FUNCTION {name}()"
                    )
                else:
                    cursor.execute(
                        f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
                        "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
                    )
    yield


def test_reading_never_fails_because_a_visit_or_audit_row_cannot_be_written(
    mia, ray, meeting, full_disk, client_for, caplog
) -> None:
    meeting_services.topic_add(actor=ray, meeting=meeting, text="The conference budget")
    client = client_for(mia)
    pages = [
        reverse("meeting", args=[meeting.pk]),
        reverse("meeting_live", args=[meeting.pk]),
        reverse("meeting_recap", args=[meeting.pk]),
        reverse("meeting_prepare", args=[meeting.pk]),
        reverse("series", args=[meeting.series_id]),
        reverse("career", args=[meeting.series_id]),
        reverse("meeting", args=[meeting.pk]),  # the page after the failures, still whole
    ]
    for url in pages:
        with caplog.at_level(logging.ERROR, logger="rapport.web.audit"):
            response = client.get(url)
        assert response.status_code == 200, url
    assert "The conference budget" in response.content.decode()
    assert AuditEvent.objects.count() == 0
    assert "Could not record a read (audit_record" in caplog.text
    assert "Could not record a read (meeting_seen" in caplog.text


@pytest.mark.parametrize(
    ("zone", "months"),
    [
        ("UTC", {dt.date(2026, 1, 1): 1, dt.date(2026, 3, 1): 2, dt.date(2026, 4, 1): 1}),
        ("Asia/Kolkata", {dt.date(2026, 2, 1): 1, dt.date(2026, 3, 1): 1, dt.date(2026, 4, 1): 2}),
        ("America/New_York", {dt.date(2026, 1, 1): 1, dt.date(2026, 3, 1): 3}),
    ],
)
def test_the_counts_per_month_follow_the_months_of_the_admins_timezone(
    mia, ray, series, zone, months
) -> None:
    from zoneinfo import ZoneInfo

    from rapport.people.selectors import audit_counts

    kind = AuditEvent.Action.SERIES_VIEW
    for at in ("2026-01-31T20:00", "2026-03-15T12:00", "2026-03-31T20:00", "2026-04-01T02:00"):
        moment = dt.datetime.fromisoformat(at).replace(tzinfo=dt.UTC)
        audit_record(actor=mia, subject=ray, action=kind, target=series, now=moment)
    with timezone.override(ZoneInfo(zone)):
        counted = audit_counts(AuditEvent.objects.filter(subject=ray))
    assert {month.month: month.total for month in counted} == months
    assert [month.month for month in counted] == sorted(months, reverse=True)
