"""The demo organisation: six months of 1:1 history, written through the real services."""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from rapport.demo_goals import add_goals_story
from rapport.framework.agenda import MOOD_MAX, MOOD_MIN
from rapport.framework.questions import QUESTIONS
from rapport.growth import services as growth
from rapport.growth.models import Feedback, Goal, ImprovementPlan
from rapport.meetings import scheduling
from rapport.meetings import services as meetings
from rapport.meetings.models import ActionItem, Meeting, PrivateNote, Series, SharedNotes, Topic
from rapport.people import services as people
from rapport.people.models import Organisation, Person

DEMO_PASSWORD = "rapport-demo"
DEMO_ORGANISATION = "Northwind Engineering"
HISTORY_WEEKS = 26
SEED = 42
# Meetings that began less than this long ago are left open: the manager has
# not wrapped them up yet, and nothing is ever recorded as ending in the future.
OPEN_WINDOW = dt.timedelta(hours=3)

TACTICAL, SKILLS, CAREER, STATUS = (kind.value for kind in Topic.Kind)


GOALS = {
    "junior@example.com": ("writing tests before fixing a bug", "code quality"),
    "confirmed@example.com": ("leading a small project end to end", "ownership"),
    "senior@example.com": ("mentoring the junior engineers", "leadership"),
    "staff@example.com": ("shaping the payments platform strategy", "organisational impact"),
    "dev1@example.com": ("debugging production incidents", "operational skills"),
    "dev2@example.com": ("designing APIs other teams rely on", "technical design"),
    "dev3@example.com": ("estimating and delivering on commitments", "delivery"),
    "default": ("growing the team's engineering practices", "leadership"),
}
# Specific examples: situation, behaviour, impact (constructive first, then positive).
FEEDBACK = {
    False: (
        (
            "In last Tuesday's design review",
            "you defended the first option before the others were presented",
            "two people stopped contributing and we missed the caching risk",
        ),
        (
            "On the webhook retry pull request",
            "the change went up without tests for the failure paths",
            "review took three rounds and slipped the release by a day",
        ),
    ),
    True: (
        (
            "During the payments incident on Thursday",
            "you posted clear updates every thirty minutes",
            "support could answer customers without pinging the team",
        ),
        (
            "In the onboarding of our new joiner",
            "you paired with them on their first two tickets",
            "they shipped in their first week and said they felt welcome",
        ),
    ),
}


class DemoRefused(Exception):
    """The database holds real data; the demo never mixes with it."""


# Who is in the demo ------------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    """What a person's 1:1s are about, to fill the notes with something believable."""

    project: str
    skill: str
    goal: str
    aspiration: str
    teammate: str
    next_level: str
    progress: tuple[str, ...]
    focus: tuple[str, ...]
    # Their own talking points: (text, kind, what was said about it).
    topics: tuple[tuple[str, str, str], ...] = ()
    manager_private: tuple[str, ...] = ()
    ic_private: tuple[str, ...] = ()


@dataclass(frozen=True)
class Persona:
    email: str
    name: str
    role: str
    level: str = ""
    manager: str = ""
    timezone: str = "Europe/London"
    remote: bool = False
    admin: bool = False
    joined_weeks: int = 80
    # Their 1:1 with their manager: weekday (Monday 0), local time of the manager.
    weekday: int = 1
    start_time: dt.time = dt.time(10, 0)
    frequency_weeks: int | None = None
    cadence_reason: str = ""
    cadence_note: str = ""
    lead: bool = False  # a manager talking to their own manager
    # The sacred-time warning story: this IC's 1:1s keep being cancelled.
    neglected: bool = False
    last_private: str = ""  # the manager's private note on the last meeting held
    mood: int = 4
    prepares: float = 0.8
    prepares_next: bool = True
    # Index into the past meetings (negative: from the end) -> what happened to it.
    fates: dict[int, str] = field(default_factory=dict)
    story: Story | None = None


