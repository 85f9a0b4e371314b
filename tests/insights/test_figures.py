"""Each figure of a relationship computed from the rows, and right again after every write."""

from __future__ import annotations

import datetime as dt

import pytest

from rapport.growth import services as growth_services
from rapport.insights import figures, selectors, services
from rapport.insights.figures import relationship_for
from rapport.meetings import services as meeting_services
from rapport.meetings.models import Meeting, Topic
from tests.insights.history import NOW, feedback, held, item, topic


@pytest.fixture
def past(series, mia, ray):
    """Four held 1:1s: ray brings most topics, one status update, moods falling."""
    meetings = [held(series, days, mood=mood) for days, mood in ((28, 5), (21, 5), (14, 3), (7, 2))]
    for meeting in meetings:
        topic(meeting, ray)
    topic(meetings[0], mia, kind=Topic.Kind.STATUS)
    topic(meetings[1], ray, before=False)
    topic(meetings[2], mia)
    return meetings


def test_agenda_share_preparation_and_status_share_come_from_the_topics(mia, series, past) -> None:
    rel = relationship_for(mia, series, now=NOW)
    assert rel.held == 4
    assert rel.ic_agenda_share == round(100 * 5 / 7)
    assert rel.ic_preparation == 100
    assert rel.status_share == round(100 / 7)


def test_a_new_topic_changes_the_figures_at_once(mia, ray, series, past) -> None:
    topic(past[3], mia, kind=Topic.Kind.STATUS)
    topic(past[3], mia, kind=Topic.Kind.STATUS)
    rel = relationship_for(mia, series, now=NOW)
    assert rel.ic_agenda_share == round(100 * 5 / 9)
    assert rel.status_share == round(100 * 3 / 9)


def test_the_window_is_the_last_held_meetings(mia, ada, series, past) -> None:
    old = held(series, 400, mood=1)
    topic(old, mia)
    services.thresholds_save(actor=ada, values={"window_meetings": "3"})
    rel = relationship_for(mia, series, now=NOW)
    assert [m.pk for m in rel.meetings] == [m.pk for m in past[1:]]


def test_mood_falls_and_the_sign_shows(mia, series, past) -> None:
    rel = relationship_for(mia, series, now=NOW)
    assert rel.mood_average == pytest.approx(15 / 4)
    assert rel.mood_drop == pytest.approx(2.5)
    fired = {reading.key for reading in rel.warnings}
    assert "distant_relationship" in fired


def test_action_items_are_counted_by_owner_by_their_due_date(mia, ray, series, past) -> None:
    item(series, ray, due_days_ago=10, done_days_ago=12)  # early
    item(series, ray, due_days_ago=10, done_days_ago=5)  # late
    item(series, mia, due_days_ago=3)  # open past due
    rel = relationship_for(mia, series, now=NOW)
    assert rel.on_time("ic") == 50
    assert rel.on_time("manager") == 0
    assert rel.overdue_items == 1
    assert "action_items_forgotten" in {reading.key for reading in rel.warnings}


def test_a_page_without_trends_counts_the_windows_items_alike(mia, ray, series, past) -> None:
    item(series, ray, due_days_ago=10, done_days_ago=12)  # early
    item(series, ray, due_days_ago=10, done_days_ago=5)  # late
    item(series, mia, due_days_ago=3)  # open past due
    item(series, ray, due_days_ago=150, done_days_ago=149)  # before the window: trends only
    scope = selectors._team_series
    monthly, window = (
        figures.relationships(mia, scope, now=NOW, by_month=by_month)[0]
        for by_month in (True, False)
    )
    assert window.items == monthly.items and window.signs == monthly.signs
    assert sum(due for due, _ in monthly.items_by_month.values()) == 4
    assert window.items_by_month == {}


def test_completing_an_overdue_item_clears_the_sign(mia, ray, series, past) -> None:
    late = item(series, mia, due_days_ago=3)
    assert relationship_for(mia, series, now=NOW).overdue_items == 1
    meeting_services.action_item_set_status(actor=mia, item=late, status="done")
    rel = relationship_for(mia, series, now=NOW)
    assert rel.overdue_items == 0
    assert "action_items_forgotten" not in {reading.key for reading in rel.warnings}


def test_feedback_counts_kinds_and_the_share_acknowledged_and_acted_on(mia, series, past) -> None:
    feedback(past[0], kind="positive", acknowledged=True, acted=True)
    feedback(past[1], kind="constructive", acknowledged=True)
    feedback(past[2], kind="constructive")
    rel = relationship_for(mia, series, now=NOW)
    assert rel.feedback["count"] == 3
    assert rel.feedback["positive"] == 1 and rel.feedback["constructive"] == 2
    assert rel.feedback["acknowledged"] == 2 and rel.feedback["acted"] == 1
    assert rel.feedback_acknowledged_share == 67
    assert rel.feedback_valued_share == 33
    assert "feedback_ignored" in {reading.key for reading in rel.warnings}


