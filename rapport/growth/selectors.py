"""Reads of growth: checklists and preparation, questions in context, a series' open plan,
what the data suggests for its cadence, the career pages (goals, plan, feedback log, peer
feedback), and the pages built on them (home, a 1:1's page, the meeting page, the coaching
panels), each assembled into one typed object."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from rapport import access, compiled
from rapport.career import selectors as career_selectors
from rapport.errors import Refused
from rapport.framework import agenda as agenda_rules
from rapport.framework import documentation
from rapport.framework import questions as bank
from rapport.framework import remote as remote_rules
from rapport.framework.agenda import held_minutes_from
from rapport.framework.aspirations import ASPIRATION_QUESTIONS
from rapport.framework.cadence import (
    ADJUSTMENT_REASONS,
    Cadence,
    cadence_departs,
    cadence_for_level,
)
from rapport.framework.checklists import (
    CHECKLIST_PHASES,
    IC_PREPARATION,
    MANAGER_PREPARATION,
    MANAGER_PREPARATION_MINUTES,
    PRE_MEETING,
    ChecklistItem,
)
from rapport.framework.goals import DEFAULT_AREAS, GOAL_STALE_AFTER, area_label, goal_is_stale
from rapport.framework.ladder import POSITIONS
from rapport.framework.levels import LEVEL_LABELS, level_or_default
from rapport.framework.playbooks import PLAYBOOKS
from rapport.growth.models import (
    ChecklistTick,
    DevelopmentPlan,
    Feedback,
    Goal,
    GoalChange,
    GoalProgress,
    ImprovementPlan,
    MeetingVisit,
    OrgQuestion,
    PeerAnswer,
    PeerRequest,
    PeerSummary,
    PlanChange,
    QuestionAsked,
)
from rapport.meetings import scheduling, wording
from rapport.meetings import selectors as meeting_selectors
from rapport.meetings.models import ActionItem, Meeting, PrivateNote, Series, SharedNotes, Topic
from rapport.people import audit
from rapport.people.models import AuditEvent, Person
from rapport.people.selectors import page_number

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
            **series_cadence(series),
            "frequency_weeks": self.frequency_weeks,
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
    return presence_on_page(viewer=viewer, meeting=meeting, now=now).present


@dataclass(frozen=True, slots=True)
class Presence:
    """Who else has the meeting's page open, and when the viewer's own visit was renewed:
    what an open page asks every few seconds, read in one query."""

    present: set[int]
    seen_at: dt.datetime | None  # None when the viewer has no visit (not a participant)

    @classmethod
    def of(cls, seen: dict[int, dt.datetime | None], viewer: Person, now: dt.datetime) -> Presence:
        """From when each person's visit was last renewed (None: no visit)."""
        since = now - PRESENT_FOR
        return cls(
            present={
                person
                for person, at in seen.items()
                if person != viewer.pk and at is not None and at >= since
            },
            seen_at=seen.get(viewer.pk),
        )


def presence_on_page(
    *, viewer: Person, meeting: Meeting, now: dt.datetime | None = None
) -> Presence:
    now = now or timezone.now()
    series = meeting.series
    people = sorted({series.manager_id, series.report_id, viewer.pk})
    return Presence.of(dict(compiled.rows(_visits_of, meeting.pk, people)), viewer, now)


def live_poll(
    viewer: Person, meeting_id: object, *, now: dt.datetime
) -> tuple[Meeting, int, Presence]:
    """The live notes' poll: the meeting (as `meeting_selectors.live_version`), its notes'
    version and who else is on its page (as `presence_on_page`), in one query."""
    meeting, version = meeting_selectors.live_version(viewer, meeting_id, _participant_visits)
    series = meeting.series
    seen = {
        series.manager_id: meeting.manager_seen_at,
        series.report_id: meeting.report_seen_at,
    }
    return meeting, version, Presence.of(seen, viewer, now)


def _participant_visits() -> dict[str, Any]:
    # A poll's meeting row: when each participant's visit to it was last renewed.
    visits = MeetingVisit.objects.filter(meeting_id=OuterRef("pk")).values("last_seen_at")
    return {
        f"{role}_seen_at": Subquery(visits.filter(person_id=OuterRef(f"series__{role}_id"))[:1])
        for role in ("manager", "report")
    }


def _visits_of(meeting: int, people: list[int]) -> QuerySet:
    return MeetingVisit.objects.filter(meeting_id=meeting, person_id__in=people).values_list(
        "person_id", "last_seen_at"
    )


# The meeting page ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MeetingOpened:
    """What opening the meeting page reads in its first query: the shared notes (with the
    meeting, its series and both people), and beside them the viewer's own visit and
    private note, who else is on the page and whether this read is already recorded."""

    notes: SharedNotes
    # When the viewer's visit was last renewed (None: never seen), for `meeting_seen`.
    seen_at: dt.datetime | None
    present: set[int]
    private_note: PrivateNote | None
    # The audit trail holds this read already: recording it again would fold into it.
    read_recorded: bool
    # Either person is away near the meeting's day: whether it falls on one is worth a look.
    maybe_away: bool


# The columns of the viewer's private note read with the page (`private_note_for`'s).
_PRIVATE_NOTE_FIELDS = ("id", "sealed_body", "version", "updated_at")


def meeting_opened(viewer: Person, meeting_id: object, *, now: dt.datetime) -> MeetingOpened:
    """The meeting page's first read, in one query (404 as `access.shared_notes_for`)."""
    notes = access.shared_notes_for(
        viewer,
        meeting_id,
        now - PRESENT_FOR,
        audit.fold_window(now),
        now,
        annotate=_opened_annotations,
    )
    meeting = notes.meeting
    note = None
    if notes.private_id is not None:
        read = {name: getattr(notes, f"private_{name}") for name in _PRIVATE_NOTE_FIELDS}
        columns = {**read, "meeting_id": meeting.pk, "author_id": viewer.pk}
        names = [f.attname for f in PrivateNote._meta.concrete_fields]
        note = PrivateNote.from_db(notes._state.db, names, [columns[name] for name in names])
    series = meeting.series
    other = series.report_id if series.manager_id == viewer.pk else series.manager_id
    return MeetingOpened(
        notes=notes,
        seen_at=notes.seen_at,
        present={other} if notes.other_present else set(),
        private_note=note,
        read_recorded=notes.read_recorded,
        maybe_away=notes.maybe_away,
    )


def _opened_annotations(
    viewer: Person, present_since: dt.datetime, fold_since: dt.datetime, now: dt.datetime
) -> dict[str, Any]:
    meeting = OuterRef("meeting_id")
    visits = MeetingVisit.objects.filter(meeting_id=meeting)
    participants = Q(person_id=OuterRef("meeting__series__manager_id")) | Q(
        person_id=OuterRef("meeting__series__report_id")
    )
    # One note per author and meeting: no order needed.
    own_note = access.private_notes_visible_to(viewer).filter(meeting_id=meeting)
    return {
        "seen_at": Subquery(visits.filter(person=viewer).values("last_seen_at")[:1]),
        # As `people_on_meeting_page`: the other participant's visit, renewed lately.
        "other_present": Exists(
            visits.filter(participants, last_seen_at__gte=present_since).exclude(person=viewer)
        ),
        "read_recorded": audit.recorded_read(
            viewer,
            AuditEvent.Action.MEETING_VIEW,
            subject=OuterRef("meeting__series__report_id"),
            target_type=Meeting._meta.model_name,
            target_id=meeting,
            since=fold_since,
            until=now,
        ),
        "maybe_away": meeting_selectors.maybe_on_day_away("meeting"),
        **{f"private_{name}": Subquery(own_note.values(name)[:1]) for name in _PRIVATE_NOTE_FIELDS},
    }


@dataclass(frozen=True, slots=True)
class CareerNeeds:
    """What a career 1:1's four parts show and edit in place, each beside its part.

    Progress review: the IC's goals with their progress (`goals`). Feedback exchange: recent
    feedback, the IC's self-assessment beside the manager's ladder view per area
    (`ladder`), the peer feedback summary. Forward planning: the development plan
    (`goals.plan`) and an improvement plan when one is open. Each part's side panel is a
    small template (`web/meeting/career/<part>.html`) that reads these; its forms post to
    the goals, career and peer pages' own addresses and come back to the meeting.
    """

    goal: Goal | None
    recent_feedback: list[Feedback]
    plan: ImprovementPlan | None
    goals: GoalsPage | None = None
    ladder: career_selectors.CareerPage | None = None
    peer_summary: PeerSummary | None = None


RECENT_FEEDBACK = 3