PERSONAS: tuple[Persona, ...] = (
    Persona(
        email="admin@example.com",
        name="Alex Morgan",
        role="Org admin: people, levels and reporting lines",
        admin=True,
        joined_weeks=150,
    ),
    Persona(
        email="director@example.com",
        name="Helen Okafor",
        role="Director of Engineering: manages both managers",
        joined_weeks=210,
    ),
    Persona(
        email="manager@example.com",
        name="Sam Whitaker",
        role="Engineering manager, Payments: one report per level",
        manager="director@example.com",
        joined_weeks=120,
        weekday=0,
        start_time=dt.time(16, 0),
        frequency_weeks=2,
        lead=True,
        fates={4: "move-manager", -5: "cancel-ic"},
        story=Story(
            project="the Payments roadmap",
            skill="delegation",
            goal="grow Ingrid into the tech lead role for Payments",
            aspiration="run a group of two or three teams",
            teammate="Nadia",
            next_level="senior engineering manager",
            progress=(
                "Agreed the goal for the half: a tech lead for Payments by autumn. Ingrid "
                "is interested; no promise made yet.",
                "Ingrid now runs the weekly architecture review. Sam stepped back from two "
                "design discussions and it went fine.",
                "Delegated the reconciliation RFC entirely. First time Sam did not review "
                "every PR of a project.",
                "Team engagement survey: *clarity of priorities* up from 3.1 to 3.8.",
                "Ingrid's tech lead trial is working; the team goes to her first for design "
                "questions.",
                "Ready to talk about a bigger scope: Sam would take on the Checkout team "
                "if it gets a manager gap.",
            ),
            focus=(
                "Coaching instead of answering: ask two questions before giving a view.",
                "Hiring: close the two open roles with a balanced panel.",
                "Handling the confirmed-level promotion case with evidence, not anecdotes.",
            ),
            topics=(
                (
                    "Hiring: the pipeline for the two Payments roles is thin",
                    TACTICAL,
                    "Helen asks recruiting for a sourcing push; Sam rewrites the job ad.",
                ),
                (
                    "How do I give Daniel feedback he won't just agree with?",
                    SKILLS,
                    "Be specific and ask for his view first; Sam tries it this week.",
                ),
                (
                    "Could I take on Checkout later this year?",
                    CAREER,
                    "Not this half; it is on the table if the Checkout manager role opens.",
                ),
                (
                    "My calendar: 1:1s keep colliding with incident reviews",
                    TACTICAL,
                    "Incident reviews move to Thursdays; 1:1s stay where they are.",
                ),
            ),
            manager_private=(
                "Observation for me only: Sam moves his own 1:1s more than he realises. Raise "
                "the pattern gently, with the dates, not as a verdict.",
            ),
        ),
    ),
    Persona(
        email="manager2@example.com",
        name="Nadia Haddad",
        role="Engineering manager, Platform: three reports",
        manager="director@example.com",
        joined_weeks=95,
        weekday=0,
        start_time=dt.time(16, 45),
        frequency_weeks=2,
        lead=True,
        fates={-4: "move-manager"},
        story=Story(
            project="the CI speed-up programme",
            skill="stakeholder management",
            goal="cut CI time for every team in half by the end of the half",
            aspiration="a director role in platform engineering",
            teammate="Sam",
            next_level="senior engineering manager",
            progress=(
                "Set the team goal with numbers: median CI run from 24 to 12 minutes.",
                "Marcus is leading the cluster upgrade; his 1:1 is three-weekly, with "
                "written updates in between, while it runs.",
                "CI median down to 17 minutes. Product teams noticed and said so.",
                "First quarterly business review presented to the CTO; went well.",
                "Lena asked for more ownership; Nadia gave her the caching work.",
                "Ready for a cross-team initiative: platform guild across three teams.",
            ),
            focus=(
                "Saying no to requests that do not fit the platform strategy.",
                "Making the team's work visible beyond engineering.",
                "Preparing Marcus's staff case for next year.",
            ),
            topics=(
                (
                    "Platform requests are arriving faster than we can say no",
                    TACTICAL,
                    "An intake form and a monthly triage; Helen backs the 'no' when needed.",
                ),
                (
                    "The CTO wants a platform roadmap: how deep should it go?",
                    CAREER,
                    "One page per quarter, themes rather than tickets; draft by month end.",
                ),
                (
                    "Running my first calibration session",
                    SKILLS,
                    "Nadia shadows Helen's session first; template shared.",
                ),
            ),
        ),
    ),
    Persona(
        email="junior@example.com",
        name="Maya Chen",
        role="Junior IC (Payments), reports to manager@",
        level="junior",
        manager="manager@example.com",
        joined_weeks=34,
        weekday=1,
        start_time=dt.time(10, 0),
        mood=4,
        prepares=0.85,
        fates={5: "move-manager", -9: "cancel-ic"},
        story=Story(
            project="the refund status page",
            skill="writing tests that catch real bugs",
            goal="ship a feature end to end with little guidance",
            aspiration="become the go-to person for the checkout front end",
            teammate="Daniel",
            next_level="Confirmed",
            progress=(
                "Baseline: Maya needs a review loop per PR and asks before every decision. "
                "Agreed to aim for smaller PRs and one decision made alone per week.",
                "First PR merged without changes requested. Pairing with Daniel weekly.",
                "Took the refund status page from ticket to production, with help on the "
                "database migration.",
                "Wrote the test plan for the refund page herself; caught two edge cases.",
                "Presented the refund page at the sprint demo. Questions answered calmly.",
                "Ran her first on-call shadow week; wrote a clear handover.",
            ),
            focus=(
                "Smaller pull requests with a clear description.",
                "Testing: write the failing test first for every bug.",
                "Speaking up in planning when an estimate feels wrong.",
            ),
            topics=(
                (
                    "I'm not sure how much to ask before I'm bothering people",
                    SKILLS,
                    "Ask after 30 minutes stuck, saying what you tried. Nobody minds.",
                ),
                (
                    "The refund page spec changed twice this week",
                    TACTICAL,
                    "Sam talks to the product manager; Maya keeps a change log in the ticket.",
                ),
            ),
            ic_private=(
                "Note to self: I said the on-call shadowing was fine but it wasn't. Bring one "
                "real example next time instead of saying nothing.",
                "Note to self: ask Sam directly what is missing for Confirmed, and write the "
                "answer down word for word.",
                "Note to self: start a brag document. First entry: refund status page demo.",
            ),
        ),
    ),
    Persona(
        email="confirmed@example.com",
        name="Tomás Álvarez",
        role="Confirmed IC (Payments), remote in New York, reports to manager@",
        level="confirmed",
        manager="manager@example.com",
        timezone="America/New_York",
        remote=True,
        joined_weeks=70,
        weekday=3,
        start_time=dt.time(15, 0),  # 10:00 in New York
        mood=4,
        prepares=0.75,
        prepares_next=False,
        # Sam cancels three times in the last two months: the sacred-time warning sign.
        fates={
            -2: "cancel-manager",
            -4: "cancel-manager",
            -6: "cancel-manager",
            -15: "move-ic",
            8: "cancel-ic",
        },
        neglected=True,
        last_private=(
            "Observation for me only: I have cancelled on Tomás three times in two months. He "
            "said 'no worries' but brought almost nothing today. Protect the Thursday slot and "
            "apologise properly."
        ),
        story=Story(
            project="the webhook retry service",
            skill="system design",
            goal="lead the design of the webhook retry service",
            aspiration="a senior engineer within two years",
            teammate="Ingrid",
            next_level="Senior",
            progress=(
                "Goal agreed: own the design of webhook retries, with Ingrid as reviewer.",
                "First design doc draft shared; good structure, alternatives missing.",
                "Second draft accepted by the architecture review with small changes.",
                "Retry service in production for 10% of merchants; no incidents.",
                "Started mentoring the new joiner on the webhooks codebase.",
                "Progress stalled a little: less visible in team discussions lately.",
            ),
            focus=(
                "Writing down the options considered in every design doc.",
                "Being heard across the time-zone gap: async design reviews.",
                "Owning one production metric end to end.",
            ),
            topics=(
                (
                    "Team rituals happen before my day starts in New York: async options?",
                    TACTICAL,
                    "Stand-up becomes written on Tuesdays and Thursdays; design reviews get "
                    "an async round first.",
                ),
                (
                    "Webhook retry backoff: exponential or a fixed schedule?",
                    SKILLS,
                    "Exponential with jitter and a cap; Tomás writes the reasoning into the doc.",
                ),
                (
                    "Feeling far from the team decisions being made in the office",
                    CAREER,
                    "Decisions get written down; Tomás's items go first in design reviews.",
                ),
            ),
            manager_private=(
                "Observation for me only: Tomás is the only remote person in the design "
                "reviews and gets talked over. Change the format before blaming him for "
                "being quiet.",
                "Observation for me only: he is ready for Senior-level scope on paper; what is "
                "missing is visibility. That is partly on me.",
            ),
        ),
    ),
    Persona(
        email="senior@example.com",
        name="Ingrid Larsen",
        role="Senior IC (Payments), remote in Oslo, reports to manager@",
        level="senior",
        manager="manager@example.com",
        timezone="Europe/Oslo",
        remote=True,
        joined_weeks=140,
        weekday=2,
        start_time=dt.time(11, 0),
        mood=4,
        prepares=0.9,
        fates={-3: "move-ic"},
        story=Story(
            project="the ledger reconciliation job",
            skill="cross-team influence",
            goal="drive the reconciliation RFC to adoption by Payments and Finance",
            aspiration="staff engineer, still writing code",
            teammate="Maya",
            next_level="Staff+",
            progress=(
                "Goal agreed: the reconciliation RFC adopted by two teams. Staff track "
                "discussed: scope beyond the team is the gap.",
                "RFC published; Finance engineering joined the review.",
                "Ran the first cross-team architecture review; clear decisions recorded.",
                "Finance adopted the reconciliation job; nightly mismatches down 80%.",
                "Mentoring Maya: her PRs are visibly better, and Maya says so.",
                "Staff case started: three artefacts collected (RFC, review, migration).",
            ),
            focus=(
                "Influence without authority: bring Finance's lead into decisions early.",
                "Writing for executives: one page, decision first.",
                "Growing others: hand the retry work to Tomás completely.",
            ),
            topics=(
                (
                    "Finance wants the reconciliation report daily, not nightly",
                    TACTICAL,
                    "Daily is fine if it runs off the replica; Ingrid scopes it.",
                ),
                (
                    "Tech lead for Payments: what would it mean day to day?",
                    CAREER,
                    "Design reviews, unblocking, less coding. Ingrid wants to try it for a "
                    "quarter.",
                ),
            ),
            ic_private=(
                "Note to self: a recruiter called about a staff role elsewhere. Not "
                "interested yet; see how the staff case lands first.",
                "Note to self: Sam listened better today. Keep bringing the hard topics first.",
            ),
        ),
    ),
    Persona(
        email="staff@example.com",
        name="Daniel Mensah",
        role="Staff+ IC (Payments), reports to manager@",
        level="staff",
        manager="manager@example.com",
        joined_weeks=260,
        weekday=0,
        start_time=dt.time(14, 0),
        mood=4,
        prepares=0.7,
        prepares_next=False,
        fates={3: "cancel-ic", -5: "move-manager"},
        story=Story(
            project="the payments platform vision",
            skill="org-wide technical strategy",
            goal="publish a two-year architecture vision for payments",
            aspiration="principal engineer shaping architecture across engineering",
            teammate="Ingrid",
            next_level="Principal",
            progress=(
                "Vision doc outlined; agreed it needs input from Checkout and Finance.",
                "Interviews with five team leads done; themes written up.",
                "Vision draft reviewed by the director; asked for a clearer first year.",
                "Vision published; two teams already cite it in their planning.",
            ),
            focus=(
                "Sponsoring: put Ingrid's and Tomás's work in front of leadership.",
                "Fewer meetings, more writing: two strategy memos a quarter.",
                "A principal-level case: impact across at least three teams.",
            ),
            topics=(
                (
                    "Too many meetings: where can I be replaced by a document?",
                    TACTICAL,
                    "Daniel drops three recurring meetings for a weekly architecture note.",
                ),
                (
                    "Principal engineer: is that a role here yet?",
                    CAREER,
                    "Not formally; Sam raises it with Helen. The case is cross-team impact.",
                ),
            ),
        ),
    ),
    Persona(
        email="dev1@example.com",
        name="Ravi Kumar",
        role="Junior IC (Platform), reports to manager2@",
        level="junior",
        manager="manager2@example.com",
        joined_weeks=30,
        weekday=1,
        start_time=dt.time(11, 30),
        mood=4,
        prepares=0.8,
        fates={-7: "move-manager", 12: "cancel-manager"},
        story=Story(
            project="the build cache",
            skill="debugging production issues",
            goal="own a small platform service alone",
            aspiration="a reliability engineer",
            teammate="Marcus",
            next_level="Confirmed",
            progress=(
                "Baseline agreed: Ravi fixes what he is pointed at; goal is spotting issues "
                "himself.",
                "First post-mortem written; good timeline, root cause still vague.",
                "Found and fixed the cache eviction bug without help.",
                "Owns the build cache dashboard; added two useful alerts.",
                "Shadowed Marcus on the cluster upgrade; asked good questions.",
                "Led his first incident call (a small one) calmly.",
            ),
            focus=(
                "Reading logs and metrics before asking for help.",
                "Writing post-mortems with a real root cause.",
                "Asking for review earlier in a piece of work.",
            ),
        ),
    ),
    Persona(
        email="dev2@example.com",
        name="Lena Vogel",
        role="Confirmed IC (Platform), remote in Berlin, reports to manager2@",
        level="confirmed",
        manager="manager2@example.com",
        timezone="Europe/Berlin",
        remote=True,
        joined_weeks=85,
        weekday=2,
        start_time=dt.time(14, 0),
        frequency_weeks=2,
        cadence_reason="individual_needs",
        cadence_note="Lena asked for bi-weekly: she prefers longer stretches of focus.",
        mood=4,
        prepares=0.7,
        prepares_next=False,
        fates={-2: "move-ic", 4: "cancel-ic"},
        story=Story(
            project="the CI pipeline speed-up",
            skill="technical writing",
            goal="halve the median CI time for the monorepo",
            aspiration="a staff engineer on developer experience",
            teammate="Ravi",
            next_level="Senior",
            progress=(
                "Goal agreed with a number: median CI from 24 to 12 minutes.",
                "Test sharding shipped: median at 19 minutes.",
                "Remote caching pilot with two teams; results written up clearly.",
                "Median at 14 minutes; Lena presented the results to all of engineering.",
            ),
            focus=(
                "Writing proposals others can decide on without a meeting.",
                "Owning the relationship with the product teams that use CI.",
                "Mentoring Ravi on the build cache.",
            ),
            ic_private=(
                "Note to self: I keep saying yes to every CI request. Practise saying "
                "'not this quarter' before the next planning.",
            ),
        ),
    ),
    Persona(
        email="dev3@example.com",
        name="Marcus Reid",
        role="Senior IC (Platform), reports to manager2@",
        level="senior",
        manager="manager2@example.com",
        joined_weeks=180,
        weekday=3,
        start_time=dt.time(10, 30),
        frequency_weeks=3,
        cadence_reason="individual_needs",
        cadence_note=(
            "Marcus asked for three-weekly 1:1s with written updates in between while he "
            "leads the cluster upgrade; back to bi-weekly after it."
        ),
        mood=3,
        prepares=0.85,
        fates={3: "cancel-manager", -3: "move-ic"},
        story=Story(
            project="the Kubernetes cluster upgrade",
            skill="leading a multi-team project",
            goal="lead the cluster upgrade across four teams without a missed deadline",
            aspiration="staff engineer on infrastructure",
            teammate="Lena",
            next_level="Staff+",
            progress=(
                "Goal agreed: Marcus leads the upgrade; Nadia stays out of the day to day.",
                "Upgrade plan reviewed by all four teams; two risks found early.",
                "Staging upgraded; one rollback, handled well and written up.",
                "Production upgrade for two of four clusters, no customer impact.",
                "Energy is lower: the upgrade is long and thankless. Discussed openly.",
                "Upgrade done. Staff case for next year: this project is the centrepiece.",
            ),
            focus=(
                "Delegating pieces of the upgrade to Lena and Ravi.",
                "Status writing for leadership: short, risk first.",
                "Recharging after the upgrade: a smaller, fun project next.",
            ),
        ),
    ),
)

