"""Sacred time: cadence across daylight saving, career intervals, days away, cancelling and
moving with its refusals, the sequence calendars follow, warnings, and level changes."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rapport.errors import Refused
from rapport.framework.cadence import working_hours_concern
from rapport.growth import selectors as growth_selectors
from rapport.growth.models import ImprovementPlan
from rapport.meetings import scheduling, selectors, services
from rapport.meetings.models import Meeting, Series
from rapport.meetings.services import report_invite, report_update
from rapport.people import services as people_services
from rapport.people.models import Absence
from tests.conftest import cadence_of, free_time

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")


def weekly(timezone_name: str, *, weekday: int, at: dt.time, after: dt.datetime) -> list:
    moments = scheduling.occurrences(
        anchor=after.date(),
        weekday=weekday,
        start_time=at,
        timezone=timezone_name,
        frequency_weeks=1,
        after=after,
    )
    return [next(moments) for _ in range(2)]


def scheduled(series: Series) -> list[Meeting]:
    return list(series.meetings.filter(status="scheduled").order_by("scheduled_at"))


def snapshot() -> list[tuple]:
    return list(
        Meeting.objects.order_by("pk").values_list("pk", "status", "scheduled_at", "sequence")
    )


# Daylight saving -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "after", "utc_hours"),
    [
        ("Europe/Paris", dt.datetime(2026, 3, 23, tzinfo=dt.UTC), (9, 8)),  # clocks go forward
        ("Europe/Paris", dt.datetime(2026, 10, 19, tzinfo=dt.UTC), (8, 9)),  # clocks go back
        ("America/New_York", dt.datetime(2026, 3, 2, tzinfo=dt.UTC), (15, 14)),
        ("America/New_York", dt.datetime(2026, 10, 26, tzinfo=dt.UTC), (14, 15)),
    ],
)
def test_a_ten_oclock_one_on_one_stays_at_ten_local_across_the_change(
    zone, after, utc_hours
) -> None:
    before, later = weekly(zone, weekday=1, at=dt.time(10), after=after)
    assert [m.astimezone(ZoneInfo(zone)).hour for m in (before, later)] == [10, 10]
    assert (before.astimezone(dt.UTC).hour, later.astimezone(dt.UTC).hour) == utc_hours


@pytest.mark.parametrize(
    ("zone", "day"),
    [("Europe/Paris", dt.date(2026, 3, 29)), ("America/New_York", dt.date(2026, 3, 8))],
)
def test_an_occurrence_in_the_spring_gap_moves_to_the_first_valid_local_time(zone, day) -> None:
    after = dt.datetime.combine(day - dt.timedelta(days=3), dt.time(), tzinfo=dt.UTC)
    first, _ = weekly(zone, weekday=6, at=dt.time(2, 30), after=after)
    local = first.astimezone(ZoneInfo(zone))
    assert (local.date(), local.hour, local.minute) == (day, 3, 0)
    assert scheduling.exists_locally(first)


def test_the_autumn_repeat_hour_keeps_its_wall_time() -> None:
    first, _ = weekly(
        "Europe/Paris",
        weekday=6,
        at=dt.time(2, 30),
        after=dt.datetime(2026, 10, 20, tzinfo=dt.UTC),
    )
    assert first.astimezone(PARIS).strftime("%Y-%m-%d %H:%M") == "2026-10-25 02:30"


def test_series_meetings_keep_the_managers_local_time_through_the_seasons(mia, rita) -> None:
    rita_series = rita.series.get(ended_on__isnull=True)
    hours = {m.scheduled_at.astimezone(PARIS).time() for m in scheduled(rita_series)}
    assert hours == {rita_series.start_time}


# Default start time ------------------------------------------------------------------


def test_the_default_time_falls_in_working_hours_for_both_people(series, ray) -> None:
    assert series.start_time == dt.time(15, 0)  # 15:00 in Paris is 09:00 in New York
    for meeting in scheduled(series):
        there = meeting.scheduled_at.astimezone(NEW_YORK)
        assert 9 <= there.hour < 17, there


def test_the_default_time_avoids_the_managers_other_standing_one_on_ones(ada, mia, rita) -> None:
    assert rita.series.get().start_time == dt.time(10)  # 09:00 is mia's own 1:1 with dan
    uma = report_invite(actor=ada, email="uma@acme.test", name="Uma New", manager=mia)
    assert uma.series.get().start_time == dt.time(11)


def test_zones_too_far_apart_for_the_suggested_hours_get_a_time_inside_both_working_days():
    on = dt.date(2026, 12, 1)  # Paris is nine hours ahead of Los Angeles
    assert scheduling.shared_start_time("Europe/Paris", "America/Los_Angeles", on) == dt.time(17)


def test_a_suggested_time_never_falls_on_the_other_persons_weekend() -> None:
    tuesday, friday = dt.date(2027, 3, 2), dt.date(2027, 3, 5)
    # 14:00 in Honolulu is 09:00 the next day in Tokyo: a Wednesday, or a Saturday.
    shared = scheduling.shared_start_times("Pacific/Honolulu", "Asia/Tokyo", tuesday)
    assert shared == [dt.time(14), dt.time(15), dt.time(16)]
    assert scheduling.shared_start_times("Pacific/Honolulu", "Asia/Tokyo", friday) == []


FAR_AND_NEAR = [
    ("Europe/Paris", "America/New_York"),
    ("America/New_York", "Europe/Paris"),
    ("Europe/London", "Asia/Kolkata"),
    ("Australia/Sydney", "Asia/Tokyo"),
    ("Europe/Paris", "America/Los_Angeles"),
    ("Pacific/Honolulu", "Asia/Tokyo"),
    ("Asia/Tokyo", "Pacific/Honolulu"),
    ("Europe/Paris", "Pacific/Auckland"),
]


@pytest.mark.parametrize(("manager_tz", "report_tz"), FAR_AND_NEAR)
def test_every_suggested_time_is_inside_both_working_days(manager_tz, report_tz) -> None:
    zones = (ZoneInfo(manager_tz), ZoneInfo(report_tz))
    for day in range(365):
        on = dt.date(2027, 1, 1) + dt.timedelta(days=day)
        for time in scheduling.shared_start_times(manager_tz, report_tz, on, minutes=30):
            start = dt.datetime.combine(on, time, tzinfo=zones[0])
            for zone in zones:  # a career-focused 1:1 runs up to an hour
                assert working_hours_concern(start.astimezone(zone), 60) is None, (on, time)


@pytest.mark.parametrize(
    ("manager_tz", "report_tz"),
    [FAR_AND_NEAR[0], FAR_AND_NEAR[1], FAR_AND_NEAR[2], FAR_AND_NEAR[3]],
)
def test_a_suggested_weekly_time_stays_inside_both_days_as_the_clocks_change(
    manager_tz, report_tz
) -> None:
    # Their clocks change on different dates: for some weeks the hours between them differ.
    first = dt.date(2027, 1, 5)  # a Tuesday
    time = scheduling.shared_start_time(manager_tz, report_tz, first, minutes=30)
    for week in range(52):
        start = dt.datetime.combine(
            first + dt.timedelta(weeks=week), time, tzinfo=ZoneInfo(manager_tz)
        )
        for zone in (manager_tz, report_tz):
            assert working_hours_concern(start.astimezone(ZoneInfo(zone)), 60) is None, start


def test_without_shared_working_hours_the_managers_ten_oclock_is_kept() -> None:
    on = dt.date(2026, 12, 1)
    assert scheduling.shared_start_time("Europe/Paris", "Pacific/Auckland", on) == dt.time(10)
    assert scheduling.shared_start_time("Europe/Paris", "Europe/Paris", on) == dt.time(9)


# Career-focused meetings ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "career_weeks", "frequency"),
    [("junior", 2, 1), ("confirmed", 4, 1), ("senior", 4, 2), ("staff", 8, 2)],
)
def test_career_meetings_fall_at_the_levels_interval(
    ada, mia, level, career_weeks, frequency
) -> None:
    person = report_invite(
        actor=ada, email=f"{level}@acme.test", name=f"New {level}", manager=mia, level=level
    )
    series = person.series.get()
    assert (series.frequency_weeks, series.career_every_weeks) == (frequency, career_weeks)
    for weeks in (7, 14, 21):  # plan half a year ahead, one horizon after the other
        services.series_schedule(series=series, now=timezone.now() + dt.timedelta(weeks=weeks))
    careers = [m.scheduled_at for m in scheduled(series) if m.is_career]
    gaps = {round((b - a).days / 7) for a, b in pairwise(careers)}
    assert gaps == {career_weeks}


def test_career_meetings_last_between_45_and_60_minutes_and_others_the_levels(series) -> None:
    meetings = scheduled(series)
    assert {m.duration_minutes for m in meetings if m.is_career} == {50}
    assert {m.duration_minutes for m in meetings if not m.is_career} == {30}
    assert [scheduling.career_minutes(n) for n in (30, 45, 55, 90)] == [50, 50, 55, 60]


# Days away ------------------------------------------------------------------------------


def day_of(meeting: Meeting, zone: ZoneInfo) -> dt.date:
    return meeting.scheduled_at.astimezone(zone).date()


def test_meetings_on_either_persons_days_away_are_flagged_not_dropped(mia, ray, series) -> None:
    first, _, third = scheduled(series)[:3]
    people_services.absence_add(
        actor=ray, starts_on=day_of(first, NEW_YORK), ends_on=day_of(first, NEW_YORK)
    )
    people_services.absence_add(
        actor=mia, starts_on=day_of(third, PARIS), ends_on=day_of(third, PARIS)
    )
    assert selectors.meetings_on_days_away(scheduled(series)) == {first.pk, third.pk}
    assert Meeting.objects.filter(pk__in=[first.pk, third.pk], status="scheduled").count() == 2


def test_days_away_are_read_in_the_absent_persons_timezone(ray, series) -> None:
    meeting = scheduled(series)[0]
    paris_day, new_york_day = day_of(meeting, PARIS), day_of(meeting, NEW_YORK)
    assert paris_day == new_york_day  # 15:00 Paris is 09:00 New York, the same date
    other_day = new_york_day + dt.timedelta(days=1)
    people_services.absence_add(actor=ray, starts_on=other_day, ends_on=other_day)
    assert selectors.meetings_on_days_away([meeting]) == set()


def test_flagging_days_away_costs_two_queries_however_many_meetings(mia, ray, rita, series) -> None:
    meetings = list(Meeting.objects.filter(status="scheduled"))
    for person in (ray, rita):
        people_services.absence_add(
            actor=person,
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate() + dt.timedelta(days=60),
        )
    with CaptureQueriesContext(connection) as queries:
        flagged = selectors.meetings_on_days_away(meetings)
    assert len(queries) == 2
    assert len(flagged) > 4


def test_days_away_must_be_ordered_and_still_to_come(mia) -> None:
    today = timezone.localdate()
    with pytest.raises(Refused, match="on or after the first"):
        people_services.absence_add(
            actor=mia, starts_on=today, ends_on=today - dt.timedelta(days=1)
        )
    with pytest.raises(Refused, match="already past"):
        people_services.absence_add(
            actor=mia, starts_on=today - dt.timedelta(days=9), ends_on=today - dt.timedelta(days=8)
        )
    assert not Absence.objects.exists()


# Cancelling and moving ------------------------------------------------------------------


def test_cancelling_needs_a_reason(mia, meeting) -> None:
    with pytest.raises(Refused, match="Say briefly why"):
        services.meeting_cancel(actor=mia, meeting=meeting, reason="  ", skip=True)


def test_cancelling_without_a_new_time_needs_an_explicit_skip(mia, meeting) -> None:
    before = snapshot()
    with pytest.raises(Refused, match="skip this one"):
        services.meeting_cancel(actor=mia, meeting=meeting, reason="Offsite")
    with pytest.raises(Refused, match="not both"):
        services.meeting_cancel(
            actor=mia,
            meeting=meeting,
            reason="Offsite",
            skip=True,
            new_time=meeting.scheduled_at + dt.timedelta(days=1),
        )
    assert snapshot() == before


def test_a_skip_records_who_when_why_and_the_notice(mia, meeting) -> None:
    now = meeting.scheduled_at - dt.timedelta(hours=30)
    services.meeting_cancel(actor=mia, meeting=meeting, reason="Offsite", skip=True, now=now)
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"
    assert (meeting.cancelled_by, meeting.cancelled_at, meeting.cancel_reason) == (
        mia,
        now,
        "Offsite",
    )
    assert meeting.notice_hours == 30
    assert meeting.sequence == 1


def test_a_move_by_the_report_is_recorded_as_theirs(ray, meeting) -> None:
    new_time = meeting.scheduled_at + dt.timedelta(days=1)
    moved = services.meeting_cancel(actor=ray, meeting=meeting, reason="Dentist", new_time=new_time)
    meeting.refresh_from_db()
    assert meeting.cancelled_by == ray and meeting.moved_to == moved
    assert meeting.status == "rescheduled" and meeting.sequence == 1
    assert moved.scheduled_at == new_time and moved.duration_minutes == meeting.duration_minutes


def test_a_naive_new_time_is_read_in_the_movers_timezone(ray, meeting) -> None:
    day = meeting.scheduled_at.astimezone(NEW_YORK).date() + dt.timedelta(days=1)
    moved = services.meeting_cancel(
        actor=ray, meeting=meeting, reason="Dentist", new_time=dt.datetime.combine(day, dt.time(11))
    )
    assert moved.scheduled_at.astimezone(NEW_YORK).time() == dt.time(11)


def test_moving_onto_another_one_on_one_of_the_manager_is_refused(mia, rita, meeting) -> None:
    other = scheduled(rita.series.get(ended_on__isnull=True))[0]
    before = snapshot()
    with pytest.raises(Refused, match="overlaps Mia Manager's 1:1 with Rita Senior"):
        services.meeting_cancel(
            actor=mia,
            meeting=meeting,
            reason="Clash",
            new_time=other.scheduled_at + dt.timedelta(minutes=15),
        )
    assert snapshot() == before


def test_moving_onto_the_managers_own_one_on_one_is_refused(dan, mia, ray, meeting) -> None:
    own = scheduled(mia.series.get(ended_on__isnull=True))[0]
    before = snapshot()
    with pytest.raises(Refused, match="overlaps Dan Director's 1:1 with Mia"):
        services.meeting_cancel(
            actor=ray,
            meeting=meeting,
            reason="Clash",
            new_time=own.scheduled_at - dt.timedelta(minutes=10),
        )
    assert snapshot() == before


def test_moving_right_after_another_one_on_one_is_fine(mia, rita, meeting) -> None:
    other = scheduled(rita.series.get(ended_on__isnull=True))[0]
    moved = services.meeting_cancel(
        actor=mia, meeting=meeting, reason="Clash", new_time=other.planned_end
    )
    assert moved is not None


def test_moving_into_the_past_is_refused(mia, meeting) -> None:
    before = snapshot()
    with pytest.raises(Refused, match="must be in the future"):
        services.meeting_cancel(
            actor=mia,
            meeting=meeting,
            reason="Late",
            new_time=timezone.now() - dt.timedelta(hours=1),
        )
    assert snapshot() == before


@pytest.mark.parametrize(
    ("who", "gap", "zone"),
    [
        ("mia", dt.datetime(2099, 3, 29, 2, 30), "Europe/Paris"),
        ("ray", dt.datetime(2099, 3, 8, 2, 30), "America/New_York"),
    ],
)
def test_moving_into_a_daylight_saving_gap_is_refused(cast, meeting, who, gap, zone) -> None:
    before = snapshot()
    with pytest.raises(Refused, match=f"does not exist in {zone}"):
        services.meeting_cancel(
            actor=getattr(cast, who), meeting=meeting, reason="Move", new_time=gap
        )
    assert snapshot() == before


def test_a_length_change_raises_the_sequence_of_kept_meetings(mia, ray, series) -> None:
    kept = next(m for m in scheduled(series) if not m.is_career)
    services.topic_add(actor=ray, meeting=kept, text="Keep me")
    services.series_update_cadence(
        actor=mia,
        series=series,
        choice=cadence_of(series, frequency_weeks=1, duration_minutes=45, career_every_weeks=2),
    )
    kept.refresh_from_db()
    assert (kept.duration_minutes, kept.sequence) == (45, 1)


# Warnings --------------------------------------------------------------------------------


def cancel_next(series: Series, actor, count: int) -> None:
    for meeting in scheduled(series)[:count]:
        services.meeting_cancel(actor=actor, meeting=meeting, reason="Busy", skip=True)


def warnings(viewer, series: Series) -> list[str]:
    return selectors.series_overview(viewer, series).warnings


def test_two_cancellations_by_the_manager_raise_no_warning_and_three_do(mia, series) -> None:
    cancel_next(series, mia, 2)
    assert not any("cancellations" in w for w in warnings(mia, series))
    cancel_next(series, mia, 1)
    assert "3 cancellations by the manager in the last 2 months: 1:1s should be sacred" in (
        warnings(mia, series)
    )


def move_next(series: Series, actor, count: int, *, notice: dt.timedelta) -> None:
    for meeting in scheduled(series)[:count]:
        services.meeting_cancel(
            actor=actor,
            meeting=meeting,
            reason="Clash",
            new_time=meeting.scheduled_at + dt.timedelta(days=1),
            now=meeting.scheduled_at - notice,
        )


def test_moves_with_notice_do_not_count_as_cancellations(mia, series) -> None:
    move_next(series, mia, 3, notice=dt.timedelta(days=3))
    assert not any("by the manager" in w for w in warnings(mia, series))


def test_late_moves_count_beside_cancellations_and_the_warning_says_which(mia, series) -> None:
    cancel_next(series, mia, 2)
    move_next(series, mia, 1, notice=dt.timedelta(hours=5))
    assert (
        "2 cancellations and 1 late move (under 24 hours' notice) by the manager in the last "
        "2 months: 1:1s should be sacred"
    ) in warnings(mia, series)


def test_what_counts_as_a_late_move_is_the_organisations(mia, series, cast) -> None:
    cast.acme.late_move_notice_hours = 72
    cast.acme.save()
    mia.refresh_from_db()
    move_next(series, mia, 3, notice=dt.timedelta(hours=48))
    assert "3 late moves (under 72 hours' notice) by the manager in the last 2 months: " in (
        " ".join(warnings(mia, series))
    )


def test_the_reports_own_cancellations_do_not_count(mia, ray, series) -> None:
    cancel_next(series, ray, 3)
    assert not any("cancellations" in w for w in warnings(mia, series))


def test_the_threshold_is_the_organisations(mia, series, cast) -> None:
    cast.acme.cancellation_warning_count = 2
    cast.acme.save()
    mia.refresh_from_db()
    cancel_next(series, mia, 2)
    assert any("2 cancellations" in w for w in warnings(mia, series))


def test_a_series_with_no_held_one_on_one_within_its_cadence_is_overdue(mia, series) -> None:
    assert not any(w.startswith("Overdue") for w in warnings(mia, series))
    Series.objects.filter(pk=series.pk).update(
        started_on=timezone.localdate() - dt.timedelta(days=20)
    )
    assert any(w.startswith("Overdue: No 1:1 held yet for 20 days") for w in warnings(mia, series))
    held = Meeting.objects.create(
        series=series,
        scheduled_at=timezone.now() - dt.timedelta(days=2),
        duration_minutes=30,
        status="held",
    )
    assert held.pk and not any(w.startswith("Overdue") for w in warnings(mia, series))


def test_warnings_cost_the_same_queries_for_one_report_or_many(ada, mia) -> None:
    selectors.managed_overviews(mia)  # warms mia's organisation, cached on her afterwards
    with CaptureQueriesContext(connection) as few:
        selectors.managed_overviews(mia)
    for n in range(3):
        report_invite(actor=ada, email=f"x{n}@acme.test", name=f"X {n}", manager=mia)
    with CaptureQueriesContext(connection) as many:
        selectors.managed_overviews(mia)
    assert len(many) == len(few)


# Level changes and suggestions ------------------------------------------------------------


def update_level(ada, person, level: str) -> None:
    report_update(
        actor=ada,
        person=person,
        name=person.name,
        level=level,
        manager=person.manager,
        timezone=person.timezone,
        remote=person.remote,
        is_org_admin=person.is_org_admin,
    )


def test_a_level_change_moves_a_series_without_override_to_the_new_cadence(
    ada, ray, series
) -> None:
    update_level(ada, ray, "senior")
    series.refresh_from_db()
    assert (series.frequency_weeks, series.career_every_weeks) == (2, 4)
    first, second = scheduled(series)[:2]
    assert (second.scheduled_at - first.scheduled_at).days == 14


def test_a_level_change_keeps_an_overridden_cadence(ada, mia, ray, series) -> None:
    services.series_update_cadence(
        actor=mia,
        series=series,
        choice=cadence_of(
            series, frequency_weeks=2, duration_minutes=30, career_every_weeks=4, reason="remote"
        ),
    )
    update_level(ada, ray, "staff")
    series.refresh_from_db()
    assert (series.frequency_weeks, series.career_every_weeks) == (2, 4)


def suggestion_keys(series: Series) -> list[str]:
    return [s.key for s in growth_selectors.cadence_suggestions(series)]


def test_a_weekly_series_gets_no_suggestion(series) -> None:
    assert suggestion_keys(series) == []


def test_an_open_plan_suggests_weekly_with_the_performance_reason(mia, rita) -> None:
    series = rita.series.get(ended_on__isnull=True)
    assert suggestion_keys(series) == []
    ImprovementPlan.objects.create(
        series=series,
        created_by=mia,
        expectations="Reviews within a day",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(weeks=6),
    )
    first = growth_selectors.cadence_suggestions(series)[0]
    assert (first.key, first.frequency_weeks, first.reason) == ("plan", 1, "performance_concern")
    assert first.form_initial(series)["reason"] == "performance_concern"


def test_a_junior_or_remote_report_met_every_other_week_gets_weekly_suggested(mia, series) -> None:
    services.series_update_cadence(
        actor=mia,
        series=series,
        choice=cadence_of(
            series,
            frequency_weeks=2,
            duration_minutes=30,
            career_every_weeks=4,
            reason="current_projects",
        ),
    )
    junior, remote = growth_selectors.cadence_suggestions(series)
    # Weekly again, but a career 1:1 every 4 weeks still departs: the reason stays.
    assert (junior.key, junior.reason) == ("junior", "current_projects")
    assert (remote.key, remote.reason) == ("remote", "remote")


def test_a_dropping_mood_suggests_meeting_more_often(mia, rita) -> None:
    series = rita.series.get(ended_on__isnull=True)
    start = timezone.now() - dt.timedelta(weeks=14)
    for week, mood in enumerate((5, 5, 4, 2, 2, 1)):
        Meeting.objects.create(
            series=series,
            scheduled_at=start + dt.timedelta(weeks=2 * week),
            duration_minutes=30,
            status="held",
            mood=mood,
        )
    assert suggestion_keys(series) == ["mood"]


# Through the meeting page's move-or-cancel form -------------------------------------------


def test_the_form_reads_the_new_time_in_the_viewers_timezone(client_for, ray, meeting) -> None:
    day = meeting.scheduled_at.astimezone(NEW_YORK).date() + dt.timedelta(days=1)
    response = client_for(ray).post(
        reverse("meeting_cancel", args=[meeting.pk]),
        {"reason": "Dentist", "new_time": f"{day.isoformat()}T11:00"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.cancelled_by == ray
    assert meeting.moved_to.scheduled_at == dt.datetime.combine(day, dt.time(11), tzinfo=NEW_YORK)


def test_the_form_refuses_a_time_in_a_daylight_saving_gap(client_for, mia, meeting) -> None:
    before = snapshot()
    response = client_for(mia).post(
        reverse("meeting_cancel", args=[meeting.pk]),
        {"reason": "Move", "new_time": "2099-03-29T02:30"},
        follow=True,
    )
    assert response.redirect_chain[-1][1] == 303
    assert "does not exist in Europe/Paris" in response.content.decode()
    assert snapshot() == before


def test_skipping_a_career_one_on_one_makes_the_next_one_career_focused(mia, series) -> None:
    from rapport.meetings import services as meeting_services

    upcoming = list(series.meetings.filter(status="scheduled").order_by("scheduled_at"))
    career = next(m for m in upcoming if m.kind == "career")
    following = next(m for m in upcoming if m.scheduled_at > career.scheduled_at)
    assert following.kind == "regular"
    meeting_services.meeting_cancel(actor=mia, meeting=career, reason="Offsite", skip=True)
    following.refresh_from_db()
    assert following.kind == "career"
    assert 45 <= following.duration_minutes <= 60
    assert following.sequence == 1


def test_moving_a_career_one_on_one_keeps_the_next_one_regular(mia, series) -> None:
    import datetime as dt

    from rapport.meetings import services as meeting_services

    upcoming = list(series.meetings.filter(status="scheduled").order_by("scheduled_at"))
    career = next(m for m in upcoming if m.kind == "career")
    following = next(m for m in upcoming if m.scheduled_at > career.scheduled_at)
    moved = meeting_services.meeting_cancel(
        actor=mia,
        meeting=career,
        reason="Offsite",
        new_time=career.scheduled_at + dt.timedelta(days=1),
    )
    assert moved.kind == "career"
    following.refresh_from_db()
    assert following.kind == "regular"


def test_moving_a_meeting_takes_its_whole_agenda_discussed_topics_included(
    mia, ray, series
) -> None:
    meeting = scheduled(series)[0]
    ticked = services.topic_add(actor=ray, meeting=meeting, text="Already talked over")
    services.topic_set_discussed(actor=mia, topic=ticked, discussed=True)
    open_topic = services.topic_add(actor=ray, meeting=meeting, text="Still to talk about")
    item = services.action_item_add(actor=mia, meeting=meeting, text="Book a room", owner=mia)
    moved = services.meeting_cancel(
        actor=mia,
        meeting=meeting,
        reason="Clash",
        new_time=meeting.scheduled_at + dt.timedelta(days=1),
    )
    assert list(meeting.topics.all()) == []
    texts = {(t.text, t.discussed) for t in moved.topics.all()}
    assert texts == {("Already talked over", True), ("Still to talk about", False)}
    assert {t.pk for t in moved.topics.all()} == {ticked.pk, open_topic.pk}
    item.refresh_from_db()
    assert item.meeting_id == moved.pk


@pytest.mark.parametrize("who", ["mia", "ray"])
@pytest.mark.parametrize("wall", ["9999-12-31T23:59", "9999-12-31T10:00"])
def test_the_form_refuses_a_time_past_the_planning_horizon(
    client_for, cast, meeting, who, wall
) -> None:
    before = snapshot()
    response = client_for(getattr(cast, who)).post(
        reverse("meeting_cancel", args=[meeting.pk]),
        {"reason": "Move", "new_time": wall},
        follow=True,
    )
    assert response.redirect_chain[-1][1] == 303
    assert f"within the next {scheduling.HORIZON_WEEKS} weeks" in response.content.decode()
    assert snapshot() == before


def test_a_move_reaches_as_far_as_the_planning_horizon_and_no_further(mia, meeting) -> None:
    now = timezone.now()
    horizon = now + dt.timedelta(weeks=scheduling.HORIZON_WEEKS)
    with pytest.raises(Refused, match="within the next"):
        services.meeting_cancel(
            actor=mia,
            meeting=meeting,
            reason="Later",
            new_time=horizon + dt.timedelta(minutes=1),
            now=now,
        )
    last = free_time(meeting, horizon - dt.timedelta(hours=12))
    assert last <= horizon
    moved = services.meeting_cancel(
        actor=mia, meeting=meeting, reason="Later", new_time=last, now=now
    )
    assert moved is not None and moved.scheduled_at == last
