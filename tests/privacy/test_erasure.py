"""Erasure: the person asks, an org admin erases; then no table holds their name, address
or note text, on SQLite and on PostgreSQL alike (the suite runs on both)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse

from rapport.cli import main
from rapport.errors import Refused
from rapport.growth import services as growth_services
from rapport.meetings import services as meeting_services
from rapport.meetings.models import PrivateNote, Series, SharedNotes, Topic
from rapport.people import keys
from rapport.people.models import AuditEvent, Confirmation, Person
from rapport.people.services import confirmation_ask
from rapport.privacy import services
from tests.conftest import PASSWORD
from tests.privacy.history import CAREER_TABLES, PEER_ANSWER, career_history

NOTE = "RAY-ERASE-NOTE-8d4: I am interviewing elsewhere"
TOPIC = "RAY-ERASE-TOPIC-2b7: the move to the platform team"


def _history(mia, ray, meeting, client_for) -> None:
    """ray's traces everywhere: notes, topics, feedback, sign-in records, a reset request,
    and his whole career (tests/privacy/history.py), each text naming him."""
    career_history(
        SimpleNamespace(
            mia=mia,
            ray=ray,
            omar=Person.objects.get(email="omar@acme.test"),
            rita=Person.objects.get(email="rita@acme.test"),
        ),
        meeting.series,
        meeting,
        mention="Ray Report (ray@acme.test)",
    )
    meeting_services.private_note_save(actor=ray, meeting=meeting, body=NOTE, version=0)
    meeting_services.private_note_save(
        actor=mia, meeting=meeting, body="Ray Report (ray@acme.test) looks tired", version=0
    )
    meeting_services.topic_add(actor=ray, meeting=meeting, text=TOPIC)
    meeting_services.topic_add(actor=mia, meeting=meeting, text="Ask Ray about the move")
    shared, _ = SharedNotes.objects.get_or_create(meeting=meeting)
    meeting_services.shared_notes_save(
        actor=mia,
        notes=shared,
        sections={"context": "Ray Report wrote to ray@acme.test about it"},
        bases={"context": ""},
    )
    growth_services.feedback_give(
        actor=mia,
        meeting=meeting,
        kind="positive",
        situation="The demo",
        behaviour="Ray Report explained it",
        impact="The team understood",
    )
    client_for(mia).get(reverse("series", args=[meeting.series_id]))
    Client().post(reverse("login"), {"username": "ray@acme.test", "password": "wrong"})
    Client().post(reverse("password_reset"), {"email": "ray@acme.test"})


def every_value() -> list[tuple[str, str, str]]:
    """Every value of every column of every table in the database, as text."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [
                column.name
                for column in connection.introspection.get_table_description(cursor, table)
            ]
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if value is not None:
                        text = (
                            value.decode(errors="replace")
                            if isinstance(value, bytes)
                            else str(value)
                        )
                        found.append((table, column, text))
    return found


def traces(*needles: str) -> list[tuple[str, str]]:
    wanted = [needle.casefold() for needle in needles]
    return [
        (table, column)
        for table, column, text in every_value()
        if any(needle in text.casefold() for needle in wanted)
    ]


def test_the_search_covers_every_models_table(db) -> None:
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    assert {model._meta.db_table for model in apps.get_models()} <= tables


@pytest.mark.parametrize("rule", ["anonymise", "delete"])
def test_after_erasure_no_table_holds_their_name_address_or_note(
    rule, cast, mia, ray, meeting, client_for
) -> None:
    cast.acme.erasure_rule = rule
    cast.acme.save(update_fields=["erasure_rule"])
    _history(mia, ray, meeting, client_for)
    # The search finds them before, in every career table too: a table erasure missed fails.
    assert {table for table, _column in traces("Ray Report", "ray@acme.test")} >= CAREER_TABLES
    services.erasure_request(actor=ray, password=PASSWORD)
    audit_before = AuditEvent.objects.filter(subject=ray).count()

    response = client_for(cast.ada).post(
        reverse("person_erase", args=[ray.pk]), {"confirm_name": "Ray Report"}
    )

    assert response.status_code == 302
    assert traces("Ray Report", "ray@acme.test", NOTE, NOTE[:20]) == []
    if rule == "delete":  # omar's answer about ray went with ray's 1:1
        assert traces(PEER_ANSWER) == []
    else:  # it stays the manager's, about "a former team member"
        assert traces(PEER_ANSWER) == [("growth_peeranswer", "strengths")]
    for note in PrivateNote.objects.all():  # sealed: opened to be searched too
        text = keys.unseal(note.sealed_body, author_id=note.author_id)
        assert "Ray Report" not in text and "ray@acme.test" not in text and NOTE not in text
    assert not Series.objects.filter(report=ray, ended_on__isnull=True).exists()
    tombstone = Person.objects.get(pk=ray.pk)
    assert tombstone.name == "A former team member" and not tombstone.has_usable_password()
    assert not tombstone.is_active and tombstone.erased_at is not None
    # Their audit rows stay, now naming only the tombstone; deactivation and erasure are two more.
    assert AuditEvent.objects.filter(subject=ray).count() == audit_before + 2
    assert not PrivateNote.objects.filter(author=ray).exists()
    if rule == "delete":
        assert not Series.objects.filter(report=ray).exists()
        assert traces(TOPIC) == []
    else:
        topic = Topic.objects.get(text=TOPIC)
        assert topic.author_id == ray.pk
        assert Topic.objects.filter(text="Ask a former team member about the move").exists()
    assert client_for(ray).get(reverse("home")).status_code == 302  # signed out


