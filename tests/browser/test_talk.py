"""In a real Chromium: the manager measures a 1:1 from a Teams transcript; the report sees it."""

from __future__ import annotations

import pytest

from rapport.meetings import services as meeting_services
from rapport.meetings.models import Meeting
from tests.browser.conftest import axe_violations
from tests.insights import samples

pytestmark = pytest.mark.browser


def test_a_manager_uploads_a_transcript_and_the_report_sees_their_share(
    page_for,
    mia,
    ray,
    meeting,
    tmp_path,
) -> None:
    meeting_services.meeting_start(actor=mia, meeting=meeting)
    meeting_services.meeting_complete(actor=mia, meeting=meeting, held_minutes=30)
    transcript = tmp_path / "teams.vtt"
    transcript.write_bytes(samples.TEAMS_VTT.encode("utf-8"))

    manager = page_for(mia)
    manager.goto(f"/meetings/{meeting.pk}/?mode=wrap")
    panel = manager.locator("#talk")
    panel.get_by_label("Transcript", exact=True).set_input_files(str(transcript))
    panel.get_by_role("button", name="Measure").click()
    panel.get_by_text("Who is who in this WebVTT transcript?").wait_for()
    assert axe_violations(manager) == []
    panel.get_by_label("Mia Manager: Team Lead is").select_option("manager")
    panel.get_by_label("Ray Report is").select_option("report")
    panel.get_by_role("button", name="Keep these figures").click()
    panel.get_by_text("You talked 44%").wait_for()
    assert "above 30%" in panel.inner_text()
    assert Meeting.objects.get(pk=meeting.pk).manager_talk_share == 44

    report = page_for(ray)
    report.goto(f"/meetings/{meeting.pk}/?mode=wrap")
    report.locator("#talk").get_by_text("You did 56% of the talking").wait_for()
    assert "30%" not in report.locator("#talk").inner_text()


def test_a_bad_transcript_is_explained_in_the_panel(page_for, mia, meeting, tmp_path) -> None:
    meeting_services.meeting_start(actor=mia, meeting=meeting)
    bad = tmp_path / "one.vtt"
    bad.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nMia Manager: Hello?\n")
    manager = page_for(mia)
    manager.goto(f"/meetings/{meeting.pk}/?mode=wrap")
    panel = manager.locator("#talk")
    panel.get_by_label("Transcript", exact=True).set_input_files(str(bad))
    panel.get_by_role("button", name="Measure").click()
    alert = panel.get_by_role("alert")
    alert.get_by_text("one.vtt:4: only one speaker (Mia Manager)").wait_for()
