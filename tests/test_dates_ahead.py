"""Every date typed in for the future reaches at most ten years ahead: a goal's target, a
development plan's next review, an action item's due date, days away. A later one (9999
for 2029) is refused in words and nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from rapport.errors import Refused
from rapport.framework.ahead import latest_day
from rapport.growth.models import DevelopmentPlan, Goal
from rapport.growth.services import development_plan_update, goal_create, goal_update
from rapport.meetings.models import ActionItem
from rapport.meetings.services import action_item_add, action_item_update
from rapport.people.models import Absence
from rapport.people.services import absence_add

FAR = dt.date(9999, 12, 31)


def test_the_latest_day_is_ten_years_on_and_the_29th_of_february_falls_back() -> None:
    assert latest_day(dt.date(2026, 12, 7)) == dt.date(2036, 12, 7)
    assert latest_day(dt.date(2028, 2, 29)) == dt.date(2038, 2, 28)


def test_a_goal_target_past_ten_years_is_refused(ray, series) -> None:
    with pytest.raises(Refused, match="more than 10 years ahead"):
        goal_create(actor=ray, series=series, title="Lead a team", target_on=FAR)
    assert not Goal.objects.exists()
    last = latest_day(timezone.localdate())
    goal = goal_create(actor=ray, series=series, title="Lead a team", target_on=last)
    with pytest.raises(Refused, match="more than 10 years ahead"):
        goal_update(actor=ray, goal=goal, changes={"target_on": FAR})
    goal.refresh_from_db()
    assert goal.target_on == last


def test_a_goal_already_far_ahead_keeps_its_other_changes(ray, series) -> None:
    goal = goal_create(actor=ray, series=series, title="Lead a team")
    Goal.objects.filter(pk=goal.pk).update(target_on=FAR)  # saved before the rule
    goal_update(actor=ray, goal=goal, changes={"title": "Lead the team", "target_on": FAR})
    goal.refresh_from_db()
    assert goal.title == "Lead the team"


def test_a_next_review_past_ten_years_is_refused(mia, series) -> None:
    with pytest.raises(Refused, match="more than 10 years ahead"):
        development_plan_update(actor=mia, series=series, focus_areas=[], next_review_on=FAR)
    assert not DevelopmentPlan.objects.filter(next_review_on=FAR).exists()


def test_an_action_item_due_past_ten_years_is_refused(mia, ray, meeting) -> None:
    with pytest.raises(Refused, match="more than 10 years ahead"):
        action_item_add(actor=mia, meeting=meeting, text="Write it", owner=ray, due_on=FAR)
    item = action_item_add(actor=mia, meeting=meeting, text="Write it", owner=ray)
    with pytest.raises(Refused, match="more than 10 years ahead"):
        action_item_update(actor=mia, item=item, text="Write it", owner=ray, due_on=FAR)
    assert not ActionItem.objects.filter(due_on=FAR).exists()


def test_days_away_past_ten_years_are_refused(mia) -> None:
    with pytest.raises(Refused, match="more than 10 years ahead"):
        absence_add(actor=mia, starts_on=dt.date(9999, 12, 30), ends_on=FAR)
    assert not Absence.objects.exists()
