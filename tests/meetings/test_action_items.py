"""Action items: one of the two owns it, and it comes back every meeting until it is closed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from rapport.errors import Refused
from rapport.meetings import services
from rapport.meetings.models import ActionItem, Meeting


def meetings_of(series) -> list[Meeting]:
    return list(series.meetings.filter(status="scheduled").order_by("scheduled_at"))


def opening(meeting: Meeting) -> list[str]:
    return [item.text for item in ActionItem.objects.in_opening_of(meeting)]


def test_an_open_item_appears_in_every_following_meeting_until_closed(series, mia, ray) -> None:
    first, second, third, fourth = meetings_of(series)[:4]
    item = services.action_item_add(
        actor=mia, meeting=first, text="Write the RFC", owner=ray, due_on=dt.date(2030, 1, 1)
    )
    assert opening(first) == []
    services.meeting_complete(actor=mia, meeting=first, held_minutes=30)
    assert opening(second) == ["Write the RFC"]
    assert opening(third) == ["Write the RFC"]
    services.action_item_set_status(
        actor=ray, item=item, status="done", today=third.scheduled_at.date()
    )
    assert opening(third) == ["Write the RFC"]  # ticked off during it: still shown, as done
    assert opening(fourth) == []


def test_a_dropped_item_stops_coming_back(series, mia, ray) -> None:
    first, second = meetings_of(series)[:2]
    item = services.action_item_add(actor=ray, meeting=first, text="Try pairing", owner=ray)
    services.action_item_set_status(actor=mia, item=item, status="dropped")
    assert opening(second) == []


def test_done_is_dated_and_reopening_clears_the_date(series, mia, ray, meeting) -> None:
    item = services.action_item_add(actor=mia, meeting=meeting, text="Book room", owner=mia)
    services.action_item_set_status(actor=ray, item=item, status="done", today=dt.date(2030, 5, 4))
    item.refresh_from_db()
    assert (item.status, item.done_on) == ("done", dt.date(2030, 5, 4))
    services.action_item_set_status(actor=ray, item=item, status="open")
    item.refresh_from_db()
    assert (item.status, item.done_on) == ("open", None)


def test_the_owner_is_one_of_the_two_people(mia, olga, meeting) -> None:
    with pytest.raises(Refused, match="one of the two people"):
        services.action_item_add(actor=mia, meeting=meeting, text="Review", owner=olga)
    assert not ActionItem.objects.exists()


def test_an_item_is_edited_by_either_person(mia, ray, meeting) -> None:
    item = services.action_item_add(actor=mia, meeting=meeting, text="Draft", owner=mia)
    services.action_item_update(
        actor=ray, item=item, text="Draft the plan", owner=ray, due_on=dt.date(2030, 2, 1)
    )
    item.refresh_from_db()
    assert (item.text, item.owner, item.due_on) == ("Draft the plan", ray, dt.date(2030, 2, 1))


def test_an_unknown_status_is_refused(mia, meeting) -> None:
    item = services.action_item_add(actor=mia, meeting=meeting, text="Draft", owner=mia)
    with pytest.raises(Refused, match="open, done or dropped"):
        services.action_item_set_status(actor=mia, item=item, status="maybe")
    item.refresh_from_db()
    assert item.status == "open"


def test_items_of_an_ended_series_are_read_only(series, mia, ray, meeting) -> None:
    item = services.action_item_add(actor=mia, meeting=meeting, text="Draft", owner=ray)
    services.series_end(series=series)
    item.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.action_item_set_status(actor=ray, item=item, status="done")