def test_the_questions_put_to_them_go_and_others_stay(mia, ray, series, ada) -> None:
    for person in (ray, mia):
        confirmation_ask(actor=person, path="/meetings/1/start/", question="page:x", back="/")
    meeting_services.report_deactivate(actor=ada, person=ray)
    services.person_erase(actor=ada, person=ray)
    assert list(Confirmation.objects.values_list("person", flat=True)) == [mia.pk]


def test_their_own_addresses_leave_the_trail_and_others_rows_stay(mia, ray, series, ada) -> None:
    from rapport.people.audit import audit_record, origin_set

    with origin_set(via="web", ip="198.51.100.7"):
        audit_record(actor=ray, subject=ray, action="erasure_request", target=ray)
        audit_record(actor=mia, subject=ray, action="series_view", target=series)
    meeting_services.report_deactivate(actor=ada, person=ray)
    services.person_erase(actor=ada, person=ray)
    own = AuditEvent.objects.get(actor=ray)
    assert own.ip == ""
    assert AuditEvent.objects.get(actor=mia, action="series_view").ip == "198.51.100.7"


def test_nobody_is_erased_without_asking_or_leaving(ada, ray, mia, client_for) -> None:
    with pytest.raises(Refused, match="has not asked"):
        services.person_erase(actor=ada, person=ray)
    services.erasure_request(actor=mia, password=PASSWORD)
    with pytest.raises(Refused, match="still manages"):
        services.erasure_check(ada, mia)
    with pytest.raises(Refused, match="cannot erase yourself"):
        services.erasure_check(ada, ada)
    page = client_for(ada).get(reverse("person_erase", args=[ray.pk])).content.decode()
    assert "has not asked to be erased" in page and 'name="confirm_name"' not in page
    assert Person.objects.get(pk=ray.pk).name == "Ray Report"


def test_a_wrong_name_confirms_nothing(ada, ray, client_for) -> None:
    services.erasure_request(actor=ray, password=PASSWORD)
    response = client_for(ada).post(reverse("person_erase", args=[ray.pk]), {"confirm_name": "ray"})
    assert response.status_code == 400 and "Type Ray Report" in response.content.decode()
    assert Person.objects.get(pk=ray.pk).erased_at is None


def test_the_person_asks_in_settings_with_their_password_and_can_take_it_back(
    ray, client_for
) -> None:
    client = client_for(ray)
    data = {"action": "request", "password": "no"}
    wrong = client.post(reverse("settings_erasure"), data, follow=True)
    assert wrong.redirect_chain == [(reverse("settings") + "#your-data", 303)]
    assert "not your current password" in wrong.content.decode()
    assert (
        client.post(
            reverse("settings_erasure"), {"action": "request", "password": PASSWORD}
        ).status_code
        == 302
    )
    assert Person.objects.get(pk=ray.pk).erasure_requested_at is not None
    assert "Take my request back" in client.get(reverse("settings")).content.decode()
    client.post(reverse("settings_erasure"), {"action": "withdraw"})
    assert Person.objects.get(pk=ray.pk).erasure_requested_at is None
    assert client.post(reverse("settings_erasure"), {"action": "?"}).status_code == 303


def test_the_command_line_erases_a_person_who_left(ada, olga, capsys) -> None:
    meeting_services.report_deactivate(actor=ada, person=olga)
    assert main(["erase", "--person", "olga@acme.test", "--as", "ada@acme.test"]) == 0
    assert "Erased Olga Report" in capsys.readouterr().out
    assert traces("Olga Report", "olga@acme.test") == []


def test_the_command_line_refuses_a_non_admin_in_one_line(ray, mia, capsys) -> None:
    assert main(["erase", "--person", "ray@acme.test", "--as", "mia@acme.test"]) == 1
    assert capsys.readouterr().err.startswith("Error: mia@acme.test is not an active org admin")
