"""The demo organisation: its people, six months of history, and never touching real data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import Count, Q

from rapport import demo
from rapport.meetings.models import ActionItem, Meeting, PrivateNote, Series, SharedNotes, Topic
from rapport.people.models import Organisation, Person

# A fixed moment, in the past on purpose: anything stamped with the wall clock shows up.
NOW = dt.datetime(2025, 3, 12, 9, 30, tzinfo=dt.UTC)
TODAY = NOW.date()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def person(email: str) -> Person:
    return Person.objects.get(email=email)


@pytest.fixture(scope="class")
def loaded(django_db_setup: None, django_db_blocker) -> Iterator[Organisation]:
    """The demo, loaded once for a class of read-only tests and rolled back after them."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            assert demo.demo_load(now=NOW) is True
            yield Organisation.objects.get(is_demo=True)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.mark.usefixtures("db")
class TestTheDemoOrganisation:
    def test_it_creates_every_listed_login_with_the_demo_password(
        self, loaded: Organisation
    ) -> None:
        emails = [email for email, _ in demo.DEMO_LOGINS]
        assert {"admin@example.com", "director@example.com", "manager@example.com"} <= set(emails)
        for email in emails:
            signed_in = authenticate(username=email, password=demo.DEMO_PASSWORD)
            assert signed_in is not None, email
            assert signed_in.organisation_id == loaded.pk
        assert Person.objects.count() == len(emails)
        assert loaded.name == "Northwind Engineering"
        assert person("admin@example.com").is_org_admin

    def test_the_reporting_lines_match_the_issue(self, loaded: Organisation) -> None:
        director, manager, manager2 = (
            person(f"{name}@example.com") for name in ("director", "manager", "manager2")
        )
        assert {p.email for p in director.reports.all()} == {manager.email, manager2.email}
        levels = {p.email: p.level for p in manager.reports.all()}
        assert levels == {
            "junior@example.com": "junior",
            "confirmed@example.com": "confirmed",
            "senior@example.com": "senior",
            "staff@example.com": "staff",
        }
        assert manager2.reports.count() == 3
        assert manager.timezone == manager2.timezone == "Europe/London"
        assert Person.objects.filter(remote=True, timezone="America/New_York").exists()
        # Everyone with a manager has one open series, started about six months ago.
        reports = Person.objects.filter(manager__isnull=False)
        assert Series.objects.filter(ended_on__isnull=True).count() == reports.count() == 9
        for series in Series.objects.all():
            assert 180 <= (TODAY - series.started_on).days <= 185

    def test_every_series_has_six_months_of_held_cancelled_and_moved_meetings(
        self, loaded: Organisation
    ) -> None:
        for series in Series.objects.all():
            held = series.meetings.filter(status=Meeting.Status.HELD)
            assert held.count() >= 6, series
            first = held.order_by("scheduled_at").first()
            assert (first.scheduled_at.date() - series.started_on).days < 21, series
            assert held.filter(kind=Meeting.Kind.CAREER).exists(), series
            assert not held.filter(Q(mood__isnull=True) | Q(held_minutes__isnull=True)).exists()
        cancelled = Meeting.objects.filter(status=Meeting.Status.CANCELLED)
        moved = Meeting.objects.filter(status=Meeting.Status.RESCHEDULED)
        assert cancelled.exists() and moved.exists()
        assert not cancelled.filter(Q(cancel_reason="") | Q(notice_hours__isnull=True)).exists()
        assert all(
            m.moved_to is not None and m.moved_to.scheduled_at > m.scheduled_at for m in moved
        )
        # Both sides cancel sometimes.
        sides = {
            m.cancelled_by_id == m.series.manager_id for m in cancelled.select_related("series")
        }
        assert sides == {True, False}

    def test_topics_come_from_both_sides_mostly_from_the_ic(self, loaded: Organisation) -> None:
        topics = Topic.objects.select_related("meeting__series")
        by_ic = sum(1 for t in topics if t.author_id == t.meeting.series.report_id)
        by_manager = sum(1 for t in topics if t.author_id == t.meeting.series.manager_id)
        assert by_ic > by_manager > 0
        assert by_ic + by_manager == topics.count()
        assert topics.filter(added_before_start=False).exists()
        assert set(topics.values_list("kind", flat=True)) >= {
            "tactical",
            "skills",
            "career",
            "status",
        }
        carried = topics.filter(carried_from__isnull=False)
        assert carried.exists()
        assert not carried.filter(carried_from__discussed=True).exists()
        held = topics.filter(meeting__status=Meeting.Status.HELD)
        assert held.filter(discussed=True).count() > held.filter(discussed=False).count() > 0

    def test_shared_notes_fill_the_template_sections(self, loaded: Organisation) -> None:
        notes = SharedNotes.objects.filter(meeting__status=Meeting.Status.HELD)
        assert notes.exists() and not notes.filter(version=0).exists()
        assert notes.exclude(feedback="").exists()
        assert notes.exclude(context="").exists()
        assert notes.exclude(their_topics="").exists()
        career = notes.filter(meeting__kind=Meeting.Kind.CAREER)
        assert not career.filter(Q(career_progress="") | Q(career_next_focus="")).exists()
        # Not yet held: nothing written.
        assert not SharedNotes.objects.filter(
            meeting__status=Meeting.Status.SCHEDULED, version__gt=0
        ).exists()

    def test_private_notes_exist_for_the_manager_and_an_ic_and_stay_out_of_shared_notes(
        self, loaded: Organisation
    ) -> None:
        manager = person("manager@example.com")
        assert PrivateNote.objects.filter(author=manager).exclude(sealed_body="").exists()
        ic_notes = PrivateNote.objects.filter(author__manager__isnull=False, author__level__gt="")
        assert ic_notes.exclude(sealed_body="").exists()
        shared = " ".join(
            " ".join(n.sections().values()) for n in SharedNotes.objects.exclude(version=0)
        )
        for note in PrivateNote.objects.all():
            assert note.body[:40] not in shared

    def test_action_items_are_open_done_on_time_done_late_and_overdue(
        self, loaded: Organisation
    ) -> None:
        items = ActionItem.objects.select_related("series")
        open_items = items.filter(status=ActionItem.Status.OPEN)
        assert open_items.filter(due_on__lt=TODAY).exists()  # overdue
        assert open_items.filter(due_on__gte=TODAY).exists()
        done = items.filter(status=ActionItem.Status.DONE)
        assert any(i.done_on <= i.due_on for i in done)
        assert any(i.done_on > i.due_on for i in done)
        assert all(i.done_on <= TODAY for i in done)
        owners = {i.owner_id == i.series.manager_id for i in items}
        assert owners == {True, False}

    def test_manager_cancelled_three_times_in_two_months_with_one_report(
        self, loaded: Organisation
    ) -> None:
        manager = person("manager@example.com")
        since = NOW - dt.timedelta(days=loaded.cancellation_warning_days)
        per_report = (
            Meeting.objects.filter(
                status=Meeting.Status.CANCELLED,
                cancelled_by=manager,
                cancelled_at__gte=since,
                series__manager=manager,
            )
            .values("series__report__email")
            .annotate(count=Count("pk"))
        )
        counts = {row["series__report__email"]: row["count"] for row in per_report}
        assert counts.get("confirmed@example.com", 0) >= loaded.cancellation_warning_count
        # Only that one relationship shows the warning sign.
        assert sum(1 for n in counts.values() if n >= loaded.cancellation_warning_count) == 1

    def test_upcoming_meetings_exist_some_prepared_by_the_ic_and_some_not(
        self, loaded: Organisation
    ) -> None:
        prepared = []
        for series in Series.objects.all():
            upcoming = series.meetings.filter(
                status=Meeting.Status.SCHEDULED, scheduled_at__gt=NOW
            ).order_by("scheduled_at")
            assert upcoming.count() >= 3, series
            ic_topics = upcoming.first().topics.filter(
                author=series.report, added_before_start=True
            )
            prepared.append(ic_topics.exists())
        assert any(prepared) and not all(prepared)

    def test_nothing_is_dated_after_now_except_the_schedule(self, loaded: Organisation) -> None:
        stamps = [
            (Person, "date_joined"),
            (Organisation, "created_at"),
            (Meeting, "created_at"),
            (Meeting, "started_at"),
            (Meeting, "ended_at"),
            (Meeting, "cancelled_at"),
            (Topic, "created_at"),
            (SharedNotes, "updated_at"),
            (PrivateNote, "updated_at"),
            (ActionItem, "created_at"),
        ]
        for model, name in stamps:
            assert not model.objects.filter(**{f"{name}__gt": NOW}).exists(), (model, name)
        assert not Meeting.objects.filter(
            ~Q(status=Meeting.Status.SCHEDULED), scheduled_at__gt=NOW
        ).exists()


