"""Shared notes and summaries keep their HTML, rendered when written by each service."""

from __future__ import annotations

import datetime as dt
import importlib
from types import SimpleNamespace

from django.apps import apps

from rapport.framework.markdown import render_markdown
from rapport.growth import services as growth_services
from rapport.meetings import services
from rapport.meetings.models import Meeting, Series, SharedNotes
from rapport.meetings.services import PastMeeting, series_backfill
from rapport.privacy import services as privacy_services

SCRIPT = "**Ship** it <script>alert(1)</script> [x](javascript:alert(2))"


def stored_html_matches(notes: SharedNotes) -> bool:
    """Each section's stored HTML is what its stored text renders to."""
    notes.refresh_from_db()
    return notes.sections_html() == {
        key: render_markdown(text) for key, text in notes.sections().items()
    }


def test_a_save_renders_the_sections_it_writes_and_sanitises_them(mia, ray, meeting) -> None:
    notes = meeting.shared_notes
    base = notes.sections()
    services.shared_notes_save(
        actor=ray, notes=notes, sections={"their_topics": SCRIPT}, bases=base
    )
    notes.refresh_from_db()
    assert "<strong>Ship</strong>" in notes.their_topics_html
    assert "<script" not in notes.their_topics_html
    assert "href" not in notes.their_topics_html
    # A merge from an older base writes only the other section, and renders it.
    services.shared_notes_save(
        actor=mia, notes=notes, sections={"follow_up": "- [ ] Call back"}, bases=base
    )
    notes.refresh_from_db()
    assert notes.follow_up_html == "<ul>\n<li>☐ Call back</li>\n</ul>\n"
    services.shared_notes_save(
        actor=ray, notes=notes, sections={"their_topics": ""}, bases=notes.sections()
    )
    assert notes.their_topics_html == ""
    assert stored_html_matches(notes)


def test_the_summary_is_rendered_when_saved(mia, ray, meeting) -> None:
    services.meeting_start(actor=mia, meeting=meeting)
    services.meeting_set_summary(actor=ray, meeting=meeting, summary="- **Ship** the RFC\n")
    meeting.refresh_from_db()
    assert meeting.summary_html == "<ul>\n<li><strong>Ship</strong> the RFC</li>\n</ul>\n"
    services.meeting_set_summary(actor=ray, meeting=meeting, summary=SCRIPT)
    meeting.refresh_from_db()
    assert meeting.summary_html == render_markdown(SCRIPT)
    assert "<script" not in meeting.summary_html


def test_feedback_appended_to_the_notes_is_rendered(mia, meeting) -> None:
    growth_services.feedback_give(
        actor=mia, meeting=meeting, kind="positive", situation="S", behaviour="B", impact="I"
    )
    notes = SharedNotes.objects.get(meeting=meeting)
    assert "<strong>Positive</strong>" in notes.feedback_html
    assert stored_html_matches(notes)


def test_a_moved_meeting_takes_the_notes_html_along(ray, meeting) -> None:
    services.shared_notes_save(
        actor=ray,
        notes=meeting.shared_notes,
        sections={"context": "_Draft_"},
        bases=meeting.shared_notes.sections(),
    )
    new_time = meeting.scheduled_at + dt.timedelta(days=2)
    moved = services.meeting_cancel(actor=ray, meeting=meeting, reason="Dentist", new_time=new_time)
    notes = SharedNotes.objects.get(meeting=moved)
    assert notes.context_html == "<p><em>Draft</em></p>\n"
    assert stored_html_matches(notes)


def test_the_backfill_renders_the_notes_it_writes(cast: SimpleNamespace) -> None:
    series = Series.objects.get(report=cast.ray, ended_on__isnull=True)
    when = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(weeks=3)
    series_backfill(
        actor=cast.mia,
        series=series,
        meetings=[
            PastMeeting(
                scheduled_at=when,
                ended_at=when + dt.timedelta(minutes=30),
                notes={"their_topics": "**Deploys**", "follow_up": SCRIPT},
            )
        ],
    )
    notes = SharedNotes.objects.get(meeting__series=series, meeting__scheduled_at=when)
    assert notes.their_topics_html == "<p><strong>Deploys</strong></p>\n"
    assert "<script" not in notes.follow_up_html
    assert stored_html_matches(notes)


def test_erasure_renders_the_cleaned_text_again(ada, mia, ray, meeting) -> None:
    services.meeting_start(actor=mia, meeting=meeting)
    services.meeting_set_summary(actor=mia, meeting=meeting, summary="**Ray Report** agreed")
    services.shared_notes_save(
        actor=mia,
        notes=meeting.shared_notes,
        sections={"context": "Ray Report wrote to <ray@acme.test>"},
        bases=meeting.shared_notes.sections(),
    )
    services.report_deactivate(actor=ada, person=ray)
    privacy_services.person_erase(actor=ada, person=ray)
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert "Ray" not in meeting.summary_html
    assert meeting.summary_html == render_markdown(meeting.summary)
    notes = SharedNotes.objects.get(meeting=meeting)
    assert "Ray" not in notes.context_html and "ray@acme.test" not in notes.context_html
    assert stored_html_matches(notes)


def test_the_migration_renders_the_rows_already_stored(ray, meeting) -> None:
    services.shared_notes_save(
        actor=ray,
        notes=meeting.shared_notes,
        sections={"feedback": "*Kind*"},
        bases=meeting.shared_notes.sections(),
    )
    Meeting.objects.filter(pk=meeting.pk).update(summary="# Agreed", summary_html="")
    SharedNotes.objects.filter(meeting=meeting).update(feedback_html="")
    migration = importlib.import_module("rapport.meetings.migrations.0007_notes_html_stored")
    migration.render_every_text(apps, None)
    assert Meeting.objects.get(pk=meeting.pk).summary_html == "<h1>Agreed</h1>\n"
    assert stored_html_matches(SharedNotes.objects.get(meeting=meeting))