def career_needs(viewer: Person, meeting: Meeting) -> CareerNeeds:
    series = meeting.series
    goals = goals_page(viewer, series)
    return CareerNeeds(
        goal=goals.active[0].goal if goals.active else None,
        recent_feedback=list(
            access.feedback_visible_to(viewer)
            .filter(series=series)
            .select_related("given_by", "given_to")
            .order_by("-created_at", "-pk")[:RECENT_FEEDBACK]
        ),
        plan=open_plan_for(series),
        goals=goals,
        ladder=career_selectors.career_page(viewer, series),
        peer_summary=access.peer_summaries_visible_to(viewer)
        .filter(series=series)
        .select_related("written_by")
        .order_by("-written_at", "-pk")
        .first(),
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
    # Who is away on the meeting's day, in the viewer's words ("" when nobody is).
    on_day_away: str
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
    notes: SharedNotes | None = None,
    opened: MeetingOpened | None = None,
    now: dt.datetime | None = None,
) -> MeetingPage:
    """The meeting page in one of its modes (default: the meeting's own), for the viewer.

    `typed_notes` overlays the editor with text the viewer typed (after a conflict);
    `notes`, the meeting's shared notes when the caller fetched the meeting with them;
    `opened`, what `meeting_opened` read (the notes, presence and private note) when the
    page was opened with it.
    """
    now = now or timezone.now()
    if opened is not None:
        notes = opened.notes
    elif notes is None:
        notes = access.shared_notes_for(viewer, meeting.pk)
    people = meeting_selectors.meeting_people(viewer, meeting)
    # Who saved the notes last is nearly always one of the two people, already read.
    if (saved_by := meeting_selectors.participant(meeting.series, notes.updated_by_id)) is not None:
        notes.updated_by = saved_by
    agenda = meeting_selectors.meeting_agenda(viewer, meeting)
    meeting_items, opening_items = meeting_selectors.meeting_and_opening_items(viewer, meeting)
    neighbours = meeting_selectors.meeting_neighbours(viewer, meeting)
    timer = meeting_selectors.meeting_timer(meeting, people.voice, now=now)
    if opened is not None:
        present = opened.present
    else:
        present = people_on_meeting_page(viewer=viewer, meeting=meeting, now=now)
    mode = mode if mode in meeting_selectors.MODES else meeting_selectors.default_mode(meeting)
    started = meeting.started_at
    return MeetingPage(
        people=people,
        agenda=agenda,
        meeting=meeting,
        mode=mode,
        previous=neighbours.previous,
        next=neighbours.next,
        moved_to=neighbours.moved_to,
        moved_from=neighbours.moved_from,
        cancelled_by=meeting_selectors.participant(meeting.series, meeting.cancelled_by_id)
        or (meeting.cancelled_by if meeting.cancelled_by_id else None),
        notes=notes,
        note_groups=meeting_selectors.note_groups(
            notes,
            {**notes.sections(), **typed_notes} if typed_notes is not None else None,
            career=meeting.is_career,
        ),
        notes_written=any(notes.sections().values()),
        private_note=opened.private_note
        if opened is not None
        else access.private_note_for(viewer, meeting),
        opening_items=opening_items,
        meeting_items=meeting_items,
        plan=people.voice.plan(meeting_selectors.plan_for(meeting)),
        split=agenda_rules.TIME_SPLITS.get(meeting.series.report.level),
        timer=timer,
        timer_hash=meeting_selectors.live_hash(timer, meeting_items),
        on_day_away=wording.away_that_day(
            viewer,
            meeting.series,
            meeting_selectors.people_away_on([meeting]).get(meeting.pk, ())
            if meeting.is_open and (opened is None or opened.maybe_away)
            else (),
        ),
        live_since=meeting_selectors.live_since(notes.version, present),
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
        # Only a career 1:1's run view shows its four parts with what each needs.
        career=career_needs(viewer, meeting) if meeting.is_career and mode == "run" else None,
        notes_conflict=notes_conflict,
        private_conflict=private_conflict,
        private_draft=private_draft,
    )


# Checklists and preparation ----------------------------------------------------

# The manager's "pre" list: the seed's preparation list, plus the two lines of the
# pre-meeting checklist it does not already cover.
PRE_ITEMS: tuple[ChecklistItem, ...] = MANAGER_PREPARATION + tuple(
    item for item in PRE_MEETING if item.key in ("agenda_ready", "set_aside_distractions")
)


PHASE_ITEMS: dict[str, tuple[ChecklistItem, ...]] = {**CHECKLIST_PHASES, "pre": PRE_ITEMS}


# Lines that tick themselves from data, and how (shown next to them).
AUTOMATIC: dict[str, str] = {
    "review_last_notes": "Ticks itself once you open the last held meeting's page after it.",
    "check_action_items": (
        "Ticks itself once you open a meeting page of this 1:1 after the newest open "
        "action item was added."
    ),
    "prepare_feedback_examples": "Ticks itself once you record feedback for this meeting.",
    "agenda_ready": "Ticks itself once you add a topic to this meeting.",
}

# The "pre" lines only a tick by hand marks done.
HAND_PRE_KEYS: tuple[str, ...] = tuple(item.key for item in PRE_ITEMS if item.key not in AUTOMATIC)

# The post-meeting line the development plan ticks (when it changed during the meeting);
# its hint joins the others'.
PLAN_LINE = "updated_development_plan"
AUTOMATIC[PLAN_LINE] = "Ticked itself: the development plan changed during this meeting."


@dataclass(frozen=True, slots=True)
class PreparationStatus:
    """How ready a coming 1:1 is, for the manager's home page."""

    manager_done: int
    manager_total: int
    report_topics: int

    @property
    def manager_prepared(self) -> bool:
        return self.manager_done == self.manager_total

    @property
    def report_prepared(self) -> bool:
        return self.report_topics > 0


def checklist_items(phase: str) -> tuple[ChecklistItem, ...]:
    """The lines of one checklist phase (pre, during, post); Refused for another."""
    try:
        return PHASE_ITEMS[phase]
    except KeyError:
        raise Refused("A checklist phase is pre, during or post.") from None


def checklist_state(
    person: Person, meeting: Meeting, phase: str, *, facts: dict[int, dict] | None = None
) -> list[tuple[ChecklistItem, bool, bool]]:
    """Each line of the person's checklist: (item, ticked, ticks itself from data).

    `facts`: the meeting's `_meeting_facts` from the person's side, when already read."""
    items = checklist_items(phase)
    hand = set(
        ChecklistTick.objects.filter(meeting=meeting, person=person, phase=phase).values_list(
            "item_key", flat=True
        )
    )
    if phase != "pre":
        done = {}
    elif facts is not None:
        done = _ticks([meeting], facts)[meeting.pk]
    else:
        done = _automatic_ticks(meeting, person)
    lines = [(item, done.get(item.key, item.key in hand), item.key in done) for item in items]
    if phase == "post" and access.is_manager_in(person, meeting.series):
        # "Updated development plan if needed": ticks itself when the plan changed in the
        # meeting; ticked by hand when no change was needed.
        changed = plan_changed_during(meeting)
        lines = [
            (item, ticked or changed, changed) if item.key == PLAN_LINE else (item, ticked, auto)
            for item, ticked, auto in lines
        ]
    return lines


def plan_changed_during(meeting: Meeting) -> bool:
    """Whether the 1:1's development plan changed in this meeting, or while it ran."""
    changes = PlanChange.objects.filter(plan__series_id=meeting.series_id)
    if changes.filter(meeting=meeting).exists():
        return True
    if meeting.started_at is None:
        return False
    ended = meeting.ended_at or timezone.now()
    return changes.filter(changed_at__gte=meeting.started_at, changed_at__lte=ended).exists()


def preparation_status(meetings: Iterable[Meeting]) -> dict[int, PreparationStatus]:
    """Per meeting: how much of the manager's pre-meeting list is done, and the IC's topics.

    A constant number of queries whatever the number of meetings.
    """
    meetings = list(meetings)
    if not meetings:
        return {}
    return _statuses(meetings, _meeting_facts(meetings, None))


def _statuses(meetings: list[Meeting], facts: dict[int, dict]) -> dict[int, PreparationStatus]:
    """`preparation_status` from the meetings' facts, seen from each one's manager."""
    auto = _ticks(meetings, facts)
    result = {}
    for meeting in meetings:
        row = facts[meeting.pk]
        done = row["hand_ticked"] + sum(
            auto[meeting.pk][item.key] for item in PRE_ITEMS if item.key in AUTOMATIC
        )
        result[meeting.pk] = PreparationStatus(done, len(PRE_ITEMS), row["report_topics"])
    return result


def _automatic_ticks(meeting: Meeting, person: Person) -> dict[str, bool]:
    """The self-ticking lines of one meeting, seen from one person."""
    return _ticks([meeting], _meeting_facts([meeting], person.pk))[meeting.pk]


def _meeting_facts(meetings: list[Meeting], person_id: int | None) -> dict[int, dict]:
    """What the checklist reads of each meeting, seen from one person per meeting (the
    person `person_id`, or each meeting's manager when None), and its
    report's topic count (1 query, reading only the rows it uses, whatever the length of
    the history). The self-ticking lines it feeds:

    - review_last_notes: the person opened the previous held meeting's page after it ended
      (true when there is no earlier held meeting);
    - check_action_items: the person's latest visit to any meeting page of the series (which
      lists the open action items) is later than the newest open item's creation (true when
      nothing is open);
    - prepare_feedback_examples: the person recorded feedback for this meeting;
    - agenda_ready: the person added a topic to this meeting.

    With them, how many of the other "pre" lines the person ticked by hand.
    """
    return {
        row["pk"]: row
        for row in compiled.rows(_facts_query, [meeting.pk for meeting in meetings], person_id)
    }