def test_running_it_twice_changes_nothing(db: None) -> None:
    assert demo.demo_load() is True
    before = row_counts()
    assert demo.demo_load() is False
    assert row_counts() == before


def test_it_refuses_a_database_with_real_people_and_writes_nothing(db: None) -> None:
    acme = Organisation.objects.create(name="Acme")
    Person.objects.create(organisation=acme, email="ada@acme.test", name="Ada")
    before = row_counts()
    with pytest.raises(demo.DemoRefused, match="not Rapport's demo"):
        demo.demo_load(now=NOW)
    assert row_counts() == before


def test_it_refuses_an_organisation_even_without_people(db: None) -> None:
    Organisation.objects.create(name="Acme")
    with pytest.raises(demo.DemoRefused):
        demo.demo_load(now=NOW)
    assert not Person.objects.exists()
    assert not Organisation.objects.filter(is_demo=True).exists()


def test_it_loads_goals_feedback_questions_and_an_open_improvement_plan(db: None) -> None:
    from rapport.growth.models import Feedback, Goal, ImprovementPlan, QuestionAsked

    assert demo.demo_load(now=NOW) is True
    assert Goal.objects.count() >= 7
    assert Feedback.objects.filter(kind="constructive").exists()
    assert Feedback.objects.filter(kind="positive", acknowledged_at__isnull=False).exists()
    assert QuestionAsked.objects.count() >= 7
    plan = ImprovementPlan.objects.get()
    assert plan.series.report.email == "dev3@example.com" and plan.status == "open"


def test_the_demo_writes_only_through_services() -> None:
    """No model write, bulk insert, raw SQL or timestamp rewriting in the demo's code."""
    from pathlib import Path

    import rapport.demo

    forbidden = (".update(", ".save(", "bulk_create", "bulk_update", "objects.create", "cursor",
                 ".delete(", "executemany", "stamp(")  # fmt: skip
    for path in Path(rapport.demo.__file__).parent.glob("*.py"):
        text = path.read_text()
        found = [word for word in forbidden if word in text]
        assert not found, (path.name, found)
