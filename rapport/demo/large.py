"""A large generated organisation, for trying Rapport at scale: `rapport demo --people N`.

Levels in realistic proportions and each level's cadence, years of 1:1s held, cancelled
and moved, topics from both sides, shared and private notes, action items open, done and
overdue, and feedback. Everything is written through the services: the people by the
roster import, each series' past by `series_backfill`, feedback by the growth services.
A capability adds its part by appending a step to `LARGE_STEPS` (a function taking the
generated organisation and `now`).
"""

from __future__ import annotations

import datetime as dt
import gc
import random
from bisect import bisect
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TypeVar

from django.db import transaction
from django.utils import timezone

from rapport.growth import services as growth
from rapport.growth.models import Feedback
from rapport.meetings import scheduling
from rapport.meetings import services as meetings
from rapport.meetings.models import Meeting, Series
from rapport.meetings.services.backfill import (
    PastItem,
    PastMeeting,
    PastPrivateNote,
    PastTopic,
    backfill_bulk_load,
    series_backfill,
    series_past_slots,
)
from rapport.people import services as people
from rapport.people.models import Organisation, Person

from .generator import DemoRefused, _check_empty, demo_exists, settle
from .story import (
    CANCEL_REASONS,
    CAREER,
    DEMO_PASSWORD,
    FEEDBACK,
    IC_VOICE,
    KIND_WEIGHTS,
    LEAD_VOICE,
    MOVE_REASONS,
    OPEN_WINDOW,
    SKILLS,
    STATUS,
    TACTICAL,
)

PEOPLE_LIMITS = (4, 100_000)
YEARS_LIMITS = (0.1, 10.0)
# Engineering ICs by level (most are confirmed or senior; few staff), managers with about
# eight reports, directors with about eight managers, and past eight directors layers of
# vice-presidents, so that nobody, the head of engineering included, leads many more.
LEVEL_SHARES = (("junior", 22), ("confirmed", 38), ("senior", 28), ("staff", 12))
SPAN = 8
TIMEZONES = (("Europe/London", 70), ("Europe/Berlin", 15), ("America/New_York", 15))
# How often a past meeting is called off, and by whom (the rest are held).
FATES = (("cancel-manager", 4), ("cancel-ic", 3), ("move-manager", 3), ("move-ic", 2))
FEEDBACK_SHARE = 0.35  # of the series with a feedback record in their last meeting
LOGINS = (
    ("admin@example.com", "Org admin and head of engineering"),
    ("director@example.com", "A director: managers report to them"),
    ("manager@example.com", "An engineering manager with eight reports"),
    ("junior@example.com", "A junior engineer reporting to that manager"),
)

FIRST_NAMES = [
    "Aisha",
    "Alex",
    "Ana",
    "Ben",
    "Bilal",
    "Carla",
    "Chen",
    "Chloe",
    "Daniel",
    "Dara",
    "Elena",
    "Emeka",
    "Eva",
    "Farah",
    "Felix",
    "Grace",
    "Hana",
    "Hugo",
    "Ines",
    "Ingrid",
    "Ivan",
    "Jada",
    "James",
    "Jonas",
    "Kai",
    "Kemi",
    "Lars",
    "Laura",
    "Leo",
    "Lina",
    "Luca",
    "Maya",
    "Mei",
    "Mia",
    "Nadia",
    "Noah",
    "Nora",
    "Omar",
    "Oscar",
    "Priya",
    "Rafael",
    "Rosa",
    "Sam",
    "Sara",
    "Sofia",
    "Tariq",
    "Theo",
    "Uma",
    "Victor",
    "Wei",
    "Yara",
    "Yusuf",
    "Zoe",
]
LAST_NAMES = [
    "Adams",
    "Ahmed",
    "Alvarez",
    "Baker",
    "Berg",
    "Chen",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haddad",
    "Hansen",
    "Ito",
    "Jensen",
    "Khan",
    "Kim",
    "Kowalski",
    "Larsen",
    "Lopez",
    "Martin",
    "Meyer",
    "Moreau",
    "Nakamura",
    "Novak",
    "Okafor",
    "Patel",
    "Petrov",
    "Quinn",
    "Rossi",
    "Santos",
    "Schmidt",
    "Silva",
    "Singh",
    "Sato",
    "Tanaka",
    "Torres",
    "Nguyen",
    "Walker",
    "Weber",
    "Wilson",
    "Young",
    "Zhang",
]
PROJECTS = (
    "the billing migration",
    "the search rewrite",
    "the mobile release",
    "the data platform",
    "the payments API",
    "the onboarding flow",
    "the observability stack",
    "the checkout redesign",
)
SKILLS_TO_GROW = (
    "system design",
    "code review",
    "estimation",
    "incident response",
    "mentoring",
    "technical writing",
)
TOPIC_KINDS = (TACTICAL, SKILLS, CAREER, STATUS)
# The draws of a held meeting, as the times they add: the same draws, no timedelta built each.
LATE_START = tuple(dt.timedelta(minutes=m) for m in (0, 0, 1, 2, 3, 5))
OVERRUN = tuple(dt.timedelta(minutes=m) for m in (-5, -2, 0, 0, 3, 5, 10))
HALF_HOUR = dt.timedelta(minutes=30)
# How long before the meeting the report and the manager add a topic: `choice` over these
# draws as `randint(2, 70)` and `randint(1, 20)` hours would.
REPORT_AHEAD = tuple(dt.timedelta(hours=hours) for hours in range(2, 71))
MANAGER_AHEAD = tuple(dt.timedelta(hours=hours) for hours in range(1, 21))
DUE_IN = tuple(dt.timedelta(days=d) for d in (3, 5, 7, 7, 10, 14))
Progress = Callable[[int, int], None]
T = TypeVar("T")


