"""The insights pages as each person reads them: manager, report, director, org admin."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rapport.framework.retrospectives import QUESTIONS
from rapport.insights import figures, services
from rapport.insights.models import Threshold
from rapport.insights.services import retrospective_answer
from rapport.meetings.services import report_invite
from rapport.people.models import Organisation, Person
from tests.insights.history import feedback, held, item, topic

TOPIC_TEXT = "Topic by Ray Report"


@pytest.fixture
def past(series, mia, ray):
    meetings = [held(series, days, mood=4) for days in (28, 21, 14, 7)]
    for meeting in meetings:
        topic(meeting, ray, before=False)
    feedback(meetings[0], kind="constructive")
    item(series, mia, due_days_ago=3)
    return meetings


def test_the_manager_sees_each_report_with_its_signs_and_why(client_for, mia, past) -> None:
    page = client_for(mia).get(reverse("insights")).content.decode()
    assert "Your team" in page
    assert "Ray Report" in page and "Rita Senior" in page
    assert "ICs show up unprepared" in page
    # The manager reads their report by first name, and themselves as "you".
    assert "Ray added a topic before the start of only 0% of the 1:1s" in page
    assert "The IC added" not in page and "The manager" not in page
    # each fired sign's sentence ends with its one suggested next step, linked
    assert "of the 1:1s, under 75%. <a href=" in page
    assert "Invite them to add their topics first</a>" in page
    assert "not enough data yet (0 meetings)" in page  # rita has no history


def test_the_relationship_page_links_each_sign_to_its_figure_and_a_next_step(
    client_for, mia, series, past
) -> None:
    page = client_for(mia).get(reverse("insights_series", args=[series.pk])).content.decode()
    assert 'id="sign-ics_unprepared"' in page
    assert 'href="#figure-ic_preparation"' in page and 'id="figure-ic_preparation"' in page
    assert "Formula: 1:1s with an IC topic added before the start" in page
    assert "Invite them to add their topics first" in page
    assert 'href="/framework/#question-' in page or "#playbook-" in page or "/series/" in page
    assert "<svg" in page and "<desc" in page


def test_the_report_reads_invitations_not_judgements(client_for, ray, series, past) -> None:
    overview = client_for(ray).get(reverse("insights")).content.decode()
    assert "It is your meeting" in overview
    assert f'href="{reverse("retrospectives", args=[series.pk])}"' in overview
    assert "Your team" not in overview
    page = client_for(ray).get(reverse("insights_series", args=[series.pk])).content.decode()
    assert "What your 1:1s look like" in page
    assert "Warning signs" not in page and "ICs show up unprepared" not in page
    assert "Shows" not in page


def test_the_figures_name_the_two_people_for_whoever_reads_them(
    client_for, mia, ray, series, past
) -> None:
    url = reverse("insights_series", args=[series.pk])
    theirs = client_for(ray).get(url).content.decode()
    assert re.search(r"You (\d+%|—) · Mia (\d+%|—)", theirs)
    assert "cancelled by Mia" in theirs
    mine = client_for(mia).get(url).content.decode()
    assert re.search(r"Ray (\d+%|—) · you (\d+%|—)", mine)
    assert "cancelled by you" in mine
    for page in (theirs, mine):
        assert "cancelled by the manager" not in page


def test_the_director_sees_aggregates_only_and_withholds_small_teams(
    client_for, dan, mia, past
) -> None:
    page = client_for(dan).get(reverse("insights")).content.decode()
    assert "Teams you oversee" in page
    assert "Mia Manager" in page
    assert "Fewer than 3 reports: figures withheld" in page
    assert "Ray Report" not in page
    assert TOPIC_TEXT not in page and "FEEDBACK-TEXT-5e1" not in page


def test_a_team_of_three_shows_its_rates(client_for, ada, dan, mia, series, past) -> None:
    report_invite(actor=ada, email="rob@acme.test", name="Rob Third", manager=mia, level="senior")
    page = client_for(dan).get(reverse("insights")).content.decode()
    row = page.split('<th scope="row">Mia Manager</th>')[1].split("</tr>")[0]
    assert "withheld" not in row
    assert "%" in row  # cadence kept and IC agenda share as rates
    assert "Ray Report" not in page and TOPIC_TEXT not in page


def test_an_ic_and_an_outsider_see_no_aggregates(client_for, ray, zed, past) -> None:
    assert "Teams you oversee" not in client_for(ray).get(reverse("insights")).content.decode()
    page = client_for(zed).get(reverse("insights")).content.decode()
    assert "Mia Manager" not in page and "Ray Report" not in page


def test_the_team_view_is_sortable_by_name(client_for, mia, past) -> None:
    page = client_for(mia).get(reverse("insights") + "?sort=name").content.decode()
    assert page.index("Ray Report") < page.index("Rita Senior")
    assert client_for(mia).get(reverse("insights") + "?sort=<b>").status_code == 200


def test_an_admin_tunes_a_threshold_and_the_signs_follow(client_for, ada, mia, series, past):
    client = client_for(ada)
    assert client.get(reverse("insights_thresholds")).status_code == 200
    page = client_for(mia).get(reverse("insights")).content.decode()
    assert "ICs show up unprepared" in page
    response = client.post(reverse("insights_thresholds"), {"ic_preparation_min": "0"})
    assert response.status_code == 302
    assert Threshold.objects.get(key="ic_preparation_min").value == 0
    page = client_for(mia).get(reverse("insights")).content.decode()
    assert "ICs show up unprepared" not in page


def test_the_organisation_keeps_a_copy_of_its_own_thresholds_with_every_save(ada, mia) -> None:
    services.thresholds_save(actor=ada, values={"mood_min": "2", "window_days": "60"})
    services.thresholds_save(actor=ada, values={"mood_min": "3"})  # the default again
    kept = Organisation.objects.get(pk=ada.organisation_id).own_thresholds
    assert kept == dict(Threshold.objects.values_list("key", "value")) == {"window_days": 60}
    fresh = Person.objects.select_related("organisation").get(pk=mia.pk)
    with CaptureQueriesContext(connection) as queries:
        thresholds = figures.thresholds_for(fresh.organisation)
    assert queries.captured_queries == []  # read with the organisation
    assert (thresholds["window_days"], thresholds["mood_min"]) == (60, 3)


def test_the_cancellation_threshold_is_the_organisations_own(client_for, ada) -> None:
    client_for(ada).post(reverse("insights_thresholds"), {"cancellation_warning_count": "5"})
    ada.organisation.refresh_from_db()
    assert ada.organisation.cancellation_warning_count == 5
    assert not Threshold.objects.filter(key="cancellation_warning_count").exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "is not a whole number"),
        ("101", "outside 0–100"),
        ("-1", "outside 0–100"),
        ("<script>", "is not a whole number"),
        ("4\x00", "pasting out of another program"),  # refused before the view
        ("9" * 5000, "is not a whole number"),
    ],
)
def test_a_bad_threshold_is_refused_with_a_message_and_nothing_saved(
    client_for, ada, value, message
) -> None:
    response = client_for(ada).post(
        reverse("insights_thresholds"), {"status_share_max": "40", "ic_agenda_share_min": value}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "<script>" not in response.content.decode()
    assert not Threshold.objects.exists()


def test_more_meetings_to_judge_than_looked_at_is_refused(client_for, ada) -> None:
    response = client_for(ada).post(
        reverse("insights_thresholds"), {"min_meetings": "8", "window_meetings": "4"}
    )
    assert response.status_code == 400
    assert not Threshold.objects.exists()


def test_only_org_admins_reach_the_thresholds(client_for, mia, dan) -> None:
    for person in (mia, dan):
        assert client_for(person).get(reverse("insights_thresholds")).status_code == 404
        posted = client_for(person).post(reverse("insights_thresholds"), {"mood_min": "2"})
        assert posted.status_code == 404
    assert not Threshold.objects.exists()


def test_the_home_page_links_to_insights(client_for, mia) -> None:
    assert reverse("insights") in client_for(mia).get(reverse("home")).content.decode()


def test_the_team_view_charts_the_retrospective_rating_by_month_on_a_1_to_5_scale(
    client_for, mia, ray, series, past
) -> None:
    answers = {key: "Fine" for key, _ in QUESTIONS}
    retrospective_answer(actor=ray, series=series, answers=answers, rating=2)
    page = client_for(mia).get(reverse("insights_trends")).content.decode()
    assert '<title id="team-retrospectives-title">' in page
    assert f"{timezone.localdate():%b}: 2." in page


def test_the_team_trends_load_as_the_manager_opens_them(client_for, mia, ray, series, past):
    """The page holds a closed box that loads the charts; `?trends=1` draws them in place."""
    url = reverse("insights_trends")
    page = client_for(mia).get(reverse("insights")).content.decode()
    box = page.split('id="team-trends"', 1)[1].split("</details>", 1)[0]
    assert f'hx-get="{url}"' in box and 'hx-trigger="toggle once"' in box
    assert "<svg" not in box and "?trends=1#team-trends" in box
    trends = client_for(mia).get(url).content.decode()
    assert trends.count("<svg") == 6 and "<html" not in trends
    assert "Manager talk share by month" in trends and "<desc" in trends
    drawn = client_for(mia).get(reverse("insights"), {"trends": 1}).content.decode()
    box = drawn.split('id="team-trends"', 1)[1].split("</details>", 1)[0]
    assert box.startswith(" open>") and box.count("<svg") == 6
    assert client_for(ray).get(url).status_code == 404  # no reports, no team trends


def test_plan_a_career_one_on_one_lands_on_the_cadence_form_open(
    client_for, mia, series, past
) -> None:
    # Begun 200 days ago, with no career talk since: the sign fires for a level that has
    # career every few weeks.
    series.started_on = timezone.localdate() - dt.timedelta(days=200)
    series.save(update_fields=["started_on"])
    page = client_for(mia).get(reverse("insights_series", args=[series.pk])).content.decode()
    target = reverse("series", args=[series.pk]) + "?cadence=1#cadence-form"
    assert f'<a href="{target}">Plan a career 1:1</a>' in page
    landed = client_for(mia).get(target.split("#")[0]).content.decode()
    assert '<details class="panel" id="cadence-form" open>' in landed
    assert 'name="career_every_weeks"' in landed
