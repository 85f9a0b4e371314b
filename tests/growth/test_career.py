"""Goals, progress, the development plan, the feedback log and peer feedback: the rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import override_settings
from django.utils import timezone

from rapport import access
from rapport.errors import Refused
from rapport.framework.goals import GOAL_STALE_AFTER
from rapport.growth import selectors, services
from rapport.growth.models import Goal, GoalChange, GoalProgress, PeerRequest
from rapport.meetings import services as meeting_services
from tests.notifications.conftest import body, inbox, smtp_server  # noqa: F401

NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
REVIEW_ON = timezone.localdate() + dt.timedelta(weeks=30)


@pytest.fixture
def goal(ray, series) -> Goal:
    return services.goal_create(
        actor=ray,
        series=series,
        title="Run the team's incident review",
        why="Leading reviews is on the way to confirmed",
        area="Collaboration",
        target_on=dt.date(2026, 9, 1),
        now=NOW,
    )


def test_a_goal_belongs_to_the_ic_and_files_a_default_area_by_its_key(goal, ray) -> None:
    assert goal.owner == ray
    assert goal.area == "collaboration"
    assert goal.status == Goal.Status.ACTIVE


def test_every_change_of_a_goal_is_kept_with_who_when_and_from_to(goal, mia, ray) -> None:
    later = NOW + dt.timedelta(days=3)
    services.goal_update(
        actor=mia, goal=goal, changes={"title": "Run two incident reviews"}, now=later
    )
    services.goal_update(actor=ray, goal=goal, changes={"status": "achieved"}, now=later)
    rows = list(GoalChange.objects.filter(goal=goal).values_list("field", "before", "after"))
    assert rows == [
        ("created", "", "Run the team's incident review"),
        ("title", "Run the team's incident review", "Run two incident reviews"),
        ("status", "active", "achieved"),
    ]
    change = GoalChange.objects.get(goal=goal, field="title")
    assert change.changed_by == mia and change.changed_at == later
    goal.refresh_from_db()
    assert goal.achieved_at == later


def test_an_unchanged_field_leaves_no_row(goal, mia) -> None:
    assert services.goal_update(actor=mia, goal=goal, changes={"title": goal.title}) == []


def test_every_progress_update_is_kept_with_its_share_done(goal, mia, ray) -> None:
    services.goal_progress_add(actor=ray, goal=goal, text="First review", percent=30, now=NOW)
    services.goal_progress_add(actor=mia, goal=goal, text="Second, led alone", now=NOW)
    rows = list(GoalProgress.objects.filter(goal=goal).values_list("text", "percent"))
    assert rows == [("First review", 30), ("Second, led alone", None)]
    view = selectors.active_goals_for(ray, goal.series, now=NOW)[0]
    assert view.percent == 30


@pytest.mark.parametrize("percent", [-1, 101])
def test_a_share_done_outside_0_to_100_is_refused(goal, ray, percent) -> None:
    with pytest.raises(Refused):
        services.goal_progress_add(actor=ray, goal=goal, text="x", percent=percent)
    assert not GoalProgress.objects.exists()


def test_a_goal_without_an_update_for_six_weeks_is_flagged(goal, ray) -> None:
    services.goal_progress_add(actor=ray, goal=goal, text="Started", now=NOW)
    just_before = NOW + GOAL_STALE_AFTER - dt.timedelta(minutes=1)
    assert not selectors.active_goals_for(ray, goal.series, now=just_before)[0].stale
    assert selectors.active_goals_for(ray, goal.series, now=NOW + GOAL_STALE_AFTER)[0].stale


def test_an_achieved_goal_is_never_flagged(goal, ray) -> None:
    services.goal_update(actor=ray, goal=goal, changes={"status": "achieved"}, now=NOW)
    page = selectors.goals_page(ray, goal.series, now=NOW + 2 * GOAL_STALE_AFTER)
    assert page.active == [] and not page.closed[0].stale


def test_the_questions_placeholders_come_from_the_active_goal(goal, series) -> None:
    Goal.objects.filter(pk=goal.pk).update(criterion="runs reviews without help")
    values = selectors.placeholder_values(series)
    assert values["skill"] == "Run the team's incident review"
    assert values["criterion"] == "runs reviews without help"


def test_the_old_focus_form_still_sets_the_placeholders(mia, meeting) -> None:
    services.goal_set(actor=mia, meeting=meeting, skill="API design", criterion="clear RFCs")
    values = selectors.placeholder_values(meeting.series)
    assert (values["skill"], values["criterion"]) == ("API design", "clear RFCs")


def test_an_action_item_links_to_a_goal_and_unlinks(goal, mia, meeting) -> None:
    item = meeting_services.action_item_add(
        actor=mia, meeting=meeting, text="Shadow Omar's review", owner=goal.owner
    )
    services.goal_action_item_link(actor=mia, goal=goal, item=item)
    assert list(goal.action_items.all()) == [item]
    services.goal_action_item_link(actor=mia, goal=goal, item=item, linked=False)
    assert not goal.action_items.exists()


def test_nobody_else_sees_or_changes_a_goal(goal, dan, ada, omar, olga, zed) -> None:
    for outsider in (dan, ada, omar, olga, zed):
        with pytest.raises(Http404):
            access.goal_for(outsider, goal.pk)
        with pytest.raises(Http404):
            services.goal_update(actor=outsider, goal=goal, changes={"title": "Mine"})


def test_a_previous_manager_keeps_what_they_saw_read_only(goal, mia, omar, ray, ada) -> None:
    services.goal_progress_add(actor=ray, goal=goal, text="Before the move", now=NOW)
    old_series = goal.series
    meeting_services.report_update(
        actor=ada,
        person=ray,
        manager=omar,
        name=ray.name,
        level=ray.level,
        timezone=ray.timezone,
        remote=ray.remote,
        is_org_admin=False,
    )
    old_series.refresh_from_db()
    assert not old_series.is_open
    after = timezone.now() + dt.timedelta(days=2)
    services.goal_progress_add(actor=ray, goal=goal, text="With Omar now", now=after)
    services.goal_update(
        actor=ray, goal=goal, changes={"title": "Renamed later", "status": "achieved"}, now=after
    )
    # mia still reads the goal as it was and the progress of her time, nothing after it.
    page = selectors.goals_page(mia, old_series)
    (seen,) = page.goals
    assert [p.text for p in seen.progress] == ["Before the move"]
    assert (seen.goal.title, seen.goal.status) == ("Run the team's incident review", "active")
    assert [c.field for c in seen.changes] == ["created"]
    with pytest.raises(PermissionDenied):
        services.goal_progress_add(actor=mia, goal=goal, text="Still mine?")
    # omar, the new manager, sees the whole goal and changes it.
    new_series = ray.series.get(ended_on__isnull=True)
    current = selectors.goals_page(omar, new_series).goals[0]
    assert [p.text for p in current.progress] == ["Before the move", "With Omar now"]
    assert current.goal.title == "Renamed later"
    services.goal_update(actor=omar, goal=goal, changes={"status": "active"})


# The development plan ---------------------------------------------------------------


def test_the_plan_keeps_a_change_log_and_files_goals_under_its_areas(goal, mia, series) -> None:
    services.development_plan_update(
        actor=mia,
        series=series,
        focus_areas=["collaboration", "Craft"],
        next_review_on=REVIEW_ON,
    )
    page = selectors.goals_page(mia, series)
    assert [(a.key, [v.goal.pk for v in a.goals]) for a in page.plan.areas] == [
        ("collaboration", [goal.pk]),
        ("craft", []),
    ]
    assert {c.field for c in page.plan.changes} == {"focus_areas", "next_review_on"}
    services.development_plan_update(
        actor=mia, series=series, focus_areas=["craft"], next_review_on=REVIEW_ON
    )
    last = selectors.goals_page(mia, series).plan.changes[0]
    assert (last.field, last.before, last.after) == ("focus_areas", "collaboration, craft", "craft")


def test_updated_development_plan_ticks_itself_when_the_plan_changed_in_the_meeting(
    mia, series, meeting
) -> None:
    def line() -> tuple[bool, bool]:
        state = selectors.checklist_state(mia, meeting, "post")
        return next((t, a) for item, t, a in state if item.key == "updated_development_plan")

    assert line() == (False, False)
    services.development_plan_update(
        actor=mia, series=series, focus_areas=["craft"], next_review_on=None, meeting=meeting
    )
    assert line() == (True, True)


# The feedback log ------------------------------------------------------------------------


def _feedback(mia, meeting, kind="positive"):
    return services.feedback_give(
        actor=mia, meeting=meeting, kind=kind, situation="S", behaviour="B", impact="I"
    )


def test_the_rates_count_acknowledged_and_acted_on_among_the_records(mia, ray, meeting) -> None:
    records = [_feedback(mia, meeting, kind) for kind in ("positive",) * 2 + ("constructive",)]
    services.feedback_mark(actor=ray, feedback=records[0], acknowledged=True)
    services.feedback_mark(actor=ray, feedback=records[1], acted_on=True, note="Paired on it")
    log = selectors.feedback_log(ray, meeting.series)
    assert (log.total, log.positive, log.constructive) == (3, 2, 1)
    assert (log.acknowledged, log.acted_on) == (2, 1)
    assert (log.acknowledged_rate, log.acted_on_rate) == (67, 33)
    records[1].refresh_from_db()
    assert records[1].acted_on_note == "Paired on it"
    assert selectors.feedback_log(ray, meeting.series, state="waiting").total == 1
    assert selectors.feedback_log(ray, meeting.series, kind="constructive").total == 1


def test_an_empty_log_has_no_rate(ray, series) -> None:
    log = selectors.feedback_log(ray, series)
    assert log.acknowledged_rate is None and log.acted_on_rate is None


def test_only_the_recipient_marks_feedback_acted_on(mia, meeting) -> None:
    record = _feedback(mia, meeting)
    with pytest.raises(PermissionDenied):
        services.feedback_mark(actor=mia, feedback=record, acted_on=True, note="Me")


# Peer feedback --------------------------------------------------------------------------------


@pytest.fixture
def answered(mia, omar, series):
    request = services.peer_request_create(
        actor=mia, series=series, colleague_ids=[omar.pk], now=NOW
    )[0]
    services.peer_request_answer(
        actor=omar,
        request=request,
        strengths="PEER-ANSWER-TEXT calm in incidents",
        change="Write things down",
        now=NOW,
    )
    return request


def test_peer_answers_are_read_by_the_requesting_manager_only(answered, cast) -> None:
    assert access.peer_answers_visible_to(cast.mia).count() == 1
    for persona in ("ray", "omar", "dan", "ada", "olga", "rita", "zed"):
        assert not access.peer_answers_visible_to(getattr(cast, persona)).exists(), persona
    assert selectors.peer_page(cast.ray, answered.series).answers == {}


def test_only_the_manager_of_the_1_1_asks_for_peer_feedback(ray, omar, series) -> None:
    with pytest.raises(PermissionDenied):
        services.peer_request_create(actor=ray, series=series, colleague_ids=[omar.pk])


def test_a_colleague_of_another_organisation_cannot_be_asked(mia, zed, series) -> None:
    with pytest.raises(Refused):
        services.peer_request_create(actor=mia, series=series, colleague_ids=[zed.pk])
    assert not PeerRequest.objects.exists()


def test_an_expired_request_is_refused_with_a_clear_message(mia, omar, series) -> None:
    request = services.peer_request_create(
        actor=mia, series=series, colleague_ids=[omar.pk], expires_on=dt.date(2026, 6, 5), now=NOW
    )[0]
    with pytest.raises(Refused, match="expired on 05 June 2026"):
        services.peer_request_answer(
            actor=omar,
            request=request,
            strengths="a",
            change="b",
            now=dt.datetime(2026, 6, 6, 8, tzinfo=dt.UTC),
        )
    request.refresh_from_db()
    assert request.status == PeerRequest.Status.PENDING
    assert (
        selectors.pending_peer_requests_for(omar, now=dt.datetime(2026, 6, 6, tzinfo=dt.UTC)) == []
    )


def test_a_colleague_can_decline_and_then_cannot_answer(mia, omar, series) -> None:
    request = services.peer_request_create(actor=mia, series=series, colleague_ids=[omar.pk])[0]
    services.peer_request_decline(actor=omar, request=request)
    with pytest.raises(Refused, match="declined"):
        services.peer_request_answer(actor=omar, request=request, strengths="a", change="b")


def test_the_summary_is_what_the_ic_reads(answered, mia, ray) -> None:
    services.peer_summary_write(actor=mia, series=answered.series, text="Calm under pressure.")
    page = selectors.peer_page(ray, answered.series)
    assert page.summary.text == "Calm under pressure." and page.requests == []


def test_a_request_mails_the_colleague_a_link_when_mail_is_on(
    inbox,  # noqa: F811
    mia,
    omar,
    series,
    django_capture_on_commit_callbacks,
) -> None:
    with (
        override_settings(SITE_URL="http://rapport.test"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        request = services.peer_request_create(actor=mia, series=series, colleague_ids=[omar.pk])[0]
    (message,) = inbox.to(omar.email)
    assert "Ray Report" in str(message["Subject"])
    assert f"http://rapport.test/peer-requests/{request.pk}/" in body(message)


# The migration from the focus-skill goal --------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_focus_skills_into_the_ics_goals(cast, series) -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("growth", "0002_timestamps_set_by_services")]
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("growth")
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before[0]).apps.get_model("growth", "Goal")
        old.objects.create(series_id=series.pk, skill="API design", criterion="clear RFCs")
        old.objects.create(series_id=series.pk, skill="Estimation", achieved_at=NOW)
        MigrationExecutor(connection).migrate(latest)
    finally:
        MigrationExecutor(connection).migrate(latest)
    rows = set(Goal.objects.values_list("title", "criterion", "owner_id", "status"))
    assert rows == {
        ("API design", "clear RFCs", cast.ray.pk, "active"),
        ("Estimation", "", cast.ray.pk, "achieved"),
    }
    assert selectors.placeholder_values(series)["skill"] == "API design"
