"""The demo organisation: six months of 1:1 history, written through the services only.

`demo_load` builds the people, then runs each step of `STEPS` in order. A step is a
function taking the built organisation (`Built`) and `now`; a capability that wants its
own part in the demo adds a step (`STEPS.append(...)`) rather than writing around it.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from rapport.framework.agenda import MOOD_MAX, MOOD_MIN
from rapport.framework.cadence import CadenceChoice
from rapport.framework.questions import QUESTIONS
from rapport.growth import services as growth
from rapport.growth.models import Feedback
from rapport.insights import services as insights
from rapport.meetings import scheduling
from rapport.meetings import services as meetings
from rapport.meetings.models import ActionItem, Meeting, Series
from rapport.meetings.services.backfill import (
    PastItem,
    PastMeeting,
    PastPrivateNote,
    PastTopic,
    series_backfill,
    series_past_slots,
)
from rapport.people import services as people
from rapport.people.models import Organisation, Person

from .career import add_career_story
from .goals import add_goals_story
from .story import (
    CANCEL_REASONS,
    CAREER,
    DEMO_ORGANISATION,
    DEMO_PASSWORD,
    FEEDBACK,
    GOALS,
    HISTORY_WEEKS,
    IC_VOICE,
    KIND_WEIGHTS,
    LEAD_VOICE,
    MOVE_REASONS,
    OPEN_WINDOW,
    PERSONAS,
    SEED,
    SKILLS,
    STATUS,
    TACTICAL,
    TALK_SHARES,
    TALK_UNRECORDED_EVERY,
    Persona,
)


class DemoRefused(Exception):
    """The database holds real data; the demo never mixes with it."""


@dataclass
class Built:
    """The organisation as built so far, handed to each step."""

    organisation: Organisation
    admin: Person
    now: dt.datetime
    rng: random.Random
    people: dict[str, Person] = field(default_factory=dict)
    # Per report's email: their open series and its held meetings, oldest first.
    series: dict[str, Series] = field(default_factory=dict)
    held: dict[str, list[Meeting]] = field(default_factory=dict)

    @property
    def today(self) -> dt.date:
        return timezone.localdate(self.now)

    @property
    def start(self) -> dt.date:
        return self.today - dt.timedelta(weeks=HISTORY_WEEKS)


Step = Callable[[Built, dt.datetime], None]


# Loading -----------------------------------------------------------------------------


def demo_exists() -> bool:
    """Whether the demo organisation is already in the database."""
    return Organisation.objects.filter(is_demo=True).exists()


def _check_empty() -> None:
    organisations = Organisation.objects.filter(is_demo=False).count()
    persons = Person.objects.exclude(organisation__is_demo=True).count()
    if organisations or persons:
        raise DemoRefused(
            "This database holds data that is not Rapport's demo: "
            f"{persons} {'person' if persons == 1 else 'people'} in {organisations} "
            f"organisation{'' if organisations == 1 else 's'}. The demo is loaded only into an "
            "empty database: point RAPPORT_DATA_DIR (or DATABASE_URL) at a new one."
        )


@transaction.atomic
def demo_load(*, now: dt.datetime | None = None) -> bool:
    """Load the demo organisation; False if it is already there, DemoRefused on real data."""
    if demo_exists():
        return False
    _check_empty()
    now = now or timezone.now()
    built = build_people(now)
    for step in STEPS:
        step(built, now)
    return True


# People ------------------------------------------------------------------------------


def build_people(now: dt.datetime) -> Built:
    """Everyone joins on their day; reporting lines (and so the 1:1s) start with the history."""
    first, *others = PERSONAS
    start = now - dt.timedelta(weeks=HISTORY_WEEKS)
    admin = people.organisation_setup(
        organisation_name=DEMO_ORGANISATION,
        name=first.name,
        email=first.email,
        password=DEMO_PASSWORD,
        is_demo=True,
        now=now - dt.timedelta(weeks=HISTORY_WEEKS + 2),
    )
    built = Built(admin.organisation, admin, now, random.Random(SEED))
    built.people[first.email] = admin
    for persona in others:
        built.people[persona.email] = meetings.report_invite(
            actor=admin,
            email=persona.email,
            name=persona.name,
            level=persona.level,
            timezone=persona.timezone,
            remote=persona.remote,
            is_org_admin=persona.admin,
            now=now - dt.timedelta(weeks=persona.joined_weeks),
        )
    admin = meetings.report_update(
        actor=admin,
        person=admin,
        name=admin.name,
        level="",
        manager=None,
        timezone=first.timezone,
        remote=first.remote,
        is_org_admin=True,
        now=start,
    )
    for persona in others:
        if persona.manager:
            person = built.people[persona.email]
            built.people[persona.email] = meetings.report_update(
                actor=admin,
                person=person,
                name=person.name,
                level=person.level,
                manager=built.people[persona.manager],
                timezone=person.timezone,
                remote=person.remote,
                is_org_admin=person.is_org_admin,
                now=start,
            )
    people.demo_password_share(organisation=built.organisation, like=built.admin, now=now)
    return built


# Steps -------------------------------------------------------------------------------


def histories(built: Built, now: dt.datetime) -> None:
    """Six months of each series: held, moved or cancelled, with what was said."""
    for persona in PERSONAS:
        if persona.manager:
            _History(built, persona).run()


def talk_shares(built: Built, now: dt.datetime) -> None:
    """The manager's estimate of their talk share, set on the wrap-up of most held 1:1s."""
    rng = random.Random(f"{SEED}-talk")
    for email, held in built.held.items():
        usual, spread = TALK_SHARES.get(email, (25, 4))
        series = built.series[email]
        for number, meeting in enumerate(held, 1):
            if number % TALK_UNRECORDED_EVERY == 0:
                continue
            share = max(0, min(100, usual + rng.randint(-spread, spread)))
            insights.talk_share_record_estimate(
                actor=series.manager,
                meeting=meeting,
                manager_share=share,
                now=meeting.ended_at + dt.timedelta(minutes=1),
            )


