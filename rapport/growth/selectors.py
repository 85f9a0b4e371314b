"""Reads of growth: a series' open plan, cadence suggestions, and the meeting page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from django.utils import timezone

from rapport import access
from rapport.framework import agenda as agenda_rules
from rapport.framework import documentation
from rapport.framework.agenda import held_minutes_from
from rapport.framework.cadence import ADJUSTMENT_REASONS, cadence_departs
from rapport.framework.levels import level_or_default
from rapport.growth.models import Feedback, Goal, ImprovementPlan, MeetingVisit
from rapport.meetings import selectors as meeting_selectors
from rapport.meetings.models import ActionItem, Meeting, PrivateNote, Series, SharedNotes
from rapport.people.models import Person

# How long a visit counts as "on the page": the page renews it while it is open and visible.
PRESENT_FOR = dt.timedelta(seconds=12)


def open_plan_for(series: Series) -> ImprovementPlan | None:
    """The series' open underperformance plan, if any (a reason to meet weekly)."""
    return ImprovementPlan.objects.filter(series=series, status=ImprovementPlan.Status.OPEN).first()


MOOD_WINDOW = 3  # the last held meetings compared with the ones before them
MOOD_DROP = 1.0  # on the 1-5 scale


@dataclass(frozen=True)
class CadenceSuggestion:
    """A change the data calls for, with the framework's reason to pre-fill the form."""

    key: str
    frequency_weeks: int
    reason: str
    why: str

    @property
    def reason_label(self) -> str:
        return dict(ADJUSTMENT_REASONS).get(self.reason, "")

    def form_initial(self, series: Series) -> dict[str, object]:
        """The cadence form's values with this suggestion applied."""
        return {
            "frequency_weeks": self.frequency_weeks,
            "duration_minutes": series.duration_minutes,
            "career_every_weeks": series.career_every_weeks,
            "weekday": series.weekday,
            "start_time": series.start_time,
            "reason": self.reason,
            "note": self.why,
        }


def _open_plan(series: Series) -> bool:
    return open_plan_for(series) is not None


def _mood_dropped(series: Series) -> bool:
    moods = list(
        series.meetings.filter(status=Meeting.Status.HELD, mood__isnull=False)
        .order_by("-scheduled_at")
        .values_list("mood", flat=True)[: MOOD_WINDOW * 2]
    )
    if len(moods) < MOOD_WINDOW + 1:
        return False
    recent, before = moods[:MOOD_WINDOW], moods[MOOD_WINDOW:]
    return sum(before) / len(before) - sum(recent) / len(recent) >= MOOD_DROP


def _reason_for_weekly(series: Series) -> str:
    """No reason once weekly brings the series back to its level's cadence, else its own."""
    departs = cadence_departs(
        level_or_default(series.report.level),
        frequency_weeks=1,
        duration_minutes=series.duration_minutes,
        career_every_weeks=series.career_every_weeks,
    )
    return series.cadence_reason if departs else ""


def cadence_suggestions(series: Series) -> list[CadenceSuggestion]:
    """What Rapport suggests for this series' cadence, most pressing first (may be empty)."""
    if not series.is_open or series.frequency_weeks == 1:
        return []
    report = series.report
    rules = (
        (
            _open_plan(series),
            "plan",
            "performance_concern",
            "An underperformance plan is open: meet weekly to check in on it.",
        ),
        (
            report.level == "junior",
            "junior",
            _reason_for_weekly(series),
            "The framework meets juniors every week.",
        ),
        (
            _mood_dropped(series),
            "mood",
            "individual_needs",
            f"{report.first_name}'s mood dropped over the last {MOOD_WINDOW} 1:1s: "
            "meet more often for a while.",
        ),
        (
            report.remote,
            "remote",
            "remote",
            f"{report.first_name} works remotely: weekly 1:1s keep the connection.",
        ),
    )
    return [
        CadenceSuggestion(key=key, frequency_weeks=1, reason=reason, why=why)
        for applies, key, reason, why in rules
        if applies
    ]


def people_on_meeting_page(
    *, viewer: Person, meeting: Meeting, now: dt.datetime | None = None
) -> set[int]:
    """The other participants (their ids) whose page of this meeting is open now."""
    now = now or timezone.now()
    series = meeting.series
    others = {series.manager_id, series.report_id} - {viewer.pk}
    return set(
        MeetingVisit.objects.filter(
            meeting=meeting, person_id__in=others, last_seen_at__gte=now - PRESENT_FOR
        ).values_list("person_id", flat=True)
    )


# The meeting page ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CareerNeeds:
    """What a career 1:1's parts show beside them: the current goal, recent feedback, the plan.

    Each part's side panel is a small template (`web/meeting/career/<part>.html`) that reads
    these; more (a ladder, progress) can join them without touching the page.
    """

    goal: Goal | None
    recent_feedback: list[Feedback]
    plan: ImprovementPlan | None


RECENT_FEEDBACK = 3


def career_needs(viewer: Person, meeting: Meeting) -> CareerNeeds:
    series = meeting.series
    return CareerNeeds(
        goal=Goal.objects.filter(series=series, achieved_at__isnull=True)
        .order_by("-created_at", "-pk")
        .first(),
        recent_feedback=list(
            access.feedback_visible_to(viewer)
            .filter(series=series)
            .order_by("-created_at", "-pk")[:RECENT_FEEDBACK]
        ),
        plan=open_plan_for(series),
    )


