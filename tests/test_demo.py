"""The demo organisation: its people, six months of history, and never touching real data."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import Count, F, Q

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
    def test_the_places_on_the_roster_are_kept(self, loaded: Organisation) -> None:
        from tests.people.test_roster_positions import assert_kept

        assert_kept(loaded.pk)

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

    def test_each_meetings_topic_counts_equal_its_topics(self, loaded: Organisation) -> None:
        report = Q(topics__author_id=F("series__report_id"))
        counted = Meeting.objects.annotate(
            topics_found=Count("topics"),
            report_found=Count("topics", filter=report),
            early_found=Count("topics", filter=report & Q(topics__added_before_start=True)),
            status_found=Count("topics", filter=Q(topics__kind="status")),
        )
        assert counted.filter(kept_topics__gt=0, kept_status_topics__gt=0).exists()
        assert counted.filter(kept_report_topics_early__gt=0).exists()
        assert not counted.exclude(
            kept_topics=F("topics_found"),
            kept_report_topics=F("report_found"),
            kept_report_topics_early=F("early_found"),
            kept_status_topics=F("status_found"),
        ).exists()

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

    def test_each_ic_has_their_own_goals_plan_and_peer_summary(self, loaded: Organisation) -> None:
        from rapport.growth.models import DevelopmentPlan, Goal, GoalProgress, PeerSummary

        reports = set(Series.objects.values_list("report__email", flat=True))
        titles = Goal.objects.values_list("title", "owner__email")
        owners: dict[str, set[str]] = {}
        for title, email in titles:
            owners.setdefault(title, set()).add(email)
        assert {t: o for t, o in owners.items() if len(o) > 1} == {}
        assert {email for _, email in titles} == reports
        summaries = list(PeerSummary.objects.values_list("text", flat=True))
        notes = list(DevelopmentPlan.objects.values_list("notes", flat=True))
        assert len(summaries) == len(set(summaries)) == len(notes) == len(set(notes)) == 9
        # Dated progress, older than now; most have one achieved goal, not everyone.
        achieved = set(
            Goal.objects.filter(status="achieved").values_list("owner__email", flat=True)
        )
        assert "junior@example.com" in achieved and "dev3@example.com" not in achieved
        progress = GoalProgress.objects.filter(goal__owner__email="confirmed@example.com")
        assert progress.count() >= 6 and not progress.filter(written_at__gt=NOW).exists()
        maya = Goal.objects.filter(owner__email="junior@example.com")
        tomas = Goal.objects.filter(owner__email="confirmed@example.com")
        assert "migration" in " ".join(maya.values_list("title", flat=True))
        assert "project team" in " ".join(tomas.values_list("title", flat=True))

    def test_tomas_moves_from_staying_ic_to_curious_about_management(
        self, loaded: Organisation
    ) -> None:
        from rapport.career.models import AspirationVersion

        answers = list(
            AspirationVersion.objects.filter(
                person__email="confirmed@example.com", question_key="management_or_ic"
            )
            .order_by("recorded_at")
            .values_list("answer", flat=True)
        )
        assert [a.split(":")[0] for a in answers] == ["Staying IC", "Curious about management"]
        others = AspirationVersion.objects.filter(question_key="management_or_ic").exclude(
            person__email="confirmed@example.com"
        )
        assert not others.filter(answer__icontains="curious about management").exists()
        plan = Series.objects.get(report__email="confirmed@example.com").development_plan
        assert "management" in plan.notes.lower() and "leadership" in plan.focus_areas

    def test_held_meetings_carry_the_managers_talk_estimate(self, loaded: Organisation) -> None:
        from rapport.insights.models import TalkMeasure

        held = Meeting.objects.filter(status=Meeting.Status.HELD)
        estimated = held.filter(manager_talk_share__isnull=False)
        assert 0.75 * held.count() <= estimated.count() < held.count()
        assert TalkMeasure.objects.filter(source="estimate").count() == estimated.count()
        assert not Meeting.objects.filter(
            ~Q(status=Meeting.Status.HELD), manager_talk_share__isnull=False
        ).exists()
        assert not TalkMeasure.objects.filter(recorded_at__gt=NOW).exists()

    def test_the_talk_sign_fires_for_sam_and_maya_only(self, loaded: Organisation) -> None:
        from rapport.insights import selectors

        firing, measured = set(), set()
        for email in ("manager@example.com", "manager2@example.com", "director@example.com"):
            team = selectors.team_view(person(email), now=NOW)
            for row in team.rows:
                assert row.talk_share is not None, row.series
                measured.add(row.series.report.email)
                if "manager_talks_most" in {reading.key for reading in row.warnings}:
                    firing.add(row.series.report.email)
            assert team.patterns.talk_measured > 0
        assert len(measured) == 9
        assert firing == {"junior@example.com"}
        series = Series.objects.get(report__email="junior@example.com")
        rel, *_ = selectors.relationship_view(person("manager@example.com"), series, now=NOW)
        assert rel.talk_share > 30


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


# The large generated organisation ----------------------------------------------------


def generated_fingerprint() -> dict[str, object]:
    """What a generated organisation holds, without the random nonces of sealed notes."""
    from rapport.growth.models import Feedback

    return {
        "rows": {
            k: v
            for k, v in row_counts().items()
            if not k.startswith(("sessions", "people.Session", "axes"))
        },
        "people": sorted(
            Person.objects.values_list("email", "name", "level", "manager__email", "timezone")
        ),
        "meetings": list(
            Meeting.objects.order_by("series__report__email", "scheduled_at").values_list(
                "series__report__email", "scheduled_at", "status", "kind", "mood", "held_minutes"
            )
        ),
        "topics": list(Topic.objects.order_by("pk").values_list("text", "discussed", "kind")),
        "items": list(ActionItem.objects.order_by("pk").values_list("text", "status", "done_on")),
        "feedback": list(Feedback.objects.order_by("pk").values_list("kind", "situation")),
    }


def generate_and_roll_back(**arguments: object) -> dict[str, object]:
    from rapport.demo import large

    with transaction.atomic():
        large.organisation_generate(now=NOW, **arguments)
        fingerprint = generated_fingerprint()
        transaction.set_rollback(True)
    return fingerprint


def test_the_same_seed_generates_the_same_organisation_and_another_seed_another(
    db: None,
) -> None:
    first = generate_and_roll_back(people_count=20, years=0.4, seed=5)
    assert generate_and_roll_back(people_count=20, years=0.4, seed=5) == first
    other = generate_and_roll_back(people_count=20, years=0.4, seed=6)
    assert other["rows"]["people.Person"] == first["rows"]["people.Person"] == 20
    assert other["meetings"] != first["meetings"]


@pytest.mark.parametrize("people_count", [200, 2_000, 20_000])
def test_nobody_in_a_large_organisation_leads_many_more_than_eight(people_count) -> None:
    import random

    from rapport.demo.large import roster_lines

    _header, *rows = roster_lines(people_count, random.Random(1), head="head@example.com")
    leads = Counter(row.split(",")[3] for row in rows)
    assert len(rows) == people_count - 1
    assert leads["head@example.com"] <= 8
    assert max(leads.values()) <= 9
    levels = Counter(row.split(",")[2] for row in rows)
    assert levels[""] == len(leads) - 1  # every leader but the head is a row without a level


@pytest.fixture(scope="class")
def generated(django_db_setup: None, django_db_blocker) -> Iterator[object]:
    """A 90-person organisation with a year of history, for a class of read-only tests."""
    from rapport.demo import large

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield large.organisation_generate(people_count=90, years=1, seed=3, now=NOW)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.mark.usefixtures("db")
class TestTheGeneratedOrganisation:
    def test_the_places_on_the_roster_are_kept(self, generated) -> None:
        from tests.people.test_roster_positions import assert_kept

        assert_kept(generated.organisation.pk)

    def test_levels_come_in_realistic_proportions_with_a_manager_for_about_eight(
        self, generated
    ) -> None:
        assert Person.objects.count() == 90
        managers = Person.objects.filter(reports__isnull=False).distinct().count()
        assert 10 <= managers <= 14
        ics = Person.objects.filter(reports__isnull=True)
        levels = Counter(ics.values_list("level", flat=True))
        assert set(levels) == {"junior", "confirmed", "senior", "staff"}
        assert levels["confirmed"] > levels["staff"] and levels["senior"] > levels["staff"]
        assert person("manager@example.com").reports.count() == 8
        assert authenticate(username="junior@example.com", password=demo.DEMO_PASSWORD)

    def test_each_level_meets_at_its_cadence_over_the_year(self, generated) -> None:
        for series in Series.objects.select_related("report"):
            weekly = series.frequency_weeks == 1
            if series.report.level == "junior":
                assert weekly, series
            if series.report.level == "senior":
                assert series.frequency_weeks == 2, series
            # One per slot: a moved meeting's new occurrence is the same slot.
            past = series.meetings.exclude(status=Meeting.Status.SCHEDULED)
            past = past.filter(moved_from__isnull=True).count()
            expected = 52 / series.frequency_weeks
            assert 0.85 * expected <= past <= 1.15 * expected, (series, past)
            assert 360 <= (TODAY - series.started_on).days <= 372
            assert series.meetings.filter(status="scheduled", scheduled_at__gt=NOW).exists()

    def test_meetings_are_mostly_held_some_cancelled_or_moved_by_either_side(
        self, generated
    ) -> None:
        past = Meeting.objects.filter(scheduled_at__lt=NOW)
        statuses = Counter(past.values_list("status", flat=True))
        past = sum(statuses.values())
        assert 0.05 * past <= statuses["cancelled"] + statuses["rescheduled"] <= 0.2 * past
        assert statuses["rescheduled"] and statuses["cancelled"]
        assert generated.counts["held"] == statuses["held"]
        cancelled = Meeting.objects.filter(status="cancelled").select_related("series")
        assert {m.cancelled_by_id == m.series.manager_id for m in cancelled} == {True, False}
        assert not Meeting.objects.filter(status="held", mood__isnull=True).exists()

    def test_topics_notes_items_and_feedback_look_like_real_use(self, generated) -> None:
        from rapport.growth.models import Feedback

        topics = Topic.objects.select_related("meeting__series")
        by_ic = sum(1 for t in topics if t.author_id == t.meeting.series.report_id)
        assert by_ic > topics.count() - by_ic > 0
        assert topics.filter(carried_from__isnull=False).exists()
        assert SharedNotes.objects.filter(meeting__status="held").exclude(feedback="").exists()
        notes = PrivateNote.objects.all()
        assert notes.exists()
        assert all(note.body and note.body not in note.sealed_body for note in notes[:50])
        items = ActionItem.objects.all()
        assert items.filter(status="open", due_on__lt=TODAY).exists()
        assert items.filter(status="done").exists() and items.filter(status="dropped").exists()
        assert not items.filter(done_on__gt=TODAY).exists()
        assert Feedback.objects.filter(acknowledged_at__isnull=False).exists()
        stamps = ((Topic, "created_at"), (SharedNotes, "updated_at"), (ActionItem, "created_at"))
        for model, name in stamps:
            assert not model.objects.filter(**{f"{name}__gt": NOW}).exists(), model

    def test_its_kept_figures_equal_a_computation_from_scratch(self, generated) -> None:
        from rapport.framework import markdown

        for notes in SharedNotes.objects.exclude(version=0):
            for name, text in notes.sections().items():
                assert getattr(notes, f"{name}_html") == markdown._render(text), (notes, name)
        for meeting in Meeting.objects.filter(status="held"):
            minutes = round((meeting.ended_at - meeting.started_at).total_seconds() / 60)
            assert meeting.held_minutes == minutes, meeting
        for meeting in Meeting.objects.filter(status__in=["cancelled", "rescheduled"]):
            hours = (meeting.scheduled_at - meeting.cancelled_at).total_seconds() // 3600
            assert meeting.notice_hours == hours, meeting