def coaching(built: Built, now: dt.datetime) -> None:
    """Goals, feedback (acknowledged, acted on) and the coaching questions asked."""
    for number, persona in enumerate(p for p in PERSONAS if p.manager):
        series, held = built.series[persona.email], built.held[persona.email]
        if not held:
            continue
        skill, criterion = GOALS.get(persona.email, GOALS["default"])
        growth.goal_set(
            actor=series.manager,
            meeting=held[-1],
            skill=skill,
            criterion=criterion,
            now=held[-1].ended_at,
        )
        for offset, meeting in enumerate(held[-3:]):
            key = QUESTIONS[(number * 7 + offset * 5) % len(QUESTIONS)].key
            growth.question_ask(
                actor=series.manager,
                meeting=meeting,
                question_key=key,
                now=meeting.started_at + dt.timedelta(minutes=12),
            )
        _feedback(series, held[-2:], number)


def _feedback(series: Series, held: list[Meeting], number: int) -> None:
    for offset, meeting in enumerate(held):
        positive = (number + offset) % 3 != 0
        situation, behaviour, impact = FEEDBACK[positive][(number + offset) % 2]
        feedback = growth.feedback_give(
            actor=series.manager,
            meeting=meeting,
            kind=Feedback.Kind.POSITIVE if positive else Feedback.Kind.CONSTRUCTIVE,
            situation=situation,
            behaviour=behaviour,
            impact=impact,
            now=meeting.ended_at,
        )
        if offset == 0:
            growth.feedback_mark(
                actor=series.report, feedback=feedback, acknowledged=True, now=meeting.ended_at
            )
            growth.feedback_mark(
                actor=series.report, feedback=feedback, acted_on=True, now=held[-1].ended_at
            )


def improvement_plan(built: Built, now: dt.datetime) -> None:
    """An open underperformance plan for dev3, so its cadence suggestion shows."""
    series = built.series["dev3@example.com"]
    upcoming = series.meetings.filter(status=Meeting.Status.SCHEDULED, scheduled_at__gt=now).first()
    growth.plan_create(
        actor=series.manager,
        meeting=upcoming,
        expectations="Estimates within 20% on the next two migration tickets, "
        "with risks raised in stand-up as soon as they appear.",
        ends_on=built.today + dt.timedelta(weeks=6),
        today=built.today,
        now=now,
    )


