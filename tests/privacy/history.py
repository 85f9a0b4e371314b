"""A report's career over a quarter, written through the services as the people would:
aspirations (two versions), ladder views, self-assessments, a goal with changes and
progress, a development plan with its log, peer feedback about them and by them, a
retrospective with its reply, feedback marked acted on.

Every text names `mention` (say "Ray Report (ray@acme.test)"), so that a test searching
the database for it finds every one of these tables until erasure has been through them.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from rapport.career import services as career
from rapport.growth import services as growth
from rapport.insights import services as insights

PEER_ANSWER = "OMAR-PEER-ANSWER-71c: calm under pressure"

# The career tables the history below writes to, each with a text naming the report.
CAREER_TABLES = {
    "career_aspirationversion",
    "career_ladderview",
    "career_selfassessment",
    "growth_goal",
    "growth_goalchange",
    "growth_goalprogress",
    "growth_developmentplan",
    "growth_planchange",
    "growth_peerrequest",
    "growth_peeranswer",
    "growth_peersummary",
    "insights_retrospective",
    "growth_feedback",
}


def career_history(cast: SimpleNamespace, series, meeting, *, mention: str) -> SimpleNamespace:
    """mia and ray's career records, omar's answer about ray, and ray's answer about rita."""
    mia, ray, omar, rita = cast.mia, cast.ray, cast.omar, cast.rita
    start = timezone.now() - dt.timedelta(days=60)
    career.aspirations_save(
        actor=ray,
        series=series,
        answers={"impact_wanted": f"First version: {mention} wants to lead a team"},
        now=start,
    )
    career.aspirations_save(
        actor=mia,
        series=series,
        answers={"impact_wanted": f"Second version: {mention} wants the staff track"},
        meeting=meeting,
        now=start + dt.timedelta(days=20),
    )
    career.ladder_view_record(
        actor=mia,
        series=series,
        area_key="delivery",
        level="confirmed",
        position="below",
        sentence=f"{mention} ships on time but alone",
        now=start + dt.timedelta(days=1),
    )
    career.self_assessment_save(
        actor=ray,
        series=series,
        texts={"delivery": f"I, {mention}, ship steadily"},
        now=start + dt.timedelta(days=2),
    )
    goal = growth.goal_create(
        actor=mia,
        series=series,
        title=f"Lead the migration ({mention})",
        why=f"So that {mention} shows leadership",
        area="leadership",
        now=start + dt.timedelta(days=3),
    )
    growth.goal_update(
        actor=ray,
        goal=goal,
        changes={"criterion": f"{mention} runs the cut-over"},
        now=start + dt.timedelta(days=4),
    )
    growth.goal_progress_add(
        actor=ray,
        goal=goal,
        text=f"{mention} wrote the plan",
        percent=30,
        now=start + dt.timedelta(days=5),
    )
    growth.development_plan_update(
        actor=mia,
        series=series,
        focus_areas=["leadership"],
        next_review_on=(start + dt.timedelta(days=90)).date(),
        notes=f"Plan for {mention}",
        now=start + dt.timedelta(days=6),
    )
    [about_ray] = growth.peer_request_create(
        actor=mia,
        series=series,
        colleague_ids=[omar.pk],
        message=f"How is {mention} doing?",
        now=start + dt.timedelta(days=7),
    )
    growth.peer_request_answer(
        actor=omar,
        request=about_ray,
        strengths=f"{PEER_ANSWER}, says {mention}'s peer",
        change=f"{mention} could delegate",
        now=start + dt.timedelta(days=8),
    )
    rita_series = rita.series.get(ended_on__isnull=True)
    [about_rita] = growth.peer_request_create(
        actor=mia,
        series=rita_series,
        colleague_ids=[ray.pk],
        message="How is Rita doing?",
        now=start + dt.timedelta(days=7),
    )
    growth.peer_request_answer(
        actor=ray,
        request=about_rita,
        strengths="Rita mentors well",
        change=f"Signed {mention}",
        now=start + dt.timedelta(days=8),
    )
    summary = growth.peer_summary_write(
        actor=mia,
        series=series,
        text=f"Colleagues find {mention} calm",
        now=start + dt.timedelta(days=9),
    )
    retrospective = insights.retrospective_answer(
        actor=ray,
        series=series,
        answers={"working": f"{mention}: they work", "more_less": "More career talk"},
        rating=4,
        now=start + dt.timedelta(days=10),
    )
    insights.retrospective_reply(
        actor=mia,
        retrospective=retrospective,
        reply=f"Thank you {mention}",
        now=start + dt.timedelta(days=11),
    )
    feedback = growth.feedback_give(
        actor=mia,
        meeting=meeting,
        kind="constructive",
        situation="The incident review",
        behaviour=f"{mention} interrupted twice",
        impact="Others stopped talking",
    )
    growth.feedback_mark(
        actor=ray, feedback=feedback, acted_on=True, note=f"{mention} now waits his turn"
    )
    return SimpleNamespace(
        goal=goal,
        summary=summary,
        retrospective=retrospective,
        feedback=feedback,
        about_ray=about_ray,
        about_rita=about_rita,
    )
