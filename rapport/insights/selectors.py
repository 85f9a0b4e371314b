"""Reads of insights: the meeting's talk panel, worded for whoever looks at it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapport import access
from rapport.framework.agenda import (
    IC_TALK_SHARE,
    MANAGER_TALK_SHARE,
    TALK_RULE,
    breaks_talk_rule,
)
from rapport.insights.models import TalkMeasure
from rapport.insights.transcripts import FORMAT_LABELS
from rapport.meetings.models import Meeting, Series
from rapport.people.models import Person


@dataclass(frozen=True, slots=True)
class TalkPanel:
    """What the meeting's talk panel shows; `breaks_rule` is for the manager's eyes only."""

    meeting: Meeting
    is_manager: bool
    can_record: bool
    manager_share: int | None
    source: str
    transcript_label: str
    manager_word_share: int | None
    manager_talk_time: str
    total_talk_time: str
    breaks_rule: bool | None
    manager_rule: int = MANAGER_TALK_SHARE
    report_rule: int = IC_TALK_SHARE
    rule: str = TALK_RULE

    @property
    def measured(self) -> bool:
        return self.manager_share is not None

    @property
    def report_share(self) -> int | None:
        return None if self.manager_share is None else 100 - self.manager_share

    @property
    def from_transcript(self) -> bool:
        return self.source == TalkMeasure.Source.TRANSCRIPT


def talk_refusal(meeting: Meeting) -> str:
    """Why the talk of this meeting cannot be measured; empty when it can."""
    if meeting.is_called_off:
        return "This 1:1 did not take place: there is no talk to measure."
    if meeting.status == Meeting.Status.SCHEDULED and meeting.started_at is None:
        return "Measure who did the talking once the 1:1 has taken place."
    return ""


def talk_panel_for(viewer: Person, meeting: Meeting) -> TalkPanel:
    """The talk share of a meeting the viewer takes part in (fetched through access first)."""
    is_manager = access.is_manager_in(viewer, meeting.series)
    measure = TalkMeasure.objects.filter(meeting=meeting).first()
    share = meeting.manager_talk_share
    timed = measure is not None and measure.manager_seconds is not None
    total = (measure.manager_seconds or 0) + (measure.report_seconds or 0) if timed else 0
    return TalkPanel(
        meeting=meeting,
        is_manager=is_manager,
        can_record=is_manager and meeting.series.is_open and not talk_refusal(meeting),
        manager_share=share,
        source=measure.source if measure else "",
        transcript_label=FORMAT_LABELS.get(measure.transcript_format, "") if measure else "",
        manager_word_share=measure.manager_word_share if measure else None,
        manager_talk_time=_duration(measure.manager_seconds) if timed else "",
        total_talk_time=_duration(total) if timed else "",
        breaks_rule=breaks_talk_rule(share) if is_manager and share is not None else None,
    )


def _duration(seconds: int) -> str:
    """Talk time in words: seconds for a short stretch, minutes otherwise."""
    if seconds < 120:
        return f"{seconds} s"
    return f"{round(seconds / 60)} min"


def speaker_sides_remembered(
    viewer: Person, series: Series, names: Iterable[str]
) -> dict[str, str]:
    """The side each of these speakers had in the series' last upload, for the manager."""
    rows = access.speaker_sides_visible_to(viewer).filter(series=series, speaker__in=list(names))
    return {row.speaker: row.side for row in rows}