def test_a_packed_number_reads_back_as_its_count_then_each_sum() -> None:
    bits = figures.PACKED_BITS
    packed = (((7 << bits) + 5) << bits) + 3
    assert figures.unpacked(packed, 2) == (7, 5, 3)
    assert figures.unpacked((1 << bits) - 1, 0) == ((1 << bits) - 1,)


def test_career_counts_a_career_meeting_or_a_discussed_career_topic(mia, ray, series, past) -> None:
    never = relationship_for(mia, series, now=NOW)
    assert never.career_never and never.days_since_career == (NOW.date() - series.started_on).days
    topic(past[2], ray, kind=Topic.Kind.CAREER)
    rel = relationship_for(mia, series, now=NOW)
    assert not rel.career_never and rel.days_since_career == 14
    held(series, 2, kind=Meeting.Kind.CAREER)
    assert relationship_for(mia, series, now=NOW).days_since_career == 2


def test_talk_share_averages_the_measured_meetings(mia, series, past) -> None:
    Meeting.objects.filter(pk=past[2].pk).update(manager_talk_share=50)
    Meeting.objects.filter(pk=past[3].pk).update(manager_talk_share=40)
    rel = relationship_for(mia, series, now=NOW)
    assert rel.talk_share == 45
    assert "manager_talks_most" in {reading.key for reading in rel.warnings}
    view = selectors.team_view(mia, now=NOW)
    assert view.patterns.talk_over == 2 and view.patterns.talk_measured == 2
    assert view.patterns.lines() == [
        "You talked more than 30% of the time in 2 of your last 2 measured 1:1s."
    ]


def test_a_manager_who_kept_to_the_talk_limit_reads_it_as_such() -> None:
    def patterns(over: int, measured: int) -> selectors.ManagerPatterns:
        return selectors.ManagerPatterns(
            cancellations=0,
            cancellation_days=60,
            talk_over=over,
            talk_measured=measured,
            talk_limit=30,
        )

    assert patterns(0, 8).lines() == [
        "You kept to 30% of the talking or less in each of your last 8 measured 1:1s."
    ]
    assert patterns(0, 1).lines() == [
        "You kept to 30% of the talking or less in your one measured 1:1."
    ]
    assert patterns(0, 0).lines() == []


def test_manager_cancellations_come_from_the_series_warnings_count(mia, series, past) -> None:
    upcoming = list(series.meetings.filter(status="scheduled").order_by("scheduled_at")[:3])
    for meeting in upcoming:
        meeting_services.meeting_cancel(actor=mia, meeting=meeting, reason="Offsite", skip=True)
    rel = relationship_for(mia, series)
    assert rel.cancellations == rel.overview.manager_cancellations == 3
    assert "distant_relationship" in {reading.key for reading in rel.warnings}


def test_goals_reviews_and_retrospectives_are_said_missing_until_recorded(mia, series, past):
    rel = relationship_for(mia, series, now=NOW)
    cards = {card.key: card for card in figures.figure_cards(rel, mia)}
    assert cards["goal_progress"].value == figures.NO_GOALS == "No goals recorded yet."
    assert cards["review_feedback"].value == "No review date recorded yet."
    assert cards["retrospectives"].value == "No retrospectives yet."


def test_the_plans_review_date_counts_constructive_feedback_before_it(mia, series, past):
    feedback(past[1], kind="constructive")
    growth_services.development_plan_update(
        actor=mia,
        series=series,
        focus_areas=["craft"],
        next_review_on=NOW.date(),
        notes="",
        now=NOW,
    )
    rel = relationship_for(mia, series, now=NOW)
    assert rel.review_constructive == 1
    assert not {reading.key for reading in rel.warnings} & {"review_surprises"}


def test_goal_progress_counts_the_ics_active_goals_updated_in_the_window(
    mia, ray, series, past
) -> None:
    fresh = growth_services.goal_create(
        actor=ray, series=series, title="Lead the design review", now=NOW - dt.timedelta(weeks=10)
    )
    growth_services.goal_create(
        actor=ray, series=series, title="Write the runbook", now=NOW - dt.timedelta(weeks=10)
    )
    rel = relationship_for(mia, series, now=NOW)
    assert rel.goals == (2, 0)
    growth_services.goal_progress_add(
        actor=ray, goal=fresh, text="First review led", now=NOW - dt.timedelta(days=3)
    )
    rel = relationship_for(mia, series, now=NOW)
    assert rel.goals == (2, 1) and rel.goal_progress_share == 50
    cards = {card.key: card for card in figures.figure_cards(rel, mia)}
    assert cards["goal_progress"].value == "1 of 2 goals"


