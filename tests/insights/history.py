"""Past 1:1s built directly as rows: history is test setup, not something a service writes."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from rapport.growth.models import Feedback
from rapport.meetings.models import ActionItem, Meeting, Series, Topic
from rapport.meetings.services import topic_counts_refresh

NOW = timezone.now()


def held(
    series: Series,
    days_ago: int,
    *,
    mood: int | None = None,
    talk: int | None = None,
    kind: str = Meeting.Kind.REGULAR,
    now: dt.datetime = NOW,
) -> Meeting:
    return Meeting.objects.create(
        series=series,
        scheduled_at=now - dt.timedelta(days=days_ago),
        duration_minutes=30,
        status=Meeting.Status.HELD,
        kind=kind,
        mood=mood,
        manager_talk_share=talk,
    )


def topic(meeting: Meeting, author, *, kind: str = "", before: bool = True, discussed=True):
    written = Topic.objects.create(
        meeting=meeting,
        author=author,
        text=f"Topic by {author.name}",
        kind=kind,
        added_before_start=before,
        discussed=discussed,
    )
    # A row written as the backfill writes them: the meeting's counts kept the same way.
    topic_counts_refresh([meeting.pk])
    return written


def item(series: Series, owner, *, due_days_ago: int, done_days_ago: int | None = None):
    today = timezone.localdate(NOW)
    done = done_days_ago is not None
    return ActionItem.objects.create(
        series=series,
        owner=owner,
        created_by=series.manager,
        text=f"Item of {owner.name}",
        due_on=today - dt.timedelta(days=due_days_ago),
        status=ActionItem.Status.DONE if done else ActionItem.Status.OPEN,
        done_on=today - dt.timedelta(days=done_days_ago) if done else None,
    )


def feedback(meeting: Meeting, *, kind: str, acknowledged: bool = False, acted: bool = False):
    series = meeting.series
    return Feedback.objects.create(
        meeting=meeting,
        series=series,
        given_by=series.manager,
        given_to=series.report,
        kind=kind,
        situation="In the planning meeting",
        behaviour="FEEDBACK-TEXT-5e1 you interrupted",
        impact="The team lost the thread",
        acknowledged_at=NOW if acknowledged else None,
        acted_on_at=NOW if acted else None,
        created_at=meeting.scheduled_at,
    )