@dataclass
class Generated:
    """The generated organisation, handed to each step, and what was written."""

    organisation: Organisation
    admin: Person
    now: dt.datetime
    rng: random.Random
    start: dt.date
    series: list[Series] = field(default_factory=list)
    held: dict[int, int] = field(default_factory=dict)  # the last held meeting, per series id
    counts: dict[str, int] = field(default_factory=dict)
    progress: Progress | None = None


Step = Callable[[Generated, dt.datetime], None]


@transaction.atomic
def organisation_generate(
    *,
    people_count: int,
    years: float,
    seed: int = 1,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> Generated:
    """Generate the organisation into an empty database; the same seed gives the same one."""
    low, high = PEOPLE_LIMITS
    if not low <= people_count <= high:
        raise DemoRefused(f"Choose between {low:,} and {high:,} people.")
    if not YEARS_LIMITS[0] <= years <= YEARS_LIMITS[1]:
        raise DemoRefused(f"Choose between {YEARS_LIMITS[0]} and {YEARS_LIMITS[1]:g} years.")
    if demo_exists():
        raise DemoRefused("The demo is already loaded here: generate into an empty database.")
    _check_empty()
    now = now or timezone.now()
    rng = random.Random(seed)
    with backfill_bulk_load(), _collector_skips_loaded():
        built = _people(people_count, years, now, rng)
        built.progress = progress
        for step in LARGE_STEPS:
            step(built, now)
    return built


@contextmanager
def _collector_skips_loaded() -> Iterator[None]:
    """The garbage collector leaves alone what was loaded before (Django, the modules): each
    full collection would walk it all again, while the history comes and goes series by series."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


# People ------------------------------------------------------------------------------


def _people(count: int, years: float, now: dt.datetime, rng: random.Random) -> Generated:
    start = now - dt.timedelta(days=round(365.25 * years))
    admin = people.organisation_setup(
        organisation_name="Northwind Engineering",
        name="Alex Morgan",
        email=LOGINS[0][0],
        password=DEMO_PASSWORD,
        is_demo=True,
        now=start - dt.timedelta(days=14),
    )
    lines = roster_lines(count, rng, head=admin.email)
    # Everyone joined when the history begins; the reporting lines, and so the 1:1s, are
    # set now: each series plans ahead from today, and series_backfill lays out its past.
    header, *rows = lines
    joined = [header, *(",".join([*row.split(",")[:3], "", *row.split(",")[4:]]) for row in rows)]
    organisation = admin.organisation
    meetings.roster_apply(
        actor=admin, organisation=organisation, text="\n".join(joined) + "\n", now=start
    )
    meetings.roster_apply(
        actor=admin, organisation=organisation, text="\n".join(lines) + "\n", now=now
    )
    people.demo_password_share(organisation=admin.organisation, like=admin, now=now)
    built = Generated(organisation, admin, now, rng, timezone.localdate(start))
    built.series = list(
        Series.objects.filter(organisation=admin.organisation, ended_on__isnull=True)
        .select_related("manager", "report")
        .order_by("pk")
    )
    return built


def roster_lines(count: int, rng: random.Random, *, head: str) -> list[str]:
    """The roster's CSV lines under `head`: the levels, the reporting lines, the zones."""
    managers = max(1, count // SPAN)
    layers = [max(1, managers // SPAN)]  # directors, then vice-presidents above them
    while layers[-1] > SPAN:
        layers.append(-(-layers[-1] // SPAN))
    directors, vice_presidents = layers[0], sum(layers[1:])
    lines = [people.HEADER_LINE]
    names = _names(rng)

    def line(email: str, level: str, manager: str) -> None:
        zone = _weighted(rng, TIMEZONES)
        remote = "yes" if zone != "Europe/London" else "no"
        lines.append(f"{email},{next(names)},{level},{manager},{zone},{remote}")

    above, numbers = [head], iter(range(1, vice_presidents + 1))
    for size in reversed(layers[1:]):
        layer = [f"vp{next(numbers)}@example.com" for _ in range(size)]
        for number, email in enumerate(layer):
            line(email, "", above[number % len(above)])
        above = layer
    director_emails = [LOGINS[1][0]] + [f"director{n}@example.com" for n in range(1, directors)]
    for number, email in enumerate(director_emails):
        line(email, "", above[number % len(above)])
    manager_emails = [LOGINS[2][0]] + [f"manager{n}@example.com" for n in range(1, managers)]
    for number, email in enumerate(manager_emails):
        line(email, "", director_emails[number % directors])
    ics = count - 1 - vice_presidents - directors - managers
    for number in range(ics):
        # The first manager gets the first eight: a known login with a full team.
        others = manager_emails[1:] or manager_emails
        manager = manager_emails[0] if number < SPAN else others[number % len(others)]
        email = LOGINS[3][0] if number == 0 else f"engineer{number}@example.com"
        level = "junior" if number == 0 else _weighted(rng, LEVEL_SHARES)
        line(email, level, manager)
    return lines


def _names(rng: random.Random):
    while True:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        yield f"{first} {last}"


def _weighted(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    roll = rng.random() * sum(weight for _, weight in table)
    for value, weight in table:
        roll -= weight
        if roll < 0:
            return value
    return table[-1][0]


# Steps -------------------------------------------------------------------------------


def histories(built: Generated, now: dt.datetime) -> None:
    """Every series' past, one backfill each."""
    counts = built.counts
    for number, series in enumerate(built.series, start=1):
        plan = _SeriesPlan(series, now, built.rng).plan(since=built.start)
        done = series_backfill(actor=series.manager, series=series, meetings=plan, now=now)
        last_held = next(
            (pk for m, pk in zip(plan[::-1], done.meetings[::-1], strict=True) if m.held), None
        )
        if last_held is not None:
            built.held[series.pk] = last_held
        for meeting in plan:
            fate = "held" if meeting.held else "moved" if meeting.moved_to else "cancelled"
            counts[fate] = counts.get(fate, 0) + 1
        counts["topics"] = counts.get("topics", 0) + done.topics
        counts["action items"] = counts.get("action items", 0) + done.items
        counts["private notes"] = counts.get("private notes", 0) + done.private_notes
        if built.progress is not None:
            built.progress(number, len(built.series))


def feedback(built: Generated, now: dt.datetime) -> None:
    """Feedback in a share of the 1:1s' last meeting; most of it acknowledged."""
    rng, chosen = built.rng, {}
    for series in built.series:
        if series.pk in built.held and rng.random() < FEEDBACK_SHARE:
            chosen[built.held[series.pk]] = series
    given = 0
    for meeting in Meeting.objects.filter(pk__in=list(chosen)).order_by("pk"):
        series = chosen[meeting.pk]
        meeting.series = series
        positive = rng.random() < 0.65
        situation, behaviour, impact = rng.choice(FEEDBACK[positive])
        record = growth.feedback_give(
            actor=series.manager,
            meeting=meeting,
            kind=Feedback.Kind.POSITIVE if positive else Feedback.Kind.CONSTRUCTIVE,
            situation=situation,
            behaviour=behaviour,
            impact=impact,
            now=meeting.ended_at,
        )
        if rng.random() < 0.7:
            growth.feedback_mark(
                actor=series.report,
                feedback=record,
                acknowledged=True,
                now=meeting.ended_at + dt.timedelta(hours=2),
            )
        given += 1
    built.counts["feedback"] = given


LARGE_STEPS: list[Step] = [histories, feedback]


# One series' past --------------------------------------------------------------------


def _chooser(rng: random.Random, options: Sequence[T]) -> Callable[[], T]:
    """`rng.choice(options)` for options drawn from again and again: the same draws (as many
    bits as their number takes, again while beyond it), without measuring them each time."""
    count = len(options)
    bits, draw = count.bit_length(), rng.getrandbits
    if not count:
        return lambda: rng.choice(options)  # raises, as it would

    def choose() -> T:
        index = draw(bits)
        while index >= count:
            index = draw(bits)
        return options[index]

    return choose


class _SeriesPlan:
    """The plan of one series' past: what series_backfill writes."""

    def __init__(self, series: Series, now: dt.datetime, rng: random.Random) -> None:
        self.series, self.now, self.rng = series, now, rng
        self.today = timezone.localdate(now)
        self.manager, self.report = series.manager, series.report
        lead = not series.report.level
        self.voice = LEAD_VOICE if lead else IC_VOICE
        # Summed once: what `choices` would sum on every topic, with the same draws.
        self.kind_weights = list(accumulate(KIND_WEIGHTS[series.report.level]))
        self.kind_total = self.kind_weights[-1] + 0.0
        self.words = {
            "first": self.report.name.split()[0],
            "mfirst": self.manager.name.split()[0],
            "level": "engineering manager" if lead else self.report.get_level_display(),
            "project": rng.choice(PROJECTS),
            "skill": rng.choice(SKILLS_TO_GROW),
            "goal": f"lead {rng.choice(PROJECTS)}",
            "aspiration": "a bigger scope within two years",
            "teammate": rng.choice(FIRST_NAMES),
            "next_level": "the next level",
            "quarter": "",
        }
        self.cache: dict[tuple[str, int], str] = {}
        self.mood = rng.choice((3, 4, 4, 4, 5))
        self.prepares = rng.choice((0.5, 0.7, 0.8, 0.9))
        self.minutes = series.duration_minutes
        self.career_minutes = scheduling.career_minutes(series.duration_minutes)
        # The draws of every held meeting, each from the same options.
        voice, pick = self.voice, lambda options: _chooser(rng, options)
        self.topics_of = {
            author.pk: {kind: pick(pool) for kind, pool in pools.items()}
            for author, pools in (
                (self.manager, voice.manager_topics),
                (self.report, voice.report_topics),
            )
        }
        self.prepared_topics, self.items_count = pick((1, 1, 2, 2, 3)), pick((0, 1, 1, 1, 2, 2))
        self.report_ahead, self.manager_ahead = pick(REPORT_AHEAD), pick(MANAGER_AHEAD)
        self.late_start, self.overrun = pick(LATE_START), pick(OVERRUN)
        self.mood_change = pick((-1, 0, 0, 0, 1))
        self.feedback_of = {True: pick(voice.positive), False: pick(voice.constructive)}
        self.context, self.private = pick(voice.context), pick(voice.manager_private)
        self.action_of = {True: pick(voice.manager_actions), False: pick(voice.report_actions)}
        self.due_in = pick(DUE_IN)

    def say(self, template: str, when: dt.datetime) -> str:
        quarter = (when.month - 1) // 3 + 1
        key = (template, quarter)
        text = self.cache.get(key)
        if text is None:
            if "{" in template:
                text = template.format_map(dict(self.words, quarter=f"Q{quarter}"))
            else:
                text = template
            text = self.cache[key] = text[:1].upper() + text[1:]
        return text

    def plan(self, *, since: dt.date) -> list[PastMeeting]:
        rng, series = self.rng, self.series
        slots = series_past_slots(series, since=since, until=self.now - OPEN_WINDOW)
        plan = [PastMeeting(scheduled_at=moment, career=career) for moment, career in slots]
        pending: list[str] = []
        last_end = None
        out: list[PastMeeting] = []
        fates = [value for value, _ in FATES]
        weights = [weight for _, weight in FATES] + [100 - sum(w for _, w in FATES)]
        rolls = rng.choices([*fates, "held"], weights=weights, k=len(plan))
        rolls[0] = rolls[-1] = "held"
        # A move lands on the next day; the last two slots stay as they are.
        if len(rolls) > 1:
            rolls[-2] = "held" if rolls[-2].startswith("move") else rolls[-2]
        for index, meeting in enumerate(plan):
            fate = rolls[index]
            if fate != "held":
                moved = self._call_off(meeting, fate, last_end, plan, index)
                pending = pending + [t.text for t in meeting.topics]
                out.append(meeting)
                if moved is None:
                    continue
                out.append(moved)
                meeting = moved
            last_end = self._hold(meeting, pending, last_end)
            pending = [t.text for t in meeting.topics if not t.discussed]
            if not meeting.carried_discussed:
                pending = pending + pending  # what stayed, and what came in and stayed
            if fate == "held":
                out.append(meeting)
        return out

    def _topic(self, meeting: PastMeeting, author: Person, when: dt.datetime, lo: dt.datetime):
        rng = self.rng
        # What `rng.choices(TOPIC_KINDS, cum_weights=...)[0]` draws, without its list.
        kind = TOPIC_KINDS[bisect(self.kind_weights, rng.random() * self.kind_total, 0, 3)]
        text = self.say(self.topics_of[author.pk][kind]()[0], when)
        if lo is not None and when <= lo:
            when = lo + HALF_HOUR
        meeting.topics.append(
            PastTopic(author=author, text=text, at=when, kind=kind if rng.random() < 0.9 else "")
        )

    def _hold(self, meeting: PastMeeting, pending: list[str], last_end) -> dt.datetime:
        rng, when = self.rng, meeting.scheduled_at
        if rng.random() < self.prepares:
            for _ in range(self.prepared_topics()):
                self._topic(meeting, self.report, when - self.report_ahead(), last_end)
        if rng.random() < 0.45:
            self._topic(meeting, self.manager, when - self.manager_ahead(), last_end)
        started = when + self.late_start()
        if rng.random() < 0.3 or not (meeting.topics or pending):
            self._topic(meeting, self.report, started + dt.timedelta(minutes=5), last_end)
        meeting.started_at = started
        meeting.carried_discussed = rng.random() < 0.97
        for topic in meeting.topics:
            topic.discussed = rng.random() < 0.86
        planned = meeting.duration_minutes or (
            self.career_minutes if meeting.career else self.minutes
        )
        ended = started + dt.timedelta(minutes=planned) + self.overrun()
        meeting.ended_at = ended
        meeting.mood = max(1, min(5, self.mood + self.mood_change()))
        theirs = [t for t in meeting.topics if t.author is self.report]
        mine = [t for t in meeting.topics if t.author is not self.report]
        notes = {
            "their_topics": "\n".join(
                f"- {t.text}: {'discussed.' if t.discussed else 'carried to next time.'}"
                for t in theirs
            ),
            "my_topics": "\n".join(f"- {t.text}" for t in mine),
        }
        if meeting.career or rng.random() < 0.5:
            positive = rng.random() < 0.65
            text = self.feedback_of[positive]()
            label = "Positive" if positive else "Constructive"
            notes["feedback"] = f"- **{label}**: {self.say(text, when)}"
        if rng.random() < 0.4:
            notes["context"] = f"- {self.say(self.context(), when)}"
        if meeting.career:
            notes["career_progress"] = f"Progress on {self.words['goal']}."
            notes["career_next_focus"] = f"- {self.words['skill'].capitalize()}."
        follow = [f"- {t.text}" for t in meeting.topics if not t.discussed]
        notes["follow_up"] = "\n".join(follow)
        meeting.notes = notes
        if rng.random() < 0.25:
            body = self.say(self.private(), when)
            meeting.private_notes.append(PastPrivateNote(author=self.manager, body=body, at=ended))
        if rng.random() < 0.1:
            meeting.private_notes.append(
                PastPrivateNote(
                    author=self.report,
                    body="Things I want to raise next time.",
                    at=ended + dt.timedelta(minutes=20),
                )
            )
        day = ended.date()
        for _ in range(self.items_count()):
            ours = rng.random() < 0.35
            owner = self.manager if ours else self.report
            text = self.action_of[ours]()
            due = day + self.due_in()
            status, done_on = settle(rng, self.today, due, day)
            meeting.items.append(
                PastItem(
                    owner=owner,
                    text=self.say(text, when),
                    due_on=due,
                    status=status,
                    done_on=done_on,
                )
            )
        return ended

    def _call_off(self, meeting: PastMeeting, fate: str, last_end, plan, index):
        rng = self.rng
        move, side = fate.split("-")
        actor = self.manager if side == "manager" else self.report
        if move == "move":
            notice, reason = rng.choice((20, 26, 48, 72)), rng.choice(MOVE_REASONS[side])
        else:
            notice = rng.choice((1, 2, 3, 18)) if side == "manager" else rng.choice((24, 48, 96))
            reason = rng.choice(CANCEL_REASONS[side])
        when = meeting.scheduled_at - dt.timedelta(hours=notice)
        if last_end is not None:
            when = max(when, last_end + dt.timedelta(hours=1))
        if rng.random() < 0.4:
            self._topic(meeting, self.report, when - dt.timedelta(hours=3), last_end)
            if meeting.topics[-1].at > when:
                meeting.topics.pop()
        meeting.cancelled_by, meeting.cancelled_at, meeting.reason = actor, when, reason
        if move == "move":
            moved = PastMeeting(
                scheduled_at=meeting.scheduled_at + dt.timedelta(days=1),
                career=meeting.career,
            )
            meeting.moved_to = moved
            return moved
        if meeting.career and index + 1 < len(plan) and not plan[index + 1].career:
            plan[index + 1].career = True  # career is never dropped: the next one takes it
        return None
