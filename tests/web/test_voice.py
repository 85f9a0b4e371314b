"""Each person reads their own page: the report reads of their meeting, the manager is coached."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from rapport import access
from rapport.meetings import services
from rapport.meetings.models import Meeting, SharedNotes

HTMX = {"HX-Request": "true"}

# The guide speaks to the manager: none of this may reach the report's screens.
MANAGER_COACHING = (
    "This is their meeting, not yours",
    "They talk 70%",
    "70/30",
    "Their Topics",
    "Their topics",
    "Your Topics",
    "My topics",
    "what is on their mind",
    "What's on their mind",
    "Challenges they're facing",
    "Their self-assessment",
    "Your feedback on recent work",
    "Time split for a",
    "Documenting with care",
    "Document carefully",
    "Information they explicitly ask to keep off-record",
    "For what they ask not to write down",
    "Observations, patterns, concerns",
    "1:1 with Ray Report",
)
MODES = ("prepare", "run", "wrap")


def text_of(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def meeting_page(client, meeting: Meeting, mode: str) -> str:
    return text_of(client.get(reverse("meeting", args=[meeting.pk]) + f"?mode={mode}"))


def coaching_in(text: str) -> list[str]:
    return [phrase for phrase in MANAGER_COACHING if phrase in text]


@pytest.fixture
def written(mia, ray, meeting) -> Meeting:
    """A started meeting with topics from both, shared notes in both people's sections."""
    services.topic_add(actor=ray, meeting=meeting, text="Pairing on the parser", kind="skills")
    services.topic_add(actor=mia, meeting=meeting, text="Reorg news", kind="")
    notes = SharedNotes.objects.get_or_create(meeting=meeting)[0]
    services.shared_notes_save(
        actor=mia,
        notes=notes,
        sections={"their_topics": "Parser: pair on Friday", "my_topics": "Reorg in March"},
        bases=notes.sections(),
    )
    services.meeting_start(actor=mia, meeting=meeting)
    return meeting


def test_the_series_manager_predicate_names_the_manager_only(mia, ray, omar, series) -> None:
    assert access.is_manager_in(mia, series)
    assert not access.is_manager_in(ray, series)
    assert not access.is_manager_in(omar, series)


@pytest.mark.parametrize("mode", MODES)
def test_the_report_reads_their_own_meeting_in_every_mode(client_for, ray, written, mode) -> None:
    text = meeting_page(client_for(ray), written, mode)
    assert coaching_in(text) == []
    assert "Your topics" in text
    assert "Mia’s topics" in text


@pytest.mark.parametrize("mode", MODES)
def test_the_manager_keeps_the_guides_coaching_in_every_mode(
    client_for, mia, written, mode
) -> None:
    text = meeting_page(client_for(mia), written, mode)
    assert "Ray’s topics" in text
    assert "Your topics" in text
    assert "Mia’s topics" not in text
    if mode != "wrap":
        assert "They talk 70% of the time, you talk 30%." in text
    if mode != "run":
        assert "This is their meeting, not yours." in text


def test_the_report_is_told_it_is_their_meeting(client_for, ray, written) -> None:
    client = client_for(ray)
    prepare = meeting_page(client, written, "prepare")
    assert "This is your meeting: bring what matters to you." in prepare
    assert "Time split at your level (Junior)" in prepare
    wrap = meeting_page(client, written, "wrap")
    assert "You brought <strong>50%</strong> of the topics." in wrap
    assert "1:1 with Mia Manager - " in wrap


def test_the_report_gets_no_manager_tool_panel(client_for, mia, ray, written) -> None:
    manager_only = [
        reverse("meeting_questions", args=[written.pk]),
        reverse("meeting_playbooks", args=[written.pk]),
        reverse("meeting_prepare", args=[written.pk]) + "?phase=post",
    ]
    for mode in MODES:
        text = meeting_page(client_for(ray), written, mode)
        assert [url for url in manager_only if url in text] == []
    run = meeting_page(client_for(mia), written, "run")
    wrap = meeting_page(client_for(mia), written, "wrap")
    assert manager_only[0] in run and manager_only[1] in run and manager_only[2] in wrap