def _facts_query(meeting_ids: list[int], person_id: int | None) -> QuerySet:
    # One query, each meeting's facts read in SQL from the side of its person: a long
    # history costs no more than a short one.
    person = F("series__manager_id") if person_id is None else Value(person_id)
    viewer = ExpressionWrapper(person, output_field=IntegerField())
    earlier = Meeting.objects.filter(
        series_id=OuterRef("series_id"),
        status=Meeting.Status.HELD,
        scheduled_at__lt=OuterRef("scheduled_at"),
    ).order_by("-scheduled_at")
    newest_item = (
        ActionItem.objects.filter(series_id=OuterRef("series_id"), status=ActionItem.Status.OPEN)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    seen_previous = MeetingVisit.objects.filter(
        meeting_id=OuterRef("previous"), person_id=OuterRef("viewer")
    ).values("last_seen_at")[:1]
    seen_latest = (
        MeetingVisit.objects.filter(
            meeting__series_id=OuterRef("series_id"), person_id=OuterRef("viewer")
        )
        .order_by("-last_seen_at")
        .values("last_seen_at")[:1]
    )
    return (
        Meeting.objects.filter(pk__in=meeting_ids)
        .annotate(
            viewer=viewer,
            previous=Subquery(earlier.values("pk")[:1]),
            previous_at=Subquery(earlier.values("scheduled_at")[:1]),
            previous_ended=Subquery(earlier.values("ended_at")[:1]),
            previous_minutes=Subquery(earlier.values("duration_minutes")[:1]),
            newest_open=Subquery(newest_item),
        )
        .annotate(
            seen_previous=Subquery(seen_previous),
            seen_latest=Subquery(seen_latest),
            gave_feedback=Exists(
                Feedback.objects.filter(meeting_id=OuterRef("pk"), given_by_id=OuterRef("viewer"))
            ),
            added_topic=Exists(
                Topic.objects.filter(meeting_id=OuterRef("pk"), author_id=OuterRef("viewer"))
            ),
            hand_ticked=Coalesce(
                Subquery(
                    ChecklistTick.objects.filter(
                        meeting_id=OuterRef("pk"),
                        person_id=OuterRef("viewer"),
                        phase=ChecklistTick.Phase.PRE,
                        item_key__in=HAND_PRE_KEYS,
                    )
                    .order_by()
                    .values("meeting_id")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
            report_topics=meeting_selectors.topics_by("series__report_id"),
        )
        .values(
            "pk",
            "previous",
            "previous_at",
            "previous_ended",
            "previous_minutes",
            "newest_open",
            "seen_previous",
            "seen_latest",
            "gave_feedback",
            "added_topic",
            "hand_ticked",
            "report_topics",
        )
    )


def _ticks(meetings: list[Meeting], context: dict[int, dict]) -> dict[int, dict[str, bool]]:
    """The self-ticking lines of each meeting, from its facts."""

    result = {}
    for meeting in meetings:
        row = context[meeting.pk]
        if row["previous"] is None:
            reviewed = True
        else:
            ended = row["previous_ended"] or row["previous_at"] + dt.timedelta(
                minutes=row["previous_minutes"]
            )
            reviewed = row["seen_previous"] is not None and row["seen_previous"] >= ended
        newest, last = row["newest_open"], row["seen_latest"]
        result[meeting.pk] = {
            "review_last_notes": reviewed,
            "check_action_items": newest is None or (last is not None and last >= newest),
            "prepare_feedback_examples": row["gave_feedback"],
            "agenda_ready": row["added_topic"],
        }
    return result


# The seed's prompts speak about the IC; their preparation view speaks to them.
IC_PROMPT_LABELS: dict[str, str] = {
    "topics": "Topics you want to discuss",
    "questions": "Questions you have",
    "goal_updates": "Updates on your goals",
    "blockers": "Blockers or challenges",
    "wins": "Wins to share",
}


def ic_prompts() -> tuple[ChecklistItem, ...]:
    """The seed's preparation prompts for the IC, addressed to them."""
    return tuple(
        ChecklistItem(item.key, IC_PROMPT_LABELS.get(item.key, item.text))
        for item in IC_PREPARATION
    )


RECENT = dt.timedelta(weeks=8)


FALLBACK_FOCUS = "your current focus"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A question ready to ask: from the bank (key) or the organisation (org_id)."""

    category: str
    text: str
    key: str = ""
    org_id: int | None = None


def _asked_recently(series: Series, now: dt.datetime) -> tuple[set[str], set[int]]:
    rows = QuestionAsked.objects.filter(series=series, asked_at__gte=now - RECENT).values_list(
        "question_key", "org_question_id"
    )
    return {key for key, _ in rows if key}, {org for _, org in rows if org}


def _first_active_goal(owner: int) -> QuerySet[Goal]:
    # As `.first()` reads it: in the goals' own order, the newest first.
    return Goal.objects.filter(owner_id=owner, status=Goal.Status.ACTIVE)[:1]


def _latest_skills_topic(series: int) -> QuerySet[Topic]:
    return Topic.objects.filter(meeting__series_id=series, kind=Topic.Kind.SKILLS).order_by(
        "-created_at", "-pk"
    )[:1]


def placeholder_values(series: Series) -> dict[str, str]:
    """What [level], [skill] and [criterion] mean for this report, with readable fallbacks."""
    goal = compiled.first(_first_active_goal, series.report_id)
    focus = ""
    if goal is not None:
        skill, criterion = goal.title, goal.criterion or goal.title
    else:
        topic = compiled.first(_latest_skills_topic, series.pk)
        focus = shorten(topic.text) if topic else FALLBACK_FOCUS
        skill = criterion = focus
    level = series.report.level
    return {
        "level": LEVEL_LABELS.get(level, "your level's") if level else "your level's",
        "skill": skill,
        "criterion": criterion,
    }


def shorten(text: str, limit: int = 60) -> str:
    """The text, cut to `limit` characters with an ellipsis when longer."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def question_suggestions(
    meeting: Meeting,
    *,
    category: str | None = None,
    limit: int = 5,
    now: dt.datetime | None = None,
    values: dict[str, str] | None = None,
) -> list[Suggestion]:
    """Questions not asked in this series in the last 8 weeks, placeholders filled (from
    `values` when the caller has them)."""
    if category is not None and category not in bank.QUESTION_CATEGORIES:
        raise Refused("Unknown question category.")
    now = now or timezone.now()
    series = meeting.series
    keys, org_ids = _asked_recently(series, now)
    values = values or placeholder_values(series)
    own = OrgQuestion.objects.filter(organisation_id=series.organisation_id).exclude(pk__in=org_ids)
    if category is not None:
        own = own.filter(category_key=category)
    suggestions = [
        Suggestion(category=q.category_key, text=q.text, org_id=q.pk) for q in own[:limit]
    ]
    room = max(limit - len(suggestions), 0)
    for question in _fresh_questions(keys, category, room):
        text = bank.fill_placeholders(question.text, **values)
        suggestions.append(Suggestion(category=question.category, text=text, key=question.key))
    return suggestions


def _fresh_questions(asked: set[str], category: str | None, limit: int) -> list[bank.Question]:
    """The bank's fresh questions: of one category in order, or one per category in turn."""
    if category is not None:
        return bank.suggest_questions(asked_recently=asked, category=category, limit=limit)
    per_category = [
        bank.suggest_questions(asked_recently=asked, category=key, limit=limit)
        for key in bank.QUESTION_CATEGORIES
    ]
    mixed = [
        q
        for rank in range(limit)
        for fresh in per_category
        if rank < len(fresh)
        for q in [fresh[rank]]
    ]
    return mixed[:limit]


def _asked_in_meeting(meeting: int) -> QuerySet[QuestionAsked]:
    return (
        QuestionAsked.objects.filter(meeting_id=meeting)
        .select_related("org_question")
        .order_by("asked_at", "pk")
    )


def questions_asked_in(meeting: Meeting, *, values: dict[str, str] | None = None) -> list[str]:
    """The texts of the questions marked asked in this meeting, in order (placeholders
    filled from `values` when the caller has them)."""
    values = values or placeholder_values(meeting.series)
    texts = []
    for row in compiled.rows(_asked_in_meeting, meeting.pk):
        if row.org_question is not None:
            texts.append(row.org_question.text)
        elif row.question_key in bank.QUESTIONS_BY_KEY:
            texts.append(
                bank.fill_placeholders(bank.QUESTIONS_BY_KEY[row.question_key].text, **values)
            )
    return texts


def plan_check_ins(starts_on: dt.date, ends_on: dt.date) -> list[dt.date]:
    """Weekly check-ins after the start, the last one on the end date."""
    dates = []
    day = starts_on + dt.timedelta(weeks=1)
    while day < ends_on:
        dates.append(day)
        day += dt.timedelta(weeks=1)
    return [*dates, ends_on]


def plan_check_in_count(plan: ImprovementPlan) -> int:
    """How many weekly check-ins the plan has."""
    return len(plan_check_ins(plan.starts_on, plan.ends_on))


# Pages -------------------------------------------------------------------------
# Each page is one typed object; interfaces render its fields and decide nothing.

# A manager is reminded to prepare for the 1:1s of the next three days.
UNPREPARED_WITHIN = dt.timedelta(days=3)


@dataclass(frozen=True)
class HomePage:
    """Home: a manager's reports at a glance, and the person's own next 1:1 and items."""

    reports: list[meeting_selectors.SeriesOverview]
    preparation: dict[int, PreparationStatus]
    unprepared: list[meeting_selectors.SeriesOverview]
    needs_attention: list[meeting_selectors.SeriesOverview]
    own: list[meeting_selectors.SeriesOverview]
    my_items: list[ActionItem]
    past_meetings: list[Meeting]
    ended_series: list[Series]
    ic_preparation: tuple[ChecklistItem, ...]
    own_meeting: str


def home_page(
    viewer: Person,
    now: dt.datetime | None = None,
    *,
    extra: Callable[[], dict[str, Any]] | None = None,
) -> HomePage:
    """The home page of one person: a constant number of queries however many reports.
    `extra` gives annotations of the viewer's series (an upper layer's figures, in the same
    query)."""
    now = now or timezone.now()
    overviews = meeting_selectors.home_overviews(viewer, now=now, extra=extra)
    reports, own = overviews.managed, overviews.own
    preparation = preparation_status(row.next_meeting for row in reports if row.next_meeting)
    return HomePage(
        reports=reports,
        preparation=preparation,
        unprepared=[
            row
            for row in reports
            if row.next_meeting
            and row.next_meeting.scheduled_at <= now + UNPREPARED_WITHIN
            and not preparation[row.next_meeting.pk].manager_prepared
        ],
        needs_attention=[row for row in reports if row.warnings],
        own=own,
        my_items=meeting_selectors.open_items_of(viewer, overviews.series_by_pk()),
        past_meetings=meeting_selectors.past_meetings_of(viewer, as_report=True),
        ended_series=overviews.ended,
        ic_preparation=ic_prompts(),
        own_meeting=wording.OWN_MEETING,
    )


UPCOMING_COUNT = 5
PAST_COUNT = 30


@dataclass(frozen=True)
class CadenceSummary:
    """A series' cadence beside the framework's for the report's level."""

    framework: Cadence
    level_known: bool
    departs: bool
    reason_label: str
    weekday_label: str


@dataclass(frozen=True)
class SeriesPage:
    """A 1:1's own page: its timeline, open items, cadence, warning signs and suggestions."""

    series: Series
    viewer: Person
    other: Person
    is_manager: bool
    voice: wording.Voice
    editable: bool
    today: dt.date
    now: dt.datetime
    upcoming: list[Meeting]
    past: list[Meeting]
    past_total: int
    past_page: int
    past_pages: int
    open_items: list[ActionItem]
    cadence: CadenceSummary
    warnings: list[str]
    # The upcoming meetings on a day away, each to who is away, in the viewer's words.
    days_away: dict[int, str]
    suggestions: list[CadenceSuggestion]
    applied: CadenceSuggestion | None
    # The cadence form's starting values: the applied suggestion's, else the series' own,
    # its weekday and time in the viewer's timezone.
    cadence_initial: dict[str, object]
    show_series: bool = False


def series_page(
    viewer: Person,
    series: Series,
    *,
    past_page: object = 1,
    suggest: str = "",
    now: dt.datetime | None = None,
) -> SeriesPage:
    """The page of a series the viewer takes part in (fetched through access first); its
    history PAST_COUNT meetings at a time, newest first, page `past_page`."""
    now = now or timezone.now()
    side = meeting_selectors.side_in(viewer, series)
    next_from = now - meeting_selectors.RUNNING_GRACE
    upcoming = _read_in(series, compiled.rows(_upcoming_of, viewer, series.pk, next_from))
    past_total = sum(compiled.rows(_past_count_of, viewer, series.pk, next_from))
    past_pages = max(1, -(-past_total // PAST_COUNT))
    number = min(max(page_number(past_page), 1), past_pages)
    first = (number - 1) * PAST_COUNT
    suggestions = cadence_suggestions(series)
    applied = next((s for s in suggestions if s.key == suggest), None)
    open_items = _read_in(series, compiled.rows(_open_items_in, viewer, series.pk))
    return SeriesPage(
        series=series,
        viewer=viewer,
        other=side.other,
        is_manager=side.is_manager,
        voice=side.voice,
        editable=series.is_open,
        today=timezone.localdate(now),
        now=now,
        upcoming=upcoming,
        past=_read_in(series, compiled.rows(_past_of, viewer, series.pk, next_from, first=first)),
        past_total=past_total,
        past_page=number,
        past_pages=past_pages,
        open_items=open_items,
        cadence=_cadence_summary(series),
        warnings=(
            meeting_selectors.series_warnings_with(viewer, series, open_items=open_items, now=now)
            if access.can_see_warnings(viewer, series)
            else []
        ),
        days_away={
            pk: wording.away_that_day(viewer, series, absent)
            for pk, absent in meeting_selectors.people_away_on(upcoming).items()
        },
        suggestions=suggestions,
        applied=applied,
        cadence_initial=_cadence_initial(viewer, series, applied, now=now),
    )


def _read_in(series: Series, rows: list[Any]) -> list[Any]:
    """Rows of one series (meetings, items), given the series and its people already read
    rather than a copy of them each."""
    for row in rows:
        row.series = series
    return rows


def _meetings_of(viewer: Person, series_id: int) -> QuerySet[Meeting]:
    return access.meetings_visible_to(viewer).filter(series_id=series_id).select_related(None)


def _ahead(next_from: dt.datetime) -> Q:
    """The meetings still to come: scheduled, from `next_from` (now less the running grace)."""
    return Q(status=Meeting.Status.SCHEDULED, scheduled_at__gte=next_from)


def _upcoming_of(viewer: Person, series_id: int, next_from: dt.datetime) -> QuerySet[Meeting]:
    ahead = _ahead(next_from)
    return _meetings_of(viewer, series_id).filter(ahead).order_by("scheduled_at")[:UPCOMING_COUNT]


def _past_count_of(viewer: Person, series_id: int, next_from: dt.datetime) -> QuerySet:
    past = _meetings_of(viewer, series_id).exclude(_ahead(next_from))
    return past.order_by().values("series").annotate(n=Count("pk")).values_list("n", flat=True)


def _past_of(
    viewer: Person, series_id: int, next_from: dt.datetime, *, first: int
) -> QuerySet[Meeting]:
    """One page of the series' history, newest first, from its `first` meeting."""
    return (
        _meetings_of(viewer, series_id)
        .exclude(_ahead(next_from))
        .select_related("cancelled_by", "moved_to")
        .only(*PAST_ROW_FIELDS)
        .annotate(topic_count=_topic_count())
        .order_by("-scheduled_at")[first : first + PAST_COUNT]
    )


def _topic_count() -> Coalesce:
    """How many topics a meeting (the outer query's) has: a subquery on its own topics, not
    a join of every meeting's topics grouped afterwards."""
    counted = (
        Topic.objects.filter(meeting=OuterRef("pk"))
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


# What a line of the series' history reads of a meeting and its related rows
# (web/meeting/series.html): the notes and the other columns are left unread.
PAST_ROW_FIELDS = (
    "series_id",
    "scheduled_at",
    "duration_minutes",
    "kind",
    "status",
    "held_minutes",
    "mood",
    "cancelled_by_id",
    "cancel_reason",
    "notice_hours",
    "moved_to_id",
    "cancelled_by__name",
    "moved_to__scheduled_at",
)


# What a line of the series' open items reads of an item (web/partials/action_item.html),
# its series already read.
OPEN_ITEM_FIELDS = tuple(
    name for name in meeting_selectors.ITEM_ROW_FIELDS if not name.startswith("series__")
)


def _open_items_in(viewer: Person, series_id: int) -> QuerySet[ActionItem]:
    return (
        access.action_items_visible_to(viewer)
        .select_related(None)
        .select_related("owner", "meeting")
        .only(*OPEN_ITEM_FIELDS)
        .filter(series_id=series_id, status=ActionItem.Status.OPEN)
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )


def _cadence_summary(series: Series) -> CadenceSummary:
    level = level_or_default(series.report.level)
    return CadenceSummary(
        framework=cadence_for_level(level),
        level_known=bool(series.report.level),
        departs=cadence_departs(
            level,
            frequency_weeks=series.frequency_weeks,
            duration_minutes=series.duration_minutes,
            career_every_weeks=series.career_every_weeks,
        ),
        reason_label=dict(ADJUSTMENT_REASONS).get(series.cadence_reason, ""),
        weekday_label=scheduling.WEEKDAY_NAMES[series.weekday],
    )


@dataclass(frozen=True, slots=True)
class CadenceFormPage:
    """A 1:1's cadence form alone (its manager's), loaded into the series page."""

    series: Series
    viewer: Person
    # The series' own cadence, its weekday and time in the viewer's timezone.
    cadence_initial: dict[str, object]


def cadence_form_page(
    viewer: Person, series: Series, *, now: dt.datetime | None = None
) -> CadenceFormPage:
    """The cadence form of a series the viewer manages (fetched through access first)."""
    initial = _cadence_initial(viewer, series, None, now=now or timezone.now())
    return CadenceFormPage(series=series, viewer=viewer, cadence_initial=initial)


def _cadence_initial(
    viewer: Person, series: Series, applied: CadenceSuggestion | None, *, now: dt.datetime
) -> dict[str, object]:
    initial = applied.form_initial(series) if applied else series_cadence(series)
    # Forms take times in the viewer's timezone, whatever zone the series was set in.
    initial["weekday"], initial["start_time"] = scheduling.wall_clock_in(
        series.weekday,
        series.start_time,
        from_tz=series.timezone,
        to_tz=viewer.timezone,
        around=timezone.localdate(now),
    )
    return initial


def series_cadence(series: Series) -> dict[str, object]:
    """The series' cadence as the cadence form's values."""
    return {
        "frequency_weeks": series.frequency_weeks,
        "duration_minutes": series.duration_minutes,
        "career_every_weeks": series.career_every_weeks,
        "weekday": series.weekday,
        "start_time": series.start_time,
        "reason": series.cadence_reason,
        "note": series.cadence_note,
    }


# The coaching panels of the meeting page -----------------------------------------


@dataclass(frozen=True)
class Panel:
    """What every coaching panel knows: the meeting, and the viewer's side of it."""

    meeting: Meeting
    series: Series
    viewer: Person
    is_manager: bool
    other: Person
    can_change: bool
    voice: wording.Voice


def _panel(viewer: Person, meeting: Meeting) -> dict[str, object]:
    side = meeting_selectors.side_in(viewer, meeting.series)
    return {
        "meeting": meeting,
        "series": meeting.series,
        "viewer": viewer,
        "is_manager": side.is_manager,
        "other": side.other,
        "can_change": meeting.series.is_open,
        "voice": side.voice,
    }


@dataclass(frozen=True)
class PreparePanel(Panel):
    """The manager's checklist for one phase, or the IC's preparation prompts and topics."""

    phase: str = "pre"
    status: PreparationStatus | None = None
    auto_hints: dict[str, str] | None = None
    lines: list[tuple[ChecklistItem, bool, bool]] | None = None
    minutes: tuple[int, int] | None = None
    prompts: tuple[ChecklistItem, ...] = ()
    my_topics: list[Topic] | None = None


def prepare_panel(viewer: Person, meeting: Meeting, phase: str) -> PreparePanel:
    """The preparation panel of a meeting the viewer takes part in; Refused for a bad phase."""
    base = _panel(viewer, meeting)
    # Seen from the manager's side, as the status reads them: the manager's checklist
    # ticks itself from the same facts.
    facts = _meeting_facts([meeting], None)
    common = {"phase": phase, "status": _statuses([meeting], facts)[meeting.pk]}
    if base["is_manager"]:
        return PreparePanel(
            **base,
            **common,
            auto_hints=AUTOMATIC,
            lines=checklist_state(viewer, meeting, phase, facts=facts),
            minutes=MANAGER_PREPARATION_MINUTES,
        )
    return PreparePanel(
        **base,
        **common,
        auto_hints=AUTOMATIC,
        prompts=ic_prompts(),
        my_topics=list(access.topics_visible_to(viewer).filter(meeting=meeting, author=viewer)),
    )


@dataclass(frozen=True)
class QuestionsPanel(Panel):
    """Questions asked in the meeting, and for the manager fresh ones to ask."""

    asked: list[str] | None = None
    groups: tuple = ()
    categories: dict | None = None
    category: str | None = None
    suggestions: list[Suggestion] | None = None
    filled: dict[str, str] | None = None


def questions_panel(viewer: Person, meeting: Meeting, category: str | None) -> QuestionsPanel:
    """The questions panel; Refused for an unknown category."""
    base = _panel(viewer, meeting)
    manager = base["is_manager"]
    filled = placeholder_values(meeting.series)
    return QuestionsPanel(
        **base,
        asked=questions_asked_in(meeting, values=filled),
        groups=bank.QUESTION_GROUPS,
        categories=bank.QUESTION_CATEGORIES,
        category=category,
        suggestions=question_suggestions(meeting, category=category, values=filled)
        if manager
        else None,
        filled=filled if manager else None,
    )


@dataclass(frozen=True)
class FeedbackPanel(Panel):
    """The feedback given in this meeting."""

    records: list[Feedback] | None = None
    kinds: list[tuple[str, str]] | None = None


def feedback_panel(viewer: Person, meeting: Meeting) -> FeedbackPanel:
    """The feedback panel of a meeting the viewer takes part in."""
    return FeedbackPanel(
        **_panel(viewer, meeting),
        records=compiled.rows(_feedback_in_meeting, viewer, meeting.pk),
        kinds=Feedback.Kind.choices,
    )


def _feedback_in_meeting(viewer: Person, meeting: int) -> QuerySet[Feedback]:
    return access.feedback_visible_to(viewer).filter(meeting_id=meeting)


@dataclass(frozen=True)
class PlaybooksPanel(Panel):
    """The guide's playbooks (one opened), and the series' open improvement plan if any."""

    playbooks: tuple = ()
    opened: str = ""
    plan: ImprovementPlan | None = None
    check_ins: list[dt.date] | None = None


def playbooks_panel(viewer: Person, meeting: Meeting, opened: str = "") -> PlaybooksPanel:
    """The difficult-conversations panel of a meeting the viewer takes part in."""
    plan = open_plan_for(meeting.series)
    return PlaybooksPanel(
        **_panel(viewer, meeting),
        playbooks=PLAYBOOKS,
        opened=opened,
        plan=plan,
        check_ins=plan_check_ins(plan.starts_on, plan.ends_on) if plan else [],
    )


@dataclass(frozen=True)
class RemotePanel(Panel):
    """The guide's remote practices, for a 1:1 with a remote report."""

    is_remote: bool = False
    setup_do: tuple = ()
    setup_dont: tuple = ()
    connection: tuple = ()
    documentation: tuple[str, ...] = ()


def remote_panel(viewer: Person, meeting: Meeting) -> RemotePanel:
    """The remote panel of a meeting the viewer takes part in."""
    return RemotePanel(
        **_panel(viewer, meeting),
        is_remote=meeting.series.report.remote,
        setup_do=remote_rules.SETUP_DO,
        setup_dont=remote_rules.SETUP_DONT,
        connection=remote_rules.CONNECTION_STRATEGIES,
        documentation=remote_rules.DOCUMENTATION_IS_CRITICAL,
    )


# Career: goals, the development plan, the feedback log, peer feedback -----------------
#
# Each page is assembled in a constant number of queries, however many goals, updates and
# feedback records there are.


@dataclass(frozen=True)
class GoalView:
    """A goal with its progress, its change log and the action items linked to it."""

    goal: Goal
    progress: list[GoalProgress]
    changes: list[GoalChange]
    action_items: list[ActionItem]
    stale: bool

    @property
    def percent(self) -> int | None:
        """The share done given by the latest update that gave one."""
        return next((p.percent for p in reversed(self.progress) if p.percent is not None), None)

    @property
    def last_update(self) -> GoalProgress | None:
        return self.progress[-1] if self.progress else None

    @property
    def area_label(self) -> str:
        return area_label(self.goal.area) if self.goal.area else ""


@dataclass(frozen=True)
class PlanArea:
    """A focus area of the plan and the goals filed under it."""

    key: str
    label: str
    goals: list[GoalView]


@dataclass(frozen=True)
class PlanView:
    """The development plan of a 1:1, its areas with their goals, and its change log."""

    plan: DevelopmentPlan | None
    areas: list[PlanArea]
    other_goals: list[GoalView]
    changes: list[PlanChange]

    @property
    def focus_areas(self) -> list[str]:
        return list(self.plan.focus_areas) if self.plan else []


@dataclass(frozen=True)
class GoalsPage:
    """Everything the goals page of one relationship shows."""

    series: Series
    report: Person
    can_change: bool
    active: list[GoalView]
    closed: list[GoalView]
    plan: PlanView
    open_items: list[dict[str, Any]]  # pk and text of the open items an active goal may link
    areas: tuple[tuple[str, str], ...] = DEFAULT_AREAS
    stale_after_weeks: int = GOAL_STALE_AFTER.days // 7

    @property
    def goals(self) -> list[GoalView]:
        return self.active + self.closed


def _cutoff(viewer: Person, series: Series) -> dt.datetime | None:
    """What someone no longer managing sees stops when their 1:1 ended."""
    if series.is_open:
        return None
    ended = dt.datetime.combine(series.ended_on + dt.timedelta(days=1), dt.time.min)
    return timezone.make_aware(ended, dt.UTC)


def _goal_views(
    viewer: Person, series: Series, now: dt.datetime, *, linked: bool = True
) -> list[GoalView]:
    """The goals of this relationship's IC as the viewer may see them (4 queries, 1 with no
    goal); without `linked`, their action items are left unread (and their change log,
    unless it puts a goal back as a previous manager saw it): 2 queries."""
    cutoff = _cutoff(viewer, series)
    found = (
        compiled.rows(
            _goals_newest_first, viewer, series.report_id, series.pk, is_open=series.is_open
        )
        if access.takes_part_in(viewer, series)
        else []
    )
    if not found:  # nothing to read progress, changes or items of
        return []
    # The progress and change log of the goals found, by the same query's values.
    of = (viewer, series.report_id, series.pk, cutoff)
    _read_into(found, "_progress", compiled.rows(_progress_of, *of, is_open=series.is_open))
    if linked or cutoff is not None:
        _read_into(found, "_changes", compiled.rows(_changes_of, *of, is_open=series.is_open))
    if linked:
        items = ActionItem.objects.select_related("owner").order_by("pk")
        prefetch_related_objects(found, Prefetch("action_items", queryset=items, to_attr="_items"))
    views = []
    for goal in found:
        if not linked:
            goal._items = []
            if cutoff is None:
                goal._changes = []
        if cutoff is not None:
            _as_it_was(goal, cutoff)
        last = goal._progress[-1].written_at if goal._progress else goal.created_at
        stale = (
            goal.status == Goal.Status.ACTIVE
            and cutoff is None
            and goal_is_stale(last_update_at=last, now=now)
        )
        views.append(GoalView(goal, goal._progress, goal._changes, goal._items, stale))
    return views


def _goals_newest_first(
    viewer: Person, report: int, series: int, *, is_open: bool
) -> QuerySet[Goal]:
    return access.goals_in(viewer, report, series, is_open=is_open).order_by("-created_at", "-pk")


def _read_into(goals: list[Goal], attribute: str, rows: list[Any]) -> None:
    """Each goal's rows (in their order) as its `attribute`, each row knowing its goal."""
    by_goal: dict[int, list[Any]] = {goal.pk: [] for goal in goals}
    for row in rows:
        by_goal[row.goal_id].append(row)
    for goal in goals:
        for row in by_goal[goal.pk]:
            row.goal = goal
        setattr(goal, attribute, by_goal[goal.pk])


def _progress_of(
    viewer: Person, report: int, series: int, cutoff: dt.datetime | None, *, is_open: bool
) -> QuerySet[GoalProgress]:
    """The progress updates of `_goals_newest_first`'s goals (before the cutoff, if any)."""
    goals = access.goals_in(viewer, report, series, is_open=is_open).values("pk")
    progress = access.goal_progress_visible_to(viewer).filter(goal__in=goals)
    if cutoff is not None:
        progress = progress.filter(written_at__lt=cutoff)
    return progress.select_related("written_by").order_by("written_at", "pk")


def _changes_of(
    viewer: Person, report: int, series: int, cutoff: dt.datetime | None, *, is_open: bool
) -> QuerySet[GoalChange]:
    """The change log of `_goals_newest_first`'s goals (all of it: `_as_it_was` cuts it)."""
    goals = access.goals_in(viewer, report, series, is_open=is_open).values("pk")
    changes = access.goal_changes_visible_to(viewer).filter(goal__in=goals)
    return changes.select_related("changed_by").order_by("changed_at", "pk")


AS_OF_FIELDS = ("title", "why", "area", "criterion", "status")


def _as_it_was(goal: Goal, cutoff: dt.datetime) -> None:
    """Put the goal back as it was at the cutoff (in memory): what a previous manager saw."""
    later = [change for change in goal._changes if change.changed_at >= cutoff]
    goal._changes = [change for change in goal._changes if change.changed_at < cutoff]
    for change in reversed(later):  # the earliest later change holds the value at the cutoff
        if change.field in AS_OF_FIELDS:
            setattr(goal, change.field, change.before)
        elif change.field == "target_on":
            goal.target_on = dt.date.fromisoformat(change.before) if change.before else None
    if goal.status != Goal.Status.ACHIEVED:
        goal.achieved_at = None


def _plan_view(viewer: Person, series: Series, goals: list[GoalView]) -> PlanView:
    # The change log comes with its plan: one query (a plan without changes is read apart).
    changes = access.plan_changes_of(viewer, series)
    plan = changes[0].plan if changes else access.development_plan_of(viewer, series)
    focus = list(plan.focus_areas) if plan else []
    active = [view for view in goals if view.goal.status == Goal.Status.ACTIVE]
    areas = [
        PlanArea(key, area_label(key), [view for view in active if view.goal.area == key])
        for key in focus
    ]
    others = [view for view in active if view.goal.area not in focus]
    return PlanView(plan, areas, others, changes)


def goals_page(
    viewer: Person, series: Series, *, now: dt.datetime | None = None, linked: bool = True
) -> GoalsPage:
    """The goals page of one relationship: goals, progress, change logs, the plan; without
    `linked` (the plan and the career page), no action item is read."""
    now = now or timezone.now()
    views = _goal_views(viewer, series, now, linked=linked)
    can_change = series.is_open and access.takes_part_in(viewer, series)
    active = [v for v in views if v.goal.status == Goal.Status.ACTIVE]
    # Only an active goal's card offers to link an open item: its text is all it shows.
    items = (
        list(
            access.action_items_of(viewer, series)
            .filter(status=ActionItem.Status.OPEN)
            .values("pk", "text")
        )
        if linked and can_change and active
        else []
    )
    return GoalsPage(
        series=series,
        report=series.report,
        can_change=can_change,
        active=active,
        closed=[v for v in views if v.goal.status != Goal.Status.ACTIVE],
        plan=_plan_view(viewer, series, views),
        open_items=items,
    )


def active_goals_for(
    viewer: Person, series: Series, *, now: dt.datetime | None = None
) -> list[GoalView]:
    """The IC's active goals, shown beside each meeting of the 1:1 (prepare and run)."""
    now = now or timezone.now()
    return [
        view for view in _goal_views(viewer, series, now) if view.goal.status == Goal.Status.ACTIVE
    ]


# The feedback log ---------------------------------------------------------------------

FEEDBACK_STATES = (
    ("", "Any state"),
    ("waiting", "Not acknowledged yet"),
    ("acknowledged", "Acknowledged, not acted on"),
    ("acted_on", "Acted on"),
)
FEEDBACK_PERIODS = (
    ("", "All time"),
    ("30", "Last 30 days"),
    ("90", "Last 90 days"),
    ("180", "Last 6 months"),
    ("365", "Last year"),
)


@dataclass(frozen=True, kw_only=True)
class FeedbackCounts:
    """How many feedback records a log holds, of each kind, acknowledged and acted on."""

    total: int
    positive: int
    constructive: int
    acknowledged: int
    acted_on: int
    kind: str = ""
    state: str = ""
    period: str = ""

    @property
    def acknowledged_rate(self) -> int | None:
        """Share of the records acknowledged, in whole percent (None with no record)."""
        return share(self.acknowledged, self.total)

    @property
    def acted_on_rate(self) -> int | None:
        """Share of the records acted on, in whole percent (None with no record)."""
        return share(self.acted_on, self.total)


@dataclass(frozen=True, kw_only=True)
class FeedbackLog(FeedbackCounts):
    """The feedback of one relationship, filtered, with its counts and rates."""

    series: Series
    records: list[Feedback]
    kinds: tuple = tuple(Feedback.Kind.choices)
    states: tuple = FEEDBACK_STATES
    periods: tuple = FEEDBACK_PERIODS


def _feedback_counts(marks: list[tuple[str, object, object]]) -> dict[str, int]:
    """The counts of (kind, acknowledged_at, acted_on_at) of each record."""
    return {
        "total": len(marks),
        "positive": sum(kind == Feedback.Kind.POSITIVE for kind, _, _ in marks),
        "constructive": sum(kind == Feedback.Kind.CONSTRUCTIVE for kind, _, _ in marks),
        "acknowledged": sum(acknowledged is not None for _, acknowledged, _ in marks),
        "acted_on": sum(acted_on is not None for _, _, acted_on in marks),
    }


def share(part: int, whole: int) -> int | None:
    """A whole percentage, rounded half up; None when there is nothing to divide."""
    if not whole:
        return None
    return (part * 200 + whole) // (whole * 2)


# What the feedback log shows of a record and of the people and the meeting it names.
FEEDBACK_ROW_FIELDS = (
    "meeting_id",
    "series_id",
    "given_by_id",
    "given_to_id",
    "kind",
    "situation",
    "behaviour",
    "impact",
    "acknowledged_at",
    "acted_on_at",
    "acted_on_note",
    "created_at",
    "given_by__name",
    "given_to__name",
    "meeting__scheduled_at",
)


def feedback_log(
    viewer: Person,
    series: Series,
    *,
    kind: str = "",
    state: str = "",
    period: str = "",
    now: dt.datetime | None = None,
) -> FeedbackLog:
    """Every feedback record of the 1:1, filtered by kind, state and period (1 query)."""
    if kind and kind not in Feedback.Kind.values:
        raise Refused("Feedback is positive or constructive.")
    if state not in dict(FEEDBACK_STATES):
        raise Refused("Unknown feedback state.")
    if period not in dict(FEEDBACK_PERIODS):
        raise Refused("Unknown period.")
    now = now or timezone.now()
    since = now - dt.timedelta(days=int(period)) if period else None
    rows = (
        compiled.rows(_feedback_rows, series.pk, since, kind=kind, state=state)
        if access.takes_part_in(viewer, series)
        else []
    )
    return FeedbackLog(
        series=series,
        records=rows,
        kind=kind,
        state=state,
        period=period,
        **_feedback_counts([(r.kind, r.acknowledged_at, r.acted_on_at) for r in rows]),
    )


def _feedback_rows(
    series: int, since: dt.datetime | None, *, kind: str, state: str
) -> QuerySet[Feedback]:
    """The feedback log's records of the 1:1, of a kind, in a state, since a time (if given)."""
    records = (
        access.feedback_in(series)
        .select_related("given_by", "given_to", "meeting")
        .only(*FEEDBACK_ROW_FIELDS)
    )
    if kind:
        records = records.filter(kind=kind)
    if since is not None:
        records = records.filter(created_at__gte=since)
    if state == "waiting":
        records = records.filter(acknowledged_at__isnull=True)
    elif state == "acknowledged":
        records = records.filter(acknowledged_at__isnull=False, acted_on_at__isnull=True)
    elif state == "acted_on":
        records = records.filter(acted_on_at__isnull=False)
    return records.order_by("-created_at", "-pk")


def feedback_counts(viewer: Person, series: Series) -> FeedbackCounts:
    """The counts and rates of the whole feedback log of the 1:1 (1 query, no record read)."""
    marks = (
        compiled.rows(_feedback_marks, series.pk) if access.takes_part_in(viewer, series) else []
    )
    return FeedbackCounts(**_feedback_counts(marks))


def _feedback_marks(series: int) -> QuerySet:
    return access.feedback_in(series).values_list("kind", "acknowledged_at", "acted_on_at")


# Peer feedback --------------------------------------------------------------------------


@dataclass(frozen=True)
class PeerPage:
    """Peer feedback of one relationship: requests and answers for the manager who asked
    them (the open requests, then the closed ones PEER_HISTORY_COUNT at a time, newest
    first), summaries for both people (the latest, then the earlier ones
    PEER_HISTORY_COUNT at a time)."""

    series: Series
    is_manager: bool
    can_ask: bool
    open_requests: list[PeerRequest]
    closed_requests: list[PeerRequest]
    closed_counts: dict[str, int]  # answered, declined and expired requests of every page
    closed_page: int
    closed_pages: int
    answers: dict[int, PeerAnswer]
    summary: PeerSummary | None  # the latest
    earlier_summaries: list[PeerSummary]  # this page of the earlier ones, newest first
    earlier_total: int
    earlier_page: int
    earlier_pages: int
    # pk and name of at most PEER_COLLEAGUES_SHOWN colleagues, the report's team first
    colleagues: list[dict[str, Any]]
    colleagues_total: int  # every colleague who may be asked (matching `find`)
    # pk and name of the colleagues already picked in the form that `colleagues` leaves out:
    # a search or a refused request keeps them picked
    picked_colleagues: list[dict[str, Any]]
    picked: frozenset[int]
    find: str
    today: dt.date

    @property
    def closed_total(self) -> int:
        return sum(self.closed_counts.values())

    @property
    def requests(self) -> list[PeerRequest]:
        """The requests shown: the open ones, then this page of the closed ones."""
        return self.open_requests + self.closed_requests


# Answered, declined and expired requests (and earlier summaries) shown on one page of the
# peer feedback page.
PEER_HISTORY_COUNT = 20
# Colleagues offered in the form at once; the others are found by name.
PEER_COLLEAGUES_SHOWN = 50


def _pages_of(total: int, page: object) -> tuple[int, int]:
    """How many pages of PEER_HISTORY_COUNT rows `total` rows fill, and the page asked
    for, brought within them."""
    pages = max(1, -(-total // PEER_HISTORY_COUNT))
    return min(max(page_number(page), 1), pages), pages


def peer_page(
    viewer: Person,
    series: Series,
    *,
    page: object = 1,
    summaries: object = 1,
    find: str = "",
    picked: Iterable[int] = (),
    now: dt.datetime | None = None,
) -> PeerPage:
    """The peer feedback page, its closed requests at page `page`, its earlier summaries at
    page `summaries`, and the colleagues whose name contains `find` after those `picked`:
    the IC sees only the summaries (3-4 queries), the manager who asked a fixed number more."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    is_manager = access.is_manager_in(viewer, series)
    open_requests: list[PeerRequest] = []
    closed_requests: list[PeerRequest] = []
    counts = {"answered": 0, "declined": 0, "expired": 0}
    answers: dict[int, PeerAnswer] = {}
    colleagues: list[dict[str, Any]] = []
    others: list[dict[str, Any]] = []
    total = 0
    find = find.strip()[:100]
    picked = frozenset(list(picked)[:PEER_COLLEAGUES_SHOWN])
    number = pages = 1
    if is_manager:
        open_requests = compiled.rows(_open_requests, viewer, series.pk, today)
        closed_counts = dict(compiled.rows(_closed_counts, viewer, series.pk, today))
        counts = {
            "answered": closed_counts.get(PeerRequest.Status.ANSWERED, 0),
            "declined": closed_counts.get(PeerRequest.Status.DECLINED, 0),
            "expired": closed_counts.get(PeerRequest.Status.PENDING, 0),
        }
        number, pages = _pages_of(sum(counts.values()), page)
        first = (number - 1) * PEER_HISTORY_COUNT
        if counts["answered"] or counts["declined"] or counts["expired"]:
            closed_requests = compiled.rows(
                _closed_requests, viewer, series.pk, today, first=first, count=PEER_HISTORY_COUNT
            )
        answered = [r.pk for r in closed_requests if r.status == PeerRequest.Status.ANSWERED]
        if answered:
            answers = {a.request_id: a for a in compiled.rows(_answers_to, viewer, answered)}
        if series.is_open:
            colleagues, others, total = _peer_colleagues(viewer, series, find, picked)
    summary, earlier, earlier_total, earlier_page, earlier_pages = _peer_summaries(
        viewer, series, summaries
    )
    return PeerPage(
        series=series,
        is_manager=is_manager,
        can_ask=is_manager and series.is_open,
        open_requests=open_requests,
        closed_requests=closed_requests,
        closed_counts=counts,
        closed_page=number,
        closed_pages=pages,
        answers=answers,
        summary=summary,
        earlier_summaries=earlier,
        earlier_total=earlier_total,
        earlier_page=earlier_page,
        earlier_pages=earlier_pages,
        colleagues=colleagues,
        colleagues_total=total,
        picked_colleagues=others,
        picked=picked,
        find=find,
        today=today,
    )


def _my_requests(viewer: Person, series: int) -> QuerySet[PeerRequest]:
    """The viewer's requests about the report of the 1:1 `series`, with whom they asked."""
    return (
        access.peer_requests_visible_to(viewer)
        .filter(series_id=series, requested_by=viewer)
        .select_related(None)
        .select_related("colleague")
    )


def _waiting(today: dt.date) -> Q:
    return Q(status=PeerRequest.Status.PENDING, expires_on__gte=today)


def _open_requests(viewer: Person, series: int, today: dt.date) -> QuerySet[PeerRequest]:
    return _my_requests(viewer, series).filter(_waiting(today))


def _closed_counts(viewer: Person, series: int, today: dt.date) -> QuerySet:
    """(status, how many) of the closed requests: a pending one has expired."""
    closed = _my_requests(viewer, series).exclude(_waiting(today)).select_related(None)
    return closed.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n")


def _closed_requests(
    viewer: Person, series: int, today: dt.date, *, first: int, count: int
) -> QuerySet[PeerRequest]:
    closed = _my_requests(viewer, series).exclude(_waiting(today))
    return closed[first : first + count]


def _answers_to(viewer: Person, requests: list[int]) -> QuerySet[PeerAnswer]:
    return access.peer_answers_visible_to(viewer).filter(request__in=requests)


def _peer_summaries(
    viewer: Person, series: Series, page: object
) -> tuple[PeerSummary | None, list[PeerSummary], int, int, int]:
    """The latest summary, the page `page` of the earlier ones, how many earlier ones there
    are, the page and the number of pages (1 query; 2 past the first page)."""
    if not access.takes_part_in(viewer, series):
        return None, [], 0, 1, 1
    newest = compiled.rows(_summaries, series.pk, first=0, count=1 + PEER_HISTORY_COUNT)
    if not newest:
        return None, [], 0, 1, 1
    earlier_total = newest[0].written - 1
    number, pages = _pages_of(earlier_total, page)
    earlier = newest[1:]
    if number > 1:
        first = 1 + (number - 1) * PEER_HISTORY_COUNT
        earlier = compiled.rows(_summaries, series.pk, first=first, count=PEER_HISTORY_COUNT)
    return newest[0], earlier, earlier_total, number, pages


def _summaries(series: int, *, first: int, count: int) -> QuerySet[PeerSummary]:
    """The 1:1's summaries from its `first`, newest first, each with how many there are."""
    summaries = (
        access.peer_summaries_in(series)
        .select_related("written_by")
        .annotate(written=Window(Count("pk")))
        .order_by("-written_at", "-pk")
    )
    return summaries[first : first + count]


def _peer_colleagues(
    viewer: Person, series: Series, find: str, picked: frozenset[int]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    """The first PEER_COLLEAGUES_SHOWN colleagues the manager may ask whose name contains
    `find`, the report's team-mates first; those of `picked` they leave out, by name; and
    how many match `find` (1 query, 2 when more match than are shown, 1 more with picks)."""
    ids = (series.organisation_id, series.manager_id, series.report_id)
    chosen = compiled.rows(_picked_colleagues, *ids, sorted(picked)) if picked else []
    found = compiled.rows(_colleagues_shown, *ids, find or None, limit=PEER_COLLEAGUES_SHOWN)
    if len(found) < PEER_COLLEAGUES_SHOWN:
        total = len(found)
    elif not find and series.organisation_id == viewer.organisation_id:
        # Every active person but the two of the 1:1: the roster's kept count.
        both = (series.manager, series.report)
        total = viewer.organisation.roster_people - sum(1 for p in both if p.is_active)
    else:
        # Counting apart is cheaper than counting each row's window while sorting them all.
        total = sum(compiled.rows(_colleague_count, *ids, find or None))
    shown = {c["pk"] for c in found}
    others = [c for c in chosen if c["pk"] not in shown]
    return found, others, total


def _colleagues(organisation: int, manager: int, report: int, find: str | None) -> QuerySet:
    colleagues = access.peer_colleagues_in(organisation, manager, report)
    # The text as a value of the SQL (escaped there), not a pattern worked out from it.
    return colleagues.filter(name__icontains=Value(find)) if find is not None else colleagues


def _picked_colleagues(organisation: int, manager: int, report: int, picked: list[int]) -> QuerySet:
    colleagues = access.peer_colleagues_in(organisation, manager, report)
    return colleagues.filter(pk__in=picked).values("pk", "name")


def _colleagues_shown(
    organisation: int, manager: int, report: int, find: str | None, *, limit: int
) -> QuerySet:
    """The first `limit` of the report's team-mates and the first `limit` of the others,
    each by name from the index of the active people by name (never sorting them all),
    the team-mates first."""
    colleagues = _colleagues(organisation, manager, report, find)
    team = colleagues.filter(manager_id=manager).values("pk")[:limit]
    others = colleagues.exclude(manager_id=manager).values("pk")[:limit]
    team_first = Case(When(manager_id=manager, then=0), default=1)
    first = Person.objects.filter(Q(pk__in=team) | Q(pk__in=others))
    return first.order_by(team_first, "name", "pk").values("pk", "name")[:limit]


def _colleague_count(organisation: int, manager: int, report: int, find: str | None) -> QuerySet:
    colleagues = _colleagues(organisation, manager, report, find).order_by()
    return colleagues.values("organisation_id").annotate(n=Count("pk")).values_list("n", flat=True)


def pending_peer_requests_for(
    viewer: Person, *, now: dt.datetime | None = None
) -> list[PeerRequest]:
    """Requests waiting for the viewer's answer and not expired: on their home page. Only
    when they expire and who asks about whom are read."""
    today = timezone.localdate(now or timezone.now())
    return list(
        access.peer_requests_visible_to(viewer)
        .filter(colleague=viewer, status=PeerRequest.Status.PENDING, expires_on__gte=today)
        .select_related(None)
        .select_related("requested_by", "about")
        .only("requested_by_id", "about_id", "expires_on", "requested_by__name", "about__name")
        .order_by("expires_on", "pk")
    )


def peer_answer_for(viewer: Person, request: PeerRequest) -> PeerAnswer | None:
    """The answer to a request, for the manager who asked; None for anyone else."""
    return access.peer_answers_visible_to(viewer).filter(request=request).first()


# The career page: the career app's page with the goals, the plan and the feedback log ---


@dataclass(frozen=True, slots=True)
class CareerOverview:
    """Everything the career page of one relationship shows, each part from its own app."""

    page: career_selectors.CareerPage
    goals: GoalsPage
    log: FeedbackCounts
    series: Series
    viewer: Person


def career_overview(
    viewer: Person, series: Series, *, since: dt.date | None = None, now: dt.datetime | None = None
) -> CareerOverview:
    """The career page: aspirations, the ladder, goals and progress, the plan, the feedback."""
    return CareerOverview(
        page=career_selectors.career_page(viewer, series, since=since),
        goals=goals_page(viewer, series, now=now, linked=False),
        log=feedback_counts(viewer, series),
        series=series,
        viewer=viewer,
    )


# The evidence packet -------------------------------------------------------------------
#
# A period of a career as one document for a review: goals and their progress, wins,
# feedback and what was done with it, completed action items, career discussions, how the
# aspirations changed, the manager's ladder views. Only what both people share goes in;
# the viewer's own private notes only when they choose to add them, each marked.

PACKET_MAX_DAYS = 3 * 366
# Nothing in Rapport is older; earlier dates only reach the limits of the calendar.
PACKET_EARLIEST = dt.date(1970, 1, 1)
PACKET_PRIVATE_MARK = "private — your eyes only"


@dataclass(frozen=True)
class PacketProgress:
    on: dt.date
    by: str
    text: str
    percent: int | None


@dataclass(frozen=True)
class PacketGoal:
    title: str
    why: str
    area: str
    status: str
    created_on: dt.date
    target_on: dt.date | None
    achieved_on: dt.date | None
    percent: int | None
    progress: tuple[PacketProgress, ...]


@dataclass(frozen=True)
class PacketWin:
    on: dt.date
    text: str
    by: str


@dataclass(frozen=True)
class PacketFeedback:
    on: dt.date
    kind: str
    given_by: str
    situation: str
    behaviour: str
    impact: str
    acknowledged_on: dt.date | None
    acted_on_on: dt.date | None
    acted_on_note: str


@dataclass(frozen=True)
class PacketItem:
    on: dt.date
    text: str
    owner: str


@dataclass(frozen=True)
class PacketDiscussion:
    on: dt.date
    summary: str
    # (label, text) of the career parts of the shared notes that hold something.
    notes: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PacketAspiration:
    question: str
    before: str  # as it stood when the period began ("" if not answered yet)
    after: str  # as it stood when the period ended
    changed_on: dt.date


@dataclass(frozen=True)
class PacketLadderView:
    on: dt.date
    area: str
    position: str
    level: str
    sentence: str
    by: str


@dataclass(frozen=True)
class PacketPrivateNote:
    on: dt.date
    text: str


@dataclass(frozen=True)
class EvidencePacket:
    """One period of an IC's career as the viewer may see it, ready to render."""

    series: Series
    viewer: Person
    ic_name: str
    ic_email: str
    manager_name: str
    level_label: str
    start: dt.date
    end: dt.date
    generated_on: dt.date
    include_private: bool
    goals: tuple[PacketGoal, ...]
    wins: tuple[PacketWin, ...]
    feedback: tuple[PacketFeedback, ...]
    items_done: tuple[PacketItem, ...]
    discussions: tuple[PacketDiscussion, ...]
    aspirations: tuple[PacketAspiration, ...]
    ladder_views: tuple[PacketLadderView, ...]
    private_notes: tuple[PacketPrivateNote, ...]
    private_mark: str = PACKET_PRIVATE_MARK

    @property
    def is_empty(self) -> bool:
        return not (
            self.goals
            or self.wins
            or self.feedback
            or self.items_done
            or self.discussions
            or self.aspirations
            or self.ladder_views
            or self.private_notes
        )

    @property
    def title(self) -> str:
        return f"Evidence packet: {self.ic_name}"


def packet_period(
    start: dt.date | None, end: dt.date | None, *, today: dt.date
) -> tuple[dt.date, dt.date]:
    """The period of a packet: by default the six months up to today; Refused when the
    dates make no sense (end before start, more than three years, in the future)."""
    end = end or today
    if end < PACKET_EARLIEST:
        raise Refused(f"The period ends before {PACKET_EARLIEST.year} ({end}): choose later dates.")
    start = start or six_months_before(end)
    if start > end:
        raise Refused(f"The period starts ({start}) after it ends ({end}): swap the dates.")
    if (end - start).days > PACKET_MAX_DAYS:
        raise Refused("A packet covers at most three years: choose a shorter period.")
    if start > today:
        raise Refused(f"The period starts in the future ({start}): nothing is recorded there.")
    return start, end


def six_months_before(day: dt.date) -> dt.date:
    """The same day six months earlier (the last day of the month when it has fewer)."""
    month = day.month - 6
    year = day.year + (month <= 0) * -1
    month = month + 12 if month <= 0 else month
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


# The shared notes' sections a career discussion shows in the packet.
_PACKET_SECTIONS = ("career_progress", "career_goals", "career_next_focus")
_PACKET_NOTES = tuple(f"shared_notes__{key}" for key in _PACKET_SECTIONS)


def _packet_meetings(
    viewer: Person, series: Series, since: dt.datetime, until: dt.datetime, own_private: bool
) -> QuerySet[Meeting]:
    """The period's held career meetings with their shared notes and, with `own_private`, every
    meeting of the period on which the viewer wrote a private note, with its sealed text: the
    career discussions and the viewer's own notes in one query."""
    career_held = Q(kind=Meeting.Kind.CAREER, status=Meeting.Status.HELD)
    meetings = access.meetings_visible_to(viewer).filter(
        series=series, scheduled_at__gte=since, scheduled_at__lt=until
    )
    if own_private:
        own = access.private_notes_visible_to(viewer).filter(meeting=OuterRef("pk"))
        meetings = meetings.annotate(own_note=Subquery(own.values("sealed_body")[:1]))
        meetings = meetings.filter(career_held | Q(own_note__gt=""))
    else:
        meetings = meetings.filter(career_held)
    return (
        meetings.select_related(None)
        .select_related("shared_notes")
        .only("scheduled_at", "kind", "status", "summary", *_PACKET_NOTES)
        .order_by("scheduled_at", "pk")
    )


def evidence_packet(
    viewer: Person,
    series: Series,
    *,
    start: dt.date,
    end: dt.date,
    include_own_private: bool = False,
    now: dt.datetime | None = None,
) -> EvidencePacket:
    """The evidence packet of the series' IC for the period (both days included), as the
    viewer may see it, in a constant number of queries. The viewer's own private notes go
    in only with `include_own_private`; nobody else's ever do."""
    now = now or timezone.now()
    tz = viewer.tzinfo
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)

    def day(moment: dt.datetime) -> dt.date:
        return moment.astimezone(tz).date()

    def within(moment: dt.datetime | None) -> bool:
        return moment is not None and since <= moment < until

    goals = []
    for view in _goal_views(viewer, series, now, linked=False):
        goal = view.goal
        progress = [p for p in view.progress if within(p.written_at)]
        if goal.created_at >= until:
            continue
        # A goal closed before the period, untouched in it, belongs to an earlier packet.
        touched = progress or within(goal.created_at) or within(goal.achieved_at)
        if goal.status != Goal.Status.ACTIVE and not touched:
            continue
        goals.append(
            PacketGoal(
                title=goal.title,
                why=goal.why,
                area=view.area_label,
                status=goal.get_status_display(),
                created_on=day(goal.created_at),
                target_on=goal.target_on,
                achieved_on=day(goal.achieved_at) if goal.achieved_at else None,
                percent=view.percent,
                progress=tuple(
                    PacketProgress(
                        day(p.written_at),
                        p.written_by.name if p.written_by else "",
                        p.text,
                        p.percent,
                    )
                    for p in progress
                ),
            )
        )

    meetings_in_period = Q(meeting__scheduled_at__gte=since, meeting__scheduled_at__lt=until)
    from rapport.growth.services import IC_PROMPT_TOPICS  # services import these selectors

    win_prefix = IC_PROMPT_TOPICS["wins"][1]
    wins = [
        PacketWin(
            day(topic.meeting.scheduled_at), topic.text.removeprefix(win_prefix), topic.author.name
        )
        for topic in access.topics_visible_to(viewer)
        .filter(meetings_in_period, meeting__series=series, text__startswith=win_prefix)
        .exclude(meeting__status__in=[Meeting.Status.CANCELLED, Meeting.Status.RESCHEDULED])
        .order_by("meeting__scheduled_at", "pk")
    ]
    feedback = [
        PacketFeedback(
            on=day(record.created_at),
            kind=record.get_kind_display(),
            given_by=record.given_by.name,
            situation=record.situation,
            behaviour=record.behaviour,
            impact=record.impact,
            acknowledged_on=day(record.acknowledged_at) if record.acknowledged_at else None,
            acted_on_on=day(record.acted_on_at) if record.acted_on_at else None,
            acted_on_note=record.acted_on_note,
        )
        for record in access.feedback_visible_to(viewer)
        .filter(series=series, created_at__gte=since, created_at__lt=until)
        .order_by("created_at", "pk")
    ]
    items = [
        PacketItem(item.done_on, item.text, item.owner.name)
        for item in access.action_items_visible_to(viewer)
        .filter(series=series, status=ActionItem.Status.DONE, done_on__gte=start, done_on__lte=end)
        .order_by("done_on", "pk")
    ]
    discussions = []
    private = []
    labels = {s.key: s.title for s in documentation.NOTE_SECTIONS}
    for meeting in _packet_meetings(viewer, series, since, until, include_own_private):
        notes = getattr(meeting, "shared_notes", None)
        if meeting.kind == Meeting.Kind.CAREER and meeting.status == Meeting.Status.HELD and notes:
            parts = tuple(
                (labels[key], getattr(notes, key).strip())
                for key in _PACKET_SECTIONS
                if getattr(notes, key).strip()
            )
            discussions.append(
                PacketDiscussion(day(meeting.scheduled_at), meeting.summary.strip(), parts)
            )
        if getattr(meeting, "own_note", ""):
            text = PrivateNote(sealed_body=meeting.own_note, author=viewer).body.strip()
            if text:
                private.append(PacketPrivateNote(day(meeting.scheduled_at), text))
    questions = {q.key: q.text for q in ASPIRATION_QUESTIONS}
    before: dict[str, str] = {}
    changes: dict[str, PacketAspiration] = {}
    for version in (
        access.aspirations_visible_to(viewer, series)
        .filter(recorded_at__lt=until)
        .order_by("recorded_at", "pk")
    ):
        key = version.question_key
        if version.recorded_at < since:
            before[key] = version.answer
        elif version.answer != (changes[key].after if key in changes else before.get(key, "")):
            changes[key] = PacketAspiration(
                question=questions.get(key, key),
                before=before.get(key, ""),
                after=version.answer,
                changed_on=day(version.recorded_at),
            )
    order = {q.key: n for n, q in enumerate(ASPIRATION_QUESTIONS)}
    aspirations = [
        change
        for key, change in sorted(changes.items(), key=lambda pair: order.get(pair[0], 99))
        if change.after != change.before
    ]
    positions = dict(POSITIONS)
    views = [
        PacketLadderView(
            on=day(view.recorded_at),
            area=view.area_name,
            position=positions.get(view.position, view.position),
            level=LEVEL_LABELS.get(view.level, view.level),
            sentence=view.sentence,
            by=view.recorded_by.name,
        )
        for view in access.ladder_views_visible_to(viewer, series)
        .filter(recorded_at__gte=since, recorded_at__lt=until)
        .order_by("recorded_at", "pk")
    ]
    level = level_or_default(series.report.level)
    return EvidencePacket(
        series=series,
        viewer=viewer,
        ic_name=series.report.name,
        ic_email=series.report.email,
        manager_name=series.manager.name,
        level_label=LEVEL_LABELS[level],
        start=start,
        end=end,
        generated_on=day(now),
        include_private=include_own_private,
        goals=tuple(goals),
        wins=tuple(wins),
        feedback=tuple(feedback),
        items_done=tuple(items),
        discussions=tuple(discussions),
        aspirations=tuple(aspirations),
        ladder_views=tuple(views),
        private_notes=tuple(private),
    )
