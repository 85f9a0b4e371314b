"""A series' cadence outside working hours: asked first, for either person on their own clock,
with the rule and the words of a single 1:1 moved there."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from rapport.errors import Refused
from rapport.meetings import services
from rapport.meetings.models import Meeting, Series
from rapport.meetings.services import NeedsConfirmation
from tests.conftest import cadence_of

PARIS = ZoneInfo("Europe/Paris")  # mia's, and the series' (Tuesdays at 15:00, 30 minutes)


def snapshot(series: Series) -> tuple:
    series.refresh_from_db()
    cadence = (series.weekday, series.start_time, series.duration_minutes, series.timezone)
    meetings = Meeting.objects.order_by("pk").values_list("pk", "scheduled_at", "duration_minutes")
    return cadence, list(meetings)


def change(actor, series, *, ask: bool = True, now: dt.datetime | None = None, **fields):
    return services.series_update_cadence(
        actor=actor,
        series=series,
        choice=cadence_of(series, **fields),
        ask_if_outside_hours=ask,
        now=now,
    )


def test_a_time_fine_for_the_manager_but_early_for_the_report_asks(mia, series) -> None:
    before = snapshot(series)
    with pytest.raises(NeedsConfirmation) as asked:
        change(mia, series, weekday=3, start_time=dt.time(13, 30))
    assert str(asked.value) == (
        "The 1:1 at 13:30 on Thursdays is outside working hours for Ray (America/New_York): "
        "it is Thursday 07:30 there. Keep this cadence anyway?"
    )
    assert snapshot(series) == before


def test_a_weekend_asks_in_each_persons_words(mia, series) -> None:
    with pytest.raises(NeedsConfirmation) as asked:
        change(mia, series, weekday=5, start_time=dt.time(11, 0))
    assert str(asked.value) == (
        "The 1:1 at 11:00 on Saturdays is outside working hours for you: it is a Saturday; "
        "and for Ray (America/New_York): it is Saturday 05:00 there. Keep this cadence anyway?"
    )


def test_two_people_on_one_clock_are_named_together(mia, ray, series) -> None:
    ray.timezone = "Europe/Paris"
    ray.save(update_fields=["timezone"])
    series.refresh_from_db()
    with pytest.raises(NeedsConfirmation) as asked:
        change(mia, series, weekday=5, start_time=dt.time(3, 0))
    assert str(asked.value) == (
        "The 1:1 at 03:00 on Saturdays is outside working hours for you and Ray: "
        "it is a Saturday. Keep this cadence anyway?"
    )


def test_three_in_the_morning_is_early_here_and_late_the_evening_before_there(mia, series) -> None:
    with pytest.raises(NeedsConfirmation) as asked:
        change(mia, series, start_time=dt.time(3, 0))
    assert str(asked.value) == (
        "The 1:1 at 03:00 on Tuesdays is outside working hours for you: it starts before "
        "08:00; and for Ray (America/New_York): it is Monday 21:00 there, ending at 21:30. "
        "Keep this cadence anyway?"
    )


def test_a_slot_ending_after_seven_asks(mia, series) -> None:
    with pytest.raises(NeedsConfirmation) as asked:
        change(mia, series, start_time=dt.time(18, 30), duration_minutes=45)
    assert str(asked.value) == (
        "The 1:1 at 18:30 on Tuesdays is outside working hours for you: it would end at 19:15. "
        "Keep this cadence anyway?"
    )


def test_a_slot_ending_at_seven_is_inside(mia, series) -> None:
    # 18:10 for 30 minutes; the career-focused 1:1 (50 minutes) ends at 19:00 sharp.
    change(mia, series, start_time=dt.time(18, 10))
    series.refresh_from_db()
    assert series.start_time == dt.time(18, 10)


def test_a_career_focused_1_1_ending_after_seven_asks_about_it(mia, series) -> None:
    # A 30-minute 1:1 at 18:15 ends at 18:45; the career-focused one (50 minutes) at 19:05.
    with pytest.raises(NeedsConfirmation) as asked:
        change(mia, series, start_time=dt.time(18, 15))
    assert str(asked.value) == (
        "The career-focused 1:1 at 18:15 on Tuesdays (50 minutes) is outside working hours "
        "for you: it would end at 19:05. Keep this cadence anyway?"
    )


def test_a_slot_that_leaves_the_working_day_once_the_clocks_change_asks(mia, ray, series) -> None:
    type(ray).objects.filter(pk=ray.pk).update(timezone="Australia/Sydney")
    series = Series.objects.select_related("manager", "report").get(pk=series.pk)
    june = dt.datetime(2027, 6, 1, 6, 0, tzinfo=dt.UTC)
    # 09:00 in Paris is 17:00 in Sydney until Paris turns its clocks back (31 October 2027)
    # after Sydney turned them forward: 19:00 from then on.
    with pytest.raises(NeedsConfirmation) as asked:
        change(mia, series, start_time=dt.time(9, 0), now=june)
    assert str(asked.value) == (
        "The 1:1 at 09:00 on Tuesdays is outside working hours once the clocks change "
        "(from 02 November) for Ray (Australia/Sydney): it is Tuesday 19:00 there, ending "
        "at 19:30. Keep this cadence anyway?"
    )


def test_a_time_inside_both_working_days_is_saved_without_asking(mia, series) -> None:
    change(mia, series, weekday=3, start_time=dt.time(14, 30))  # 08:30 in New York
    series.refresh_from_db()
    assert (series.weekday, series.start_time) == (3, dt.time(14, 30))


def test_without_asking_the_cadence_is_saved(mia, series) -> None:
    # The demo, the backfill and the command line call services without asking.
    change(mia, series, ask=False, weekday=5, start_time=dt.time(3, 0))
    series.refresh_from_db()
    assert (series.weekday, series.start_time) == (5, dt.time(3, 0))
    upcoming = series.meetings.filter(status="scheduled")
    assert {(m.scheduled_at.astimezone(PARIS).strftime("%a %H:%M")) for m in upcoming} == {
        "Sat 03:00"
    }


def test_keeping_the_slot_asks_nothing_again(mia, series) -> None:
    change(mia, series, ask=False, weekday=5, start_time=dt.time(11, 0))
    change(mia, series, reason="remote", note="Ray asked for Saturdays")  # the same slot
    series.refresh_from_db()
    assert (series.weekday, series.cadence_note) == (5, "Ray asked for Saturdays")
    with pytest.raises(NeedsConfirmation, match="for you: it is a Saturday"):
        change(mia, series, duration_minutes=45)  # a new length: asked again


def test_a_refusal_comes_before_the_question(mia, series) -> None:
    before = snapshot(series)
    with pytest.raises(Refused, match="every meeting a career 1:1") as refused:
        change(mia, series, weekday=5, start_time=dt.time(3, 0), career_every_weeks=1)
    assert not isinstance(refused.value, NeedsConfirmation)
    assert snapshot(series) == before
