"""A person's own export: everything about them as JSON, and every 1:1 as Markdown.

The format is documented in docs/person-export.md; `FORMAT_VERSION` rises with any change
that could break a reader.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from rapport import access
from rapport.framework.documentation import PRIVATE_NOTES_HEADING
from rapport.growth.models import Feedback, ImprovementPlan
from rapport.meetings import selectors as meeting_selectors
from rapport.meetings.models import ActionItem, Meeting, SharedNotes, Topic
from rapport.notifications.models import MailPreference
from rapport.people import keys
from rapport.people.models import AuditEvent, Person
from rapport.privacy.career_export import career_records

FORMAT = "rapport-person-export"
FORMAT_VERSION = 2
OWN_NOTE_HEADING = "My Private Notes"


@dataclass
class PersonExport:
    """What `person_export` gathered: the JSON document and one Markdown file per 1:1."""

    person: Person
    data: dict[str, Any]
    markdown: dict[str, str] = field(default_factory=dict)
    career_markdown: dict[str, str] = field(default_factory=dict)

    def json_text(self) -> str:
        return json.dumps(self.data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False) + "\n"

    def zip_bytes(self) -> bytes:
        """data.json, meetings/*.md and a README, in one zip file."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("README.txt", _readme(self))
            archive.writestr("data.json", self.json_text())
            for name, text in self.markdown.items():
                archive.writestr(f"meetings/{name}", text)
            for name, text in self.career_markdown.items():
                archive.writestr(f"career/{name}", text)
        return buffer.getvalue()

    @property
    def filename(self) -> str:
        stamp = self.data["exported_at"][:10]
        return f"rapport-{_slug(self.person.name) or 'me'}-{stamp}.zip"


def _readme(export: PersonExport) -> str:
    return (
        f"Everything Rapport holds about {export.person.name}, exported "
        f"{export.data['exported_at']}.\n\n"
        "data.json  - all of it as JSON (format rapport-person-export, version "
        f"{FORMAT_VERSION}; described in Rapport's docs/person-export.md)\n"
        "meetings/  - every 1:1 in the guide's documentation template, with your own\n"
        "             private notes (nobody else's) under their own heading\n"
        "career/    - each 1:1's career records: aspirations, ladder views, self-assessments,\n"
        "             goals, the development plan, peer feedback summaries, retrospectives,\n"
        "             feedback (never a colleague's own answers: those stay with the manager)\n\n"
        "This file holds your private notes in plain text: keep it somewhere only you can read.\n"
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40]


def _who(person: Person | None) -> dict[str, Any] | None:
    return None if person is None else {"id": person.pk, "name": person.name}


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _note_text(sealed: str, author_id: int) -> str | None:
    try:
        return keys.unseal(sealed, author_id=author_id)
    except keys.SealError:
        return None  # its key is missing: the export says so rather than failing whole


def person_export(*, viewer: Person, person: Person) -> PersonExport:
    """Everything about the person, for the person themselves (Refused for anyone else)."""
    access.person_check_own_export(viewer, person)
    series_list = list(access.series_visible_to(person).order_by("started_on", "pk"))
    meetings = list(
        access.meetings_visible_to(person)
        .select_related("cancelled_by", "talk_measure")
        .order_by("scheduled_at", "pk")
    )
    meeting_ids = [meeting.pk for meeting in meetings]
    topics = _by(Topic.objects.filter(meeting_id__in=meeting_ids).select_related("author"))
    notes = {n.meeting_id: n for n in SharedNotes.objects.filter(meeting_id__in=meeting_ids)}
    private = {n.meeting_id: n for n in access.private_notes_visible_to(person)}
    items = list(access.action_items_visible_to(person).select_related("owner").order_by("pk"))
    series_ids = [series.pk for series in series_list]
    plans = ImprovementPlan.objects.filter(series_id__in=series_ids).order_by("pk")
    career = career_records(person, series_ids)
    feedback: dict[int, list[Feedback]] = {}
    for given in career.feedback.values():
        for record in given:
            feedback.setdefault(record.meeting_id, []).append(record)
    meetings_of: dict[int, list[dict[str, Any]]] = {}
    markdown: dict[str, str] = {}
    for meeting in meetings:
        note = private.get(meeting.pk)
        note_text = _note_text(note.sealed_body, person.pk) if note else ""
        shared = notes.get(meeting.pk)
        meetings_of.setdefault(meeting.series_id, []).append(
            _meeting_data(
                meeting,
                topics.get(meeting.pk, []),
                shared,
                note,
                note_text,
                feedback.get(meeting.pk, []),
            )
        )
        if (
            meeting.status != Meeting.Status.SCHEDULED
            or (shared is not None and any(shared.sections().values()))
            or note_text
            or meeting.pk in topics
        ):
            name, text = _meeting_markdown(person, meeting, shared, items, note, note_text)
            markdown[name] = text
    data = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "person": _person_data(person),
        "days_away": [
            {"starts_on": a.starts_on, "ends_on": a.ends_on, "note": a.note}
            for a in access.absences_visible_to(person).order_by("starts_on")
        ],
        "mail_preferences": [
            {"kind": p.kind, "enabled": p.enabled}
            for p in MailPreference.objects.filter(person=person).order_by("kind")
        ],
        "series": [
            {
                **_series_data(person, series, meetings_of.get(series.pk, []), items, plans),
                **career.data_of(series.pk),
            }
            for series in series_list
        ],
        "audit": [
            _audit_data(event, person)
            for event in access.audit_events_visible_to(person).select_related("actor")
        ],
    }
    career_markdown = {
        _career_file(person, series): career.markdown_of(person, series)
        for series in series_list
        if career.holds(series.pk)
    }
    return PersonExport(
        person=person, data=data, markdown=markdown, career_markdown=career_markdown
    )


def _career_file(person: Person, series: Any) -> str:
    other = series.report if series.manager_id == person.pk else series.manager
    name = _slug(other.name) or "someone"
    return f"{series.started_on.isoformat()}-career-with-{name}-{series.pk}.md"


def _by(queryset: Any) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = {}
    for row in queryset.order_by("pk"):
        grouped.setdefault(row.meeting_id, []).append(row)
    return grouped


def _person_data(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "email": person.email,
        "name": person.name,
        "level": person.level,
        "timezone": person.timezone,
        "remote": person.remote,
        "is_org_admin": person.is_org_admin,
        "is_active": person.is_active,
        "date_joined": person.date_joined,
        "manager": _who(person.manager),
        "organisation": {"id": person.organisation_id, "name": person.organisation.name},
        "calendar_feed": bool(person.calendar_token),
        "erasure_requested_at": person.erasure_requested_at,
    }


def _series_data(
    person: Person, series: Any, meetings: list, items: list, plans: Any
) -> dict[str, Any]:
    return {
        "id": series.pk,
        "role": "manager" if series.manager_id == person.pk else "report",
        "manager": _who(series.manager),
        "report": _who(series.report),
        "started_on": series.started_on,
        "ended_on": series.ended_on,
        "cadence": {
            "frequency_weeks": series.frequency_weeks,
            "duration_minutes": series.duration_minutes,
            "career_every_weeks": series.career_every_weeks,
            "weekday": series.weekday,
            "start_time": series.start_time,
            "timezone": series.timezone,
            "reason": series.cadence_reason,
            "note": series.cadence_note,
        },
        "video_link": series.video_link,
        "meetings": meetings,
        "action_items": [
            {
                "id": item.pk,
                "meeting_id": item.meeting_id,
                "owner": _who(item.owner),
                "text": item.text,
                "due_on": item.due_on,
                "status": item.status,
                "done_on": item.done_on,
                "created_at": item.created_at,
            }
            for item in items
            if item.series_id == series.pk
        ],
        "improvement_plans": [
            {
                "id": p.pk,
                "expectations": p.expectations,
                "starts_on": p.starts_on,
                "ends_on": p.ends_on,
                "status": p.status,
                "created_at": p.created_at,
            }
            for p in plans
            if p.series_id == series.pk
        ],
    }


def _meeting_data(
    meeting: Meeting,
    topics: list[Topic],
    shared: SharedNotes | None,
    note: Any,
    note_text: str | None,
    feedback: list[Feedback],
) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "scheduled_at": meeting.scheduled_at,
        "duration_minutes": meeting.duration_minutes,
        "kind": meeting.kind,
        "status": meeting.status,
        "started_at": meeting.started_at,
        "ended_at": meeting.ended_at,
        "held_minutes": meeting.held_minutes,
        "mood": meeting.mood,
        "manager_talk_share": meeting.manager_talk_share,
        "cancelled_by": _who(meeting.cancelled_by),
        "cancelled_at": meeting.cancelled_at,
        "cancel_reason": meeting.cancel_reason,
        "notice_hours": meeting.notice_hours,
        "summary": meeting.summary,
        "topics": [
            {
                "id": t.pk,
                "author": _who(t.author),
                "text": t.text,
                "kind": t.kind,
                "added_before_start": t.added_before_start,
                "discussed": t.discussed,
                "created_at": t.created_at,
            }
            for t in topics
        ],
        "shared_notes": shared.sections() if shared else None,
        # Only the exporting person's own note; null when they wrote none, or when its key
        # is missing (see "note_unavailable").
        "my_private_note": note_text if note else None,
        "note_unavailable": bool(note) and note_text is None,
        "feedback": [
            {
                "id": f.pk,
                "given_by": _who(f.given_by),
                "given_to": _who(f.given_to),
                "kind": f.kind,
                "situation": f.situation,
                "behaviour": f.behaviour,
                "impact": f.impact,
                "acknowledged_at": f.acknowledged_at,
                "acted_on_at": f.acted_on_at,
                "acted_on_note": f.acted_on_note,
                "created_at": f.created_at,
            }
            for f in feedback
        ],
    }


def _meeting_markdown(
    person: Person,
    meeting: Meeting,
    shared: SharedNotes | None,
    items: list[ActionItem],
    note: Any,
    note_text: str | None,
) -> tuple[str, str]:
    series = meeting.series
    mine = [item for item in items if item.meeting_id == meeting.pk]
    text = meeting_selectors.recap(
        meeting, shared or SharedNotes(meeting=meeting), mine, viewer=person
    )
    if note:
        heading = PRIVATE_NOTES_HEADING if series.manager_id == person.pk else OWN_NOTE_HEADING
        body = (
            note_text
            if note_text is not None
            else "(This note cannot be opened: its key is missing.)"
        )
        if body.strip():
            text += f"\n### {heading}\n{body.strip()}\n"
    other = series.report if series.manager_id == person.pk else series.manager
    day = timezone.localtime(meeting.scheduled_at).date().isoformat()
    return f"{day}-1on1-with-{_slug(other.name) or 'someone'}-{meeting.pk}.md", text


def _audit_data(event: AuditEvent, person: Person) -> dict[str, Any]:
    return {
        "at": event.at,
        "actor": _who(event.actor),
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "ip": event.ip if access.audit_address_shown_to(person, event) else "",
        "via": event.via,
    }