def careers(built: Built, now: dt.datetime) -> None:
    add_career_story(built.organisation, now)
    add_goals_story(built.organisation, now)


STEPS: list[Step] = [histories, talk_shares, coaching, improvement_plan, careers]


# One series' history -----------------------------------------------------------------


@dataclass(slots=True)
class _Said:
    """A topic on the agenda as the generator tracks it (new, or carried over)."""

    text: str
    author_id: int
    discussed: bool = False


class _History:
    """Six months of one series: planned slot by slot, then written by series_backfill."""

    def __init__(self, built: Built, persona: Persona) -> None:
        assert persona.story is not None
        self.built = built
        self.now = built.now
        self.cutoff = built.now - OPEN_WINDOW
        self.rng = built.rng
        self.persona = persona
        self.story = persona.story
        self.voice = LEAD_VOICE if persona.lead else IC_VOICE
        self.report = built.people[persona.email]
        self.manager = built.people[persona.manager]
        self.series = self.report.series.select_related("manager", "report").get(
            ended_on__isnull=True
        )
        level = "engineering manager" if persona.lead else self.report.get_level_display()
        self.words = {
            "first": self.report.first_name,
            "mfirst": self.manager.first_name,
            "level": level,
            "project": self.story.project,
            "skill": self.story.skill,
            "goal": self.story.goal,
            "aspiration": self.story.aspiration,
            "teammate": self.story.teammate,
            "next_level": self.story.next_level,
        }
        self.decks: dict[tuple, list] = {}
        self.career_count = 0
        self.last_end: dt.datetime | None = None
        # Topics carried into the next meeting, the current agenda's texts, and what was
        # said about each text, for the shared notes.
        self.pending: list[_Said] = []
        self.agenda: set[str] = set()
        self.said: dict[str, str] = {}

    def run(self) -> None:
        self._configure()
        slots = series_past_slots(self.series, since=self.series.started_on, until=self.cutoff)
        plan = [PastMeeting(scheduled_at=moment, career=career) for moment, career in slots]
        fates = self._fates(plan)
        queue = list(plan)
        while queue:
            meeting = queue.pop(0)
            self.agenda = {said.text for said in self.pending}
            fate = fates.get(id(meeting), "held")
            if fate == "held":
                self._hold(meeting, last=not queue)
                continue
            moved = self._cancel(meeting, fate, queue)
            if moved is not None:
                assert moved.scheduled_at < self.cutoff
                bisect.insort(queue, moved, key=lambda m: m.scheduled_at)
                plan.append(moved)
        series_backfill(actor=self.manager, series=self.series, meetings=plan, now=self.now)
        self.built.series[self.persona.email] = self.series
        self.built.held[self.persona.email] = list(
            self.series.meetings.filter(status=Meeting.Status.HELD)
            .select_related("series__manager", "series__report")
            .order_by("scheduled_at")
        )
        self._prepare_next()

    # The series --------------------------------------------------------------------

    def _configure(self) -> None:
        """The persona's weekday and time (and a departure from the level, with its reason)."""
        persona, series = self.persona, self.series
        meetings.series_update_cadence(
            actor=self.manager,
            series=series,
            choice=CadenceChoice(
                frequency_weeks=persona.frequency_weeks or series.frequency_weeks,
                duration_minutes=series.duration_minutes,
                career_every_weeks=series.career_every_weeks,
                weekday=persona.weekday,
                start_time=persona.start_time,
                reason=persona.cadence_reason,
                note=persona.cadence_note,
            ),
            now=dt.datetime.combine(series.started_on, dt.time(0), tzinfo=dt.UTC),
        )

    def _fates(self, past: list[PastMeeting]) -> dict[int, str]:
        """What happens to each past meeting: the persona's story, plus a few IC absences.

        The first and the last past meeting are always held.
        """
        fates: dict[int, str] = {}
        for index, fate in self.persona.fates.items():
            if -len(past) < index < len(past) - 1 and index not in (0, -1):
                fates[id(past[index])] = fate
        for meeting in past[1:-1]:
            if id(meeting) not in fates and self.rng.random() < 0.03:
                fates[id(meeting)] = self.rng.choice(("cancel-ic", "move-ic"))
        return fates

    # Words ---------------------------------------------------------------------------

    def say(self, template: str, when: dt.datetime | None = None) -> str:
        when = when or self.now
        text = template.format(**self.words, quarter=f"Q{(when.month - 1) // 3 + 1}")
        return text[:1].upper() + text[1:]

    def draw(self, pool: tuple) -> object:
        """The next item of a shuffled pool, so a series rarely repeats itself."""
        deck = self.decks.get(pool)
        if not deck:
            deck = self.decks[pool] = list(pool)
            self.rng.shuffle(deck)
        return deck.pop()

    def kind(self) -> str:
        weights = KIND_WEIGHTS["" if self.persona.lead else self.report.level]
        return self.rng.choices((TACTICAL, SKILLS, CAREER, STATUS), weights=weights)[0]

    def pick_topic(self, side: str, kind: str, when: dt.datetime) -> tuple[str, str]:
        """A talking point not already on this agenda, and what was said about it."""
        if side == "manager":
            pool = self.voice.manager_topics[kind]
        else:
            own = tuple((text, note) for text, of, note in self.story.topics if of == kind)
            pool = own + self.voice.report_topics[kind]
        for _ in range(4):
            text, note = self.draw(pool)
            if self.say(text, when) not in self.agenda:
                break
        return self.say(text, when), self.say(note, when)

    # A meeting that happened ---------------------------------------------------------

    def _hold(self, meeting: PastMeeting, *, last: bool) -> None:
        rng, persona = self.rng, self.persona
        recent = meeting.scheduled_at > self.now - dt.timedelta(days=61)
        # The warning story: an IC whose 1:1s keep being cancelled prepares less.
        slipping = recent and persona.neglected
        self._add_before(meeting, prepares=persona.prepares - (0.4 if slipping else 0))
        started = meeting.scheduled_at + dt.timedelta(minutes=rng.choice((0, 0, 1, 2, 3, 5)))
        meeting.started_at = started
        if rng.random() < 0.3:
            side = rng.choice((self.report, self.manager))
            self._topic(meeting, side, started + dt.timedelta(minutes=rng.randint(6, 20)))
        if not meeting.topics and not self.pending:
            # Nothing prepared: the IC brings something up at the start.
            self._topic(meeting, self.report, started + dt.timedelta(minutes=3))
        agenda = self._tick(meeting, all_discussed=last and not persona.prepares_next)
        planned = meeting.duration_minutes or self._planned(meeting)
        minutes = planned + rng.choice((-5, -2, 0, 0, 3, 5, 10))
        ended = started + dt.timedelta(minutes=minutes)
        meeting.ended_at = ended
        self._notes(meeting, agenda)
        self._private_notes(meeting, ended, last=last)
        self._action_items(meeting, ended)
        mood = persona.mood + rng.choice((-1, 0, 0, 0, 1)) - (1 if slipping else 0)
        meeting.mood = max(MOOD_MIN, min(MOOD_MAX, mood))
        self.last_end = ended
        self.pending = [said for said in agenda if not said.discussed]

    def _planned(self, meeting: PastMeeting) -> int:
        minutes = self.series.duration_minutes
        return scheduling.career_minutes(minutes) if meeting.career else minutes

    def _add_before(self, meeting: PastMeeting, *, prepares: float) -> None:
        """Topics written ahead: mostly the IC's, sometimes one of the manager's."""
        rng = self.rng
        if rng.random() < prepares:
            for _ in range(rng.choice((1, 1, 2, 2, 3))):
                hours = rng.randint(2, 70)
                self._topic(meeting, self.report, meeting.scheduled_at - dt.timedelta(hours=hours))
        if rng.random() < 0.45:
            hours = rng.randint(1, 20)
            self._topic(meeting, self.manager, meeting.scheduled_at - dt.timedelta(hours=hours))

    def _topic(self, meeting: PastMeeting, author: Person, when: dt.datetime) -> PastTopic:
        if self.last_end is not None and when <= self.last_end:
            when = self.last_end + dt.timedelta(minutes=30)
        kind = self.kind()
        side = "manager" if author.pk == self.manager.pk else "report"
        text, note = self.pick_topic(side, kind, when)
        self.agenda.add(text)
        self.said[text] = note
        tagged = self.rng.random() < 0.85
        if not tagged and self.rng.random() < 0.6:
            tagged = True  # tagged later by the manager, during the meeting
        topic = PastTopic(author=author, text=text, at=when, kind=kind if tagged else "")
        meeting.topics.append(topic)
        return topic

    def _tick(self, meeting: PastMeeting, *, all_discussed: bool) -> list[_Said]:
        """Tick what was discussed: carried topics first; a few new ones run out of time."""
        meeting.carried_discussed = all_discussed or self.rng.random() < 0.97
        agenda = [
            _Said(said.text, said.author_id, meeting.carried_discussed) for said in self.pending
        ]
        for topic in meeting.topics:
            topic.discussed = all_discussed or self.rng.random() < 0.86
            agenda.append(_Said(topic.text, topic.author.pk, topic.discussed))
        return agenda

    def _notes(self, meeting: PastMeeting, agenda: list[_Said]) -> None:
        rng, voice, when = self.rng, self.voice, meeting.scheduled_at
        sections = {
            "their_topics": self._topic_lines(t for t in agenda if t.author_id == self.report.pk),
            "my_topics": self._topic_lines(t for t in agenda if t.author_id == self.manager.pk),
        }
        if meeting.career or rng.random() < 0.55:
            positive = rng.random() < 0.65
            label = "Positive" if positive else "Constructive"
            text = self.draw(voice.positive if positive else voice.constructive)
            sections["feedback"] = f"- **{label}**: {self.say(text, when)}"
        if rng.random() < 0.45:
            sections["context"] = f"- {self.say(self.draw(voice.context), when)}"
        if meeting.career:
            sections |= self._career()
        follow = [f"- {t.text}" for t in agenda if not t.discussed]
        if rng.random() < 0.4:
            follow.append(f"- {self.say(self.draw(voice.follow_ups), when)}")
        sections["follow_up"] = "\n".join(follow)
        meeting.notes = sections

    def _topic_lines(self, topics: Iterable[_Said]) -> str:
        lines = []
        for topic in topics:
            if topic.discussed:
                note = self.said.get(topic.text, "Discussed.")
            else:
                note = "not reached, carried to next time."
            lines.append(f"- {topic.text}: {note}")
        return "\n".join(lines)

    def _career(self) -> dict[str, str]:
        story = self.story
        stage = story.progress[min(self.career_count // self._per_stage(), len(story.progress) - 1)]
        focus = story.focus[self.career_count % len(story.focus)]
        self.career_count += 1
        return {
            "career_progress": stage,
            "career_goals": (
                f"- This half: {story.goal}.\n- Longer term: {story.aspiration}.\n"
                f"- Next level: {story.next_level}."
            ),
            "career_next_focus": f"- {focus}",
        }

    def _per_stage(self) -> int:
        """How many career meetings share one stage of the story, spread over six months."""
        weeks = HISTORY_WEEKS / self.series.career_every_weeks
        return max(1, round(weeks / len(self.story.progress)))

    def _private_notes(self, meeting: PastMeeting, ended: dt.datetime, *, last: bool) -> None:
        rng = self.rng
        if last and self.persona.last_private:
            self._private(meeting, self.manager, self.persona.last_private, ended)
        elif rng.random() < 0.3:
            pool = self.story.manager_private + self.voice.manager_private
            self._private(meeting, self.manager, self.say(self.draw(pool)), ended)
        if self.story.ic_private and rng.random() < 0.3:
            body = self.draw(self.story.ic_private)
            self._private(meeting, self.report, body, ended + dt.timedelta(minutes=20))

    def _private(self, meeting: PastMeeting, author: Person, body: str, when: dt.datetime) -> None:
        meeting.private_notes.append(PastPrivateNote(author=author, body=body, at=when))

    def _action_items(self, meeting: PastMeeting, ended: dt.datetime) -> None:
        rng, voice = self.rng, self.voice
        for _ in range(rng.choice((0, 1, 1, 1, 2, 2))):
            mine = rng.random() < 0.35
            owner = self.manager if mine else self.report
            text = self.say(self.draw(voice.manager_actions if mine else voice.report_actions))
            due = ended.date() + dt.timedelta(days=rng.choice((3, 5, 7, 7, 10, 14)))
            status, done_on = settle(self.rng, self.built.today, due, ended.date())
            meeting.items.append(
                PastItem(owner=owner, text=text, due_on=due, status=status, done_on=done_on)
            )

    # A meeting that did not happen at its time ---------------------------------------

    def _cancel(self, meeting: PastMeeting, fate: str, queue: list[PastMeeting]):
        rng = self.rng
        move, side = fate.split("-")
        actor = self.manager if side == "manager" else self.report
        if move == "move":
            notice = rng.choice((20, 26, 48, 72))
            reason = self.draw(MOVE_REASONS[side])
        else:
            # Managers cancel late (that is the problem); ICs usually know ahead.
            notice = rng.choice((1, 2, 3, 18)) if side == "manager" else rng.choice((24, 48, 96))
            reason = self.draw(CANCEL_REASONS[side])
        when = meeting.scheduled_at - dt.timedelta(hours=notice)
        if self.last_end is not None:
            when = max(when, self.last_end + dt.timedelta(hours=1))
        if rng.random() < self.persona.prepares * 0.6:
            self._topic(meeting, self.report, when - dt.timedelta(hours=rng.randint(2, 20)))
        meeting.cancelled_by, meeting.cancelled_at, meeting.reason = actor, when, reason
        moved = None
        if move == "move":
            moved = PastMeeting(
                scheduled_at=self._moved_time(meeting),
                career=meeting.career,
                duration_minutes=meeting.duration_minutes,
            )
            meeting.moved_to = moved
        elif meeting.career and queue and not queue[0].career:
            # A skipped career 1:1 hands its focus to the next one: career is never dropped.
            queue[0].career = True
        # Nothing was discussed: all of it carries over.
        self.pending = [_Said(said.text, said.author_id) for said in self.pending] + [
            _Said(topic.text, topic.author.pk) for topic in meeting.topics
        ]
        return moved

    def _moved_time(self, meeting: PastMeeting) -> dt.datetime:
        """The next working day at the same wall-clock time."""
        tz = ZoneInfo(self.manager.timezone)
        day = meeting.scheduled_at.astimezone(tz).date() + dt.timedelta(days=1)
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        return dt.datetime.combine(day, self.series.start_time, tzinfo=tz)

    # The next meeting ----------------------------------------------------------------

    def _prepare_next(self) -> None:
        """Some ICs have already added topics for their next 1:1; others have not."""
        upcoming = (
            self.series.meetings.filter(status=Meeting.Status.SCHEDULED, scheduled_at__gt=self.now)
            .order_by("scheduled_at")
            .first()
        )
        if upcoming is None or not self.persona.prepares_next:
            return
        self.agenda = {said.text for said in self.pending}
        for _ in range(self.rng.choice((1, 2, 2))):
            when = self.now - dt.timedelta(minutes=self.rng.randint(15, 600))
            kind = self.kind()
            text, _note = self.pick_topic("report", kind, when)
            self.agenda.add(text)
            meetings.topic_add(actor=self.report, meeting=upcoming, text=text, kind=kind, now=when)


def settle(
    rng: random.Random, today: dt.date, due: dt.date, created: dt.date
) -> tuple[str, dt.date | None]:
    """How an action item turned out by today: done on time, late, dropped, or still open."""
    roll = rng.random()
    # Recent items are often still open; old ones were mostly dealt with.
    overdue = 0.2 if (today - due).days < 30 else 0.03
    status, done_on = ActionItem.Status.DONE, None
    if due >= today:
        if roll < 0.2:
            done_on = created + dt.timedelta(days=rng.randint(1, 4))
    elif roll < overdue:
        return ActionItem.Status.OPEN, None
    elif roll < overdue + 0.15:
        done_on = min(today, due + dt.timedelta(days=rng.randint(1, 9)))
    elif roll < overdue + 0.19:
        status = ActionItem.Status.DROPPED
    else:
        done_on = max(created, due - dt.timedelta(days=rng.randint(0, 3)))
    if status == ActionItem.Status.DONE and (done_on is None or done_on > today):
        return ActionItem.Status.OPEN, None
    return status, done_on
