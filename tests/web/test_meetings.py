"""The meeting page and its htmx endpoints: agenda, notes, private note, items, running it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rapport.meetings import services
from rapport.meetings.models import ActionItem, Meeting, PrivateNote, Topic
from tests.web.confirming import token_in

HTMX = {"HX-Request": "true"}
MIA_SECRET = "Mia-private: considering a performance plan"
RAY_SECRET = "Ray-private: interviewing elsewhere"


@pytest.fixture
def topic(ray, meeting) -> Topic:
    return services.topic_add(actor=ray, meeting=meeting, text="Deploys keep failing")


@pytest.fixture
def secrets(mia, ray, meeting) -> None:
    services.private_note_save(actor=mia, meeting=meeting, body=MIA_SECRET, version=0)
    services.private_note_save(actor=ray, meeting=meeting, body=RAY_SECRET, version=0)


def page(client, meeting, mode: str = "run") -> str:
    response = client.get(reverse("meeting", args=[meeting.pk]) + f"?mode={mode}")
    assert response.status_code == 200
    return response.content.decode()


# Routes whose form may be asked a question first: their GET is that question's page.
ASKING = {"meeting_start", "meeting_complete", "action_item_add", "meeting_cancel"}


def routes(meeting: Meeting, topic: Topic) -> list[tuple[str, str, list[int]]]:
    """(method, url name, args) of every meeting-room route."""
    m, t = [meeting.pk], [topic.pk]
    return [
        ("get", "meeting", m),
        ("get", "meeting_agenda", m),
        ("post", "topic_add", m),
        ("post", "shared_notes", m),
        ("post", "private_note", m),
        ("post", "action_item_add", m),
        ("post", "meeting_mood", m),
        ("post", "meeting_start", m),
        ("post", "meeting_complete", m),
        ("post", "meeting_cancel", m),
        ("post", "topic_edit", t),
        ("post", "topic_discussed", t),
        ("post", "topic_move", t),
        ("post", "topic_delete", t),
    ]


# Who may come in -------------------------------------------------------------------


def test_every_route_sends_anonymous_visitors_to_sign_in(client_for, meeting, topic) -> None:
    client = client_for(None)
    for method, name, args in routes(meeting, topic):
        response = getattr(client, method)(reverse(name, args=args))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name


@pytest.mark.parametrize("outsider", ["olga", "omar", "dan", "ada", "zed"])
def test_every_route_is_a_404_for_someone_outside_the_1_1(
    cast, client_for, meeting, topic, outsider: str
) -> None:
    client = client_for(getattr(cast, outsider))
    for method, name, args in routes(meeting, topic):
        response = getattr(client, method)(reverse(name, args=args), {"text": "x", "version": 0})
        assert response.status_code == 404, name
    assert Topic.objects.count() == 1


def test_every_route_refuses_the_wrong_method(client_for, mia, meeting, topic) -> None:
    client = client_for(mia)
    for method, name, args in routes(meeting, topic):
        wrong = "post" if method == "get" else "get"
        if name in ASKING:  # its GET is the question its form may be asked
            wrong = "delete"
        response = getattr(client, wrong)(reverse(name, args=args))
        assert response.status_code == 405, name


def test_an_unknown_meeting_is_a_404(client_for, mia) -> None:
    assert client_for(mia).get(reverse("meeting", args=[999999])).status_code == 404


# The page ---------------------------------------------------------------------------


def test_the_page_shows_the_meeting_to_both_people(client_for, mia, ray, meeting, topic) -> None:
    services.action_item_add(actor=mia, meeting=meeting, text="Share the RFC", owner=ray)
    for viewer, other in ((mia, ray), (ray, mia)):
        html = page(client_for(viewer), meeting)
        assert f"1:1 with {other.name}" in html
        assert "Deploys keep failing" in html
        assert "Share the RFC" in html
        assert "Shared notes" in html and "Only you can read this" in html
        assert reverse("series", args=[meeting.series_id]) in html


def test_the_time_is_shown_in_the_viewers_timezone(client_for, mia, ray, meeting) -> None:
    for viewer in (mia, ray):
        local = timezone.localtime(meeting.scheduled_at, viewer.tzinfo)
        assert local.strftime("%A %d %B %Y, %H:%M") in page(client_for(viewer), meeting)


def test_the_reports_topics_come_before_the_managers(client_for, mia, ray, meeting) -> None:
    services.topic_add(actor=mia, meeting=meeting, text="Manager first in time")
    services.topic_add(actor=ray, meeting=meeting, text="Report second in time")
    html = page(client_for(mia), meeting)
    assert html.index("Report second in time") < html.index("Manager first in time")


def test_the_manager_sees_start_and_mark_held_and_the_report_does_not(
    client_for, mia, ray, meeting
) -> None:
    assert "Start meeting" in page(client_for(mia), meeting)
    html = page(client_for(ray), meeting)
    assert "Start meeting" not in html
    assert reverse("meeting_complete", args=[meeting.pk]) not in html


def test_the_opening_lists_open_items_from_earlier_meetings(client_for, series, mia, ray) -> None:
    first, second = series.meetings.filter(status="scheduled").order_by("scheduled_at")[:2]
    services.action_item_add(actor=mia, meeting=first, text="Carried commitment", owner=ray)
    html = page(client_for(ray), second)
    opening = html[html.index('id="opening"') : html.index('id="agenda"')]
    assert "Carried commitment" in opening


def test_the_opening_leaves_out_this_meetings_own_items_and_lists_them_below(
    client_for, series, mia, ray
) -> None:
    first, second = series.meetings.filter(status="scheduled").order_by("scheduled_at")[:2]
    services.action_item_add(actor=mia, meeting=first, text="Earlier commitment", owner=ray)
    services.action_item_add(actor=mia, meeting=second, text="Agreed today", owner=ray)
    html = page(client_for(ray), second)
    opening = html[html.index('id="opening"') : html.index('id="agenda"')]
    assert "Earlier commitment" in opening
    assert "Agreed today" not in opening
    assert "Agreed today" in html[html.index('id="items"') :]


def test_a_meeting_links_to_the_one_before_and_after_and_a_moved_one_both_ways(
    client_for, series, mia
) -> None:
    first, second, third, fourth = series.meetings.filter(status="scheduled").order_by(
        "scheduled_at"
    )[:4]
    html = page(client_for(mia), second)
    assert f'href="{reverse("meeting", args=[first.pk])}" rel="prev"' in html
    assert f'href="{reverse("meeting", args=[third.pk])}" rel="next"' in html
    moved = services.meeting_cancel(
        actor=mia,
        meeting=third,
        reason="Offsite that day",
        new_time=third.scheduled_at + dt.timedelta(days=1),
    )
    html = page(client_for(mia), third, mode="prepare")
    assert "Now on" in html and reverse("meeting", args=[moved.pk]) in html
    html = page(client_for(mia), moved, mode="prepare")
    assert "Moved here from" in html and "Offsite that day" in html
    assert f'href="{reverse("meeting", args=[third.pk])}" rel="prev"' in html
    assert f'href="{reverse("meeting", args=[fourth.pk])}" rel="next"' in html


def test_a_held_meeting_says_where_its_undiscussed_topics_went(
    client_for, mia, meeting, topic
) -> None:
    services.meeting_complete(actor=mia, meeting=meeting, held_minutes=30)
    following = Meeting.objects.after(meeting).first()
    html = page(client_for(mia), meeting)
    assert "1 topic not discussed carried over" in html
    assert reverse("meeting", args=[following.pk]) in html
    assert "carried over from" in page(client_for(mia), following)


def test_notes_are_rendered_sanitised_once_held(client_for, mia, meeting) -> None:
    services.shared_notes_save(
        actor=mia,
        notes=meeting.shared_notes,
        sections={"feedback": "**Great** demo <script>alert('x')</script>"},
        bases=meeting.shared_notes.sections(),
    )
    services.meeting_complete(actor=mia, meeting=meeting, held_minutes=30)
    html = page(client_for(mia), meeting)
    assert "<strong>Great</strong>" in html
    assert "<script>alert" not in html


def test_an_ended_series_is_read_only(client_for, series, mia, ray, meeting, topic) -> None:
    services.series_end(series=series)
    html = page(client_for(ray), meeting)
    assert "Its history is kept, read-only" in html
    assert "<textarea" not in html
    assert "hx-post" not in html
    assert reverse("topic_add", args=[meeting.pk]) not in html
    response = client_for(ray).post(reverse("topic_add", args=[meeting.pk]), {"text": "Late"})
    assert response.status_code == 403
    assert meeting.topics.count() == 1


# Private notes stay private ----------------------------------------------------------


def test_the_report_never_sees_the_managers_private_note(client_for, ray, meeting, secrets) -> None:
    html = page(client_for(ray), meeting)
    assert RAY_SECRET in html
    assert MIA_SECRET not in html


def test_the_manager_never_sees_the_reports_private_note(client_for, mia, meeting, secrets) -> None:
    html = page(client_for(mia), meeting)
    assert MIA_SECRET in html
    assert RAY_SECRET not in html


def test_fragments_never_carry_private_note_text(
    client_for, mia, ray, meeting, topic, secrets
) -> None:
    for viewer in (mia, ray):
        client = client_for(viewer)
        bodies = [
            client.get(reverse("meeting_agenda", args=[meeting.pk]), headers=HTMX).content,
            *(
                client.post(reverse("shared_notes", args=[meeting.pk]), data, headers=HTMX).content
                for data in ({"intent": "reload"}, {"intent": "preview"})
            ),
        ]
        for body in bodies:
            assert MIA_SECRET.encode() not in body and RAY_SECRET.encode() not in body
    own = client_for(ray).post(
        reverse("private_note", args=[meeting.pk]), {"intent": "reload"}, headers=HTMX
    )
    assert RAY_SECRET.encode() in own.content and MIA_SECRET.encode() not in own.content


def test_a_private_note_never_shows_on_a_later_meeting(client_for, series, ray, secrets) -> None:
    later = series.meetings.filter(status="scheduled").order_by("scheduled_at")[1]
    html = page(client_for(ray), later)
    assert RAY_SECRET not in html and MIA_SECRET not in html


# Agenda ------------------------------------------------------------------------------


def test_the_agenda_polls_without_replacing_an_unchanged_list(
    client_for, mia, meeting, topic
) -> None:
    client = client_for(mia)
    url = reverse("meeting_agenda", args=[meeting.pk])
    first = client.get(url, headers=HTMX)
    assert first.status_code == 200
    assert "Deploys keep failing" in first.content.decode()
    since = first.content.decode().split('name="since" value="')[1].split('"')[0]
    assert client.get(url, {"since": since}, headers=HTMX).status_code == 204
    services.topic_add(actor=mia, meeting=meeting, text="Something new")
    changed = client.get(url, {"since": since}, headers=HTMX)
    assert changed.status_code == 200
    assert "Something new" in changed.content.decode()
    assert "Agenda updated" in changed.content.decode()


def test_the_page_polls_the_agenda_every_five_seconds_outside_the_add_form(
    client_for, mia, meeting
) -> None:
    html = page(client_for(mia), meeting)
    region = html[html.index('id="agenda-list"') : html.index('class="add-topic"')]
    assert 'hx-trigger="every 5s' in region
    assert reverse("meeting_agenda", args=[meeting.pk]) in region
    assert 'id="new-topic-text"' not in region


def test_adding_a_topic_returns_the_agenda(client_for, ray, meeting) -> None:
    response = client_for(ray).post(
        reverse("topic_add", args=[meeting.pk]),
        {"text": "Conference budget", "kind": "skills"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Conference budget" in response.content.decode()
    topic = meeting.topics.get()
    assert (topic.author, topic.kind, topic.added_before_start) == (ray, "skills", True)


def test_adding_a_topic_without_htmx_goes_back_to_the_agenda(client_for, ray, meeting) -> None:
    response = client_for(ray).post(reverse("topic_add", args=[meeting.pk]), {"text": "Hi"})
    assert response.status_code == 302
    assert response["Location"] == reverse("meeting", args=[meeting.pk]) + "#agenda"


def test_a_topic_added_during_the_meeting_is_marked(client_for, mia, ray, meeting) -> None:
    services.meeting_start(actor=mia, meeting=meeting, now=timezone.now() - dt.timedelta(minutes=1))
    client_for(ray).post(reverse("topic_add", args=[meeting.pk]), {"text": "Late idea"})
    assert not meeting.topics.get().added_before_start
    assert "added during the meeting" in page(client_for(mia), meeting)


def test_an_empty_topic_is_refused_with_a_message(client_for, ray, meeting) -> None:
    response = client_for(ray).post(
        reverse("topic_add", args=[meeting.pk]), {"text": "   "}, headers=HTMX
    )
    assert response.status_code == 400
    assert "Topic" in json.loads(response.content)["error"]
    assert not meeting.topics.exists()


def test_only_the_author_rewrites_a_topic_but_both_tag_it(client_for, mia, ray, topic) -> None:
    url = reverse("topic_edit", args=[topic.pk])
    refused = client_for(mia).post(url, {"text": "Rewritten by Mia"}, headers=HTMX)
    assert refused.status_code == 403
    assert "Only the person who added" in json.loads(refused.content)["error"]
    assert client_for(mia).post(url, {"kind": "career"}, headers=HTMX).status_code == 200
    assert (
        client_for(ray).post(url, {"text": "Deploys, again", "kind": "career"}).status_code == 302
    )
    topic.refresh_from_db()
    assert (topic.text, topic.kind) == ("Deploys, again", "career")


def test_either_person_ticks_a_topic(client_for, mia, topic) -> None:
    url = reverse("topic_discussed", args=[topic.pk])
    assert client_for(mia).post(url, {"discussed": "1"}, headers=HTMX).status_code == 200
    topic.refresh_from_db()
    assert topic.discussed
    client_for(mia).post(url, {}, headers=HTMX)
    topic.refresh_from_db()
    assert not topic.discussed


def test_topics_move_up_and_down(client_for, mia, ray, meeting, topic) -> None:
    second = services.topic_add(actor=ray, meeting=meeting, text="Second point")
    response = client_for(mia).post(
        reverse("topic_move", args=[second.pk]), {"direction": "up"}, headers=HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Second point") < html.index("Deploys keep failing")
    bad = client_for(mia).post(
        reverse("topic_move", args=[second.pk]), {"direction": "sideways"}, headers=HTMX
    )
    assert bad.status_code == 400


def test_only_the_author_removes_a_topic(client_for, mia, ray, topic) -> None:
    url = reverse("topic_delete", args=[topic.pk])
    assert client_for(mia).post(url, headers=HTMX).status_code == 403
    assert Topic.objects.filter(pk=topic.pk).exists()
    assert client_for(ray).post(url, headers=HTMX).status_code == 200
    assert not Topic.objects.filter(pk=topic.pk).exists()


# Notes ----------------------------------------------------------------------------------


def test_autosave_returns_the_new_version_and_the_time(client_for, ray, meeting) -> None:
    response = client_for(ray).post(
        reverse("shared_notes", args=[meeting.pk]),
        {
            "version": 0,
            "their_topics": "- CI is slow",
            "feedback": "",
            "base_their_topics": "",
            "base_feedback": "",
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="shared-notes-version"' in html and 'value="1"' in html
    assert "Saved" in html
    meeting.shared_notes.refresh_from_db()
    assert meeting.shared_notes.their_topics == "- CI is slow"


def test_a_stale_save_shows_both_versions_and_overwrites_nothing(
    client_for, mia, ray, meeting
) -> None:
    url = reverse("shared_notes", args=[meeting.pk])
    client_for(mia).post(
        url, {"version": 0, "feedback": "Mia wrote this", "base_feedback": ""}, headers=HTMX
    )
    typed = {
        "feedback": "Ray typed this",
        "follow_up": "",
        "base_feedback": "",
        "base_follow_up": "",
    }
    response = client_for(ray).post(url, {"version": 0, **typed}, headers=HTMX)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Mia wrote this" in html and "Ray typed this" in html
    assert "Keep mine" in html and "Take theirs" in html
    assert "Follow-up" not in html  # unchanged sections are not in the way
    meeting.shared_notes.refresh_from_db()
    assert meeting.shared_notes.feedback == "Mia wrote this"
    keep_mine = client_for(ray).post(
        url,
        {"version": 1, "feedback": "Ray typed this", "base_feedback": "Mia wrote this"},
        headers=HTMX,
    )
    assert keep_mine.status_code == 200
    meeting.shared_notes.refresh_from_db()
    assert (meeting.shared_notes.feedback, meeting.shared_notes.version) == ("Ray typed this", 2)


def test_taking_theirs_reloads_the_editor_with_the_saved_version(client_for, mia, ray, meeting):
    url = reverse("shared_notes", args=[meeting.pk])
    client_for(mia).post(url, {"version": 0, "context": "Reorg news", "base_context": ""})
    response = client_for(ray).post(url, {"intent": "reload"}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Reorg news" in html and 'name="version" value="1"' in html


def test_a_stale_save_without_htmx_shows_the_page_with_the_conflict(
    client_for, mia, ray, meeting
) -> None:
    url = reverse("shared_notes", args=[meeting.pk])
    client_for(mia).post(url, {"version": 0, "feedback": "Mia wrote this", "base_feedback": ""})
    response = client_for(ray).post(
        url, {"version": 0, "feedback": "Ray typed this", "base_feedback": ""}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "These notes changed since you loaded them" in html
    assert "Mia wrote this" in html and "Ray typed this" in html


def test_the_preview_renders_what_was_typed_without_saving(client_for, ray, meeting) -> None:
    response = client_for(ray).post(
        reverse("shared_notes", args=[meeting.pk]),
        {"intent": "preview", "version": 0, "feedback": "**Bold** <script>x()</script>"},
        headers=HTMX,
    )
    html = response.content.decode()
    assert "<strong>Bold</strong>" in html and "<script>" not in html
    meeting.shared_notes.refresh_from_db()
    assert meeting.shared_notes.version == 0


def test_an_unknown_notes_intent_is_refused(client_for, ray, meeting) -> None:
    response = client_for(ray).post(
        reverse("shared_notes", args=[meeting.pk]), {"intent": "delete"}, headers=HTMX
    )
    assert response.status_code == 400


def test_a_save_without_its_starting_text_is_refused(client_for, ray, meeting) -> None:
    response = client_for(ray).post(
        reverse("shared_notes", args=[meeting.pk]), {"feedback": "x"}, headers=HTMX
    )
    assert response.status_code == 400
    assert "starting text" in json.loads(response.content)["error"]
    meeting.shared_notes.refresh_from_db()
    assert meeting.shared_notes.version == 0


def test_an_oversized_note_is_refused(client_for, ray, meeting) -> None:
    response = client_for(ray).post(
        reverse("private_note", args=[meeting.pk]),
        {"version": 0, "body": "x" * 100_001},
        headers=HTMX,
    )
    assert response.status_code == 400
    assert not PrivateNote.objects.exists()


def test_the_private_note_autosaves_and_conflicts_on_a_stale_tab(client_for, mia, meeting) -> None:
    url = reverse("private_note", args=[meeting.pk])
    client = client_for(mia)
    first = client.post(url, {"version": 0, "body": "First tab"}, headers=HTMX)
    assert first.status_code == 200
    assert 'id="private-note-version"' in first.content.decode()
    stale = client.post(url, {"version": 0, "body": "Second tab"}, headers=HTMX)
    assert stale.status_code == 409
    assert "First tab" in stale.content.decode() and "Second tab" in stale.content.decode()
    assert PrivateNote.objects.get().body == "First tab"


# Opening, running, closing --------------------------------------------------------------


def test_either_person_records_the_mood(client_for, ray, meeting) -> None:
    url = reverse("meeting_mood", args=[meeting.pk])
    assert client_for(ray).post(url, {"mood": "4"}, headers=HTMX).status_code == 200
    meeting.refresh_from_db()
    assert meeting.mood == 4
    refused = client_for(ray).post(url, {"mood": "9"}, headers=HTMX)
    assert refused.status_code == 400
    assert "1 to 5" in json.loads(refused.content)["error"]


def test_the_manager_starts_and_marks_the_meeting_held(client_for, mia, meeting, topic) -> None:
    client = client_for(mia)
    Meeting.objects.filter(pk=meeting.pk).update(scheduled_at=timezone.now())
    assert client.post(reverse("meeting_start", args=[meeting.pk])).status_code == 302
    response = client.post(
        reverse("meeting_complete", args=[meeting.pk]), {"held_minutes": 40, "mood": 3}, follow=True
    )
    assert "1 topic not discussed carried over to the next 1:1" in response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.status, meeting.held_minutes, meeting.mood) == ("held", 40, 3)


def test_starting_days_before_the_meeting_asks_to_confirm_first(client_for, mia, meeting) -> None:
    client = client_for(mia)
    url = reverse("meeting_start", args=[meeting.pk])
    response = client.post(url)
    # The question is a page of its own: Back or reload there never resends a form.
    assert (response.status_code, response["Location"]) == (303, url)
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "This 1:1 is planned for" in html and "Start it now anyway?" in html
    assert f'action="{url}"' in html
    meeting.refresh_from_db()
    assert meeting.started_at is None
    assert client.post(url, {"confirmed": token_in(html)}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.started_at is not None
    # Back to the question once started: nothing is left to ask.
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("meeting", args=[meeting.pk]),
    )


def test_the_question_before_starting_is_the_managers_alone(client_for, ray, olga, meeting) -> None:
    url = reverse("meeting_start", args=[meeting.pk])
    for person in (ray, olga):
        assert client_for(person).get(url).status_code == 404


@pytest.mark.parametrize(
    ("route", "data"), [("meeting_start", {}), ("meeting_complete", {"held_minutes": 30})]
)
def test_the_question_before_running_early_counts_days_as_the_meeting_page_does(
    client_for, mia, meeting, route, data
) -> None:
    # Under 72 hours ahead but three of the reader's calendar days away: "in 3 days".
    today = timezone.localdate(timezone=mia.tzinfo)
    at = dt.datetime.combine(today + dt.timedelta(days=3), dt.time(0, 30), tzinfo=mia.tzinfo)
    Meeting.objects.filter(pk=meeting.pk).update(scheduled_at=at)
    client = client_for(mia)
    header = page(client, meeting, mode="prepare")
    question = client.post(reverse(route, args=[meeting.pk]), data, follow=True)
    assert "in 3 days" in header and "in 3 days" in question.content.decode()
    assert "in 2 days" not in question.content.decode()


def test_a_meeting_within_two_hours_of_its_time_starts_without_a_question(
    client_for, mia, meeting
) -> None:
    soon = timezone.now() + dt.timedelta(minutes=110)
    Meeting.objects.filter(pk=meeting.pk).update(scheduled_at=soon)
    assert client_for(mia).post(reverse("meeting_start", args=[meeting.pk])).status_code == 302


def test_a_bare_edit_is_a_rewrite_and_only_the_author_may(client_for, mia, topic) -> None:
    response = client_for(mia).post(reverse("topic_edit", args=[topic.pk]), headers=HTMX)
    assert response.status_code == 403
    topic.refresh_from_db()
    assert topic.text == "Deploys keep failing"


def test_the_report_cannot_run_the_meeting(client_for, ray, meeting) -> None:
    assert client_for(ray).post(reverse("meeting_start", args=[meeting.pk])).status_code == 403
    for data in ({"held_minutes": 30}, {}):
        response = client_for(ray).post(reverse("meeting_complete", args=[meeting.pk]), data)
        assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.status == "scheduled" and meeting.started_at is None


def test_marking_held_with_a_bad_length_shows_the_form_again(client_for, mia, meeting) -> None:
    response = client_for(mia).post(
        reverse("meeting_complete", args=[meeting.pk]), {"held_minutes": 0}, follow=True
    )
    assert response.redirect_chain[-1][1] == 303
    assert "greater than or equal to 1" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"


def test_cancelling_needs_a_reason_and_a_choice(client_for, mia, meeting) -> None:
    url = reverse("meeting_cancel", args=[meeting.pk])
    response = client_for(mia).post(url, {"reason": "Offsite"}, follow=True)
    assert response.redirect_chain[-1][1] == 303
    assert "skip this one" in response.content.decode()
    response = client_for(mia).post(url, {"reason": "", "skip": "on"}, follow=True)
    assert response.redirect_chain[-1][1] == 303
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"


def test_skipping_a_meeting_records_who_and_why(client_for, mia, meeting) -> None:
    url = reverse("meeting_cancel", args=[meeting.pk])
    response = client_for(mia).post(url, {"reason": "Offsite", "skip": "on"}, follow=True)
    assert "Meeting cancelled" in response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancelled_by, meeting.cancel_reason) == (
        "cancelled",
        mia,
        "Offsite",
    )
    assert "“Offsite”" in response.content.decode()


def test_moving_a_meeting_reads_the_new_time_in_the_viewers_timezone(
    client_for, ray, meeting
) -> None:
    day = timezone.localtime(meeting.scheduled_at, ray.tzinfo).date() + dt.timedelta(days=1)
    response = client_for(ray).post(
        reverse("meeting_cancel", args=[meeting.pk]),
        {"reason": "Doctor", "new_time": f"{day}T10:00"},
    )
    meeting.refresh_from_db()
    assert meeting.status == "rescheduled"
    assert response["Location"] == reverse("meeting", args=[meeting.moved_to_id])
    assert meeting.moved_to.scheduled_at == dt.datetime.combine(day, dt.time(10), tzinfo=ray.tzinfo)


def test_moving_to_a_past_time_is_explained(client_for, ray, meeting) -> None:
    response = client_for(ray).post(
        reverse("meeting_cancel", args=[meeting.pk]),
        {"reason": "Doctor", "new_time": "2001-01-08T10:00"},
        follow=True,
    )
    assert response.redirect_chain[-1][1] == 303
    assert "must be in the future" in response.content.decode()
    assert Meeting.objects.filter(moved_from__isnull=False).count() == 0


# Action items ------------------------------------------------------------------------------


def test_adding_an_action_item_returns_the_list(client_for, mia, ray, meeting) -> None:
    response = client_for(mia).post(
        reverse("action_item_add", args=[meeting.pk]),
        {"text": "Draft the RFC", "owner": ray.pk, "due_on": "2030-02-01"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Draft the RFC" in response.content.decode()
    item = ActionItem.objects.get()
    assert (item.owner, item.due_on, item.created_by) == (ray, dt.date(2030, 2, 1), mia)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "Review", "owner": "OLGA", "due_on": ""}, "Owner"),
        ({"text": "", "owner": "RAY", "due_on": ""}, "Action"),
        ({"text": "Review", "owner": "RAY", "due_on": "next week"}, "Due"),
    ],
)
def test_a_bad_action_item_is_refused_with_a_message(
    client_for, mia, ray, olga, meeting, data, message
) -> None:
    data = {**data, "owner": {"OLGA": olga.pk, "RAY": ray.pk}[data["owner"]]}
    response = client_for(mia).post(
        reverse("action_item_add", args=[meeting.pk]), data, headers=HTMX
    )
    assert response.status_code == 400
    assert message in json.loads(response.content)["error"]
    assert not ActionItem.objects.exists()


# Query counts ------------------------------------------------------------------------------


def _grow(series, mia, ray, meeting, count: int) -> None:
    earlier = Meeting.objects.create(
        series=series,
        scheduled_at=meeting.scheduled_at - dt.timedelta(days=7),
        duration_minutes=30,
    )
    for n in range(count):
        services.topic_add(actor=ray if n % 2 else mia, meeting=meeting, text=f"Topic {n}")
        services.action_item_add(actor=mia, meeting=meeting, text=f"Item {n}", owner=ray)
        services.action_item_add(actor=mia, meeting=earlier, text=f"Old item {n}", owner=mia)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_meeting_page_costs_the_same_queries_however_full_it_is(
    client_for, series, mia, ray, meeting
) -> None:
    client = client_for(mia)
    url = reverse("meeting", args=[meeting.pk])
    _grow(series, mia, ray, meeting, 2)
    services.meeting_complete(actor=mia, meeting=meeting, held_minutes=30)  # carried-to links
    assert _queries(client, url)
    following = Meeting.objects.after(meeting).filter(status="scheduled").first()
    client.get(reverse("meeting", args=[following.pk]))  # the first visit is recorded once
    few = _queries(client, reverse("meeting", args=[following.pk]))
    _grow(series, mia, ray, following, 20)
    for n in range(5):  # more meetings in the series, too
        services.series_schedule(series=series, now=timezone.now() + dt.timedelta(weeks=n + 1))
    assert _queries(client, reverse("meeting", args=[following.pk])) == few


def test_the_agenda_fragment_costs_the_same_queries_however_long(
    client_for, series, mia, ray, meeting
) -> None:
    client = client_for(mia)
    url = reverse("meeting_agenda", args=[meeting.pk])
    _grow(series, mia, ray, meeting, 2)
    few = _queries(client, url)
    _grow(series, mia, ray, meeting, 20)
    assert _queries(client, url) == few


def test_a_meeting_held_early_reads_its_held_time_in_the_header(client_for, mia, meeting) -> None:
    held_at = timezone.now() - dt.timedelta(minutes=40)
    services.meeting_start(actor=mia, meeting=meeting, now=held_at)
    services.meeting_complete(actor=mia, meeting=meeting, held_minutes=34)
    html = client_for(mia).get(reverse("meeting", args=[meeting.pk])).content.decode()
    head = html.split('class="meeting-when"')[1].split("</p>")[0]
    assert "held 40 minutes ago" in head and "34 min held" in head
    assert "in " not in head.split("·")[1]  # never "in 18 hours" for a meeting already held
    assert "planned for" in head
