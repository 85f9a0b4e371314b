"""The meeting page's three modes, the shared timer, off the record, wrap-up and the recap."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.meetings import selectors, services, wording
from rapport.meetings.models import Meeting, SharedNotes

HTMX = {"HX-Request": "true"}
MIA_SECRET = "MIA-PRIVATE-42: performance concerns"


@pytest.fixture
def secret(mia, meeting) -> None:
    services.private_note_save(actor=mia, meeting=meeting, body=MIA_SECRET, version=0)


def page(client, meeting, mode: str | None = None) -> str:
    query = f"?mode={mode}" if mode else ""
    response = client.get(reverse("meeting", args=[meeting.pk]) + query)
    assert response.status_code == 200
    return response.content.decode()


def current_mode(html: str) -> str:
    return re.search(r'\?mode=(\w+)" aria-current="page"', html).group(1)


def new_routes(meeting: Meeting) -> list[tuple[str, str]]:
    return [
        ("get", "meeting_timer"),
        ("get", "meeting_recap"),
        ("post", "meeting_section"),
        ("post", "meeting_video"),
        ("post", "meeting_summary"),
    ]


# Who may come in ---------------------------------------------------------------------


def test_new_routes_send_anonymous_visitors_to_sign_in(client_for, meeting) -> None:
    client = client_for(None)
    for method, name in new_routes(meeting):
        response = getattr(client, method)(reverse(name, args=[meeting.pk]))
        assert response.status_code == 302, name


@pytest.mark.parametrize("outsider", ["olga", "omar", "dan", "ada", "zed"])
def test_new_routes_are_a_404_for_someone_outside_the_1_1(
    cast, client_for, meeting, outsider: str
) -> None:
    client = client_for(getattr(cast, outsider))
    for method, name in new_routes(meeting):
        data = {"section": "opening", "video_link": "https://x.test", "summary": "x"}
        response = getattr(client, method)(reverse(name, args=[meeting.pk]), data)
        assert response.status_code == 404, name
    meeting.refresh_from_db()
    assert meeting.summary == "" and meeting.video_link == ""


def test_new_routes_refuse_the_wrong_method(client_for, mia, meeting) -> None:
    client = client_for(mia)
    for method, name in new_routes(meeting):
        wrong = "post" if method == "get" else "get"
        assert getattr(client, wrong)(reverse(name, args=[meeting.pk])).status_code == 405, name


# Modes -------------------------------------------------------------------------------


def test_the_mode_defaults_to_the_meetings_state(client_for, mia, meeting) -> None:
    client = client_for(mia)
    assert current_mode(page(client, meeting)) == "prepare"
    services.meeting_start(actor=mia, meeting=meeting)
    assert current_mode(page(client, meeting)) == "run"
    services.meeting_complete(actor=mia, meeting=meeting, held_minutes=30)
    assert current_mode(page(client, meeting)) == "wrap"


def test_a_mode_can_be_chosen_and_an_unknown_one_is_ignored(client_for, ray, meeting) -> None:
    client = client_for(ray)
    assert current_mode(page(client, meeting, "wrap")) == "wrap"
    assert current_mode(page(client, meeting, "nonsense")) == "prepare"


def test_prepare_loads_the_preparation_panel_and_the_video_link(client_for, ray, meeting) -> None:
    html = page(client_for(ray), meeting, "prepare")
    assert f'hx-get="{reverse("meeting_prepare", args=[meeting.pk])}"' in html
    assert 'name="video_link"' in html
    assert 'id="new-topic-text"' in html


def test_the_remote_panel_shows_only_for_a_remote_report(client_for, mia, ray, meeting) -> None:
    remote_url = reverse("meeting_remote", args=[meeting.pk])
    assert remote_url in page(client_for(mia), meeting, "prepare")
    ray.remote = False
    ray.save(update_fields=["remote"])
    assert remote_url not in page(client_for(mia), meeting, "prepare")


def test_run_mode_loads_questions_and_playbooks_for_the_manager_only(
    client_for, mia, ray, meeting
) -> None:
    questions = reverse("meeting_questions", args=[meeting.pk])
    playbooks = reverse("meeting_playbooks", args=[meeting.pk])
    feedback = reverse("meeting_feedback", args=[meeting.pk])
    manager = page(client_for(mia), meeting, "run")
    report = page(client_for(ray), meeting, "run")
    assert questions in manager and playbooks in manager and feedback in manager
    assert questions not in report and playbooks not in report and feedback in report


def test_run_mode_shows_the_plan_and_the_career_check(client_for, mia, meeting) -> None:
    html = page(client_for(mia), meeting, "run")
    for box in wording.voice_for(mia, meeting.series).plan(selectors.plan_for(meeting)):
        assert box.title in html
    assert "The 5-minute career check" in html


def test_a_career_meeting_shows_its_four_parts(client_for, mia, meeting) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(kind="career", duration_minutes=60)
    meeting.refresh_from_db()
    html = page(client_for(mia), meeting, "run")
    assert "Career-focused 1:1" in html
    for box in selectors.plan_for(meeting):
        assert box.title in html
    assert len(selectors.plan_for(meeting)) == 4
    assert "The 5-minute career check" not in html


def test_the_off_record_pad_can_never_be_sent(client_for, mia, meeting) -> None:
    services.meeting_start(actor=mia, meeting=meeting)
    html = page(client_for(mia), meeting, "run")
    pad = re.search(r'<div id="off-record"[^>]*>(.*?)</div>', html, re.S)
    assert pad is not None
    assert "hx-disable" in re.search(r'<div id="off-record"[^>]*>', html).group(0)
    assert "Off the record: nothing you type here is kept" in pad.group(1)
    scratch = re.search(r"<textarea id=\"off-record-scratch\"[^>]*>", pad.group(1)).group(0)
    assert "name=" not in scratch and "form=" not in scratch
    # The pad sits in no form: every form closes before it opens.
    before = html[: html.index('id="off-record"')]
    assert before.count("<form") == before.count("</form>")


def test_the_documenting_lists_are_beside_the_notes(client_for, mia, meeting) -> None:
    html = page(client_for(mia), meeting, "run")
    assert "Documenting with care" in html
    assert "Information they explicitly ask to keep off-record" in html


# The shared timer --------------------------------------------------------------------


def test_moving_the_timer_is_shared_and_polled(client_for, mia, ray, meeting) -> None:
    services.meeting_start(actor=mia, meeting=meeting)
    section_url = reverse("meeting_section", args=[meeting.pk])
    timer_url = reverse("meeting_timer", args=[meeting.pk])
    first = client_for(mia).get(timer_url, headers=HTMX).content.decode()
    since = first.split('name="since" value="')[1].split('"')[0]
    assert client_for(mia).get(timer_url, {"since": since}, headers=HTMX).status_code == 204
    moved = client_for(ray).post(section_url, {"section": "their_topics"}, headers=HTMX)
    assert moved.status_code == 200
    assert 'aria-current="step"' in moved.content.decode()
    meeting.refresh_from_db()
    assert meeting.section == "their_topics"
    seen = client_for(mia).get(timer_url, {"since": since}, headers=HTMX)
    assert seen.status_code == 200
    body = seen.content.decode()
    assert "Ray’s topics" in body
    assert f'data-started="{int(meeting.section_started_at.timestamp() * 1000)}"' in body


def test_the_page_and_the_poll_agree_so_an_idle_poll_sends_nothing(
    client_for, mia, ray, meeting
) -> None:
    services.meeting_start(actor=mia, meeting=meeting)
    services.action_item_add(actor=mia, meeting=meeting, text="Book the review", owner=ray)
    html = page(client_for(ray), meeting, "run")
    since = html.split('id="timer-since" name="since" value="')[1].split('"')[0]
    poll = client_for(ray).get(
        reverse("meeting_timer", args=[meeting.pk]), {"since": since}, headers=HTMX
    )
    assert poll.status_code == 204


def test_the_timer_survives_a_reload(client_for, mia, meeting) -> None:
    services.meeting_start(actor=mia, meeting=meeting)
    services.meeting_set_section(actor=mia, meeting=meeting, section="closing")
    html = page(client_for(mia), meeting)
    assert f'data-started="{int(meeting.section_started_at.timestamp() * 1000)}"' in html
    assert 'class="timer-section">Closing' in html


def test_a_new_action_item_reaches_the_other_person_through_the_poll(
    client_for, mia, ray, meeting
) -> None:
    services.meeting_start(actor=mia, meeting=meeting)
    timer_url = reverse("meeting_timer", args=[meeting.pk])
    first = client_for(ray).get(timer_url, {"since": ""}, headers=HTMX).content.decode()
    since = first.split('name="since" value="')[1].split('"')[0]
    services.action_item_add(actor=mia, meeting=meeting, text="Book the review", owner=ray)
    body = client_for(ray).get(timer_url, {"since": since}, headers=HTMX).content.decode()
    assert 'id="meeting-items" hx-swap-oob="innerHTML"' in body
    assert "Book the review" in body


def test_the_timer_refuses_before_the_start_with_a_message(client_for, ray, meeting) -> None:
    response = client_for(ray).post(
        reverse("meeting_section", args=[meeting.pk]), {"section": "opening"}, headers=HTMX
    )
    assert response.status_code == 400
    assert "Start the meeting" in response.json()["error"]


def test_moving_the_timer_without_htmx_goes_back_to_run_mode(client_for, mia, meeting) -> None:
    services.meeting_start(actor=mia, meeting=meeting)
    response = client_for(mia).post(
        reverse("meeting_section", args=[meeting.pk]), {"section": "opening"}
    )
    assert response.status_code == 302
    assert "mode=run" in response["Location"]


# Video link and summary --------------------------------------------------------------


def test_either_person_sets_the_video_link(client_for, ray, meeting) -> None:
    url = reverse("meeting_video", args=[meeting.pk])
    saved = client_for(ray).post(url, {"video_link": "https://meet.test/ray"}, headers=HTMX)
    assert saved.status_code == 200
    assert "Video link saved." in saved.content.decode()
    bad = client_for(ray).post(url, {"video_link": "not a link"}, headers=HTMX)
    assert bad.status_code == 400
    meeting.refresh_from_db()
    assert meeting.video_link == "https://meet.test/ray"


def test_the_summary_is_saved_and_shown_in_wrap_mode(client_for, mia, ray, meeting) -> None:
    url = reverse("meeting_summary", args=[meeting.pk])
    response = client_for(ray).post(url, {"summary": "**Ship** the RFC"}, headers=HTMX)
    assert response.status_code == 200
    assert "<strong>Ship</strong>" in response.content.decode()
    assert "<strong>Ship</strong>" in page(client_for(mia), meeting, "wrap")


# Wrap-up -----------------------------------------------------------------------------


def test_wrap_mode_flags_items_without_a_date_and_offers_the_checklist(
    client_for, mia, ray, meeting
) -> None:
    services.action_item_add(actor=mia, meeting=meeting, text="Undated thing", owner=ray)
    services.action_item_add(
        actor=mia, meeting=meeting, text="Dated", owner=mia, due_on=dt.date(2026, 12, 9)
    )
    html = page(client_for(mia), meeting, "wrap")
    assert "1 action item has no due date" in html
    assert reverse("meeting_prepare", args=[meeting.pk]) + "?phase=post" in html
    assert 'name="held_minutes"' in html


def test_wrap_mode_shows_the_target_and_actual_split(client_for, mia, ray, meeting) -> None:
    topic = services.topic_add(actor=ray, meeting=meeting, text="Growth", kind="career")
    services.topic_set_discussed(actor=mia, topic=topic, discussed=True)
    html = page(client_for(mia), meeting, "wrap")
    assert "How the time went" in html
    assert "brought <strong>100%</strong> of the topics" in html
    assert "<td>20%</td><td>100%</td>" in html  # junior: 20% career, all discussed was career


def test_the_recap_is_ready_to_copy_and_never_has_a_private_note(
    client_for, mia, ray, meeting, secret
) -> None:
    notes = SharedNotes.objects.get_or_create(meeting=meeting)[0]
    services.shared_notes_save(
        actor=mia, notes=notes, sections={"feedback": "Nice"}, bases=notes.sections()
    )
    services.action_item_add(actor=ray, meeting=meeting, text="Share slides", owner=ray)
    for viewer in (mia, ray):
        html = page(client_for(viewer), meeting, "wrap")
        assert "Copy as Markdown" in html
        assert "- Feedback: Nice" in html
        assert MIA_SECRET not in html.split('id="recap"')[1].split("</section>")[0]
        download = client_for(viewer).get(reverse("meeting_recap", args=[meeting.pk]))
        assert download["Content-Type"].startswith("text/markdown")
        text = download.content.decode()
        assert "will share slides" in text and MIA_SECRET not in text


def test_the_report_never_sees_the_managers_private_note_in_any_mode(
    client_for, mia, ray, meeting, secret
) -> None:
    services.meeting_start(actor=mia, meeting=meeting)
    client = client_for(ray)
    for mode in selectors.MODES:
        assert MIA_SECRET not in page(client, meeting, mode)
    fragments = [
        client.get(reverse("meeting_timer", args=[meeting.pk]), headers=HTMX),
        client.post(
            reverse("meeting_section", args=[meeting.pk]), {"section": "opening"}, headers=HTMX
        ),
        client.post(reverse("meeting_summary", args=[meeting.pk]), {"summary": "ok"}, headers=HTMX),
        client.post(
            reverse("meeting_video", args=[meeting.pk]),
            {"video_link": "https://m.test"},
            headers=HTMX,
        ),
        client.get(reverse("meeting_recap", args=[meeting.pk])),
    ]
    for response in fragments:
        assert response.status_code == 200
        assert MIA_SECRET.encode() not in response.content
    assert MIA_SECRET in page(client_for(mia), meeting, "wrap")  # her own, in her aside


# Notes merged per section ------------------------------------------------------------


def save(client, meeting, sections: dict[str, str], bases: dict[str, str]):
    data = {"version": "0", **sections, **{f"base_{k}": v for k, v in bases.items()}}
    return client.post(reverse("shared_notes", args=[meeting.pk]), data, headers=HTMX)


def test_saves_to_different_sections_by_both_people_both_land(
    client_for, mia, ray, meeting
) -> None:
    empty = dict.fromkeys(SharedNotes.SECTIONS, "")
    first = save(client_for(ray), meeting, {**empty, "their_topics": "Deploys"}, empty)
    assert first.status_code == 200
    second = save(client_for(mia), meeting, {**empty, "feedback": "Great demo"}, empty)
    assert second.status_code == 200
    assert 'id="shared-notes-bases"' in second.content.decode()
    notes = SharedNotes.objects.get(meeting=meeting)
    assert (notes.their_topics, notes.feedback) == ("Deploys", "Great demo")


def test_a_section_both_changed_shows_both_versions_and_saves_the_rest(
    client_for, mia, ray, meeting
) -> None:
    empty = dict.fromkeys(SharedNotes.SECTIONS, "")
    save(client_for(ray), meeting, {**empty, "context": "Ray's view"}, empty)
    mine = {**empty, "context": "Mia's view", "follow_up": "Revisit"}
    response = save(client_for(mia), meeting, mine, empty)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Ray's view" in html.replace("&#39;", "'") and "Mia's view" in html.replace("&#39;", "'")
    assert "Partly saved: Context changed elsewhere" in html
    notes = SharedNotes.objects.get(meeting=meeting)
    assert (notes.context, notes.follow_up) == ("Ray's view", "Revisit")
    # "Keep mine" sends their text as the base of that section.
    keep = json.loads(
        re.search(r'hx-vals="([^"]*)"', html).group(1).replace("&#34;", '"').replace("&#39;", "'")
    )
    assert keep["base_context"] == "Ray's view"
    again = save(client_for(mia), meeting, mine, {**empty, "context": "Ray's view"})
    assert again.status_code == 200
    assert SharedNotes.objects.get(meeting=meeting).context == "Mia's view"


def test_a_note_about_health_asks_for_care_without_blocking(client_for, mia, meeting) -> None:
    empty = dict.fromkeys(SharedNotes.SECTIONS, "")
    sections = {**empty, "context": "Off next week for a doctor visit with family"}
    response = save(client_for(mia), meeting, sections, empty)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Document carefully: only if relevant to work." in html
    assert "doctor, family" in html
    assert SharedNotes.objects.get(meeting=meeting).context.startswith("Off next week")
    plain = save(client_for(mia), meeting, {**sections, "context": "Deploys"}, sections)
    assert "Document carefully" not in plain.content.decode()


# Cost --------------------------------------------------------------------------------


def _grow(series, mia, ray, meeting, n: int) -> None:
    for index in range(n):
        topic = services.topic_add(actor=ray, meeting=meeting, text=f"T{index}", kind="tactical")
        services.topic_set_discussed(actor=mia, topic=topic, discussed=True)
        services.action_item_add(actor=mia, meeting=meeting, text=f"I{index}", owner=ray)


@pytest.mark.parametrize("mode", selectors.MODES)
def test_each_mode_costs_the_same_queries_however_full(
    client_for, series, mia, ray, meeting, mode: str
) -> None:
    client = client_for(mia)
    url = reverse("meeting", args=[meeting.pk]) + f"?mode={mode}"
    _grow(series, mia, ray, meeting, 2)
    client.get(url)  # the first visit also records that she opened the page
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _grow(series, mia, ray, meeting, 15)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_the_timer_poll_costs_the_same_queries_however_many_items(
    client_for, series, mia, ray, meeting
) -> None:
    services.meeting_start(actor=mia, meeting=meeting)
    client = client_for(mia)
    url = reverse("meeting_timer", args=[meeting.pk])
    _grow(series, mia, ray, meeting, 2)
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"since": "x"}, headers=HTMX)
    _grow(series, mia, ray, meeting, 15)
    with CaptureQueriesContext(connection) as many:
        client.get(url, {"since": "x"}, headers=HTMX)
    assert len(many) == len(few)


def test_the_rendered_recap_has_the_summary_and_boxes_not_brackets(
    client_for, mia, ray, meeting
) -> None:
    services.meeting_set_summary(actor=mia, meeting=meeting, summary="We agreed on the plan")
    services.action_item_add(actor=mia, meeting=meeting, text="Ray drafts the RFC", owner=ray)
    services.action_item_add(actor=mia, meeting=meeting, text="<b>bold</b> move", owner=mia)
    html = page(client_for(mia), meeting, "wrap")
    rendered = html.split('class="rendered recap-rendered">')[1].split("</div>")[0]
    assert "Summary of key points" in rendered and "We agreed on the plan" in rendered
    assert "[ ]" not in rendered and "☐" in rendered
    assert "Ray Report will Ray" not in rendered and "☐ Ray drafts the RFC" in rendered
    assert "<b>" not in rendered and "&lt;b&gt;bold&lt;/b&gt;" in rendered
    text = client_for(ray).get(reverse("meeting_recap", args=[meeting.pk])).content.decode()
    assert "- [ ] Ray drafts the RFC" in text and "\\<b\\>bold\\</b\\>" in text


def test_a_cancelled_meeting_shows_no_wrap_up_cards(client_for, mia, meeting) -> None:
    services.meeting_cancel(actor=mia, meeting=meeting, reason="Offsite", skip=True)
    html = page(client_for(mia), meeting, "wrap")
    assert "nothing to wrap up" in html
    for card in ('id="held"', 'id="summary"', 'id="items"', 'id="split"', 'id="recap"'):
        assert card not in html