DEMO_LOGINS: tuple[tuple[str, str], ...] = tuple((p.email, p.role) for p in PERSONAS)


# What people talk about ------------------------------------------------------------
# Placeholders: {first} the report's first name, {mfirst} the manager's, {level} the
# report's level, {quarter}, and the Story's fields. Topics come with what was said
# about them, so the shared notes answer the topic they sit under.

Pairs = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Voice:
    """What one kind of 1:1 sounds like: an IC with their manager, or a manager with theirs."""

    report_topics: dict[str, Pairs]
    manager_topics: dict[str, Pairs]
    positive: tuple[str, ...]
    constructive: tuple[str, ...]
    context: tuple[str, ...]
    follow_ups: tuple[str, ...]
    manager_private: tuple[str, ...]
    report_actions: tuple[str, ...]
    manager_actions: tuple[str, ...]


IC_VOICE = Voice(
    report_topics={
        TACTICAL: (
            (
                "Blocked on review for {project}: could we find a second reviewer?",
                "{teammate} reviews by Thursday; {first} writes the tests meanwhile.",
            ),
            (
                "My estimate for {project} looks optimistic; how do I raise it with product?",
                "We bring the numbers to planning together; {first} leads, I back it.",
            ),
            (
                "Too many support interruptions this sprint",
                "Support goes to the rota owner first; {first} protects two mornings a week.",
            ),
            (
                "Flaky integration tests are slowing the whole team down",
                "{first} lists the five worst offenders; we quarantine them at planning.",
            ),
            (
                "{project} or the bug backlog first this sprint?",
                "{project} first; the two customer-facing bugs are fixed alongside.",
            ),
            (
                "Unclear who owns the alerting for {project}",
                "{first} owns it until the end of the quarter; I confirm with the SRE lead.",
            ),
            (
                "On-call week was rough: three pages at night",
                "Two alerts were noise: {first} tunes them; I take the third to Platform.",
            ),
            (
                "Scope creep on {project}: requests keep arriving mid-sprint",
                "New requests come through me from now on; {first} points people my way.",
            ),
            (
                "Handover from {teammate} before their holiday",
                "{first} pairs with {teammate} on Wednesday; the runbook gets updated.",
            ),
        ),
        SKILLS: (
            (
                "Would like feedback on my design doc for {project}",
                "Strong problem statement; add the options we rejected and why.",
            ),
            (
                "How do I get better at {skill}?",
                "One concrete practice for the month; we look at it in the career 1:1.",
            ),
            (
                "Pairing with {teammate} helped: can we make it regular?",
                "Yes: an hour a week with {teammate} for a month, then we look again.",
            ),
            (
                "Course or conference budget for {skill}?",
                "Budget agreed in principle; {first} shortlists two options by Friday.",
            ),
            (
                "My code reviews feel shallow: how do you review a large PR?",
                "Walked through my order: intent first, then risk, style last.",
            ),
            (
                "I facilitated the sprint retro: how did it come across?",
                "It went well, everyone spoke. Next time close with one owner per action.",
            ),
            (
                "Practising presenting: could I demo {project} at the all-hands?",
                "Yes, in three weeks; a dry run with me the week before.",
            ),
        ),
        CAREER: (
            ("Progress on my goal: {goal}", "Real progress; details in the career notes."),
            (
                "What does {next_level} look like on this team?",
                "Went through the {next_level} expectations: the gap is scope more than skill.",
            ),
            (
                "Where I want to be in 2-3 years",
                "{first}'s answer: {aspiration}. We shape the next projects around it.",
            ),
            (
                "Management or staying IC? Thinking out loud",
                "Leaning IC for now; {first} tries mentoring to test the people side.",
            ),
            (
                "Am I on track for the next review cycle?",
                "On track; the evidence file needs two more concrete examples.",
            ),
            (
                "I'd like a stretch project next quarter",
                "Noted; I look at the roadmap for something with more ownership.",
            ),
            (
                "How our 1:1s are working for me",
                "More time on career, less on status: status moves to the team channel.",
            ),
        ),
        STATUS: (
            (
                "Status: {project} is on track for the sprint demo",
                "On track; nothing needed from me.",
            ),
            ("Update: load test results for {project}", "Results are fine; shared with product."),
            (
                "Sprint recap: what shipped, what slipped",
                "Noted. Status can live in the channel; let's use this time for harder things.",
            ),
        ),
    },
    manager_topics={
        TACTICAL: (
            (
                "Incident review from last week: your part in it",
                "Walked through the timeline; {first}'s write-up was clear.",
            ),
            (
                "Re-planning after the roadmap change",
                "{project} keeps its slot; the stretch goal moves to next quarter.",
            ),
            (
                "Covering on-call over the holidays",
                "{first} takes the first week; swaps are fine if agreed by Friday.",
            ),
            (
                "Code ownership changes around {project}",
                "{first} becomes a code owner; reviews expected within a day.",
            ),
        ),
        SKILLS: (
            ("Feedback on your recent code reviews", "See the feedback section."),
            (
                "Opportunity: present {project} at the engineering all-hands",
                "{first} is in; dry run the week before.",
            ),
            (
                "Would you mentor the next new joiner?",
                "{first} agreed; first pairing session in the joiner's second week.",
            ),
            (
                "Tightening the design doc for {project}",
                "A one-page summary at the top, decision first.",
            ),
        ),
        CAREER: (
            (
                "Promotion cycle: the timeline and what a strong case needs",
                "Self-assessment due in four weeks; evidence over adjectives.",
            ),
            (
                "Your development plan: check-in",
                "Plan still right; one goal reworded so we can measure it.",
            ),
            (
                "Peer feedback summary from the last cycle",
                "Themes: reliable, thorough; could speak up earlier in design reviews.",
            ),
            (
                "Where I see you relative to {level} expectations",
                "Solid at {level}; the next step is {next_level} scope.",
            ),
        ),
        STATUS: (
            (
                "Org update: two new roles approved",
                "Shared the hiring plan; interviews next month.",
            ),
            (
                "Priorities from the leadership offsite",
                "Reliability first this quarter; {project} stays on the roadmap.",
            ),
            ("Hiring update: interviews next week", "{first} joins one panel."),
        ),
    },
    positive=(
        "In last week's incident call you summarised the timeline before proposing a fix. "
        "It calmed the room and shortened the call. Keep doing that.",
        "Your review on {teammate}'s PR explained the *why*, not only the *what*; "
        "{teammate} said it helped.",
        "Your demo of {project} was clear and well paced. Product asked for the slides.",
        "You flagged the risk on {project} a week early instead of on the deadline. "
        "That gave us options.",
        "Every action item from last time was closed, on time. That builds trust.",
    ),
    constructive=(
        "Your last PR on {project} went out without tests for the error paths and we caught it "
        "in staging: a day of rework. Next time, write the failing case first.",
        "In planning you committed to three tickets without checking the on-call load; two "
        "slipped. Let's size together next sprint.",
        "The design doc jumped to the solution; reviewers asked which alternatives you "
        "rejected. Add a short *options considered* section.",
        "Status updates in the channel came late twice this week and stakeholders asked me "
        "instead. A short daily note would fix it.",
    ),
    context=(
        "Leadership offsite: the {quarter} priority is reliability; {project} stays funded.",
        "Two new roles approved; interviews start in three weeks. Would you join a panel?",
        "The promotion cycle opens in six weeks; calibration happens across teams.",
        "On-call moves to a follow-the-sun rota with the New York office next month.",
        "Conference budget confirmed: one conference per person this half.",
        "The roadmap changed: the checkout redesign slips a quarter, {project} does not.",
    ),
    follow_ups=(
        "How the pairing with {teammate} is going",
        "The estimate for {project} after sprint planning",
        "How on-call load feels after the rota change",
        "Read the next draft of the design doc together",
        "Whether the review checklist helps",
    ),
    manager_private=(
        "Observation for me only: {first} seemed flat today; second week of late-evening "
        "commits. Watch the workload on {project} before it turns into burnout.",
        "Observation for me only: I think {first} is ready for more scope than they ask for. "
        "Try a lead role on {project} before saying anything.",
        "Observation for me only: {first} hesitated when the review cycle came up. Possibly "
        "worried about the rating; bring concrete examples next time.",
        "Observation for me only: when the sprint is busy {first} brings only status updates. "
        "Open with a question next time.",
        "Observation for me only: strong month. Start the evidence file: {project}, "
        "the mentoring, the incident.",
    ),
    report_actions=(
        "Write the first draft of the design doc for {project}",
        "Book a weekly pairing slot with {teammate}",
        "Add the missing tests for the error paths of {project}",
        "Draft a self-assessment for the review cycle",
        "Pick a course on {skill} and share the link",
        "Prepare a ten-minute demo of {project} for the all-hands",
        "Write up the on-call incident timeline",
        "Update the brag document with this month's wins",
    ),
    manager_actions=(
        "Ask the platform team for a second reviewer on {project}",
        "Share the {next_level} expectations document",
        "Confirm the conference budget with finance",
        "Introduce {first} to the SRE lead",
        "Raise the scope creep on {project} at the product sync",
        "Find a stretch project for next quarter",
        "Send the peer feedback summary",
    ),
)

