"""Moving a 1:1 outside working hours: asked first, for either person on their own clock."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from rapport.errors import Refused
from rapport.meetings import services
from rapport.meetings.models import Meeting
from rapport.meetings.services import NeedsConfirmation

PARIS = ZoneInfo("Europe/Paris")  # mia's
NEW_YORK = ZoneInfo("America/New_York")  # ray's


def next_week(weekday: int, at: dt.time, zone: ZoneInfo, *, weeks: int = 2) -> dt.datetime:
    """`at` on that weekday, some weeks ahead (well within the horizon), on `zone`'s clock."""
    day = timezone.localdate() + dt.timedelta(weeks=weeks)
    day += dt.timedelta(days=(weekday - day.weekday()) % 7)
    return dt.datetime.combine(day, at, tzinfo=zone)


def snapshot() -> list[tuple]:
    return list(Meeting.objects.order_by("pk").values_list("pk", "status", "scheduled_at"))


def move(actor, meeting, new_time, **flags) -> Meeting | None:
    return services.meeting_cancel(
        actor=actor, meeting=meeting, reason="Offsite", new_time=new_time, **flags
    )


def test_a_time_fine_for_the_mover_but_early_for_the_other_asks(mia, meeting) -> None:
    new_time = next_week(2, dt.time(9, 0), PARIS)  # a Wednesday, 09:00 in Paris
    there = new_time.astimezone(NEW_YORK)
    before = snapshot()
    with pytest.raises(NeedsConfirmation) as asked:
        move(mia, meeting, new_time, ask_if_outside_hours=True)
    assert str(asked.value) == (
        f"{new_time:%A %d %B}, 09:00 is outside working hours for Ray (America/New_York): "
        f"it is {there:%A %H:%M} there. Move it there anyway?"
    )
    assert snapshot() == before


def test_a_time_fine_for_the_other_but_early_for_the_mover_asks_them(ray, meeting) -> None:
    new_time = next_week(2, dt.time(7, 30), NEW_YORK)
    with pytest.raises(NeedsConfirmation, match="for you: it starts before 08:00"):
        move(ray, meeting, new_time, ask_if_outside_hours=True)


def test_a_time_inside_both_working_days_is_not_asked_about(mia, meeting) -> None:
    new_time = next_week(2, dt.time(16, 0), PARIS)  # 10:00 in New York
    moved = move(mia, meeting, new_time, ask_if_outside_hours=True)
    assert moved is not None and moved.scheduled_at == new_time


@pytest.mark.parametrize("weekday", [5, 6])
def test_a_weekend_asks_in_each_persons_words(ray, meeting, weekday) -> None:
    new_time = next_week(weekday, dt.time(11, 0), NEW_YORK)
    day = f"{new_time:%A}"
    with pytest.raises(NeedsConfirmation) as asked:
        move(ray, meeting, new_time, ask_if_outside_hours=True)
    assert str(asked.value) == (
        f"{new_time:%A %d %B}, 11:00 is outside working hours for you: it is a {day}; and for "
        f"Mia (Europe/Paris): it is {new_time.astimezone(PARIS):%A %H:%M} there. "
        "Move it there anyway?"
    )


@pytest.mark.parametrize(("minutes", "asks"), [(30, False), (45, True)])
def test_a_late_time_asks_when_the_planned_minutes_end_after_seven(
    ray, meeting, minutes, asks
) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(duration_minutes=minutes)
    meeting.refresh_from_db()
    in_paris = next_week(3, dt.time(18, 30), PARIS)  # ends 19:00, or 19:15 in Paris
    new_time = in_paris.astimezone(NEW_YORK)
    if not asks:
        assert move(ray, meeting, new_time, ask_if_outside_hours=True) is not None
        return
    with pytest.raises(NeedsConfirmation) as asked:
        move(ray, meeting, new_time, ask_if_outside_hours=True)
    assert f"for Mia (Europe/Paris): it is {in_paris:%A} 18:30 there, ending at 19:15." in str(
        asked.value
    )
    assert "for you" not in str(asked.value)


def test_without_asking_the_move_goes_through(mia, meeting) -> None:
    # The demo, the backfill and the command line call services without asking.
    new_time = next_week(5, dt.time(3, 0), PARIS)
    moved = move(mia, meeting, new_time)
    meeting.refresh_from_db()
    assert meeting.moved_to == moved and moved.scheduled_at == new_time


def test_skipping_asks_nothing(mia, meeting) -> None:
    services.meeting_cancel(
        actor=mia, meeting=meeting, reason="Offsite", skip=True, ask_if_outside_hours=True
    )
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"


@pytest.mark.parametrize(
    ("new_time", "refusal"),
    [
        (lambda: next_week(5, dt.time(3, 0), PARIS, weeks=9), "within the next 8 weeks"),
        (lambda: next_week(5, dt.time(3, 0), PARIS, weeks=-1), "must be in the future"),
        (lambda: dt.datetime(2099, 3, 29, 2, 30), "does not exist in Europe/Paris"),
    ],
)
def test_refusals_come_before_the_question(mia, meeting, new_time, refusal) -> None:
    before = snapshot()
    with pytest.raises(Refused, match=refusal) as refused:
        move(mia, meeting, new_time(), ask_if_outside_hours=True)
    assert not isinstance(refused.value, NeedsConfirmation)
    assert snapshot() == before


def test_a_clash_is_refused_before_the_question(mia, rita, meeting) -> None:
    other = rita.series.get(ended_on__isnull=True).meetings.filter(status="scheduled").first()
    new_time = other.scheduled_at + dt.timedelta(minutes=15)
    assert new_time.astimezone(NEW_YORK).hour < 8  # would be asked about, were it free
    with pytest.raises(Refused, match="overlaps") as refused:
        move(mia, meeting, new_time, ask_if_outside_hours=True)
    assert not isinstance(refused.value, NeedsConfirmation)
