"""Where meetings fall: the level's cadence, career 1:1s at its interval, clean reschedules."""

from __future__ import annotations

import datetime as dt
import itertools
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from rapport.errors import Refused
from rapport.framework.cadence import CadenceChoice, cadence_for_level
from rapport.meetings import scheduling, services
from rapport.meetings.models import Meeting, Series
from tests.conftest import cadence_of


def upcoming(series: Series) -> list[Meeting]:
    return list(series.meetings.filter(status="scheduled").order_by("scheduled_at"))


def gaps_in_days(meetings: list[Meeting]) -> set[int]:
    return {(b.scheduled_at - a.scheduled_at).days for a, b in pairwise(meetings)}


def career_positions(meetings: list[Meeting]) -> list[int]:
    return [index for index, meeting in enumerate(meetings) if meeting.is_career]


# Pure date arithmetic ----------------------------------------------------------


def test_occurrences_fall_on_the_weekday_and_time_of_the_series() -> None:
    after = dt.datetime(2025, 3, 3, 12, 0, tzinfo=dt.UTC)  # a Monday
    moments = scheduling.occurrences(
        anchor=dt.date(2025, 1, 1),
        weekday=2,
        start_time=dt.time(9, 30),
        timezone="Europe/Paris",
        frequency_weeks=1,
        after=after,
    )
    first, second = next(moments), next(moments)
    assert first.date() == dt.date(2025, 3, 5)
    assert (first.weekday(), first.hour, first.minute) == (2, 9, 30)
    assert second - first == dt.timedelta(weeks=1)


def test_occurrences_keep_the_local_time_across_a_daylight_saving_change() -> None:
    moments = scheduling.occurrences(
        anchor=dt.date(2025, 3, 1),
        weekday=1,
        start_time=dt.time(10, 0),
        timezone="America/New_York",
        frequency_weeks=1,
        after=dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
    )
    before, after = next(moments), next(moments)  # 4 and 11 March: DST starts on the 9th
    assert before.astimezone(dt.UTC).hour == 15
    assert after.astimezone(dt.UTC).hour == 14
    assert after.astimezone(ZoneInfo("America/New_York")).hour == 10


def test_biweekly_occurrences_stay_on_the_anchor_rhythm() -> None:
    anchor = dt.date(2025, 1, 7)  # a Tuesday
    moments = scheduling.occurrences(
        anchor=anchor,
        weekday=1,
        start_time=dt.time(10, 0),
        timezone="UTC",
        frequency_weeks=2,
        after=dt.datetime(2025, 1, 15, tzinfo=dt.UTC),
    )
    assert next(moments).date() == dt.date(2025, 1, 21)


def test_a_career_meeting_is_due_once_its_interval_has_passed() -> None:
    start = dt.date(2025, 1, 1)
    assert not scheduling.career_is_due(
        last_career=None, series_start=start, on=dt.date(2025, 1, 7), every_weeks=2
    )
    assert scheduling.career_is_due(
        last_career=dt.date(2025, 1, 7), series_start=start, on=dt.date(2025, 1, 21), every_weeks=2
    )


# Series follow the level's cadence --------------------------------------------


@pytest.mark.parametrize(
    ("person", "level"),
    [("ray", "junior"), ("olga", "confirmed"), ("rita", "senior"), ("omar", "staff")],
)
def test_a_new_series_follows_the_cadence_of_the_reports_level(
    cast, person: str, level: str
) -> None:
    series = getattr(cast, person).series.get()
    cadence = cadence_for_level(level)
    meetings = upcoming(series)
    assert series.frequency_weeks == cadence.default_frequency_weeks
    assert series.duration_minutes == cadence.default_duration_minutes
    assert series.career_every_weeks == cadence.career_interval_weeks
    assert len(meetings) >= scheduling.HORIZON_WEEKS // cadence.default_frequency_weeks
    assert gaps_in_days(meetings) == {7 * cadence.default_frequency_weeks}
    assert all(m.scheduled_at > timezone.now() for m in meetings)
    regular = [m for m in meetings if not m.is_career]
    assert {m.duration_minutes for m in regular} == {cadence.default_duration_minutes}


@pytest.mark.parametrize(
    ("person", "meetings_apart"),
    [("ray", 2), ("olga", 4), ("rita", 2), ("omar", 4)],
)
def test_career_meetings_come_at_the_levels_interval(
    cast, person: str, meetings_apart: int
) -> None:
    series = getattr(cast, person).series.get()
    for week in range(1, 13):  # time passing: the horizon moves a week at a time
        services.series_schedule(series=series, now=timezone.now() + dt.timedelta(weeks=week))
    positions = career_positions(upcoming(series))
    assert len(positions) >= 2
    assert {b - a for a, b in pairwise(positions)} == {meetings_apart}
    assert positions[0] <= meetings_apart


def test_a_career_meeting_is_long_enough_for_its_four_parts(series) -> None:
    career = next(m for m in upcoming(series) if m.is_career)
    assert 45 <= career.duration_minutes <= 60


def test_scheduling_again_never_doubles_a_slot(series) -> None:
    before = [m.pk for m in upcoming(series)]
    assert services.series_schedule(series=series) == []
    assert [m.pk for m in upcoming(series)] == before


def test_a_cancelled_slot_is_not_scheduled_again(series, mia, meeting) -> None:
    services.meeting_cancel(actor=mia, meeting=meeting, reason="Offsite", skip=True)
    services.series_schedule(series=series)
    same_week = series.meetings.filter(
        scheduled_at__range=(
            meeting.scheduled_at - dt.timedelta(days=3),
            meeting.scheduled_at + dt.timedelta(days=3),
        )
    )
    assert list(same_week) == [meeting]