def test_too_few_meetings_say_so(mia, rita) -> None:
    series = rita.series.get()
    rel = relationship_for(mia, series, now=NOW)
    reading = next(r for r in rel.readings if r.key == "ics_unprepared")
    assert reading.sentence == "Not enough data yet (0 meetings)."


def test_the_team_view_sorts_by_the_number_of_signs(mia, ray, rita, series, past) -> None:
    item(series, mia, due_days_ago=3)
    rows = selectors.team_view(mia, now=NOW).rows
    assert [row.series.report for row in rows] == [ray, rita]
    by_name = selectors.team_view(mia, sort="name", now=NOW).rows
    assert [row.series.report.name for row in by_name] == sorted([ray.name, rita.name])


def test_the_trends_count_items_done_by_their_date_and_ratings_in_their_month(
    mia, ray, series, past
) -> None:
    from django.utils import timezone

    from rapport.framework.retrospectives import QUESTIONS

    item(series, ray, due_days_ago=1, done_days_ago=2)  # done in time
    item(series, ray, due_days_ago=1)  # still open
    item(series, ray, due_days_ago=400, done_days_ago=400)  # before the trends
    services.retrospective_answer(
        actor=ray, series=series, answers={key: "Fine" for key, _ in QUESTIONS}, rating=4
    )
    now = timezone.now()
    rel = relationship_for(mia, series, now=now)
    trends = figures.trends([rel], now=now)
    this_month = dict(trends["on_time"])[f"{timezone.localdate(now):%b}"]
    yesterday_month = dict(trends["on_time"])[
        f"{timezone.localdate(now) - dt.timedelta(days=1):%b}"
    ]
    assert 50 in (this_month, yesterday_month)
    assert trends["retrospectives"][-1] == (f"{timezone.localdate(now):%b}", 4)
    assert [value for _, value in trends["retrospectives"][:-1]] == [None] * 5


def test_the_trends_put_each_row_in_its_month_of_the_current_timezone(mia, ray, series) -> None:
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from rapport.meetings.models import ActionItem

    zone = ZoneInfo("Pacific/Auckland")  # 13 hours ahead of UTC in March
    now = dt.datetime(2026, 3, 15, 12, tzinfo=zone)

    def at(*when: int, mood: int) -> None:
        held(series, 0, mood=mood, now=dt.datetime(*when, tzinfo=zone))

    at(2025, 9, 30, 23, 30, mood=1)  # before the trends' first month
    at(2025, 10, 1, 0, 30, mood=2)  # its first hour, still September in UTC
    at(2026, 2, 28, 23, 30, mood=3)
    at(2026, 3, 1, 0, 30, mood=5)  # February in UTC
    for due_on, status in ((dt.date(2026, 2, 28), "open"), (dt.date(2026, 3, 1), "done")):
        ActionItem.objects.create(
            series=series,
            owner=ray,
            created_by=mia,
            text="Item",
            due_on=due_on,
            status=status,
            done_on=due_on if status == "done" else None,
        )
    with timezone.override(zone):
        rel = relationship_for(mia, series, now=now)
        trends = figures.trends([rel], now=now)
    assert trends["mood"] == [
        ("Oct", 2.0),
        ("Nov", None),
        ("Dec", None),
        ("Jan", None),
        ("Feb", 3.0),
        ("Mar", 5.0),
    ]
    assert [value for _, value in trends["on_time"]] == [None, None, None, None, 0, 100]


def test_the_window_scans_each_series_and_ranks_them_alike(mia, rita, series, monkeypatch) -> None:
    from rapport.meetings.models import Series

    other = Series.objects.get(manager=mia, report=rita, ended_on__isnull=True)
    tied = NOW - dt.timedelta(days=3)
    for days in (1, 2, 4, 5):
        held(series, days)
    for _ in range(2):  # two held 1:1s at the same instant: the later key comes first
        held(series, 0, now=tied)
    not_held = held(series, 0, now=NOW - dt.timedelta(hours=1))
    Meeting.objects.filter(pk=not_held.pk).update(status="scheduled")  # not held: never in
    held(series, -1)  # after now: not yet
    held(other, 9)  # a series with fewer held 1:1s than the window
    ids = [series.pk, other.pk]

    def window() -> list[int]:
        found = Meeting.objects.filter(pk__in=figures.held_window_ids(ids, last=3, now=NOW))
        return sorted(found.values_list("pk", flat=True))

    scanned = window()
    monkeypatch.setattr(figures, "WINDOW_SCANS_MAX", 1)  # ranked with a window function
    assert window() == scanned
    expected = [
        pk
        for one in ids
        for pk in Meeting.objects.filter(series=one, status="held", scheduled_at__lte=NOW)
        .order_by("-scheduled_at", "-pk")
        .values_list("pk", flat=True)[:3]
    ]
    assert scanned == sorted(expected)
    assert len(scanned) == 4  # three of one (the tie split by key), the only one of the other