def test_the_notes_name_each_side_for_the_viewer(client_for, mia, ray, written) -> None:
    report = meeting_page(client_for(ray), written, "run")
    assert '<label for="notes-their_topics">Your topics</label>' in report
    assert "<legend>Mia’s topics</legend>" in report
    assert "Team/org updates and anything else Mia raised." in report
    assert "For what you would rather not write down" in report
    manager = meeting_page(client_for(mia), written, "run")
    assert '<label for="notes-their_topics">Ray’s topics</label>' in manager
    assert "<legend>Your topics</legend>" in manager
    assert "For what they ask not to write down" in manager
    assert "Documenting with care" in manager


def test_the_timer_names_the_part_for_whoever_polls(client_for, mia, ray, written) -> None:
    client_for(mia).post(reverse("meeting_section", args=[written.pk]), {"section": "my_topics"})
    timer_url = reverse("meeting_timer", args=[written.pk])
    report = text_of(client_for(ray).get(timer_url, headers=HTMX))
    assert 'class="timer-section">Mia’s topics' in report
    assert "Feedback Mia has for you" in report
    assert coaching_in(report) == []
    manager = text_of(client_for(mia).get(timer_url, headers=HTMX))
    assert 'class="timer-section">Your topics' in manager
    assert "Feedback you have" in manager


def test_a_career_meeting_speaks_to_the_report_too(client_for, mia, ray, meeting) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(kind="career", duration_minutes=60)
    services.meeting_start(actor=mia, meeting=meeting)
    moved = client_for(mia).post(
        reverse("meeting_section", args=[meeting.pk]), {"section": "feedback_exchange"}
    )
    assert moved.status_code == 302, moved.content
    report = meeting_page(client_for(ray), meeting, "run")
    assert "Mia’s feedback on your recent work" in report
    assert "Your self-assessment" in report
    assert coaching_in(report) == []
    manager = meeting_page(client_for(mia), meeting, "run")
    assert "Their self-assessment" in manager


def test_the_recap_is_written_by_whoever_downloads_it(client_for, mia, ray, written) -> None:
    url = reverse("meeting_recap", args=[written.pk])
    report = client_for(ray).get(url).content.decode()
    assert report.startswith("## 1:1 with Mia Manager - ")
    assert "### My Topics\n- Parser: pair on Friday" in report
    assert "### Mia’s Topics\n- Reorg in March" in report
    assert "Ray Report -" not in report and "Their Topics" not in report
    manager = client_for(mia).get(url).content.decode()
    assert manager.startswith("## 1:1 with Ray Report - ")
    assert "### Their Topics\n- Parser: pair on Friday" in manager
    assert "### My Topics\n- Reorg in March" in manager


def test_a_health_note_by_the_report_is_no_lesson_in_documenting(client_for, ray, meeting) -> None:
    empty = dict.fromkeys(SharedNotes.SECTIONS, "")
    data = {"version": "0", **empty, **{f"base_{key}": "" for key in empty}}
    data["their_topics"] = "Off next week for a doctor visit"
    response = client_for(ray).post(reverse("shared_notes", args=[meeting.pk]), data, headers=HTMX)
    text = text_of(response)
    assert "Mia reads these notes too." in text and "doctor" in text
    assert "keep only what you want on record" in text
    assert coaching_in(text) == []


def test_the_home_pages_speak_to_each_side(client_for, mia, ray, written) -> None:
    report = text_of(client_for(ray).get(reverse("home")))
    assert "This is your meeting: bring what matters to you." in report
    assert "Topics you want to discuss" in report
    assert "1 topic from you" in report
    assert coaching_in(report) == []
    manager = text_of(client_for(mia).get(reverse("home")))
    assert "1 topic from Ray" in manager and "1 from you" in manager


def test_the_report_page_speaks_to_each_side(client_for, mia, ray, series) -> None:
    type(ray).objects.filter(pk=ray.pk).update(level="")
    report = text_of(client_for(ray).get(reverse("series", args=[series.pk])))
    assert "No level set for you" in report
    assert coaching_in(report) == []
    manager = text_of(client_for(mia).get(reverse("series", args=[series.pk])))
    assert "No level set for Ray" in manager


def test_the_talk_panel_keeps_the_70_30_coaching_for_the_manager(
    client_for, mia, ray, written
) -> None:
    url = reverse("meeting_talk", args=[written.pk])
    report = text_of(client_for(ray).get(url, headers=HTMX))
    assert coaching_in(report) == []
    manager = text_of(client_for(mia).get(url, headers=HTMX))
    assert "Who did the talking" in manager
