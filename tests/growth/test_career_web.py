"""The career pages of a 1:1: goals, the feedback log, peer feedback, as people use them."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.career import services as career_services
from rapport.career.models import LadderView
from rapport.growth import selectors, services
from rapport.growth.models import Goal, GoalProgress, PeerSummary
from rapport.meetings import services as meeting_services


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _grow(mia, ray, series, meeting, size: int) -> None:
    for number in range(size):
        goal = services.goal_create(actor=ray, series=series, title=f"Goal {number}", area="craft")
        for step in range(3):
            services.goal_progress_add(actor=mia, goal=goal, text=f"Step {step}", percent=step * 10)
        item = meeting_services.action_item_add(
            actor=mia, meeting=meeting, text=f"Item {number}", owner=ray
        )
        services.goal_action_item_link(actor=ray, goal=goal, item=item)
        services.feedback_give(
            actor=mia, meeting=meeting, kind="positive", situation="S", behaviour="B", impact="I"
        )
        services.development_plan_update(
            actor=mia, series=series, focus_areas=["craft"], next_review_on=None, notes=f"n{number}"
        )


def test_each_career_page_costs_the_same_queries_however_much_data(
    client_for, mia, ray, omar, series, meeting
) -> None:
    urls = [
        reverse("series_goals", args=[series.pk]),
        reverse("series_feedback", args=[series.pk]),
        reverse("series_peer", args=[series.pk]),
        reverse("meeting_goals", args=[meeting.pk]),
        reverse("peer_requests"),
    ]
    _grow(mia, ray, series, meeting, 1)
    services.peer_request_create(actor=mia, series=series, colleague_ids=[omar.pk])
    before = {(who.pk, url): _queries(client_for(who), url) for who in (mia, ray) for url in urls}
    _grow(mia, ray, series, meeting, 6)
    services.peer_summary_write(actor=mia, series=series, text="Summary")
    after = {(who.pk, url): _queries(client_for(who), url) for who in (mia, ray) for url in urls}
    assert after == before


def test_the_ic_adds_a_goal_and_a_progress_update_on_the_goals_page(
    client_for, ray, series
) -> None:
    client = client_for(ray)
    url = reverse("series_goals", args=[series.pk])
    response = client.post(
        url, {"title": "Give a talk", "why": "Visibility", "area": "leadership", "target_on": ""}
    )
    assert response.status_code == 302
    goal = Goal.objects.get(title="Give a talk")
    client.post(reverse("goal_progress", args=[goal.pk]), {"text": "Outline done", "percent": "25"})
    page = client.get(url).content.decode()
    assert "Give a talk" in page and "Outline done" in page and "25 % done" in page


def test_bad_goal_input_answers_a_message_and_writes_nothing(client_for, ray, series) -> None:
    client = client_for(ray)
    url = reverse("series_goals", args=[series.pk])
    for data in ({"title": ""}, {"title": "x" * 5000}, {"title": "ok", "target_on": "tomorrow"}):
        response = client.post(url, data, follow=True)
        assert response.redirect_chain == [(url, 303)]  # reloading it sends nothing again
        assert 'role="alert"' in response.content.decode()
    assert not Goal.objects.exists()
    goal = services.goal_create(actor=ray, series=series, title="Real")
    response = client.post(
        reverse("goal_progress", args=[goal.pk]), {"text": "x", "percent": "lots"}, follow=True
    )
    assert response.redirect_chain == [(url, 303)] and not GoalProgress.objects.exists()
    assert "The share done is a whole number" in response.content.decode()
    assert client.get(url).status_code == 200  # a reload is a GET of the goals page


def test_a_refused_new_goal_is_shown_again_as_typed(client_for, ray, series) -> None:
    typed = {"title": "Lead the <b>migration</b>", "why": "Own it", "area": "craft"}
    client, url = client_for(ray), reverse("series_goals", args=[series.pk])
    response = client.post(url, {**typed, "target_on": "2001-01-01"}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain == [(url, 303)] and "The target date is in the past" in page
    assert 'value="Lead the &lt;b&gt;migration&lt;/b&gt;"' in page
    assert ">Own it</textarea>" in page and 'value="craft"' in page
    assert 'value="2001-01-01"' in page
    # Once read: the page afterwards is the goals page as it is, the form empty again.
    again = client.get(url).content.decode()
    assert "The target date is in the past" not in again and "Own it" not in again


def test_a_goal_s_action_items_name_their_owner_in_the_reader_s_words(
    client_for, mia, ray, series, meeting
) -> None:
    goal = services.goal_create(actor=ray, series=series, title="Own the release")
    item = meeting_services.action_item_add(
        actor=mia, meeting=meeting, text="Draft the release notes", owner=ray
    )
    services.goal_action_item_link(actor=ray, goal=goal, item=item)
    url = reverse("series_goals", args=[series.pk])
    assert "(you)" in client_for(ray).get(url).content.decode()
    for_mia = client_for(mia).get(url).content.decode()
    assert f"({ray.name})" in for_mia and "(you)" not in for_mia


def test_a_refused_progress_update_from_a_meeting_goes_back_to_the_meeting(
    client_for, ray, series, meeting
) -> None:
    client = client_for(ray)
    goal = services.goal_create(actor=ray, series=series, title="Real")
    back = reverse("meeting", args=[meeting.pk]) + "?mode=run#part-progress_review"
    data = {"text": "", "next": back}
    response = client.post(reverse("goal_progress", args=[goal.pk]), data, follow=True)
    assert response.redirect_chain == [(back, 303)]
    assert response.status_code == 200 and not GoalProgress.objects.exists()
    htmx = client.post(reverse("goal_progress", args=[goal.pk]), data, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 400 and htmx.json()["error"]


def test_the_meeting_aside_shows_active_goals_and_flags_a_quiet_one(
    client_for, mia, ray, series, meeting
) -> None:
    long_ago = meeting.scheduled_at - dt.timedelta(weeks=10)
    services.goal_create(actor=ray, series=series, title="Quiet goal", now=long_ago)
    services.goal_create(actor=ray, series=series, title="Fresh goal")
    body = client_for(mia).get(reverse("meeting_goals", args=[meeting.pk])).content.decode()
    assert "Quiet goal" in body and "Fresh goal" in body
    assert body.count("No update for 6 weeks") == 1
    page = client_for(ray).get(reverse("meeting", args=[meeting.pk])).content.decode()
    assert reverse("meeting_goals", args=[meeting.pk]) in page


def test_the_plan_form_in_a_meeting_answers_the_plan_partial(
    client_for, mia, series, meeting
) -> None:
    response = client_for(mia).post(
        reverse("development_plan", args=[series.pk]),
        {"focus_areas": ["craft", "delivery"], "meeting_id": meeting.pk, "next_review_on": ""},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'id="development-plan"' in body
    assert "Craft" in body and "<html" not in body
    # The partial's own address opened as a page leads to the goals page's plan.
    alone = client_for(mia).get(reverse("development_plan", args=[series.pk]))
    assert alone.status_code == 303
    assert alone["Location"] == reverse("series_goals", args=[series.pk]) + "#development-plan"


def test_the_ic_marks_feedback_acted_on_with_a_note_on_the_log(
    client_for, mia, ray, series, meeting
) -> None:
    record = services.feedback_give(
        actor=mia, meeting=meeting, kind="constructive", situation="S", behaviour="B", impact="I"
    )
    client = client_for(ray)
    client.post(
        reverse("feedback_mark", args=[record.pk]),
        {"mark": "acted_on", "value": "1", "note": "Wrote the runbook"},
    )
    body = client_for(mia).get(reverse("series_feedback", args=[series.pk])).content.decode()
    assert "Wrote the runbook" in body and "100 %" in body
    assert "of your 1:1 with Ray Report" in body
    own = client.get(reverse("series_feedback", args=[series.pk])).content.decode()
    assert "of your 1:1 with Mia Manager" in own
    filtered = client.get(reverse("series_feedback", args=[series.pk]), {"state": "waiting"})
    assert "Wrote the runbook" not in filtered.content.decode()
    assert (
        client.get(reverse("series_feedback", args=[series.pk]), {"kind": "bad"}).status_code == 400
    )


def test_an_expired_request_says_so_and_refuses_an_answer(client_for, mia, omar, series) -> None:
    request = services.peer_request_create(
        actor=mia,
        series=series,
        colleague_ids=[omar.pk],
        expires_on=dt.date(2026, 1, 10),
        now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )[0]
    client = client_for(omar)
    url = reverse("peer_request", args=[request.pk])
    assert "can no longer be answered" in client.get(url).content.decode()
    response = client.post(url, {"strengths": "a", "change": "b"})
    assert response.status_code == 400 and "expired on 10 January 2026" in response.content.decode()


def test_a_colleague_answers_from_their_home_and_only_the_manager_reads_it(
    client_for, cast, series
) -> None:
    request = services.peer_request_create(
        actor=cast.mia, series=series, colleague_ids=[cast.omar.pk]
    )[0]
    omar = client_for(cast.omar)
    assert reverse("peer_requests") in omar.get(reverse("home")).content.decode()
    pending = omar.get(reverse("peer_requests"), HTTP_HX_REQUEST="true").content.decode()
    assert reverse("peer_request", args=[request.pk]) in pending
    secret = "SECRET-STRENGTH-31"
    omar.post(reverse("peer_request", args=[request.pk]), {"strengths": secret, "change": "c"})
    assert secret not in omar.get(reverse("peer_request", args=[request.pk])).content.decode()
    mia = client_for(cast.mia)
    assert secret in mia.get(reverse("series_peer", args=[series.pk])).content.decode()
    for persona in ("ray", "omar", "dan", "ada", "olga", "rita", "zed"):
        client = client_for(getattr(cast, persona))
        for url in (
            reverse("series_peer", args=[series.pk]),
            reverse("peer_request", args=[request.pk]),
            reverse("peer_requests"),
            reverse("series_goals", args=[series.pk]),
            reverse("home"),
        ):
            assert secret not in client.get(url).content.decode(), (persona, url)


def test_the_forward_planning_slot_loads_the_plan_and_its_change_ticks_the_post_line(
    client_for, mia, series, meeting
) -> None:
    client = client_for(mia)
    url = reverse("development_plan", args=[series.pk])
    partial = client.get(url, {"meeting_id": meeting.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert f'name="meeting_id" value="{meeting.pk}"' in partial
    prepare = reverse("meeting_prepare", args=[meeting.pk])
    hint = "the development plan changed during this meeting"
    assert hint not in client.get(prepare, {"phase": "post"}).content.decode()
    client.post(url, {"focus_areas": "craft", "meeting_id": meeting.pk}, HTTP_HX_REQUEST="true")
    assert hint in client.get(prepare, {"phase": "post"}).content.decode()


def test_the_career_page_gathers_goals_the_plan_and_the_feedback_log(
    client_for, mia, ray, series, meeting
) -> None:
    _grow(mia, ray, series, meeting, 2)
    url = reverse("career", args=[series.pk])
    for who in (mia, ray):
        page = client_for(who).get(url).content.decode()
        assert 'id="career-goals"' in page and "Goal 1" in page and "Step 2" in page
        assert 'id="career-plan"' in page and "Development plan" in page
        assert (
            'id="career-feedback_log"' in page
            and reverse("series_feedback", args=[series.pk]) in page
        )
    client_for(mia).get(url)  # the manager's first read writes its audit line; repeats fold
    few = _queries(client_for(mia), url)
    _grow(mia, ray, series, meeting, 5)
    assert _queries(client_for(mia), url) == few


def test_the_career_page_summarises_goals_and_leaves_their_forms_to_the_goals_page(
    client_for, mia, ray, series, meeting
) -> None:
    _grow(mia, ray, series, meeting, 2)
    goal = Goal.objects.get(title="Goal 1")
    page = client_for(ray).get(reverse("career", args=[series.pk])).content.decode()
    # The latest progress shows, the earlier ones stay on the goals page.
    assert "Step 2" in page and "Step 0" not in page
    assert f"{reverse('series_goals', args=[series.pk])}#goal-{goal.pk}" in page
    for form in ("goal_progress", "goal_edit", "goal_action_items", "development_plan"):
        assert reverse(form, args=[goal.pk if form.startswith("goal") else series.pk]) not in page
    assert f"{reverse('series_goals', args=[series.pk])}#goal-new-title" in page
    assert f"{reverse('series_goals', args=[series.pk])}#development-plan" in page


def test_a_career_form_sent_twice_records_once(client_for, mia, ray, series) -> None:
    goal = services.goal_create(actor=ray, series=series, title="Write a design doc")
    posts = [
        (ray, reverse("series_goals", args=[series.pk]), {"title": "Give a talk"}),
        (ray, reverse("goal_progress", args=[goal.pk]), {"text": "Outline done", "percent": "25"}),
        (mia, reverse("peer_summary", args=[series.pk]), {"text": "Colleagues like it."}),
        (
            mia,
            reverse("ladder_view", args=[series.pk]),
            {"area_key": "craft", "level": "senior", "position": "meets", "sentence": "Solid."},
        ),
    ]
    for who, url, form in posts:
        for _ in range(2):
            assert client_for(who).post(url, form).status_code == 302, url
    assert Goal.objects.filter(title="Give a talk").count() == 1
    assert GoalProgress.objects.filter(goal=goal).count() == 1
    assert PeerSummary.objects.filter(series=series).count() == 1
    assert LadderView.objects.filter(series=series, area_key="craft").count() == 1


def test_the_same_progress_or_view_later_is_a_new_dated_record(mia, ray, series) -> None:
    goal = services.goal_create(actor=ray, series=series, title="Write a design doc")
    earlier = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
    later = earlier + dt.timedelta(days=14)
    for now in (earlier, later):
        services.goal_progress_add(actor=ray, goal=goal, text="Same", percent=10, now=now)
        career_services.ladder_view_record(
            actor=mia,
            series=series,
            area_key="craft",
            level="senior",
            position="meets",
            sentence="Still solid.",
            now=now,
        )
    assert GoalProgress.objects.filter(goal=goal).count() == 2
    assert LadderView.objects.filter(series=series, area_key="craft").count() == 2


def test_the_ic_reads_the_peer_summary_in_one_column_not_beside_an_empty_one(
    client_for, mia, ray, series
) -> None:
    services.peer_summary_write(actor=mia, series=series, text="Colleagues like the tests.")
    url = reverse("series_peer", args=[series.pk])
    ic_page = client_for(ray).get(url).content.decode()
    assert "Colleagues like the tests." in ic_page and 'class="layout"' not in ic_page
    assert 'class="layout"' in client_for(mia).get(url).content.decode()


def test_the_feedback_log_does_not_link_to_itself(client_for, ray, series) -> None:
    url = reverse("series_feedback", args=[series.pk])
    assert f'href="{url}"' not in client_for(ray).get(url).content.decode()
    assert (
        f'href="{url}"' in client_for(ray).get(reverse("career", args=[series.pk])).content.decode()
    )


def test_the_peer_page_shows_closed_requests_a_page_at_a_time(
    client_for, mia, omar, series
) -> None:
    start = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
    count = selectors.PEER_HISTORY_COUNT * 2 + 5
    for i in range(count):
        when = start + dt.timedelta(hours=i)
        request = services.peer_request_create(
            actor=mia, series=series, colleague_ids=[omar.pk], now=when
        )[0]
        if i % 3:
            services.peer_request_decline(actor=omar, request=request, now=when)
        else:
            services.peer_request_answer(
                actor=omar, request=request, strengths=f"ANSWER-{i}-", change="c", now=when
            )
    services.peer_request_create(actor=mia, series=series, colleague_ids=[omar.pk])
    client = client_for(mia)
    url = reverse("series_peer", args=[series.pk])
    first = client.get(url).content.decode()
    closed = first[first.index('class="list peer-requests peer-closed"') :]
    closed = closed[: closed.index("</ul>")]
    assert closed.count("<li>") == selectors.PEER_HISTORY_COUNT
    assert "Waiting, until" in first and f"ANSWER-{count - 3}-" in first
    assert "ANSWER-0-" not in first and "Page 1 of 3" in first and "?page=2" in first
    assert "15 answered · 30 declined · 0 expired" in first
    last = client.get(url, {"page": 3}).content.decode()
    assert "ANSWER-0-" in last and "Page 3 of 3" in last and "?page=2" in last


def test_the_peer_form_offers_a_bounded_list_and_finds_the_others_by_name(
    client_for, mia, omar, series, monkeypatch
) -> None:
    monkeypatch.setattr(selectors, "PEER_COLLEAGUES_SHOWN", 1)
    client = client_for(mia)
    url = reverse("series_peer", args=[series.pk])
    page = client.get(url).content.decode()
    assert page.count('<option value="') == 1 and 'name="find"' in page
    assert "find the others by name" in page
    found = client.get(url, {"find": omar.name[:4].lower()}).content.decode()
    assert f'<option value="{omar.pk}">' in found
    nobody = client.get(url, {"find": "NO SUCH NAME"}).content.decode()
    assert '<option value="' not in nobody and "0 colleagues named" in nobody


def test_the_peer_page_shows_earlier_summaries_a_page_at_a_time(
    client_for, mia, ray, series
) -> None:
    count = selectors.PEER_HISTORY_COUNT * 2 + 3
    written = [
        dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC) + dt.timedelta(hours=h) for h in range(count)
    ]
    for i, when in enumerate(written):  # oldest first: SUMMARY-0- is the oldest
        services.peer_summary_write(actor=mia, series=series, text=f"SUMMARY-{i}-", now=when)
    url = reverse("series_peer", args=[series.pk])
    for who in (mia, ray):
        first = client_for(who).get(url).content.decode()
        earlier = first[first.index("Earlier summaries") :]
        assert f"Earlier summaries ({count - 1})" in first
        assert earlier.count("SUMMARY-") == selectors.PEER_HISTORY_COUNT
        assert f"SUMMARY-{count - 2}-" in earlier and "SUMMARY-0-" not in first
        assert "Page 1 of 3" in earlier and "?summaries=2" in earlier
    last = client_for(ray).get(url, {"summaries": 3}).content.decode()
    earlier = last[last.index("Earlier summaries") :]
    assert "SUMMARY-0-" in earlier and "SUMMARY-1-" in earlier and earlier.count("SUMMARY-") == 2
    assert f"SUMMARY-{count - 1}-" in last  # the latest still leads the page
    assert "Page 3 of 3" in earlier and "?summaries=2" in earlier


def test_the_peer_search_keeps_the_colleagues_already_picked(client_for, mia, omar, series) -> None:
    url, client = reverse("series_peer", args=[series.pk]), client_for(mia)
    found = client.get(url, {"find": "NO SUCH NAME", "colleague": [omar.pk, "x"]}).content.decode()
    assert f'<option value="{omar.pk}" selected>{omar.name}</option>' in found
    assert "0 colleagues named" in found
    refused = client.post(url, {"colleague": [omar.pk], "expires_on": "not a date"})
    assert refused.status_code == 400
    assert f'<option value="{omar.pk}" selected>' in refused.content.decode()


def test_the_peer_search_keeps_no_one_the_manager_may_not_ask(
    client_for, mia, ray, zed, series
) -> None:
    url = reverse("series_peer", args=[series.pk])
    wanted = {"colleague": [zed.pk, ray.pk, mia.pk, "9" * 23]}  # the last one names nobody
    page = client_for(mia).get(url, wanted).content.decode()
    picker = page[page.index('id="peer-colleagues"') :]
    picker = picker[: picker.index("</select>")]
    assert f'value="{zed.pk}"' not in picker and f'value="{ray.pk}"' not in picker
    assert f'value="{mia.pk}"' not in picker and "selected" not in picker