LEAD_VOICE = Voice(
    report_topics={
        TACTICAL: (
            (
                "Cross-team dependency on {teammate}'s team for {project}",
                "A monthly sync with {teammate}; escalate only if it slips twice.",
            ),
            ("Budget for the team offsite", "Approved for next quarter, within the usual budget."),
            (
                "On-call rota: the team is stretched",
                "Pause one project to free a person for the rota.",
            ),
            (
                "Two requests from product conflict: which one wins?",
                "Reliability wins; Helen tells product, {first} tells the team.",
            ),
        ),
        SKILLS: (
            (
                "Rehearse a difficult performance conversation",
                "Rehearsed the opening: examples, then listen. {first} holds it this week.",
            ),
            ("Getting better at {skill}", "One practice for the month: hand over decisions too."),
            (
                "How do you prepare for calibration?",
                "Evidence per person, not impressions; Helen shared her template.",
            ),
        ),
        CAREER: (
            ("My growth: {goal}", "Real progress; see the career notes."),
            (
                "Feedback on my management style from the team survey",
                "Clarity scores up; the team wants more context on priorities.",
            ),
            (
                "What would a {next_level} role expect of me?",
                "Scope across teams and a hiring strategy; we look for a first step.",
            ),
        ),
        STATUS: (
            ("Team health update", "Healthy; one person to watch for workload."),
            ("Delivery status of {project}", "On track; one risk flagged early."),
        ),
    },
    manager_topics={
        TACTICAL: (
            (
                "Headcount plan for next half",
                "Two roles confirmed for {first}'s team; a third depends on the budget review.",
            ),
            (
                "Incident follow-ups across teams",
                "{first} owns the cross-team follow-ups of the payments outage.",
            ),
        ),
        SKILLS: (
            ("Running your first calibration", "{first} shadows Helen's session first."),
            ("Writing the exec update", "One page, decision first, risks second."),
        ),
        CAREER: (
            ("Your development plan: check-in", "Plan still right; the bigger scope comes first."),
            (
                "Engagement survey results for your team",
                "Clarity up, workload a little worse; {first} shares them with the team.",
            ),
        ),
        STATUS: (
            (
                "Org update from the leadership meeting",
                "Shared the reliability focus and the hiring plan.",
            ),
        ),
    },
    positive=(
        "The way you handled last week's on-call escalation (calm, one owner, a written "
        "follow-up) is what I want from every team.",
        "Your hiring debriefs are crisp: evidence per competency and a clear decision. "
        "Other managers asked for your format.",
        "You told me early that {project} would slip. No surprise at the exec review, and we "
        "had options.",
    ),
    constructive=(
        "In the planning review you answered every question for your team. Let them present "
        "their own work next time.",
        "Two of your 1:1s moved in the same week. Your team notices: protect the slot.",
        "The status update to the exec team was long; lead with the decision you need.",
    ),
    context=(
        "Leadership offsite: the {quarter} priority is reliability; {project} stays funded.",
        "Budget review next month; headcount is frozen until then.",
        "The CTO wants fewer, bigger bets next half; expect the roadmap to shrink.",
    ),
    follow_ups=(
        "The hiring pipeline for the open roles",
        "How the delegation experiment went",
        "The actions from the team survey",
    ),
    manager_private=(
        "Observation for me only: {first} looked tired; three evening escalations this month. "
        "Ask about workload before adding anything.",
        "Observation for me only: {first} is ready for a bigger scope sooner than planned. Keep "
        "it quiet until the budget is known.",
        "Observation for me only: {first} defends the team well but tells me about problems "
        "late. Ask directly about risks.",
    ),
    report_actions=(
        "Write the job description for the second role",
        "Share the team survey actions with the team",
        "Draft the quarterly plan for {project}",
        "Book a skip-level with each report",
    ),
    manager_actions=(
        "Confirm the headcount with finance",
        "Introduce {first} to the Checkout director",
        "Share the calibration template",
        "Send the leadership offsite notes",
    ),
)

