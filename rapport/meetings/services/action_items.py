"""Every write to action items: the commitments made in a 1:1."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from rapport import access
from rapport.errors import Refused
from rapport.framework.ahead import too_far_refusal
from rapport.meetings.models import ActionItem, Meeting
from rapport.meetings.services.common import NeedsConfirmation, _clean_text
from rapport.people.models import Person


@transaction.atomic
def action_item_add(
    *,
    actor: Person,
    meeting: Meeting,
    text: str,
    owner: Person,
    due_on: dt.date | None = None,
    ask_if_past: bool = False,
    now: dt.datetime | None = None,
) -> ActionItem:
    """Record a commitment: who will do what, by when (a past date, with `ask_if_past`, asks)."""
    access.meeting_check_change(actor, meeting)
    _refuse_too_far(due_on, now=now)
    if ask_if_past:
        _ask_if_past(due_on, now=now)
    series = meeting.series
    if owner.pk not in (series.manager_id, series.report_id):
        raise Refused("The owner is one of the two people in this 1:1.")
    return ActionItem.objects.create(
        series=series,
        meeting=meeting,
        owner=owner,
        text=_clean_text(text, what="An action item"),
        due_on=due_on,
        created_by=actor,
        created_at=now or timezone.now(),
    )


@transaction.atomic
def action_item_set_status(
    *,
    actor: Person,
    item: ActionItem,
    status: str,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> ActionItem:
    """Mark an action item open, done (dated today) or dropped."""
    access.action_item_check_change(actor, item)
    if status not in ActionItem.Status.values:
        raise Refused("Status is open, done or dropped.")
    item.status = status
    item.done_on = (today or timezone.localdate(now)) if status == ActionItem.Status.DONE else None
    item.save(update_fields=["status", "done_on"])
    return item


@transaction.atomic
def action_item_update(
    *,
    actor: Person,
    item: ActionItem,
    text: str,
    owner: Person,
    due_on: dt.date | None,
    ask_if_past: bool = False,
    now: dt.datetime | None = None,
) -> ActionItem:
    """Change an action item's text, owner or due date (a new past one asks, with ask_if_past)."""
    access.action_item_check_change(actor, item)
    if due_on != item.due_on:
        _refuse_too_far(due_on, now=now)
    if ask_if_past and due_on != item.due_on:
        _ask_if_past(due_on, now=now)
    if owner.pk not in (item.series.manager_id, item.series.report_id):
        raise Refused("The owner is one of the two people in this 1:1.")
    item.text = _clean_text(text, what="An action item")
    item.owner = owner
    item.due_on = due_on
    item.save(update_fields=["text", "owner", "due_on"])
    return item


def _refuse_too_far(due_on: dt.date | None, *, now: dt.datetime | None) -> None:
    if refusal := too_far_refusal(due_on, timezone.localdate(now), what="The due date"):
        raise Refused(refusal)


def _ask_if_past(due_on: dt.date | None, *, now: dt.datetime | None) -> None:
    """A due date already gone is usually a typo (the wrong year, the wrong month): ask."""
    if due_on is not None and due_on < timezone.localdate(now):
        raise NeedsConfirmation(
            f"The due date {due_on.strftime('%A %d %B %Y')} is already past. Keep it?"
        )
