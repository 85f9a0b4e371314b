"""The report page: the timeline of one 1:1 and its cadence against the framework's."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rapport.meetings import services
from rapport.meetings.models import Meeting
from tests.conftest import cadence_of

CADENCE = {
    "frequency_weeks": 1,
    "duration_minutes": 30,
    "career_every_weeks": 2,
    "weekday": 3,
    "start_time": "14:30",
    "reason": "",
    "note": "",
}


def series_page(client, series) -> str:
    response = client.get(reverse("series", args=[series.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_both_people_see_the_timeline(client_for, series, mia, ray, meeting) -> None:
    services.meeting_complete(actor=mia, meeting=meeting, held_minutes=35, mood=4)
    following = Meeting.objects.after(meeting).first()
    services.meeting_cancel(actor=mia, meeting=following, reason="Conference trip", skip=True)
    for viewer, other in ((mia, ray), (ray, mia)):
        html = series_page(client_for(viewer), series)
        assert f"1:1 with {other.name}" in html
        assert "Coming up" in html and "History" in html
        assert "mood 4/5" in html
        assert "Conference trip" in html and "Cancelled" in html
        assert reverse("meeting", args=[meeting.pk]) in html


def test_the_page_names_its_two_people_in_each_readers_words(client_for, series, mia, ray):
    heading = "<p>\n      {}\n"
    assert heading.format("You and Ray Report") in series_page(client_for(mia), series)
    assert heading.format("You and Mia Manager") in series_page(client_for(ray), series)


def test_the_timeline_names_who_cancelled_and_the_notice(client_for, series, ray, mia) -> None:
    meeting = series.meetings.filter(status="scheduled").order_by("scheduled_at").first()
    services.meeting_cancel(
        actor=ray,
        meeting=meeting,
        reason="Sick",
        skip=True,
        now=meeting.scheduled_at - dt.timedelta(hours=5),
    )
    html = series_page(client_for(mia), series)
    assert "by Ray Report" in html and "5 hours’ notice" in html


def test_the_page_compares_the_cadence_with_the_levels(client_for, series, mia) -> None:
    html = series_page(client_for(mia), series)
    assert "Every week" in html and "Weekly" in html  # the 1:1 and the junior row
    assert "30-45 min" in html and "Every other week" in html
    assert "Change the cadence" in html


def test_open_action_items_are_listed(client_for, series, mia, ray, meeting) -> None:
    services.action_item_add(actor=mia, meeting=meeting, text="Pair on the migration", owner=ray)
    done = services.action_item_add(actor=mia, meeting=meeting, text="Old chore", owner=ray)
    services.action_item_set_status(actor=ray, item=done, status="done")
    html = series_page(client_for(ray), series)
    assert "Pair on the migration" in html
    assert "Old chore" not in html


def test_the_cadence_form_is_loaded_as_the_manager_opens_it(client_for, series, mia) -> None:
    """The page holds a closed box that loads the form; `?cadence=1` opens it in place."""
    url = reverse("series_cadence", args=[series.pk])
    html = series_page(client_for(mia), series)
    box = html.split('id="cadence-form"', 1)[1].split("</details>", 1)[0]
    assert f'hx-get="{url}"' in box and 'hx-trigger="toggle once"' in box
    assert 'name="frequency_weeks"' not in html
    assert "?cadence=1#cadence-form" in box
    form = client_for(mia).get(url, HTTP_HX_REQUEST="true")
    assert form.status_code == 200 and "<html" not in form.content.decode()
    # The form's own address opened as a page (no question waiting there) leads to the page
    # it is on, opened.
    alone = client_for(mia).get(url)
    assert alone.status_code == 302
    assert alone["Location"] == reverse("series", args=[series.pk]) + "?cadence=1#cadence-form"
    assert '<option value="1" selected>Every week</option>' in form.content.decode()
    opened = client_for(mia).get(reverse("series", args=[series.pk]), {"cadence": 1})
    box = opened.content.decode().split('id="cadence-form"', 1)[1].split("</details>", 1)[0]
    assert box.startswith(" open>") and 'name="frequency_weeks"' in box


def test_only_the_manager_of_an_open_1_1_loads_its_cadence_form(
    client_for, series, mia, ray, omar
) -> None:
    url = reverse("series_cadence", args=[series.pk])
    assert client_for(ray).get(url).status_code == 404
    assert client_for(omar).get(url).status_code == 404
    services.series_end(series=series)
    assert client_for(mia).get(url).status_code == 404


def test_the_report_does_not_get_the_cadence_form(client_for, series, ray) -> None:
    html = series_page(client_for(ray), series)
    assert "Change the cadence" not in html
    response = client_for(ray).post(reverse("series_cadence", args=[series.pk]), CADENCE)
    assert response.status_code == 403
    series.refresh_from_db()
    assert series.weekday == 1


def test_anonymous_visitors_are_sent_to_sign_in(client_for, series) -> None:
    for method, name in (("get", "series"), ("post", "series_cadence")):
        response = getattr(client_for(None), method)(reverse(name, args=[series.pk]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("outsider", ["olga", "omar", "rita", "dan", "ada", "zed"])
def test_someone_outside_the_1_1_gets_a_404(cast, client_for, series, outsider: str) -> None:
    client = client_for(getattr(cast, outsider))
    assert client.get(reverse("series", args=[series.pk])).status_code == 404
    assert client.post(reverse("series_cadence", args=[series.pk]), CADENCE).status_code == 404
    series.refresh_from_db()
    assert series.weekday == 1


def test_wrong_methods_are_refused(client_for, series, mia) -> None:
    client = client_for(mia)
    assert client.post(reverse("series", args=[series.pk])).status_code == 405
    assert client.put(reverse("series_cadence", args=[series.pk])).status_code == 405


def test_an_unknown_series_is_a_404(client_for, mia) -> None:
    assert client_for(mia).get(reverse("series", args=[987654])).status_code == 404


def test_the_manager_changes_the_weekday_and_time(client_for, series, mia) -> None:
    response = client_for(mia).post(reverse("series_cadence", args=[series.pk]), CADENCE)
    assert response.status_code == 302
    series.refresh_from_db()
    assert (series.weekday, series.start_time) == (3, dt.time(14, 30))
    upcoming = series.meetings.filter(status="scheduled", scheduled_at__gt=timezone.now())
    assert {m.scheduled_at.astimezone(ZoneInfo(series.timezone)).weekday() for m in upcoming} == {3}


def test_departing_from_the_framework_needs_a_reason(client_for, series, mia) -> None:
    url = reverse("series_cadence", args=[series.pk])
    change = {**CADENCE, "frequency_weeks": 2, "career_every_weeks": 4}
    response = client_for(mia).post(url, change, follow=True)
    assert response.redirect_chain[0][1] == 303
    assert response.request["PATH_INFO"] == reverse("series", args=[series.pk])
    assert "choose a reason" in response.content.decode()
    series.refresh_from_db()
    assert series.frequency_weeks == 1
    response = client_for(mia).post(url, {**change, "reason": "individual_needs", "note": "Asked"})
    assert response.status_code == 302
    series.refresh_from_db()
    assert (series.frequency_weeks, series.cadence_reason, series.cadence_note) == (
        2,
        "individual_needs",
        "Asked",
    )
    assert "Adjusted cadence" in series_page(client_for(mia), series)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("duration_minutes", "5", "greater than or equal to 15"),
        ("frequency_weeks", "12", "Select a valid choice"),
        ("start_time", "25:99", "Enter a valid time"),
        ("reason", "because", "Select a valid choice"),
        ("note", "x" * 501, "at most 500 characters"),
    ],
)
def test_bad_cadence_input_shows_the_form_with_errors_on_the_page_s_own_url(
    client_for, series, mia, field: str, value: str, message: str
) -> None:
    response = client_for(mia).post(
        reverse("series_cadence", args=[series.pk]), {**CADENCE, field: value}, follow=True
    )
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == reverse("series", args=[series.pk])
    assert message in response.content.decode()
    series.refresh_from_db()
    assert series.weekday == 1


def test_the_cadence_form_previews_the_next_6_meetings_before_saving(
    client_for, series, mia
) -> None:
    query = {**CADENCE, "frequency_weeks": 2, "career_every_weeks": 4, "reason": "remote"}
    response = client_for(mia).get(reverse("series", args=[series.pk]), {**query, "preview": 1})
    html = response.content.decode()
    assert response.status_code == 200
    assert "The next 6 meetings with this cadence" in html
    listed = html.split("cadence-preview", 1)[1].split("</ol>", 1)[0]
    assert listed.count("<li>") == 6
    # Career every 4 weeks on a 2-weekly 1:1: at most every other meeting, never all.
    assert listed.count("Career-focused") in (2, 3)
    assert "Save this cadence" in html
    series.refresh_from_db()
    assert (series.frequency_weeks, series.weekday) == (1, 1)


def test_a_junior_met_every_2_weeks_with_career_every_2_weeks_is_refused_in_the_preview(
    client_for, series, mia
) -> None:
    query = {**CADENCE, "frequency_weeks": 2, "reason": "individual_needs", "preview": 1}
    html = client_for(mia).get(reverse("series", args=[series.pk]), query).content.decode()
    assert "every meeting a career 1:1" in html
    assert "Save this cadence" not in html


def test_the_report_never_gets_a_cadence_preview(client_for, series, ray) -> None:
    query = {**CADENCE, "preview": 1}
    html = client_for(ray).get(reverse("series", args=[series.pk]), query).content.decode()
    assert "Save this cadence" not in html and "Change the cadence" not in html


def test_an_ended_series_is_history_only(client_for, series, mia, ray) -> None:
    services.series_end(series=series)
    html = series_page(client_for(ray), series)
    assert "Its history is kept, read-only" in html
    assert "Change the cadence" not in series_page(client_for(mia), series)
    response = client_for(mia).post(reverse("series_cadence", args=[series.pk]), CADENCE)
    assert response.status_code == 403


def test_private_notes_never_appear_on_the_series_page(client_for, series, mia, ray, meeting):
    services.private_note_save(actor=mia, meeting=meeting, body="Mia-only worry", version=0)
    services.private_note_save(actor=ray, meeting=meeting, body="Ray-only worry", version=0)
    for viewer in (mia, ray):
        html = series_page(client_for(viewer), series)
        assert "Mia-only worry" not in html and "Ray-only worry" not in html


def test_the_page_costs_the_same_queries_however_long_the_history(
    client_for, series, mia, ray
) -> None:
    client = client_for(mia)
    url = reverse("series", args=[series.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def hold(n: int) -> None:
        for meeting in list(series.meetings.filter(status="scheduled").order_by("scheduled_at"))[
            :n
        ]:
            services.topic_add(actor=ray, meeting=meeting, text="Topic")
            services.action_item_add(actor=mia, meeting=meeting, text="Item", owner=ray)
            services.meeting_complete(actor=mia, meeting=meeting, held_minutes=30)

    hold(2)
    count()  # the first view writes mia's audit row; repeats within ten minutes fold into it
    few = count()
    for week in range(1, 20):
        services.series_schedule(series=series, now=timezone.now() + dt.timedelta(weeks=week))
    hold(18)
    assert series.meetings.filter(status="held").count() == 20
    assert count() == few


# Sacred time: days away, warnings, suggestions, time zones ----------------------------


def test_a_meeting_on_a_day_away_is_flagged_on_the_series_page(
    client_for, series, mia, ray, meeting
):
    day = meeting.scheduled_at.astimezone(ZoneInfo(ray.timezone)).date()
    assert "away that day" not in series_page(client_for(mia), series)
    from rapport.people import services as people_services

    people_services.absence_add(actor=ray, starts_on=day, ends_on=day)
    assert series_page(client_for(mia), series).count("Ray is away that day: move it") == 1
    assert "You are away that day: move it" in series_page(client_for(ray), series)


def test_the_manager_sees_the_cancellation_warning_on_the_series_page(
    client_for, series, mia, ray
) -> None:
    for meeting in series.meetings.filter(status="scheduled").order_by("scheduled_at")[:3]:
        services.meeting_cancel(actor=mia, meeting=meeting, reason="Busy", skip=True)
    assert "3 cancellations by the manager" in series_page(client_for(mia), series)
    assert "Warning signs" not in series_page(client_for(ray), series)


def test_the_overdue_warning_shows_on_the_series_page(client_for, series, mia) -> None:
    type(series).objects.filter(pk=series.pk).update(
        started_on=timezone.localdate() - dt.timedelta(days=30)
    )
    assert "Overdue: No 1:1 held yet for 30 days" in series_page(client_for(mia), series)


def test_a_suggestion_applies_to_the_cadence_form_in_one_click(client_for, series, mia) -> None:
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
    page = series_page(client_for(mia), series)
    assert "Rapport suggests" in page and "works remotely" in page
    url = reverse("series", args=[series.pk]) + "?suggest=remote"
    assert f'href="{url}#cadence-form"' in page
    applied = client_for(mia).get(url).content.decode()
    assert "Suggestion filled in" in applied
    assert '<option value="remote" selected>' in applied
    assert '<option value="1" selected>' in applied


def test_mia_and_ray_see_the_same_meeting_at_their_own_local_times(
    client_for, series, mia, ray, meeting
) -> None:
    paris = meeting.scheduled_at.astimezone(ZoneInfo("Europe/Paris")).strftime("%A %d %B, %H:%M")
    new_york = meeting.scheduled_at.astimezone(ZoneInfo("America/New_York")).strftime(
        "%A %d %B, %H:%M"
    )
    assert paris != new_york
    mia_page, ray_page = series_page(client_for(mia), series), series_page(client_for(ray), series)
    assert paris in mia_page and new_york not in mia_page
    assert new_york in ray_page and paris not in ray_page


def test_the_cadence_form_takes_the_time_in_the_managers_current_timezone(
    client_for, series, mia
) -> None:
    type(mia).objects.filter(pk=mia.pk).update(timezone="America/New_York")
    page = (
        client_for(mia)
        .get(reverse("series_cadence", args=[series.pk]), HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert 'value="09:00"' in page  # 15:00 in Paris is 09:00 in New York
    assert "In your timezone (America/New York)" in page
    response = client_for(mia).post(
        reverse("series_cadence", args=[series.pk]),
        {**CADENCE, "weekday": series.weekday, "start_time": "09:00"},
    )
    assert response.status_code == 302
    series.refresh_from_db()
    assert (series.timezone, series.start_time) == ("America/New_York", dt.time(9))
    first = series.meetings.filter(status="scheduled").order_by("scheduled_at").first()
    assert first.scheduled_at.astimezone(ZoneInfo("Europe/Paris")).hour in (14, 15)


@pytest.mark.parametrize(
    "changes",
    [
        {"frequency_weeks": "abc"},
        {"weekday": "99"},
        {"duration_minutes": "9" * 40},
        {"career_every_weeks": "-3"},
        {"start_time": "<script>"},
        {"note": "<b>x</b>" * 100},
        {"reason": "\u202e"},
        {},
    ],
)
def test_a_hostile_cadence_preview_is_a_form_error_never_a_server_error(
    client_for, series, mia, changes
) -> None:
    query = {**CADENCE, **changes, "preview": "1"}
    if not changes:
        query = {"preview": "1"}
    response = client_for(mia).get(reverse("series", args=[series.pk]), query)
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert "Save this cadence" not in html and "<b>x</b>" not in html
    series.refresh_from_db()
    assert series.weekday == 1


def test_the_history_shows_thirty_meetings_a_page_newest_first(client_for, series, mia) -> None:
    for week in range(1, 40):
        services.series_schedule(series=series, now=timezone.now() + dt.timedelta(weeks=week))
    held = list(series.meetings.filter(status="scheduled").order_by("scheduled_at"))[:32]
    for meeting in held:
        services.meeting_complete(actor=mia, meeting=meeting, held_minutes=30)
    client = client_for(mia)
    url = reverse("series", args=[series.pk])
    first = client.get(url).content.decode()
    assert "Page 1 of 2" in first and "32 meetings" in first
    newest, oldest = held[-1], held[0]
    assert reverse("meeting", args=[newest.pk]) in first
    assert reverse("meeting", args=[oldest.pk]) not in first
    second = client.get(url, {"page": 2}).content.decode()
    assert "Page 2 of 2" in second
    assert reverse("meeting", args=[oldest.pk]) in second
    assert client.get(url, {"page": "x"}).status_code == 200
