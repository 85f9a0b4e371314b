"""The team view and the director's aggregates cost a fixed number of queries, whatever the data.

The history is built with bulk_create: it is test setup, three years of it.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rapport.growth.models import Feedback
from rapport.meetings.models import ActionItem, Meeting, Series, Topic
from rapport.meetings.services import topic_counts_refresh
from rapport.people.models import Person

NOW = timezone.now()
# The page's reads for a manager who also has a manager: session, viewer, organisation,
# thresholds, roles, the series (goals and review dates as subqueries), window meetings,
# action items, feedback, retrospectives and two trend queries.
TEAM_QUERY_LIMIT = 12


def team(manager: Person, reports: int, *, weeks: int, tag: str) -> list[Series]:
    """`reports` reports of the manager, each with a weekly 1:1 held for `weeks` weeks."""
    people = Person.objects.bulk_create(
        Person(
            organisation_id=manager.organisation_id,
            email=f"{tag}-{n}@acme.test",
            name=f"{tag.title()} Report {n:03}",
            manager=manager,
            level="confirmed",
            password="!",
        )
        for n in range(reports)
    )
    start = NOW - dt.timedelta(weeks=weeks)
    series = Series.objects.bulk_create(
        Series(
            organisation_id=manager.organisation_id,
            manager=manager,
            report=person,
            started_on=start.date(),
            frequency_weeks=1,
            duration_minutes=30,
            career_every_weeks=4,
            start_time=dt.time(10),
        )
        for person in people
    )
    meetings = Meeting.objects.bulk_create(
        Meeting(
            series=one,
            scheduled_at=start + dt.timedelta(weeks=week),
            duration_minutes=30,
            status="cancelled" if week % 9 == 0 else "held",
            cancelled_by=manager if week % 9 == 0 else None,
            cancelled_at=start + dt.timedelta(weeks=week) if week % 9 == 0 else None,
            kind="career" if week % 4 == 0 else "regular",
            mood=3 + week % 3,
            manager_talk_share=20 + week % 30,
        )
        for one in series
        for week in range(weeks)
    )
    by_series = {one.pk: one for one in series}
    Topic.objects.bulk_create(
        Topic(
            meeting=meeting,
            author=by_series[meeting.series_id].report if n else manager,
            text=f"Topic {n}",
            kind="status" if n == 2 else "",
            added_before_start=n != 1,
        )
        for meeting in meetings
        for n in range(3)
    )
    # Topics written as rows, as the backfill writes them: their counts kept the same way.
    topic_counts_refresh(meeting.pk for meeting in meetings)
    ActionItem.objects.bulk_create(
        ActionItem(
            series=by_series[meeting.series_id],
            meeting=meeting,
            owner=by_series[meeting.series_id].report,
            created_by=manager,
            text="Follow up",
            due_on=(meeting.scheduled_at + dt.timedelta(days=7)).date(),
            status="done" if meeting.pk % 2 else "open",
            done_on=meeting.scheduled_at.date() if meeting.pk % 2 else None,
        )
        for meeting in meetings[::2]
    )
    Feedback.objects.bulk_create(
        Feedback(
            meeting=meeting,
            series=by_series[meeting.series_id],
            given_by=manager,
            given_to=by_series[meeting.series_id].report,
            kind="constructive" if meeting.pk % 3 else "positive",
            situation="s",
            behaviour="b",
            impact="i",
            created_at=meeting.scheduled_at,
        )
        for meeting in meetings[::5]
    )
    return series


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_team_view_for_15_reports_and_3_years_costs_what_one_report_costs(
    client_for, omar
) -> None:
    client = client_for(omar)
    url = reverse("insights")
    team(omar, 1, weeks=4, tag="small")
    small = queries_of(client, url)
    team(omar, 14, weeks=156, tag="big")
    big = queries_of(client, url)
    assert big == small
    assert big <= TEAM_QUERY_LIMIT
    page = client.get(url).content.decode()
    assert page.count("Big Report") == 14


def test_a_relationship_with_3_years_of_history_costs_what_a_month_costs(client_for, omar) -> None:
    client = client_for(omar)
    short = team(omar, 1, weeks=4, tag="short")[0]
    long = team(omar, 1, weeks=156, tag="long")[0]
    assert queries_of(client, reverse("insights_series", args=[long.pk])) == queries_of(
        client, reverse("insights_series", args=[short.pk])
    )


def test_the_directors_aggregates_over_250_managers_cost_a_fixed_number_of_queries_25_a_page(
    client_for, dan, ada
) -> None:
    client = client_for(dan)
    url = reverse("insights")
    before = queries_of(client, url)
    managers = Person.objects.bulk_create(
        Person(
            organisation_id=dan.organisation_id,
            email=f"manager-{n}@acme.test",
            name=f"Manager {n:03}",
            manager=dan,
            password="!",
        )
        for n in range(250)
    )
    for n, manager in enumerate(managers):
        team(manager, 3, weeks=6, tag=f"m{n}")
    after = queries_of(client, url)
    assert after == before
    assert queries_of(client, url + "?page=5") == before
    listed = []
    for number in range(1, 12):
        page = client.get(url, {"page": number}).content.decode()
        listed += re.findall(r'<th scope="row">(Manager \d+)</th>', page)
        assert "M1 Report" not in page  # never a single report
    assert len(listed) == len(set(listed)) == 250  # 25 a page, in name order
    assert listed == sorted(listed)
    assert "Page 1 of 11" in client.get(url).content.decode()


def test_the_thresholds_page_costs_the_same_with_every_threshold_tuned(client_for, ada) -> None:
    from rapport.framework.thresholds import THRESHOLDS

    client = client_for(ada)
    url = reverse("insights_thresholds")
    before = queries_of(client, url)
    values = {
        t.key: str(t.minimum if t.key != "window_meetings" else t.maximum) for t in THRESHOLDS
    }
    assert client.post(url, values).status_code == 302
    assert queries_of(client, url) == before


def test_the_one_query_role_check_agrees_with_the_two_rules(ada, dan, omar, mia, ray) -> None:
    from rapport import access

    for person in (ada, dan, omar, mia, ray):
        assert access.insight_views(person) == (
            access.sees_team_insights(person),
            access.sees_aggregates(person),
        ), person.name
    assert access.insight_views(ray) == (False, False)
    assert access.insight_views(mia)[0]


def test_a_teams_action_items_are_counted_from_their_index_alone(omar) -> None:
    """On SQLite, the figures' count of items (owner, day done) never reads the items' rows."""
    from rapport.insights import figures

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL plans by its statistics: a table this small is scanned")
    series = team(omar, 2, weeks=8, tag="items")
    today = NOW.date()
    month_starts = [today - dt.timedelta(days=30 * n) for n in range(6, 0, -1)]
    window_from = today - dt.timedelta(days=90)
    ids = [one.pk for one in series]
    counted = figures._item_counts(ids, window_from, window_from, today, *month_starts)
    plan = counted.explain()
    assert "COVERING INDEX" in plan
    assert "meetings_actionitem" in plan


def test_the_item_counts_read_no_item_due_from_today_and_name_the_series_on_each_side(
    omar,
) -> None:
    """Items due today or later count nowhere and are not read. Each side of the choice
    names the series, so each is read as ranges of the (series, status, due_on) index."""
    from rapport.insights import figures

    series = team(omar, 2, weeks=2, tag="due")
    today = NOW.date()
    for offset, status in ((0, "open"), (3, "done"), (-2, "open")):
        ActionItem.objects.create(
            series=series[0],
            owner=series[0].report,
            created_by=omar,
            text="Due",
            due_on=today + dt.timedelta(days=offset),
            status=status,
            done_on=today if status == "done" else None,
        )
    month_starts = [today - dt.timedelta(days=30 * n) for n in range(6, 0, -1)]
    window_from = today - dt.timedelta(days=90)
    ids = [one.pk for one in series]
    counted = figures._item_counts(ids, window_from, window_from, today, *month_starts)
    assert not counted.filter(due_on__gte=today).exists()
    assert (
        sum(row["overdue"] for row in counted)
        == ActionItem.objects.filter(series__in=series, status="open", due_on__lt=today).count()
    )
    assert str(counted.query).count('"series_id" IN') == 2


def test_a_rows_warning_signs_are_its_readings_that_fire_read_once(omar) -> None:
    from rapport.insights import figures, selectors

    team(omar, 3, weeks=30, tag="signs")
    rows = selectors.team_view(omar, now=NOW).rows
    assert rows
    for rel in rows:
        assert rel.warnings == [reading for reading in rel.readings if reading.fires]
        assert rel.signs == [reading for reading in rel.readings if reading.is_warning]
        assert len(rel.indicators) + len(rel.signs) == len(rel.readings) == 16
        assert rel.warnings is rel.warnings  # the same list, not judged again
    assert isinstance(rows[0], figures.Relationship)


def test_the_admins_teams_are_paged_in_python_name_order_and_a_page_past_the_last_shows_it(
    client_for, ada
) -> None:
    names = ["émile", "Zoe", "adam", "Ådne", "Zoe", "bea"] + [f"Manager {n:03}" for n in range(24)]
    managers = Person.objects.bulk_create(
        Person(
            organisation_id=ada.organisation_id,
            email=f"manager-{n}@acme.test",
            name=name,
            password="!",
        )
        for n, name in enumerate(names)
    )
    for n, manager in enumerate(managers):
        team(manager, 1, weeks=2, tag=f"m{n}")
    client = client_for(ada)
    url = reverse("insights")
    everyone = sorted(
        (name, pk)
        for name, pk in Series.objects.filter(organisation=ada.organisation, ended_on=None)
        .values_list("manager__name", "manager_id")
        .distinct()
    )
    pages = -(-len(everyone) // 25)
    shown = []
    for number in range(1, pages + 1):
        page = client.get(url, {"page": number}).content.decode()
        assert f"Page {number} of {pages}" in page
        shown += re.findall(r'<th scope="row">([^<]+)</th>', page.split("aggregates-title")[-1])
    assert shown == [name for name, _ in everyone]  # code point order, ties by key
    assert shown[25] == everyone[25][0]  # the 26th manager opens page 2
    last = client.get(url, {"page": pages + 7}).content.decode()
    assert f"Page {pages} of {pages}" in last
    assert queries_of(client, url + "?page=2") == queries_of(client, url)


def test_the_admins_teams_read_only_the_pages_managers(client_for, ada) -> None:
    for n in range(30):
        manager = Person.objects.create(
            organisation=ada.organisation, email=f"m-{n}@acme.test", name=f"M {n:02}"
        )
        team(manager, 1, weeks=1, tag=f"r{n}")
    with CaptureQueriesContext(connection) as queries:
        assert client_for(ada).get(reverse("insights")).status_code == 200
    managers = [q["sql"] for q in queries if "LIMIT 25" in q["sql"] and "OVER" in q["sql"]]
    assert len(managers) == 1  # their names sorted, counted and cut by the database


def test_a_teams_aggregates_read_from_packed_counts_agree_with_the_rows_counted_apart(
    dan,
) -> None:
    """The held 1:1s with their topics, and the retrospectives with their ratings, come back
    packed in one number per series: read back, they are the rows' own counts."""
    from rapport.insights import figures, selectors
    from rapport.insights.models import Retrospective

    manager = Person.objects.create(
        organisation_id=dan.organisation_id,
        email="packed@acme.test",
        name="Packed Manager",
        manager=dan,
        password="!",
    )
    series = team(manager, 3, weeks=20, tag="packed")
    for rating, one in zip((5, 2, 4), series, strict=True):
        for days in (3, 40):
            Retrospective.objects.create(
                series=one, rating=rating, answered_at=NOW - dt.timedelta(days=days)
            )
    start = NOW - dt.timedelta(days=figures.thresholds_for(dan.organisation)["window_days"])
    held = Meeting.objects.filter(
        series__in=series, status="held", scheduled_at__gte=start, scheduled_at__lte=NOW
    )
    topics = Topic.objects.filter(meeting__in=held)
    ic_topics = sum(
        1
        for topic in topics.select_related("meeting__series")
        if topic.author_id == topic.meeting.series.report_id
    )
    rows = {row.manager.pk: row for row in selectors.aggregates_for(dan, now=NOW).rows}
    row = rows[manager.pk]
    assert row.shown and row.reports == 3
    assert row.ic_agenda_share == round(100 * ic_topics / topics.count())
    assert row.retrospective_average == round((5 + 5 + 2 + 2 + 4 + 4) / 6, 1)
    assert row.cadence_kept is not None and 0 < row.cadence_kept <= 100
    assert held.count() > 0
