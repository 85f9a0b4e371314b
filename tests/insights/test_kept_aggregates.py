"""The teams' aggregates are kept between visits, and counted again after any change to what
they count: the organisation's stamp moves on with every such write, whoever makes it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.framework.retrospectives import QUESTIONS
from rapport.insights import kept
from rapport.insights.services import retrospective_answer
from rapport.meetings.models import Meeting, SharedNotes
from rapport.meetings.services import meeting_cancel, report_invite, shared_notes_save, topic_add
from rapport.people.models import Organisation, Person
from tests.insights.history import held
from tests.other_connection import holding_row, postgres_only

pytestmark = pytest.mark.django_db
KEY = SharedNotes.SECTIONS[0]


CANCELLATIONS = r'<td data-label="Cancellations">(\d+)</td>'


def stamp_of(person: Person) -> int:
    return Organisation.objects.get(pk=person.organisation_id).figures_stamp


def mias_row(client) -> tuple[str, int]:
    """Mia's team row on the page, and how many queries the page took."""
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("insights")).content.decode()
    return page.split('<th scope="row">Mia Manager</th>')[1].split("</tr>")[0], len(queries)


@pytest.fixture
def team_of_three(ada, mia, series):
    """Mia's team large enough to show its rates, with a held 1:1 in the window."""
    report_invite(actor=ada, email="rob@acme.test", name="Rob Third", manager=mia, level="senior")
    held(series, 7, mood=4)


def test_the_admins_aggregates_are_kept_until_a_cancellation_changes_them(
    client_for, ada, mia, meeting, team_of_three
) -> None:
    client = client_for(ada)
    counted, first = mias_row(client)
    again, second = mias_row(client)
    assert again == counted
    assert second < first  # the teams were not counted again
    cancellations = int(re.search(CANCELLATIONS, counted)[1])
    meeting_cancel(actor=mia, meeting=meeting, reason="Offsite all day", skip=True)
    after, third = mias_row(client)
    assert int(re.search(CANCELLATIONS, after)[1]) == cancellations + 1
    assert third == first


def test_a_renamed_manager_is_shown_by_the_new_name_at_once(client_for, ada, mia, team_of_three):
    client = client_for(ada)
    mias_row(client)
    Person.objects.filter(pk=mia.pk).update(name="Mia Renamed")
    page = client.get(reverse("insights")).content.decode()
    assert "Mia Renamed" in page and "Mia Manager" not in page


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(
            lambda s: topic_add(actor=s.ray, meeting=s.meeting, text="Promotion path"), id="topic"
        ),
        pytest.param(
            lambda s: meeting_cancel(actor=s.mia, meeting=s.meeting, reason="Ill", skip=True),
            id="cancellation",
        ),
        pytest.param(
            lambda s: retrospective_answer(
                actor=s.ray,
                series=s.series,
                answers={key: "Fine" for key, _ in QUESTIONS},
                rating=4,
            ),
            id="retrospective",
        ),
        pytest.param(
            lambda s: Meeting.objects.filter(pk=s.meeting.pk).delete(), id="deleted meeting"
        ),
    ],
)
def test_each_write_to_what_the_aggregates_count_moves_the_stamp_on(
    write, mia, ray, series, meeting
) -> None:
    before = stamp_of(mia)
    write(type("Cast", (), {"mia": mia, "ray": ray, "series": series, "meeting": meeting}))
    assert stamp_of(mia) > before


def test_shared_notes_leave_the_stamp_as_it_was(mia, meeting) -> None:
    before = stamp_of(mia)
    notes = SharedNotes.objects.get(meeting=meeting)
    shared_notes_save(actor=mia, notes=notes, sections={KEY: "Went well"}, bases={KEY: ""})
    assert getattr(SharedNotes.objects.get(meeting=meeting), KEY) == "Went well"
    assert stamp_of(mia) == before


def test_a_savepoint_rolled_back_takes_its_stamp_along_and_the_next_write_moves_it(
    mia, meeting
) -> None:
    before = stamp_of(mia)
    with transaction.atomic():
        sid = transaction.savepoint()
        Meeting.objects.filter(pk=meeting.pk).update(mood=5)
        transaction.savepoint_rollback(sid)
        assert stamp_of(mia) == before
        Meeting.objects.filter(pk=meeting.pk).update(mood=4)
        assert stamp_of(mia) > before


def test_kept_figures_are_counted_as_of_the_minute_and_per_stamp() -> None:
    calls = []

    def count(minute: dt.datetime) -> dt.datetime:
        calls.append(minute)
        return minute

    now = dt.datetime(2026, 12, 7, 10, 30, 45, 123, tzinfo=dt.UTC)
    assert kept.figures(("k",), 1, now, count) == now.replace(second=0, microsecond=0)
    kept.figures(("k",), 1, now + dt.timedelta(seconds=10), count)
    assert len(calls) == 1
    kept.figures(("k",), 2, now, count)
    kept.figures(("k",), 2, now + dt.timedelta(minutes=1), count)
    assert len(calls) == 3


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_writer_never_waits_for_a_stamp_another_transaction_holds(mia, meeting) -> None:
    other = holding_row("people_organisation", mia.organisation_id)
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                # Fails at once, rather than after waiting, if the writer waited for the row.
                cursor.execute("SET LOCAL lock_timeout = '1ms'")
            Meeting.objects.filter(pk=meeting.pk).update(mood=5)
        assert Meeting.objects.get(pk=meeting.pk).mood == 5
    finally:
        other.rollback()
        other.close()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_write_commits_once_when_it_moved_the_stamp_itself(mia, meeting) -> None:
    before = stamp_of(mia)
    with transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(mood=5)
        Meeting.objects.filter(pk=meeting.pk).update(mood=4)
        assert stamp_of(mia) == before + 2
        assert connection.run_on_commit == []  # no second transaction after it
    assert stamp_of(mia) == before + 2


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_stamp_held_by_another_transaction_is_moved_once_the_write_committed(
    mia, meeting
) -> None:
    before = stamp_of(mia)
    other = holding_row("people_organisation", mia.organisation_id)
    try:
        with transaction.atomic():
            Meeting.objects.filter(pk=meeting.pk).update(mood=5)
            other.rollback()  # the other lets go before this one commits
        assert stamp_of(mia) == before + 1
    finally:
        other.close()
