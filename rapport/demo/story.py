"""The demo organisation as data: its people, their stories, and what they say in 1:1s.

Nothing here writes: `rapport.demo.generator` turns it into history through the services.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rapport.meetings.models import Topic

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
    "manager@example.com": ("coaching with questions before giving a view", "delegation"),
    "manager2@example.com": ("saying no to requests outside the strategy", "stakeholders"),
    "default": ("growing the team's engineering practices", "leadership"),
}
# The manager's own estimate of their talk share after each 1:1 (the wrap-up slider), per
# report: the usual share and how far one meeting strays from it. Sam explains too much to
# Maya, the junior, so "You do most of the talking" shows for that relationship only; Nadia
# talks a little more with Ravi, her junior, than with the others, still under the 30% rule.
TALK_SHARES: dict[str, tuple[int, int]] = {
    "junior@example.com": (44, 6),
    "confirmed@example.com": (24, 4),
    "senior@example.com": (18, 3),
    "staff@example.com": (21, 4),
    "dev1@example.com": (27, 5),
    "dev2@example.com": (20, 3),
    "dev3@example.com": (25, 3),
    "manager@example.com": (26, 4),
    "manager2@example.com": (22, 3),
}
# Now and then a manager forgets to set the slider: every this many held 1:1s.
TALK_UNRECORDED_EVERY = 6
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