def test_next_meeting_schedules_one_when_the_horizon_ran_out(series, mia) -> None:
    last = upcoming(series)[-1]
    follower = services.next_meeting(last)
    assert follower is not None
    assert follower.scheduled_at - last.scheduled_at == dt.timedelta(weeks=1)


# Changing the cadence ------------------------------------------------------------


def cadence_change(series: Series, actor, **changes: object) -> Series:
    return services.series_update_cadence(
        actor=actor, series=series, choice=cadence_of(series, **changes)
    )


def test_the_manager_moves_the_1_1_to_another_weekday_and_time(series, mia) -> None:
    cadence_change(series, mia, weekday=3, start_time=dt.time(14, 30))
    meetings = upcoming(series)
    local = [m.scheduled_at.astimezone(ZoneInfo(series.timezone)) for m in meetings]
    assert {(moment.weekday(), moment.hour, moment.minute) for moment in local} == {(3, 14, 30)}
    assert gaps_in_days(meetings) == {7}


def test_departing_from_the_levels_cadence_needs_a_reason(series, mia) -> None:
    with pytest.raises(Refused, match="choose a reason"):
        cadence_change(series, mia, frequency_weeks=2, career_every_weeks=4)
    series.refresh_from_db()
    assert series.frequency_weeks == 1
    cadence_change(
        series,
        mia,
        frequency_weeks=2,
        career_every_weeks=4,
        reason="individual_needs",
        note="Asked for it",
    )
    series.refresh_from_db()
    assert (series.frequency_weeks, series.cadence_reason) == (2, "individual_needs")
    assert gaps_in_days(upcoming(series)) == {14}


def test_a_junior_met_every_2_weeks_keeping_career_every_2_weeks_is_refused(series, mia) -> None:
    with pytest.raises(Refused, match="every meeting a career 1:1"):
        cadence_change(series, mia, frequency_weeks=2, reason="individual_needs")
    series.refresh_from_db()
    assert (series.frequency_weeks, series.career_every_weeks) == (1, 2)
    assert not all(m.is_career for m in upcoming(series))


def test_the_cadence_preview_lists_the_next_6_meetings_and_writes_nothing(series, mia) -> None:
    before = list(series.meetings.values_list("pk", "scheduled_at", "kind"))
    fields = {
        "frequency_weeks": 2,
        "duration_minutes": 30,
        "career_every_weeks": 4,
        "weekday": series.weekday,
        "start_time": series.start_time,
        "reason": "individual_needs",
    }
    planned = services.series_cadence_preview(
        actor=mia, series=series, choice=CadenceChoice(**fields)
    )
    assert len(planned) == 6
    assert {(b.at - a.at).days for a, b in itertools.pairwise(planned)} == {14}
    careers = [p.at for p in planned if p.career]
    # Every fourth week: career 1:1s are 28 days apart, the first within 4 weeks (where it
    # falls depends on the day the series began, so not on the first slot necessarily).
    assert len(careers) >= 2
    assert {(b - a).days for a, b in itertools.pairwise(careers)} == {28}
    assert (careers[0] - planned[0].at).days <= 28
    assert list(series.meetings.values_list("pk", "scheduled_at", "kind")) == before
    services.series_update_cadence(actor=mia, series=series, choice=CadenceChoice(**fields))
    saved = [(m.scheduled_at, m.is_career) for m in upcoming(series)]
    assert saved == [(p.at, p.career) for p in planned][: len(saved)]


def test_the_cadence_preview_refuses_what_saving_would(series, mia) -> None:
    with pytest.raises(Refused, match="every meeting a career 1:1"):
        services.series_cadence_preview(
            actor=mia,
            series=series,
            choice=CadenceChoice(
                frequency_weeks=2,
                duration_minutes=30,
                career_every_weeks=2,
                weekday=1,
                start_time=dt.time(10),
                reason="remote",
            ),
        )


def test_an_unknown_reason_is_refused(series, mia) -> None:
    with pytest.raises(Refused, match="framework's reasons"):
        cadence_change(series, mia, frequency_weeks=2, reason="because")


def test_a_meeting_with_an_agenda_keeps_its_slot_when_the_cadence_changes(
    series, mia, ray, meeting
) -> None:
    topic = services.topic_add(actor=ray, meeting=meeting, text="My promotion case")
    cadence_change(series, mia, weekday=4)
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    topic.refresh_from_db()
    meetings = upcoming(series)
    assert meeting in meetings
    assert all(
        abs(b.scheduled_at - a.scheduled_at) >= dt.timedelta(days=3.5)
        for a, b in pairwise(meetings)
    )


def test_a_private_note_is_never_lost_to_a_cadence_change(series, mia, meeting) -> None:
    services.private_note_save(actor=mia, meeting=meeting, body="Prepare feedback", version=0)
    cadence_change(series, mia, weekday=4)
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_only_the_manager_changes_the_cadence(series, ray) -> None:
    with pytest.raises(PermissionDenied):
        cadence_change(series, ray, weekday=4)


def test_an_ended_series_keeps_meetings_that_hold_something(series, mia, ray, meeting) -> None:
    services.topic_add(actor=ray, meeting=meeting, text="Conference budget")
    empty = upcoming(series)[1]
    services.series_end(series=series)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    assert meeting.cancel_reason == "This 1:1 series ended."
    assert not Meeting.objects.filter(pk=empty.pk).exists()
    assert meeting.topics.count() == 1