@dataclass(frozen=True, slots=True)
class MeetingPage:
    """Everything the meeting page shows, in a fixed number of queries.

    Built from the meeting parts of `meetings.selectors` plus what growth knows
    (who else is on the page). The template renders its fields by name (`context()`).
    """

    people: meeting_selectors.MeetingPeople
    agenda: meeting_selectors.MeetingAgenda
    meeting: Meeting
    mode: str
    previous: Meeting | None
    next: Meeting | None
    moved_to: Meeting | None
    moved_from: Meeting | None
    cancelled_by: Person | None
    notes: SharedNotes
    note_groups: list[meeting_selectors.NoteGroup]
    notes_written: bool
    private_note: PrivateNote | None
    opening_items: list[ActionItem]
    meeting_items: list[ActionItem]
    plan: tuple[agenda_rules.Timebox, ...]
    split: tuple[agenda_rules.SplitPart, ...] | None
    timer: meeting_selectors.TimerState
    timer_hash: str
    on_day_away: bool
    live_since: str
    other_present: bool
    presence: str
    # What the "Mark held" form proposes: the minutes since the start, else as planned.
    held_minutes_guess: int
    wrap_up: meeting_selectors.WrapUp | None = None
    career: CareerNeeds | None = None
    notes_conflict: dict[str, Any] | None = None
    private_conflict: dict[str, Any] | None = None
    private_draft: str | None = None

    def context(self) -> dict[str, Any]:
        """The page's fields by name, its parts flattened, as the templates read them."""
        names = {f.name for f in fields(self)} - {"people", "agenda", "wrap_up"}
        flat: dict[str, Any] = {name: getattr(self, name) for name in names}
        # The framework's constants the page quotes.
        flat.update(
            mood_labels=agenda_rules.MOOD_LABELS,
            structure=agenda_rules,
            documentation=documentation,
            modes=meeting_selectors.MODE_TITLES,
        )
        for part in (self.people, self.agenda, self.wrap_up):
            if part is not None:
                flat.update({f.name: getattr(part, f.name) for f in fields(part)})
        return flat


def meeting_page(
    viewer: Person,
    meeting: Meeting,
    *,
    mode: str = "",
    notes_conflict: dict[str, Any] | None = None,
    typed_notes: dict[str, str] | None = None,
    private_conflict: dict[str, Any] | None = None,
    private_draft: str | None = None,
    now: dt.datetime | None = None,
) -> MeetingPage:
    """The meeting page in one of its modes (default: the meeting's own), for the viewer.

    `typed_notes` overlays the editor with text the viewer typed (after a conflict).
    """
    now = now or timezone.now()
    meetings = access.meetings_visible_to(viewer)
    items = access.action_items_visible_to(viewer)
    notes = access.shared_notes_for(viewer, meeting.pk)
    people = meeting_selectors.meeting_people(viewer, meeting)
    agenda = meeting_selectors.meeting_agenda(viewer, meeting)
    meeting_items = meeting_selectors.meeting_items(viewer, meeting)
    timer = meeting_selectors.meeting_timer(meeting, people.voice, now=now)
    present = people_on_meeting_page(viewer=viewer, meeting=meeting, now=now)
    mode = mode if mode in meeting_selectors.MODES else meeting_selectors.default_mode(meeting)
    started = meeting.started_at
    return MeetingPage(
        people=people,
        agenda=agenda,
        meeting=meeting,
        mode=mode,
        previous=meetings.before(meeting).first(),
        next=meetings.after(meeting).first(),
        moved_to=meetings.filter(pk=meeting.moved_to_id).first() if meeting.moved_to_id else None,
        moved_from=meetings.filter(moved_to=meeting).select_related("cancelled_by").first(),
        cancelled_by=meeting.cancelled_by if meeting.cancelled_by_id else None,
        notes=notes,
        note_groups=meeting_selectors.note_groups(
            notes,
            {**notes.sections(), **typed_notes} if typed_notes is not None else None,
            career=meeting.is_career,
        ),
        notes_written=any(notes.sections().values()),
        private_note=access.private_note_for(viewer, meeting),
        opening_items=list(items.in_opening_of(meeting)),
        meeting_items=meeting_items,
        plan=people.voice.plan(meeting_selectors.plan_for(meeting)),
        split=agenda_rules.TIME_SPLITS.get(meeting.series.report.level),
        timer=timer,
        timer_hash=meeting_selectors.live_hash(timer, meeting_items),
        on_day_away=meeting.is_open
        and meeting.pk in meeting_selectors.meetings_on_days_away([meeting]),
        live_since=meeting_selectors.live_since(notes, present),
        other_present=bool(present),
        presence=meeting_selectors.presence_sentence(people, present),
        held_minutes_guess=held_minutes_from((now - started).total_seconds())
        if started
        else meeting.duration_minutes,
        wrap_up=meeting_selectors.meeting_wrap_up(
            viewer,
            meeting,
            topics=agenda.topics,
            notes=notes,
            items=meeting_items,
            plan=people.voice.plan(meeting_selectors.plan_for(meeting)),
            now=now,
        )
        if mode == "wrap"
        else None,
        career=career_needs(viewer, meeting) if meeting.is_career else None,
        notes_conflict=notes_conflict,
        private_conflict=private_conflict,
        private_draft=private_draft,
    )