CANCEL_REASONS: dict[str, tuple[str, ...]] = {
    "manager": (
        "Incident bridge ran over; sorry, I can't make it.",
        "Clash with the quarterly planning session I could not move.",
        "Pulled into an urgent hiring debrief.",
        "Leadership review moved onto this slot at short notice.",
    ),
    "ic": (
        "On holiday this week.",
        "Deep in an on-call incident.",
        "At a conference all day.",
        "Out for an appointment.",
    ),
}

MOVE_REASONS: dict[str, tuple[str, ...]] = {
    "manager": (
        "A customer call landed on this slot; moving it rather than skipping.",
        "Travelling to the office that day; moving so we can do it properly.",
    ),
    "ic": (
        "Release day: can we move it?",
        "A pairing session with another team clashes; moving it.",
    ),
}

# Topic kinds by level, following the seed's time splits (plus a few status updates).
KIND_WEIGHTS: dict[str, tuple[int, int, int, int]] = {
    "junior": (45, 27, 18, 10),
    "confirmed": (36, 27, 27, 10),
    "senior": (18, 27, 45, 10),
    "staff": (9, 18, 63, 10),
    "": (30, 25, 35, 10),
}


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
    _Demo(now or timezone.now()).load()
    return True


class _Demo:
    """One run of the generator: the people, then each series' history."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.cutoff = now - OPEN_WINDOW
        self.today = timezone.localdate(now)
        self.start = self.today - dt.timedelta(weeks=HISTORY_WEEKS)
        self.rng = random.Random(SEED)
        self.people: dict[str, Person] = {}
        # Columns written in one batch at the end: the timestamps the services take from
        # the wall clock, and how each action item turned out.
        self.stamps: dict[tuple[type[Model], str], dict[int, object]] = defaultdict(dict)

    def load(self) -> None:
        admin = self._people()
        for persona in PERSONAS:
            if persona.manager:
                _History(self, persona).run()
        self._growth(admin.organisation)
        self._fix_stamps(admin.organisation)
        add_goals_story(admin.organisation, self.now)

    # Coaching: goals, feedback, questions asked, one improvement plan ----------------

    def _growth(self, organisation: Organisation) -> None:
        series_of = Series.objects.filter(organisation=organisation).select_related(
            "manager", "report"
        )
        for number, series in enumerate(series_of.order_by("pk")):
            held = list(series.meetings.filter(status=Meeting.Status.HELD).order_by("scheduled_at"))
            if not held:
                continue
            skill, criterion = GOALS.get(series.report.email, GOALS["default"])
            goal = growth.goal_set(
                actor=series.manager, meeting=held[-1], skill=skill, criterion=criterion
            )
            self.stamp(Goal, "created_at", goal.pk, held[-1].ended_at)
            for offset, meeting in enumerate(held[-3:]):
                key = QUESTIONS[(number * 7 + offset * 5) % len(QUESTIONS)].key
                growth.question_ask(
                    actor=series.manager,
                    meeting=meeting,
                    question_key=key,
                    now=meeting.started_at + dt.timedelta(minutes=12),
                )
            self._feedback(series, held[-2:], number)
        self._plan(organisation)

    def _feedback(self, series: Series, meetings_held: list[Meeting], number: int) -> None:
        for offset, meeting in enumerate(meetings_held):
            positive = (number + offset) % 3 != 0
            situation, behaviour, impact = FEEDBACK[positive][(number + offset) % 2]
            feedback = growth.feedback_give(
                actor=series.manager,
                meeting=meeting,
                kind=Feedback.Kind.POSITIVE if positive else Feedback.Kind.CONSTRUCTIVE,
                situation=situation,
                behaviour=behaviour,
                impact=impact,
            )
            self.stamp(Feedback, "created_at", feedback.pk, meeting.ended_at)
            if offset == 0:
                Feedback.objects.filter(pk=feedback.pk).update(
                    acknowledged_at=meeting.ended_at, acted_on_at=meetings_held[-1].ended_at
                )

    def _plan(self, organisation: Organisation) -> None:
        """An open underperformance plan for dev3, so its cadence suggestion shows."""
        series = Series.objects.get(organisation=organisation, report__email="dev3@example.com")
        upcoming = series.meetings.filter(
            status=Meeting.Status.SCHEDULED, scheduled_at__gt=self.now
        ).first()
        plan = growth.plan_create(
            actor=series.manager,
            meeting=upcoming,
            expectations="Estimates within 20% on the next two migration tickets, "
            "with risks raised in stand-up as soon as they appear.",
            ends_on=self.today + dt.timedelta(weeks=6),
            today=self.today,
            now=self.now,
        )
        self.stamp(ImprovementPlan, "created_at", plan.pk, self.now)
        for pk in series.action_items.filter(created_at__gt=self.now).values_list("pk", flat=True):
            self.stamp(ActionItem, "created_at", pk, self.now)
        plan_topics = Topic.objects.filter(meeting__series=series, created_at__gt=self.now)
        for pk in plan_topics.values_list("pk", flat=True):
            self.stamp(Topic, "created_at", pk, self.now)

    # People --------------------------------------------------------------------------

    def _people(self) -> Person:
        first, *others = PERSONAS
        admin = people.organisation_setup(
            organisation_name=DEMO_ORGANISATION,
            name=first.name,
            email=first.email,
            password=DEMO_PASSWORD,
        )
        Organisation.objects.filter(pk=admin.organisation_id).update(is_demo=True)
        admin = meetings.person_update(
            actor=admin,
            person=admin,
            name=admin.name,
            level="",
            manager=None,
            timezone=first.timezone,
            remote=first.remote,
            is_org_admin=True,
        )
        self.people[first.email] = admin
        for persona in others:
            self.people[persona.email] = meetings.person_invite(
                actor=admin,
                email=persona.email,
                name=persona.name,
                level=persona.level,
                manager=self.people[persona.manager] if persona.manager else None,
                timezone=persona.timezone,
                remote=persona.remote,
                is_org_admin=persona.admin,
            )
        # One hash for everyone: hashing is deliberately slow, and it is the same password.
        Person.objects.filter(organisation_id=admin.organisation_id).update(password=admin.password)
        for persona in PERSONAS:
            joined = self.now - dt.timedelta(weeks=persona.joined_weeks)
            self.stamp(Person, "date_joined", self.people[persona.email].pk, joined)
        self.stamp(
            Organisation,
            "created_at",
            admin.organisation_id,
            self.now - dt.timedelta(weeks=HISTORY_WEEKS + 2),
        )
        return admin

    # Timestamps ----------------------------------------------------------------------

    def stamp(self, model: type[Model], name: str, pk: int, value: object) -> None:
        """Write this value later, in one batch per column."""
        self.stamps[(model, name)][pk] = value

    def _fix_stamps(self, organisation: Organisation) -> None:
        """Date everything in the past it describes, not at the moment the demo was loaded."""
        meetings_of = Meeting.objects.filter(series__organisation=organisation)
        for pk, scheduled, moved_at in meetings_of.values_list(
            "pk", "scheduled_at", "moved_from__cancelled_at"
        ):
            planned = scheduled - dt.timedelta(weeks=8)
            created = moved_at or max(planned, self._start_moment())
            self.stamp(Meeting, "created_at", pk, min(created, self.now))
        meeting_created = self.stamps[(Meeting, "created_at")]
        for pk, meeting_id in SharedNotes.objects.filter(
            meeting__series__organisation=organisation, version=0
        ).values_list("pk", "meeting_id"):
            self.stamp(SharedNotes, "updated_at", pk, meeting_created[meeting_id])
        carried = Topic.objects.filter(
            meeting__series__organisation=organisation, carried_from__isnull=False
        ).values_list(
            "pk", "carried_from__meeting__ended_at", "carried_from__meeting__cancelled_at"
        )
        for pk, ended, cancelled in carried:
            self.stamp(Topic, "created_at", pk, ended or cancelled)
        for (model, name), values in self.stamps.items():
            _write_column(model, name, values)

    def _start_moment(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(0), tzinfo=dt.UTC)


def _write_column(model: type[Model], name: str, values: dict[int, object]) -> None:
    """Set one column on many rows in a single round trip (bulk_update is slow to compile)."""
    column = model._meta.get_field(name)
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {quote(column.column)} = %s "
        f"WHERE {quote(model._meta.pk.column)} = %s"
    )
    rows = [(column.get_db_prep_save(value, connection), pk) for pk, value in values.items()]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


class _History:
    """Six months of one series: laid out, then each meeting held, moved or cancelled."""

    def __init__(self, demo: _Demo, persona: Persona) -> None:
        assert persona.story is not None
        self.demo = demo
        self.rng = demo.rng
        self.persona = persona
        self.story = persona.story
        self.voice = LEAD_VOICE if persona.lead else IC_VOICE
        self.report = demo.people[persona.email]
        self.manager = demo.people[persona.manager]
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
        self.notes: dict[int, SharedNotes] = {}
        self.career_count = 0
        self.last_end: dt.datetime | None = None
        # Topic texts already on the next agenda (carried over), the current agenda's,
        # and what was said about each text, for the shared notes.
        self.pending: set[str] = set()
        self.agenda: set[str] = set()
        self.said: dict[str, str] = {}

    def run(self) -> None:
        self._configure()
        self._generate()
        past = list(
            self.series.meetings.filter(scheduled_at__lt=self.demo.cutoff).order_by("scheduled_at")
        )
        fates = self._fates(past)
        self.notes = {
            notes.meeting_id: notes
            for notes in SharedNotes.objects.filter(meeting__in=[m.pk for m in past])
        }
        queue = [(m.scheduled_at, m.pk, m) for m in past]
        while queue:
            _, _, meeting = queue.pop(0)
            self.agenda = set(self.pending)
            fate = fates.get(meeting.pk, "held")
            if fate == "held":
                # A skipped career 1:1 hands its focus to the next one: read the kind afresh.
                meeting.refresh_from_db(fields=["kind", "duration_minutes", "sequence"])
                self._hold(meeting, last=not queue)
                continue
            moved = self._cancel(meeting, fate)
            if moved is not None and moved.scheduled_at < self.demo.cutoff:
                bisect.insort(queue, (moved.scheduled_at, moved.pk, moved))
        self._prepare_next()

    # The series and its meetings -----------------------------------------------------

    def _configure(self) -> None:
        persona, series = self.persona, self.series
        if persona.cadence_reason:
            # A departure from the level's cadence goes through the service, with its reason.
            meetings.series_update_cadence(
                actor=self.manager,
                series=series,
                frequency_weeks=persona.frequency_weeks or series.frequency_weeks,
                duration_minutes=series.duration_minutes,
                career_every_weeks=series.career_every_weeks,
                weekday=persona.weekday,
                start_time=persona.start_time,
                reason=persona.cadence_reason,
                note=persona.cadence_note,
            )
        else:
            series.frequency_weeks = persona.frequency_weeks or series.frequency_weeks
            series.weekday, series.start_time = persona.weekday, persona.start_time
        # The series began six months ago: replace what was planned from today.
        series.started_on = self.demo.start
        Series.objects.filter(pk=series.pk).update(
            started_on=series.started_on,
            frequency_weeks=series.frequency_weeks,
            weekday=series.weekday,
            start_time=series.start_time,
        )
        series.meetings.all().delete()

    def _generate(self) -> None:
        """The occurrences since the start, then the schedule ahead from series_schedule.

        series_schedule plans only from now on, so the past is laid out here with the
        scheduler's own pieces (occurrences, career_is_due), in two bulk inserts.
        """
        series, now = self.series, self.demo.now
        begin = dt.datetime.combine(series.started_on, dt.time(0), tzinfo=self.manager.tzinfo)
        past, last_career = [], None
        for moment in scheduling.occurrences(
            anchor=series.started_on,
            weekday=series.weekday,
            start_time=series.start_time,
            timezone=series.timezone,
            frequency_weeks=series.frequency_weeks,
            after=begin - dt.timedelta(seconds=1),
        ):
            if moment > now:
                break
            career = scheduling.career_is_due(
                last_career=last_career,
                series_start=series.started_on,
                on=moment.date(),
                every_weeks=series.career_every_weeks,
            )
            last_career = moment.date() if career else last_career
            minutes = series.duration_minutes
            if career:
                minutes = max(minutes, scheduling.CAREER_MEETING_MINUTES)
            kind = Meeting.Kind.CAREER if career else Meeting.Kind.REGULAR
            past.append(
                Meeting(series=series, scheduled_at=moment, kind=kind, duration_minutes=minutes)
            )
        Meeting.objects.bulk_create(past)
        SharedNotes.objects.bulk_create(SharedNotes(meeting=meeting) for meeting in past)
        meetings.series_schedule(series=series, now=now)

    def _fates(self, past: list[Meeting]) -> dict[int, str]:
        """What happens to each past meeting: the persona's story, plus a few IC absences.

        The first and the last past meeting are always held.
        """
        fates: dict[int, str] = {}
        for index, fate in self.persona.fates.items():
            if -len(past) < index < len(past) - 1 and index not in (0, -1):
                fates[past[index].pk] = fate
        for meeting in past[1:-1]:
            if meeting.pk not in fates and self.rng.random() < 0.03:
                fates[meeting.pk] = self.rng.choice(("cancel-ic", "move-ic"))
        return fates

    # Words ---------------------------------------------------------------------------

    def say(self, template: str, when: dt.datetime | None = None) -> str:
        when = when or self.demo.now
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

    def _hold(self, meeting: Meeting, *, last: bool) -> None:
        rng, persona = self.rng, self.persona
        recent = meeting.scheduled_at > self.demo.now - dt.timedelta(days=61)
        # The warning story: an IC whose 1:1s keep being cancelled prepares less.
        slipping = recent and persona.neglected
        self._add_before(meeting, prepares=persona.prepares - (0.4 if slipping else 0))
        started = meeting.scheduled_at + dt.timedelta(minutes=rng.choice((0, 0, 1, 2, 3, 5)))
        if started > meeting.scheduled_at:  # on time needs no record: that is the default
            meetings.meeting_start(actor=self.manager, meeting=meeting, now=started)
        if rng.random() < 0.3:
            side = rng.choice((self.report, self.manager))
            self._topic(meeting, side, started + dt.timedelta(minutes=rng.randint(6, 20)))
        topics = list(meeting.topics.all())
        if not topics:
            # Nothing prepared: the IC brings something up at the start.
            topics.append(self._topic(meeting, self.report, started + dt.timedelta(minutes=3)))
        self._tick(topics, all_discussed=last and not persona.prepares_next)
        minutes = meeting.duration_minutes + rng.choice((-5, -2, 0, 0, 3, 5, 10))
        ended = started + dt.timedelta(minutes=minutes)
        self._notes(meeting, topics, ended)
        self._private_notes(meeting, ended, last=last)
        self._action_items(meeting, ended)
        mood = persona.mood + rng.choice((-1, 0, 0, 0, 1)) - (1 if slipping else 0)
        meetings.meeting_complete(
            actor=self.manager,
            meeting=meeting,
            held_minutes=minutes,
            mood=max(MOOD_MIN, min(MOOD_MAX, mood)),
            now=ended,
        )
        self.last_end = ended
        self.pending = {topic.text for topic in topics if not topic.discussed}

    def _add_before(self, meeting: Meeting, *, prepares: float) -> None:
        """Topics written ahead: mostly the IC's, sometimes one of the manager's."""
        rng = self.rng
        if rng.random() < prepares:
            for _ in range(rng.choice((1, 1, 2, 2, 3))):
                hours = rng.randint(2, 70)
                self._topic(meeting, self.report, meeting.scheduled_at - dt.timedelta(hours=hours))
        if rng.random() < 0.45:
            hours = rng.randint(1, 20)
            self._topic(meeting, self.manager, meeting.scheduled_at - dt.timedelta(hours=hours))

    def _topic(self, meeting: Meeting, author: Person, when: dt.datetime) -> Topic:
        if self.last_end is not None and when <= self.last_end:
            when = self.last_end + dt.timedelta(minutes=30)
        kind = self.kind()
        side = "manager" if author.pk == self.manager.pk else "report"
        text, note = self.pick_topic(side, kind, when)
        self.agenda.add(text)
        self.said[text] = note
        tagged = self.rng.random() < 0.85
        topic = meetings.topic_add(
            actor=author, meeting=meeting, text=text, kind=kind if tagged else "", now=when
        )
        if not tagged and self.rng.random() < 0.6:
            # Tagged later by the manager, during the meeting.
            meetings.topic_set_kind(actor=self.manager, topic=topic, kind=kind)
        self.demo.stamp(Topic, "created_at", topic.pk, when)
        return topic

    def _tick(self, topics: list[Topic], *, all_discussed: bool) -> None:
        """Tick what was discussed: carried topics first; a few new ones run out of time."""
        ticked = [
            topic
            for topic in topics
            if all_discussed or self.rng.random() < (0.97 if topic.carried_from_id else 0.86)
        ]
        # One update for the meeting rather than topic_set_discussed per topic: same rows,
        # a fraction of the queries.
        Topic.objects.filter(pk__in=[topic.pk for topic in ticked]).update(discussed=True)
        for topic in ticked:
            topic.discussed = True

    def _notes(self, meeting: Meeting, topics: list[Topic], ended: dt.datetime) -> None:
        rng, voice, when = self.rng, self.voice, meeting.scheduled_at
        sections = {
            "their_topics": self._topic_lines(t for t in topics if t.author_id == self.report.pk),
            "my_topics": self._topic_lines(t for t in topics if t.author_id == self.manager.pk),
        }
        if meeting.is_career or rng.random() < 0.55:
            positive = rng.random() < 0.65
            label = "Positive" if positive else "Constructive"
            text = self.draw(voice.positive if positive else voice.constructive)
            sections["feedback"] = f"- **{label}**: {self.say(text, when)}"
        if rng.random() < 0.45:
            sections["context"] = f"- {self.say(self.draw(voice.context), when)}"
        if meeting.is_career:
            sections.update(self._career())
        follow = [f"- {t.text}" for t in topics if not t.discussed]
        if rng.random() < 0.4:
            follow.append(f"- {self.say(self.draw(voice.follow_ups), when)}")
        sections["follow_up"] = "\n".join(follow)
        notes = self.notes.get(meeting.pk) or meeting.shared_notes
        notes.meeting = meeting  # the access check reads meeting.series: no need to fetch it
        notes = meetings.shared_notes_save(
            actor=self.manager, notes=notes, sections=sections, bases=notes.sections()
        ).notes
        self.demo.stamp(SharedNotes, "updated_at", notes.pk, ended)

    def _topic_lines(self, topics: Iterable[Topic]) -> str:
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

    def _private_notes(self, meeting: Meeting, ended: dt.datetime, *, last: bool) -> None:
        rng = self.rng
        if last and self.persona.last_private:
            self._private(meeting, self.manager, self.persona.last_private, ended)
        elif rng.random() < 0.3:
            pool = self.story.manager_private + self.voice.manager_private
            self._private(meeting, self.manager, self.say(self.draw(pool)), ended)
        if self.story.ic_private and rng.random() < 0.3:
            body = self.draw(self.story.ic_private)
            self._private(meeting, self.report, body, ended + dt.timedelta(minutes=20))

    def _private(self, meeting: Meeting, author: Person, body: str, when: dt.datetime) -> None:
        note = meetings.private_note_save(actor=author, meeting=meeting, body=body, version=0)
        self.demo.stamp(PrivateNote, "updated_at", note.pk, when)

    def _action_items(self, meeting: Meeting, ended: dt.datetime) -> None:
        rng, voice = self.rng, self.voice
        for _ in range(rng.choice((0, 1, 1, 1, 2, 2))):
            mine = rng.random() < 0.35
            owner = self.manager if mine else self.report
            text = self.say(self.draw(voice.manager_actions if mine else voice.report_actions))
            due = ended.date() + dt.timedelta(days=rng.choice((3, 5, 7, 7, 10, 14)))
            item = meetings.action_item_add(
                actor=self.manager, meeting=meeting, text=text, owner=owner, due_on=due
            )
            self.demo.stamp(ActionItem, "created_at", item.pk, ended)
            self._settle(item, ended.date())

    def _settle(self, item: ActionItem, created: dt.date) -> None:
        """Done on time, done late, dropped, or still open (overdue once past its date)."""
        rng, today, due = self.rng, self.demo.today, item.due_on
        roll = rng.random()
        # Recent items are often still open; old ones were mostly dealt with.
        overdue = 0.2 if (today - due).days < 30 else 0.03
        status, done_on = ActionItem.Status.DONE, None
        if due >= today:
            if roll < 0.2:
                done_on = created + dt.timedelta(days=rng.randint(1, 4))
        elif roll < overdue:
            return
        elif roll < overdue + 0.15:
            done_on = min(today, due + dt.timedelta(days=rng.randint(1, 9)))
        elif roll < overdue + 0.19:
            status = ActionItem.Status.DROPPED
        else:
            done_on = max(created, due - dt.timedelta(days=rng.randint(0, 3)))
        if status == ActionItem.Status.DONE and (done_on is None or done_on > today):
            return
        # What action_item_set_status would write on that day, in one batch at the end;
        # done_on goes first, as a done item needs its date.
        self.demo.stamp(ActionItem, "done_on", item.pk, done_on)
        self.demo.stamp(ActionItem, "status", item.pk, status)

    # A meeting that did not happen at its time ---------------------------------------

    def _cancel(self, meeting: Meeting, fate: str) -> Meeting | None:
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
        new_time = self._moved_time(meeting) if move == "move" else None
        moved = meetings.meeting_cancel(
            actor=actor,
            meeting=meeting,
            reason=reason,
            new_time=new_time,
            skip=new_time is None,
            now=when,
        )
        self.pending = set(self.agenda)  # nothing was discussed: all of it carries over
        return moved

    def _moved_time(self, meeting: Meeting) -> dt.datetime:
        """The next working day at the same wall-clock time."""
        tz = self.manager.tzinfo
        day = meeting.scheduled_at.astimezone(tz).date() + dt.timedelta(days=1)
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        return dt.datetime.combine(day, self.series.start_time, tzinfo=tz)

    # The next meeting ----------------------------------------------------------------

    def _prepare_next(self) -> None:
        """Some ICs have already added topics for their next 1:1; others have not."""
        upcoming = (
            self.series.meetings.filter(
                status=Meeting.Status.SCHEDULED, scheduled_at__gt=self.demo.now
            )
            .order_by("scheduled_at")
            .first()
        )
        if upcoming is None or not self.persona.prepares_next:
            return
        self.agenda = set(self.pending)
        for _ in range(self.rng.choice((1, 2, 2))):
            when = self.demo.now - dt.timedelta(minutes=self.rng.randint(15, 600))
            self._topic(upcoming, self.report, when)
