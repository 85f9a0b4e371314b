"""The demo's career story: goals with dated progress, a development plan, peer feedback
with a summary, and feedback acknowledged and acted on, each person with their own.

Everything is written through the growth services, dated back over the six months.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from rapport import access
from rapport.growth import services as growth
from rapport.meetings.models import Meeting, Series
from rapport.people.models import Organisation


@dataclass(frozen=True, slots=True)
class GoalStory:
    title: str
    why: str
    area: str
    created_weeks: int
    # The progress updates as (weeks ago, text, percent).
    updates: tuple[tuple[int, str, int], ...]
    # Weeks ago the goal was marked achieved; None while it is still open.
    achieved_weeks: int | None = None


@dataclass(frozen=True, slots=True)
class GrowthStory:
    goals: tuple[GoalStory, ...]
    focus: tuple[str, ...]
    plan_notes: str
    # Each answering colleague's (strengths, one thing to change, an example).
    peer_answers: tuple[tuple[str, str, str], ...]
    peer_summary: str
    acted_on: str


GROWTH: dict[str, GrowthStory] = {
    # Junior: fundamentals and confidence.
    "junior@example.com": GrowthStory(
        goals=(
            GoalStory(
                "Ship the refund status page end to end",
                "Shipping a feature with little guidance is what Confirmed asks for.",
                "delivery",
                22,
                (
                    (21, "Broke the page into four PRs with Daniel.", 15),
                    (17, "Three PRs merged; the empty states need design input.", 60),
                    (14, "Live for all customers; demoed it at the sprint review.", 100),
                ),
                achieved_weeks=13,
            ),
            GoalStory(
                "Run a database migration on my own, with a rollback plan",
                "Migrations are the part of the work Maya still hands to someone else.",
                "craft",
                11,
                (
                    (10, "Paired with Daniel on the refunds index migration.", 25),
                    (5, "Wrote the rollback plan for the next one; Ingrid reviewed it.", 50),
                    (1, "Ran the dry run on staging alone; production next week.", 70),
                ),
            ),
            GoalStory(
                "Shadow a full on-call week",
                "On-call is where she will learn how the payments system really behaves.",
                "delivery",
                10,
                ((9, "Asked to join the rota for a shadow week.", 10),),
            ),
        ),
        focus=("craft", "delivery"),
        plan_notes="Fundamentals first: a failing test before every bug fix. One migration "
        "paired with Daniel, the next one alone with a rollback plan.",
        peer_answers=(
            (
                "Asks good questions early; her PR descriptions are the clearest on the team.",
                "Say when she is stuck after an hour, not after a day.",
                "On the refund page she posted a screenshot of every state for review, "
                "which caught a copy mistake before QA did.",
            ),
        ),
        peer_summary="One colleague answered. **Strengths**: clear PR descriptions, good "
        "questions early. **One thing to work on**: ask for help after an hour of being "
        "stuck. Fits the migration goal: she pings Daniel when the dry run surprises her.",
        acted_on="Posted in the team channel after an hour stuck on the migration.",
    ),
    # Confirmed: autonomy and voice; Tomás is curious about management now.
    "confirmed@example.com": GrowthStory(
        goals=(
            GoalStory(
                "Onboard two new joiners through their first month",
                "Tomás asked to try it; it is the first taste of leading people.",
                "leadership",
                24,
                (
                    (22, "Wrote the first-week plan for Ravi and Lena.", 25),
                    (19, "Both set up and pairing daily; first PRs in review.", 60),
                    (16, "Both shipped in their first month; asked them what to improve.", 100),
                ),
                achieved_weeks=15,
            ),
            GoalStory(
                "Lead the webhook retry rollout with a project team of three",
                "A small project team is the way to find out whether management suits him.",
                "leadership",
                8,
                (
                    (7, "Agreed scope and roles with Ravi and Ingrid; weekly check-in set.", 20),
                    (4, "First two services migrated; ran the team's first retro.", 45),
                    (1, "Delegated the dashboards to Ravi; he reviewed rather than wrote.", 60),
                ),
            ),
            GoalStory(
                "Run three design reviews to a clear decision",
                "Running reviews is the voice in design the next level expects.",
                "craft",
                12,
                (
                    (11, "First review: idempotency keys, decided in one session.", 35),
                    (4, "Second review ran long; wrote the decision up the same day.", 65),
                ),
            ),
        ),
        focus=("leadership", "craft"),
        plan_notes="Curious about management: lead the retry rollout team before deciding. "
        "Sam shares the manager's side of the job in two 1:1s. Keep the design depth.",
        peer_answers=(
            (
                "Makes new people productive fast; patient with questions.",
                "Let others finish their point in design reviews before proposing a fix.",
                "Ravi said Tomás's first-week plan was the reason he shipped in week two.",
            ),
            (
                "Strong systems thinking: the retry design is reused by three teams.",
                "Write decisions down for people who were not in the room.",
                "The Checkout team had to ask twice what the retry review decided.",
            ),
        ),
        peer_summary="Two colleagues answered. **Strengths**: onboarding and patience; "
        "systems thinking. **One thing to work on**: let others finish in reviews, and write "
        "the decision down. Both matter if he leads the rollout team: practise them there.",
        acted_on="Wrote the retry review's decision up within the day.",
    ),
    # Senior: scope beyond the team, on the staff track.
    "senior@example.com": GrowthStory(
        goals=(
            GoalStory(
                "Get Finance to adopt the reconciliation job",
                "Influence outside Payments is the gap between senior and staff.",
                "collaboration",
                24,
                (
                    (23, "Mapped Finance's month-end process with their lead.", 20),
                    (19, "Pilot on one ledger; mismatches down by half.", 55),
                    (15, "Finance runs it monthly; mismatches down 80%.", 100),
                ),
                achieved_weeks=14,
            ),
            GoalStory(
                "Write a staff promotion case with three cross-team examples",
                "A staff case that stands on its own, without Sam in the room.",
                "leadership",
                10,
                (
                    (9, "Listed six candidate examples; picked reconciliation first.", 20),
                    (5, "Drafted two examples; asked Finance's lead for a quote.", 45),
                    (2, "Third example chosen: the architecture review she chairs.", 60),
                ),
            ),
            GoalStory(
                "Mentor Maya weekly through her first migrations",
                "Growing others is part of the staff level; Maya asked for it.",
                "leadership",
                12,
                (
                    (11, "Weekly half hour booked with Maya.", 20),
                    (8, "Reviewed Maya's rollback plan together.", 40),
                ),
            ),
        ),
        focus=("collaboration", "leadership"),
        plan_notes="Staff track: evidence beyond Payments. The case needs Finance and "
        "Checkout examples; keep deep work between the reviews.",
        peer_answers=(
            (
                "Untangles messy systems until they are simple; Finance trusts her.",
                "Share drafts earlier: the RFC arrived nearly finished.",
                "The reconciliation RFC answered every Finance question before it was asked.",
            ),
        ),
        peer_summary="One colleague from Finance answered. **Strengths**: simplifies messy "
        "systems, trusted outside engineering. **One thing to work on**: share drafts earlier. "
        "A good example for the staff case; the next RFC goes out at half done.",
        acted_on="Shared the next RFC at outline stage with Finance and Checkout.",
    ),
    # Staff: organisational impact, multiplying through others.
    "staff@example.com": GrowthStory(
        goals=(
            GoalStory(
                "Publish the two-year payments architecture vision",
                "The vision lived in Daniel's head; teams need it written down.",
                "craft",
                25,
                (
                    (24, "Outline agreed with Ingrid and Sam.", 20),
                    (20, "Draft reviewed by three teams; forty comments.", 65),
                    (16, "Published; now the reference for three teams.", 100),
                ),
                achieved_weeks=15,
            ),
            GoalStory(
                "Present the payments vision to the leadership team",
                "Writing and speaking for executives is the principal-level skill.",
                "collaboration",
                9,
                (
                    (8, "Cut the deck to ten slides; one page of asks.", 30),
                    (3, "Dry run with Helen; the cost section needs numbers.", 55),
                ),
            ),
            GoalStory(
                "Hand two of six initiatives over to their teams",
                "Fewer initiatives, each one further.",
                "leadership",
                12,
                (
                    (11, "Chose the two: the card vault and the ledger API.", 25),
                    (8, "Ledger API handed to Ingrid's group.", 50),
                ),
            ),
        ),
        focus=("craft", "leadership"),
        plan_notes="Principal next: fewer initiatives carried further, and the vision "
        "argued in writing for executives, not in every room in person.",
        peer_answers=(
            (
                "Sees three moves ahead; his reviews make designs simpler.",
                "Leave space for others to reach the answer themselves.",
                "In the card vault review he asked questions instead of giving the design.",
            ),
        ),
        peer_summary="One colleague answered. **Strengths**: long-range thinking, "
        "simplifying reviews. **One thing to work on**: leave room for others to get there. "
        "Matches the hand-over goal: Daniel coaches the two teams rather than leading them.",
        acted_on="Asked two questions before giving a view in the ledger API review.",
    ),
    # Ravi, junior on Platform.
    "dev1@example.com": GrowthStory(
        goals=(
            GoalStory(
                "Own the build cache for a month without help",
                "Being trusted with a service is the first step to being trusted on call.",
                "delivery",
                20,
                (
                    (19, "Took over the cache dashboards and alerts.", 25),
                    (15, "Handled two cache alerts alone.", 60),
                    (11, "A full month on his own; wrote down what he learnt.", 100),
                ),
                achieved_weeks=10,
            ),
            GoalStory(
                "Find the root cause of a production incident and present it",
                "Debugging production issues is what he wants to learn this half.",
                "craft",
                9,
                (
                    (8, "Joined the incident review rota.", 15),
                    (4, "Traced the cache stampede to a missing jitter.", 50),
                ),
            ),
            GoalStory(
                "Read a flame graph on a real production profile",
                "Profiling is the tool he reaches for last.",
                "craft",
                10,
                ((9, "Booked a session with Marcus on profiling.", 10),),
            ),
        ),
        focus=("delivery", "craft"),
        plan_notes="Confidence on call: own one service, then lead one incident review. "
        "Marcus pairs on profiling once a month.",
        peer_answers=(
            (
                "Reliable: if Ravi says it is done, it is done.",
                "Ask in the channel rather than in private messages, so others learn too.",
                "During the cache alert he fixed it fast but only Nadia knew how.",
            ),
        ),
        peer_summary="One colleague answered. **Strengths**: reliable, finishes what he "
        "starts. **One thing to work on**: ask and share in the open channel. The incident "
        "review goal is the natural place to practise that.",
        acted_on="Wrote the cache alert fix up in the team channel.",
    ),
    # Lena, confirmed on Platform.
    "dev2@example.com": GrowthStory(
        goals=(
            GoalStory(
                "Halve the median CI time for the monorepo",
                "The team goal for the half, and Lena asked to own the caching part.",
                "delivery",
                23,
                (
                    (22, "Measured the baseline: 24 minutes median.", 15),
                    (18, "Remote cache live; median at 17 minutes.", 55),
                    (13, "Median at 12 minutes for two weeks running.", 100),
                ),
                achieved_weeks=12,
            ),
            GoalStory(
                "Publish a developer-productivity measure teams trust",
                "Measuring honestly is what she wants to learn this quarter.",
                "craft",
                10,
                (
                    (9, "Read the DORA and SPACE papers; drafted three candidates.", 20),
                    (5, "Two teams agreed to trial the wait-time measure.", 45),
                    (2, "First month of data; one team disputes the baseline.", 55),
                ),
            ),
            GoalStory(
                "Present the CI work at the engineering all-hands",
                "Visibility beyond the team, and the write-ups deserve an audience.",
                "collaboration",
                11,
                ((10, "Asked for a slot in the next all-hands.", 10),),
            ),
        ),
        focus=("collaboration", "craft"),
        plan_notes="Senior first: the productivity measure agreed with two teams, and the "
        "CI story told beyond Platform.",
        peer_answers=(
            (
                "Makes other engineers faster; her CI write-up is read across engineering.",
                "Bring product teams in before the design is set, not after.",
                "The cache rollout surprised Checkout; a heads-up a week before would have helped.",
            ),
        ),
        peer_summary="One colleague answered. **Strengths**: impact on every engineer, "
        "clear write-ups. **One thing to work on**: involve product teams before the design "
        "is set. The measure goal needs exactly that: two teams agreed up front.",
        acted_on="Invited Checkout to the design of the wait-time measure.",
    ),
    # Marcus, senior on Platform, on an improvement plan for estimates.
    "dev3@example.com": GrowthStory(
        goals=(
            GoalStory(
                "Deliver the next two migration tickets within 20% of estimate",
                "Estimates were far off on the last two migrations.",
                "delivery",
                6,
                (
                    (5, "Re-estimated with a risk list; 8 days for the first ticket.", 20),
                    (2, "First ticket done in 9 days: within 20%.", 50),
                ),
            ),
            GoalStory(
                "Raise migration risks in stand-up the day they appear",
                "Late surprises were what hurt the last two migrations.",
                "collaboration",
                7,
                (
                    (6, "Added a risk line to his stand-up updates.", 30),
                    (3, "Flagged the node pool quota two weeks early.", 60),
                ),
            ),
            GoalStory(
                "Write the Kubernetes upgrade plan for four teams",
                "The cluster upgrade he leads needs a plan others can follow.",
                "leadership",
                14,
                ((12, "Outline shared with the four team leads.", 15),),
            ),
        ),
        focus=("delivery",),
        plan_notes="One focus while the improvement plan runs: estimates within 20% and "
        "risks raised early. The staff case waits until it closes.",
        peer_answers=(
            (
                "Deep infrastructure knowledge; calm when a rollout goes wrong.",
                "Say early when a plan is slipping, even without a fix ready.",
                "The node pool quota warning two weeks ahead saved the upgrade window.",
            ),
        ),
        peer_summary="One colleague answered. **Strengths**: infrastructure depth, calm in "
        "rollouts. **One thing to work on**: say early when a plan slips. Already improving: "
        "the quota warning is the example to keep repeating.",
        acted_on="Flagged the next migration's risk in stand-up the same morning.",
    ),
    # The two managers, in their 1:1s with Helen.
    "manager@example.com": GrowthStory(
        goals=(
            GoalStory(
                "Delegate the reconciliation RFC without reviewing every PR",
                "Sam's habit of reviewing everything slows the team and Sam.",
                "leadership",
                24,
                (
                    (22, "Handed the RFC to Ingrid with the decision rights.", 30),
                    (18, "Reviewed only the design, none of the PRs.", 70),
                    (15, "RFC shipped; the team said decisions got faster.", 100),
                ),
                achieved_weeks=14,
            ),
            GoalStory(
                "Grow Ingrid into the Payments tech lead role",
                "A tech lead for Payments by autumn frees Sam for a bigger scope.",
                "leadership",
                16,
                (
                    (15, "Ingrid runs the weekly architecture review.", 30),
                    (9, "The team goes to Ingrid first for design questions.", 55),
                    (3, "Tech lead trial reviewed with Ingrid; one more quarter.", 65),
                ),
            ),
            GoalStory(
                "Close the two open Payments roles with a balanced panel",
                "The team is stretched; hiring well matters more than hiring fast.",
                "collaboration",
                12,
                ((11, "Rewrote the job ad; recruiting starts a sourcing push.", 15),),
            ),
        ),
        focus=("leadership",),
        plan_notes="Coach instead of answer: two questions before a view. Bigger scope is "
        "on the table if Checkout needs a manager.",
        peer_answers=(
            (
                "Protects the team's focus; honest about trade-offs.",
                "Moves his own 1:1s too often when incidents hit.",
                "Two of his team mentioned their 1:1s moving for incident reviews.",
            ),
        ),
        peer_summary="One peer answered. **Strengths**: protects focus, honest trade-offs. "
        "**One thing to work on**: keep 1:1s where they are. Incident reviews now move to "
        "Thursdays instead.",
        acted_on="Moved incident reviews to Thursdays so 1:1s stay put.",
    ),
    "manager2@example.com": GrowthStory(
        goals=(
            GoalStory(
                "Present the first quarterly platform review to the CTO",
                "Making the team's work visible beyond engineering.",
                "collaboration",
                22,
                (
                    (20, "Agreed the format with Helen: outcomes, not tickets.", 30),
                    (16, "Presented; the CTO asked for a quarterly cadence.", 100),
                ),
                achieved_weeks=15,
            ),
            GoalStory(
                "Start a platform guild across three teams",
                "A cross-team initiative is the next step towards a director role.",
                "leadership",
                10,
                (
                    (9, "Three team leads agreed to a monthly guild.", 25),
                    (4, "First guild session; intake form adopted by two teams.", 45),
                ),
            ),
            GoalStory(
                "Prepare Marcus's staff case for next year",
                "Growing a senior into staff is part of the senior manager role.",
                "leadership",
                9,
                ((8, "Listed the evidence the staff case still needs.", 10),),
            ),
        ),
        focus=("leadership", "collaboration"),
        plan_notes="Director path: say no to requests outside the platform strategy, and "
        "lead the guild across teams.",
        peer_answers=(
            (
                "Clear priorities; her team knows why they do what they do.",
                "Say no sooner: requests wait weeks before they are declined.",
                "The data team waited a month for an answer on the runner pool.",
            ),
        ),
        peer_summary="One peer answered. **Strengths**: clear priorities. **One thing to "
        "work on**: decline sooner. The intake form with a monthly triage should fix the wait.",
        acted_on="Declined two requests at the first monthly triage.",
    ),
}


def _weeks_ago(now: dt.datetime, weeks: float) -> dt.datetime:
    return now - dt.timedelta(weeks=weeks)


def _goal(series: Series, story: GoalStory, now: dt.datetime) -> object:
    created = _weeks_ago(now, story.created_weeks)
    goal = growth.goal_create(
        actor=series.report,
        series=series,
        title=story.title,
        why=story.why,
        area=story.area,
        target_on=timezone.localdate(created) + dt.timedelta(weeks=story.created_weeks + 8),
        now=created,
    )
    for weeks, text, percent in story.updates:
        growth.goal_progress_add(
            actor=series.manager if weeks % 2 else series.report,
            goal=goal,
            text=text,
            percent=percent,
            now=_weeks_ago(now, weeks),
        )
    if story.achieved_weeks is not None:
        growth.goal_update(
            actor=series.manager,
            goal=goal,
            changes={"status": "achieved"},
            now=_weeks_ago(now, story.achieved_weeks),
        )
    return goal


def _story(series: Series, story: GrowthStory, now: dt.datetime) -> None:
    goals = [_goal(series, goal, now) for goal in story.goals]
    active = next(
        (g for g, s in zip(goals, story.goals, strict=True) if s.achieved_weeks is None), None
    )
    items = list(access.action_items_visible_to(series.manager).filter(series=series)[:1])
    for item in items if active is not None else ():
        growth.goal_action_item_link(
            actor=series.manager, goal=active, item=item, now=_weeks_ago(now, 3)
        )
    career = (
        series.meetings.filter(
            kind=Meeting.Kind.CAREER, status=Meeting.Status.HELD, started_at__isnull=False
        )
        .order_by("-scheduled_at")
        .first()
    )
    changed = career.started_at + dt.timedelta(minutes=40) if career else _weeks_ago(now, 2)
    growth.development_plan_update(
        actor=series.manager,
        series=series,
        focus_areas=list(story.focus),
        next_review_on=timezone.localdate(now) + dt.timedelta(weeks=6),
        notes=story.plan_notes,
        meeting=career,
        now=changed,
    )
    _peers(series, story, now)
    _feedback(series, story, now)


def _peers(series: Series, story: GrowthStory, now: dt.datetime) -> None:
    # Peers of the IC: people with a manager, not the IC's own reports, on another team first.
    candidates = access.peer_colleagues_for(series.manager, series).exclude(manager=None)
    colleagues = list(candidates.exclude(manager=series.report))
    count = len(story.peer_answers) + 1
    others = [c for c in colleagues if c.manager_id != series.manager_id]
    colleagues = (others + [c for c in colleagues if c not in others])[:count]
    if not colleagues:
        return
    asked = _weeks_ago(now, 5)
    requests = growth.peer_request_create(
        actor=series.manager,
        series=series,
        colleague_ids=[c.pk for c in colleagues],
        message="Ahead of the next career 1:1.",
        now=asked,
    )
    answers = story.peer_answers
    for day, (request, (strengths, change, example)) in enumerate(
        zip(requests, answers, strict=False), 2
    ):
        growth.peer_request_answer(
            actor=request.colleague,
            request=request,
            strengths=strengths,
            change=change,
            example=example,
            now=asked + dt.timedelta(days=day),
        )
    for request in requests[len(answers) :]:
        growth.peer_request_decline(
            actor=request.colleague, request=request, now=asked + dt.timedelta(days=4)
        )
    growth.peer_summary_write(
        actor=series.manager,
        series=series,
        text=story.peer_summary,
        now=asked + dt.timedelta(days=10),
    )


def _feedback(series: Series, story: GrowthStory, now: dt.datetime) -> None:
    """What the IC did with the feedback acted on, and the rest acknowledged (not acted on)."""
    records = access.feedback_visible_to(series.report).filter(
        series=series, given_to=series.report
    )
    for record in records:
        if record.acted_on_at is not None:
            growth.feedback_mark(
                actor=series.report,
                feedback=record,
                acted_on=True,
                note=story.acted_on,
                now=record.acted_on_at,
            )
        elif record.acknowledged_at is None:
            moment = min(record.created_at + dt.timedelta(days=1), now)
            growth.feedback_mark(
                actor=series.report, feedback=record, acknowledged=True, now=moment
            )


def add_goals_story(organisation: Organisation, now: dt.datetime) -> None:
    """Give each person of the demo with an open 1:1 their own goals, plan and peer feedback."""
    open_series = (
        Series.objects.filter(organisation=organisation, ended_on__isnull=True)
        .select_related("manager", "report")
        .order_by("pk")
    )
    for series in open_series:
        story = GROWTH.get(series.report.email)
        if story is not None:
            _story(series, story, now)
    _pending_for_a_demo_login(list(open_series), now)


# Signed in as the junior, one sees a request waiting for an answer on the home page.
PENDING_FOR = "junior@example.com"


def _pending_for_a_demo_login(open_series: list[Series], now: dt.datetime) -> None:
    for series in open_series:
        colleague = access.peer_colleagues_for(series.manager, series).filter(email=PENDING_FOR)
        colleague = colleague.exclude(manager=series.manager).exclude(manager=series.report)
        colleague = colleague.first()
        if colleague is not None:
            growth.peer_request_create(
                actor=series.manager,
                series=series,
                colleague_ids=[colleague.pk],
                message="You worked with them on the platform migration.",
                now=now - dt.timedelta(days=2),
            )
            return
