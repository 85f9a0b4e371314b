"""The demo's career stories: six months of aspirations, ladder views and self-assessments.

Every IC of the demo answers the aspiration questions a few times over the six months,
their manager records where they stand on the ladder twice, and they write two
self-assessments. Tomás moves from "staying IC" to "curious about management".
Everything is written through the career services, dated in the past with `now=`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rapport.career import services as career
from rapport.meetings.models import Series
from rapport.people.models import Organisation


@dataclass(frozen=True, slots=True)
class CareerStory:
    # (weeks ago, answers that changed then, recorded with the manager in a 1:1?)
    versions: tuple[tuple[int, dict[str, str], bool], ...]
    # (weeks ago, {area: (position, sentence)})
    views: tuple[tuple[int, dict[str, tuple[str, str]]], ...]
    # (weeks ago, {area: text})
    assessments: tuple[tuple[int, dict[str, str]], ...]


def _story(
    *,
    few_years: tuple[str, str],
    management: tuple[str, str],
    learn: tuple[str, str],
    energy: str,
    drains: str,
    proud: tuple[str, str],
    success: str,
    impact: str,
    experiences: str,
    projects: str,
    fulfilling: str,
    views: tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]],
    assessments: tuple[dict[str, str], dict[str, str]],
) -> CareerStory:
    return CareerStory(
        versions=(
            (
                25,
                {
                    "where_in_few_years": few_years[0],
                    "what_success_looks_like": success,
                    "impact_wanted": impact,
                    "management_or_ic": management[0],
                    "learn_this_quarter": learn[0],
                    "valuable_experiences": experiences,
                    "exciting_projects": projects,
                    "energising_work": energy,
                    "what_drains_you": drains,
                    "proudest_moments": proud[0],
                    "more_fulfilling_role": fulfilling,
                },
                False,
            ),
            (13, {"learn_this_quarter": learn[1], "proudest_moments": proud[1]}, True),
            (4, {"where_in_few_years": few_years[1], "management_or_ic": management[1]}, False),
        ),
        views=((14, views[0]), (3, views[1])),
        assessments=((15, assessments[0]), (4, assessments[1])),
    )


STORIES: dict[str, CareerStory] = {
    "junior@example.com": _story(
        few_years=(
            "Confirmed, and trusted with features on my own.",
            "Confirmed, and the go-to person for the checkout front end.",
        ),
        management=("Too early to say: I want to get good at the craft first.",) * 2,
        learn=("Writing tests that catch real bugs.", "Database migrations without fear."),
        energy="Seeing a customer use something I built.",
        drains="Specs that change after I started.",
        proud=(
            "My first PR merged without changes requested.",
            "Presenting the refund status page at the sprint demo.",
        ),
        success="Shipping a feature end to end with little guidance.",
        impact="Make paying and getting refunds feel effortless for customers.",
        experiences="An on-call shadow week; pairing with Daniel.",
        projects="The refund status page.",
        fulfilling="Owning a small part of the product from idea to production.",
        views=(
            {
                "delivery": ("below", "Needs a review loop per PR still; improving fast."),
                "craft": ("meets", "Tests for what she changes, every time."),
            },
            {
                "delivery": ("meets", "Took the refund page to production with little help."),
                "craft": ("meets", "Writes the failing test first for bugs now."),
                "collaboration": ("above", "Her sprint demo was the clearest of the quarter."),
            },
        ),
        assessments=(
            {"delivery": "I still ask before most decisions.", "craft": "Tests: getting there."},
            {
                "delivery": "Shipped the refund page; the migration needed help.",
                "craft": "I write the failing test first now.",
                "collaboration": "I speak up in planning more often.",
            },
        ),
    ),
    "confirmed@example.com": _story(
        few_years=(
            "A senior engineer, deep in distributed systems.",
            "A senior engineer, maybe leading a small team: I want to find out.",
        ),
        management=(
            "Staying IC: I like deep technical work and don't see myself managing.",
            "Curious about management: onboarding two people was the best part of my "
            "quarter, and I'd like to try leading a small project team.",
        ),
        learn=("System design for the webhook retry service.", "How to run a design review."),
        energy="A hard design problem with a whiteboard and a good colleague.",
        drains="Meetings across five timezones with no agenda.",
        proud=(
            "The webhook retry service design: three teams use it.",
            "Onboarding Ravi and Lena: both shipped in their first month.",
        ),
        success="Systems other teams build on without asking me how.",
        impact="Make Payments' integrations boringly reliable.",
        experiences="Leading a design from RFC to rollout.",
        projects="The webhook retry service.",
        fulfilling="More say in what we build next, not only how.",
        views=(
            {
                "craft": ("above", "The retry service design is senior-level work."),
                "leadership": ("meets", "Helps others when asked."),
            },
            {
                "craft": ("above", "Design reviews he runs end with clear decisions."),
                "leadership": ("above", "Onboarded two people deliberately and well."),
                "collaboration": ("meets", "Voice in design discussions; could reach Finance."),
            },
        ),
        assessments=(
            {"craft": "Strong on design.", "leadership": "Not my focus."},
            {
                "craft": "Strong on design; want more review practice.",
                "leadership": "I enjoyed onboarding more than I expected.",
            },
        ),
    ),
    "senior@example.com": _story(
        few_years=(
            "Staff engineer, still writing code.",
            "Staff engineer on Payments, owning reconciliation across teams.",
        ),
        management=("Staying IC, on the staff track.",) * 2,
        learn=("Cross-team influence.", "Writing a staff case that stands on its own."),
        energy="Untangling a messy system until it is simple.",
        drains="Decisions reopened after they were made.",
        proud=(
            "The reconciliation RFC.",
            "Finance adopting the reconciliation job: mismatches down 80%.",
        ),
        success="Decisions across teams that stick.",
        impact="Money that always adds up, for every team that touches it.",
        experiences="Leading the cross-team architecture review.",
        projects="The ledger reconciliation job.",
        fulfilling="Time for deep work between the reviews.",
        views=(
            {"collaboration": ("meets", "Strong in the team; Finance is the next step.")},
            {
                "collaboration": ("above", "Finance adopted her job: influence without authority."),
                "leadership": ("above", "Maya's PRs show her mentoring."),
            },
        ),
        assessments=(
            {"collaboration": "I need to bring Finance in earlier."},
            {"collaboration": "Finance is on board now.", "leadership": "Mentoring Maya weekly."},
        ),
    ),
    "staff@example.com": _story(
        few_years=(
            "Principal engineer, shaping architecture across engineering.",
            "Principal engineer; the payments vision adopted across engineering.",
        ),
        management=("IC: I multiply through others, not through a team of my own.",) * 2,
        learn=("Org-wide technical strategy.", "Writing for executives."),
        energy="Seeing a decision I argued for make other teams faster.",
        drains="Context switching between six initiatives.",
        proud=("The platform migration plan.", "The two-year architecture vision draft."),
        success="Engineering moving in one direction without me in every room.",
        impact="An architecture that lets payments grow tenfold.",
        experiences="Presenting the vision to the leadership team.",
        projects="The payments platform vision.",
        fulfilling="Fewer initiatives, each one further.",
        views=(
            {"craft": ("meets", "Long-term vision is clear; needs writing down.")},
            {"craft": ("above", "The vision document is the reference for three teams.")},
        ),
        assessments=(
            {"craft": "The vision lives in my head."},
            {"craft": "The vision is written and reviewed."},
        ),
    ),
    "dev1@example.com": _story(
        few_years=("A reliability engineer.", "A reliability engineer owning a service."),
        management=("IC.",) * 2,
        learn=("Debugging production issues.", "Reading flame graphs."),
        energy="Finding the root cause.",
        drains="Flaky tests.",
        proud=("Fixing the cache stampede.", "Owning the build cache alone for a month."),
        success="Being trusted on call.",
        impact="Builds nobody waits for.",
        experiences="Incident reviews.",
        projects="The build cache.",
        fulfilling="A service of my own.",
        views=(
            {"delivery": ("below", "Needs help to land changes in production.")},
            {"delivery": ("meets", "Owns the build cache alone now.")},
        ),
        assessments=(
            {"delivery": "I need help with rollouts."},
            {"delivery": "I ran the build cache alone."},
        ),
    ),
    "dev2@example.com": _story(
        few_years=(
            "A staff engineer on developer experience.",
            "Senior first, then staff on developer experience.",
        ),
        management=("IC.",) * 2,
        learn=("Technical writing.", "Measuring developer productivity honestly."),
        energy="Making other engineers faster.",
        drains="Work nobody will measure.",
        proud=("The CI caching proposal.", "Median CI time halved for the monorepo."),
        success="Teams asking to use what I built.",
        impact="Every engineer gets an hour a day back.",
        experiences="Presenting at the engineering all-hands.",
        projects="The CI pipeline speed-up.",
        fulfilling="Seeing the numbers move.",
        views=(
            {"collaboration": ("meets", "Good partner to the teams she serves.")},
            {"collaboration": ("above", "Her CI write-up is read across engineering.")},
        ),
        assessments=(
            {"collaboration": "I write too little down."},
            {"collaboration": "My write-ups are read now."},
        ),
    ),
    "dev3@example.com": _story(
        few_years=("Staff engineer on infrastructure.", "Senior who estimates well, then staff."),
        management=("IC.",) * 2,
        learn=("Leading a multi-team project.", "Estimating migration work."),
        energy="Big infrastructure changes done safely.",
        drains="Surprises late in a project.",
        proud=("The cluster upgrade plan.", "Two migration tickets within estimate."),
        success="Upgrades nobody notices.",
        impact="Infrastructure teams can trust.",
        experiences="Coordinating four teams.",
        projects="The Kubernetes cluster upgrade.",
        fulfilling="Fewer fire drills.",
        views=(
            {"delivery": ("below", "Estimates far off on the last two migrations.")},
            {"delivery": ("below", "Improving: risks raised earlier; plan in place.")},
        ),
        assessments=(
            {"delivery": "My estimates have been off."},
            {"delivery": "I raise risks in stand-up as they appear."},
        ),
    ),
}


def add_career_story(organisation: Organisation, now: dt.datetime) -> None:
    """Write each demo IC's career story into their open 1:1, through the career services."""
    open_series = Series.objects.filter(
        organisation=organisation, ended_on__isnull=True
    ).select_related("manager", "report", "organisation")
    for series in open_series.order_by("pk"):
        story = STORIES.get(series.report.email)
        if story is not None:
            _write(series, story, now)


def _write(series: Series, story: CareerStory, now: dt.datetime) -> None:
    level = series.report.level or "confirmed"
    for weeks, answers, with_manager in story.versions:
        career.aspirations_save(
            actor=series.manager if with_manager else series.report,
            series=series,
            answers=answers,
            now=now - dt.timedelta(weeks=weeks),
        )
    for weeks, texts in story.assessments:
        career.self_assessment_save(
            actor=series.report, series=series, texts=texts, now=now - dt.timedelta(weeks=weeks)
        )
    for weeks, views in story.views:
        for area, (position, sentence) in views.items():
            career.ladder_view_record(
                actor=series.manager,
                series=series,
                area_key=area,
                level=level,
                position=position,
                sentence=sentence,
                now=now - dt.timedelta(weeks=weeks, hours=-1),
            )
