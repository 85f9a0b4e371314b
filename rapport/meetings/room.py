"""The meeting room: modes, the shared section timer and wrap-up."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from rapport import access
from rapport.framework import agenda as agenda_rules
from rapport.framework.documentation import recap_markdown
from rapport.meetings import wording
from rapport.meetings.models import ActionItem, Meeting, SharedNotes, Topic
from rapport.meetings.services import ServiceError
from rapport.people.models import Person

MODES: tuple[str, ...] = ("prepare", "run", "wrap")
MODE_TITLES: dict[str, str] = {"prepare": "Prepare", "run": "Run", "wrap": "Wrap up"}
SUMMARY_LIMIT = 20_000


# Reading -----------------------------------------------------------------------


def default_mode(meeting: Meeting) -> str:
    """Before the start: prepare; started and not held: run; held (or called off): wrap."""
    if meeting.status == Meeting.Status.SCHEDULED:
        return "run" if meeting.started_at else "prepare"
    return "wrap"


def plan_for(meeting: Meeting) -> tuple[agenda_rules.Timebox, ...]:
    """The framework's timeboxes for this meeting's length, kind and the report's level."""
    try:
        return agenda_rules.agenda_plan(
            duration_minutes=meeting.duration_minutes,
            kind=meeting.kind,
            level=meeting.series.report.level or "confirmed",
        )
    except ValueError:  # a length outside what the framework plans for
        return ()


@dataclass(frozen=True, slots=True)
class SplitRow:
    """One slice of the level's split: the target share and the share of discussed topics."""

    key: str
    label: str
    target: int
    actual: int | None


def actual_split(level: str, topics: Iterable[Topic]) -> list[SplitRow]:
    """The level's target split beside the split of discussed topics tagged by kind."""
    split = agenda_rules.TIME_SPLITS.get(level or "confirmed", ())
    counts = Counter(topic.kind for topic in topics if topic.discussed and topic.kind)
    tagged = sum(counts[part.key] for part in split)
    return [
        SplitRow(
            part.key,
            part.label,
            part.percent,
            round(100 * counts[part.key] / tagged) if tagged else None,
        )
        for part in split
    ]


def report_share(topics: list[Topic], report_id: int) -> int | None:
    """The percentage of the agenda the report wrote (None for an empty agenda)."""
    if not topics:
        return None
    return round(100 * sum(1 for t in topics if t.author_id == report_id) / len(topics))


def recap(
    meeting: Meeting,
    notes: SharedNotes,
    items: Iterable[ActionItem],
    *,
    viewer: Person | None = None,
) -> str:
    """The shared recap in the seed's documentation template, written for the viewer.

    The manager's recap is the guide's template ("1:1 with Ray", "Their Topics");
    the report's names the manager and calls the report's topics "My Topics".
    Without a viewer, the manager's.
    """
    series = meeting.series
    voice = wording.voice_for(viewer or series.manager, series)
    other = series.report if voice.is_manager else series.manager
    return recap_markdown(
        name=other.name,
        headings=voice.recap_headings(),
        date=timezone.localtime(meeting.scheduled_at).date().isoformat(),
        sections=notes.sections(),
        action_items=[
            (
                item.owner.name,
                item.text,
                item.due_on.isoformat() if item.due_on else None,
                item.status == ActionItem.Status.DONE,
            )
            for item in items
        ],
    )


# Running -----------------------------------------------------------------------


@transaction.atomic
def meeting_set_section(
    *, actor: Person, meeting: Meeting, section: str, now: dt.datetime | None = None
) -> Meeting:
    """Move the shared timer to a section of the plan; either participant may."""
    access.meeting_check_change(actor, meeting)
    if meeting.status != Meeting.Status.SCHEDULED or meeting.started_at is None:
        raise ServiceError("Start the meeting first: the timer runs during the meeting.")
    keys = [box.key for box in plan_for(meeting)]
    if section not in keys:
        raise ServiceError("That is not a part of this meeting's plan.")
    meeting.section = section
    meeting.section_started_at = now or timezone.now()
    meeting.save(update_fields=["section", "section_started_at"])
    return meeting


@transaction.atomic
def meeting_set_video_link(*, actor: Person, meeting: Meeting, video_link: str) -> Meeting:
    """Set (or clear) the link both people join the call with."""
    access.meeting_check_change(actor, meeting)
    link = video_link.strip()
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            raise ServiceError("A video link is a full web address, starting https://") from None
        if len(link) > 200:
            raise ServiceError("A video link is limited to 200 characters.")
    meeting.video_link = link
    meeting.save(update_fields=["video_link"])
    return meeting


@transaction.atomic
def meeting_set_summary(*, actor: Person, meeting: Meeting, summary: str) -> Meeting:
    """Write the summary of key points (Markdown), shared by both people."""
    access.meeting_check_change(actor, meeting)
    if meeting.is_called_off:
        raise ServiceError("This meeting did not take place.")
    if len(summary) > SUMMARY_LIMIT:
        raise ServiceError(f"A summary is limited to {SUMMARY_LIMIT:,} characters.")
    meeting.summary = summary.strip()
    meeting.save(update_fields=["summary"])
    return meeting
