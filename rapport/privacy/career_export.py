"""The career part of a person's export: each 1:1's career records, as JSON and as Markdown.

Everything is read through `rapport.access` (what the person may see on the career, goals,
peer feedback and retrospective pages), in a fixed number of queries whatever the amount:
one per kind of record, grouped by 1:1 in Python. A colleague's answer to a peer request
is never exported (it is the asking manager's to read in Rapport, and nobody else's).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.utils import timezone

from rapport import access
from rapport.framework import retrospectives as retro_rules
from rapport.framework.ladder import POSITION_LABELS
from rapport.framework.levels import LEVEL_LABELS
from rapport.framework.questions import QUESTIONS_BY_KEY
from rapport.people.models import Person


def _who(person: Person | None) -> dict[str, Any] | None:
    return None if person is None else {"id": person.pk, "name": person.name}


def _name(person: Person | None) -> str:
    return person.name if person is not None else "someone"


def _day(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date().isoformat()
    return value.isoformat()


def _question(key: str) -> str:
    question = QUESTIONS_BY_KEY.get(key)
    return question.text if question is not None else key


def _grouped(rows: Any, key: str = "series_id") -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return grouped


def _change_line(change: Any) -> str:
    """One line of a goal's or a plan's change log, in words."""
    when = f"{_day(change.changed_at)} by {_name(change.changed_by)}"
    if change.field == "created":
        return f"- Created {when}"
    what = change.field.replace("_", " ").capitalize()
    if not change.before:
        return f'- Changed {when}: {what} set to "{change.after}"'
    if not change.after:
        return f'- Changed {when}: {what} "{change.before}" removed'
    return f'- Changed {when}: {what} from "{change.before}" to "{change.after}"'


@dataclass
class CareerRecords:
    """Every career record the person may see in their 1:1s, grouped by 1:1."""

    aspirations: dict[int, list[Any]] = field(default_factory=dict)
    ladder_views: dict[int, list[Any]] = field(default_factory=dict)
    self_assessments: dict[int, list[Any]] = field(default_factory=dict)
    goals: dict[int, list[Any]] = field(default_factory=dict)
    goal_changes: dict[int, list[Any]] = field(default_factory=dict)
    goal_progress: dict[int, list[Any]] = field(default_factory=dict)
    plans: dict[int, Any] = field(default_factory=dict)
    plan_changes: dict[int, list[Any]] = field(default_factory=dict)
    summaries: dict[int, list[Any]] = field(default_factory=dict)
    retrospectives: dict[int, list[Any]] = field(default_factory=dict)
    feedback: dict[int, list[Any]] = field(default_factory=dict)

    def holds(self, series_id: int) -> bool:
        """Whether this 1:1 has any career record to write out."""
        return any(
            series_id in records
            for records in (
                self.aspirations,
                self.ladder_views,
                self.self_assessments,
                self.goals,
                self.plans,
                self.summaries,
                self.retrospectives,
                self.feedback,
            )
        )

    def data_of(self, series_id: int) -> dict[str, Any]:
        """The career fields of one 1:1 in data.json (see docs/person-export.md)."""
        plan = self.plans.get(series_id)
        return {
            "aspirations": [
                {
                    "id": v.pk,
                    "question_key": v.question_key,
                    "question": _question(v.question_key),
                    "answer": v.answer,
                    "recorded_by": _who(v.recorded_by),
                    "recorded_at": v.recorded_at,
                    "meeting_id": v.meeting_id,
                }
                for v in self.aspirations.get(series_id, [])
            ],
            "ladder_views": [
                {
                    "id": v.pk,
                    "area_key": v.area_key,
                    "area_name": v.area_name,
                    "level": v.level,
                    "position": v.position,
                    "sentence": v.sentence,
                    "recorded_by": _who(v.recorded_by),
                    "recorded_at": v.recorded_at,
                    "meeting_id": v.meeting_id,
                }
                for v in self.ladder_views.get(series_id, [])
            ],
            "self_assessments": [
                {
                    "id": a.pk,
                    "area_key": a.area_key,
                    "area_name": a.area_name,
                    "text": a.text,
                    "written_at": a.written_at,
                }
                for a in self.self_assessments.get(series_id, [])
            ],
            "goals": [self._goal_data(goal) for goal in self.goals.get(series_id, [])],
            "development_plan": None if plan is None else self._plan_data(plan),
            "peer_feedback_summaries": [
                {
                    "id": s.pk,
                    "written_by": _who(s.written_by),
                    "text": s.text,
                    "written_at": s.written_at,
                }
                for s in self.summaries.get(series_id, [])
            ],
            "retrospectives": [
                {
                    "id": r.pk,
                    "working": r.working,
                    "valuable": r.valuable,
                    "right_things": r.right_things,
                    "more_less": r.more_less,
                    "rating": r.rating,
                    "answered_at": r.answered_at,
                    "reply": r.reply,
                    "replied_at": r.replied_at,
                }
                for r in self.retrospectives.get(series_id, [])
            ],
        }

    def _goal_data(self, goal: Any) -> dict[str, Any]:
        return {
            "id": goal.pk,
            "owner": _who(goal.owner),
            "title": goal.title,
            "why": goal.why,
            "area": goal.area,
            "criterion": goal.criterion,
            "target_on": goal.target_on,
            "status": goal.status,
            "created_by": _who(goal.created_by),
            "created_at": goal.created_at,
            "achieved_at": goal.achieved_at,
            "changes": [
                {
                    "changed_by": _who(c.changed_by),
                    "changed_at": c.changed_at,
                    "field": c.field,
                    "before": c.before,
                    "after": c.after,
                }
                for c in self.goal_changes.get(goal.pk, [])
            ],
            "progress": [
                {
                    "written_by": _who(p.written_by),
                    "written_at": p.written_at,
                    "text": p.text,
                    "percent": p.percent,
                }
                for p in self.goal_progress.get(goal.pk, [])
            ],
        }

    def _plan_data(self, plan: Any) -> dict[str, Any]:
        return {
            "focus_areas": plan.focus_areas,
            "next_review_on": plan.next_review_on,
            "notes": plan.notes,
            "updated_by": _who(plan.updated_by),
            "updated_at": plan.updated_at,
            "changes": [
                {
                    "changed_by": _who(c.changed_by),
                    "changed_at": c.changed_at,
                    "meeting_id": c.meeting_id,
                    "field": c.field,
                    "before": c.before,
                    "after": c.after,
                }
                for c in self.plan_changes.get(plan.pk, [])
            ],
        }

    def markdown_of(self, person: Person, series: Any) -> str:
        """One 1:1's career records as a readable Markdown file."""
        lines = [
            f"# Career: {series.report.name}, in the 1:1 with {series.manager.name}",
            "",
            f"1:1 from {_day(series.started_on)}"
            + (f" to {_day(series.ended_on)}" if series.ended_on else " (still running)")
            + f". Exported from Rapport for {person.name}.",
        ]
        pk = series.pk
        lines += _section("Aspirations", self.aspirations.get(pk, []), self._aspiration_lines)
        lines += _section(
            "The manager's view on the ladder", self.ladder_views.get(pk, []), _ladder_view_lines
        )
        lines += _section(
            "Self-assessments", self.self_assessments.get(pk, []), _self_assessment_lines
        )
        lines += _section("Goals", self.goals.get(pk, []), self._goal_lines)
        lines += _section("Development plan", self.plans.get(pk), self._plan_lines)
        lines += _section("Peer feedback summaries", self.summaries.get(pk, []), _summary_lines)
        lines += _section("Retrospectives", self.retrospectives.get(pk, []), _retrospective_lines)
        lines += _section("Feedback", self.feedback.get(pk, []), _feedback_lines)
        return "\n".join(lines).rstrip() + "\n"

    def _aspiration_lines(self, versions: list[Any]) -> list[str]:
        lines = ["", "Every answer as it was recorded, oldest first."]
        by_question: dict[str, list[Any]] = defaultdict(list)
        for version in versions:
            by_question[version.question_key].append(version)
        for key, answers in by_question.items():
            lines += ["", f"### {_question(key)}"]
            for v in answers:
                answer = v.answer.strip() or "(cleared)"
                lines.append(f"- {_day(v.recorded_at)} ({_name(v.recorded_by)}): {answer}")
        return lines

    def _goal_lines(self, goals: list[Any]) -> list[str]:
        lines: list[str] = []
        for goal in goals:
            lines += ["", f"### {goal.title} ({goal.get_status_display().lower()})"]
            details = [
                ("Why", goal.why),
                ("Area", goal.area),
                ("Done when", goal.criterion),
                ("Target", _day(goal.target_on) if goal.target_on else ""),
                ("Set", f"{_day(goal.created_at)} by {_name(goal.created_by)}"),
                ("Achieved", _day(goal.achieved_at) if goal.achieved_at else ""),
            ]
            lines += [f"- {label}: {value}" for label, value in details if value]
            for p in self.goal_progress.get(goal.pk, []):
                share = f", {p.percent}%" if p.percent is not None else ""
                lines.append(
                    f"- Progress {_day(p.written_at)} ({_name(p.written_by)}{share}): {p.text}"
                )
            lines += [_change_line(c) for c in self.goal_changes.get(goal.pk, [])]
        return lines

    def _plan_lines(self, plan: Any) -> list[str]:
        lines = ["", f"- Focus areas: {', '.join(plan.focus_areas) or '-'}"]
        lines.append(f"- Next review: {_day(plan.next_review_on)}")
        if plan.notes:
            lines.append(f"- Notes: {plan.notes}")
        lines += [_change_line(c) for c in self.plan_changes.get(plan.pk, [])]
        return lines


Rows = TypeVar("Rows")


def _section(title: str, rows: Rows | None, body: Callable[[Rows], list[str]]) -> list[str]:
    """A Markdown section of the rows' lines; none at all when there is nothing to show."""
    return ["", f"## {title}", *body(rows)] if rows else []


def _ladder_view_lines(views: list[Any]) -> list[str]:
    lines = [""]
    for v in views:
        position = POSITION_LABELS.get(v.position, v.position)
        where = f"{position} {LEVEL_LABELS.get(v.level, v.level)}"
        lines.append(
            f"- {_day(v.recorded_at)}, {v.area_name}: {where} ({_name(v.recorded_by)})"
            + (f": {v.sentence}" if v.sentence else "")
        )
    return lines


def _self_assessment_lines(assessments: list[Any]) -> list[str]:
    return [""] + [
        f"- {_day(a.written_at)}, {a.area_name}: {a.text.strip() or '(cleared)'}"
        for a in assessments
    ]


def _summary_lines(summaries: list[Any]) -> list[str]:
    return [""] + [f"- {_day(s.written_at)} ({_name(s.written_by)}): {s.text}" for s in summaries]


def _retrospective_lines(retros: list[Any]) -> list[str]:
    lines: list[str] = []
    for r in retros:
        lines += ["", f"### {_day(r.answered_at)}: rated {r.rating}/{retro_rules.RATING_MAX}"]
        for key, question in retro_rules.QUESTIONS:
            answer = getattr(r, key)
            if answer:
                lines.append(f"- {question} {answer}")
        if r.reply:
            lines.append(f"- Reply ({_day(r.replied_at)}): {r.reply}")
    return lines


def _feedback_lines(given: list[Any]) -> list[str]:
    lines = [""]
    for f in given:
        marks = []
        if f.acknowledged_at:
            marks.append(f"acknowledged {_day(f.acknowledged_at)}")
        if f.acted_on_at:
            marks.append(
                f"acted on {_day(f.acted_on_at)}"
                + (f": {f.acted_on_note}" if f.acted_on_note else "")
            )
        lines += [
            f"- {_day(f.created_at)}, {f.get_kind_display().lower()}, from "
            f"{_name(f.given_by)} to {_name(f.given_to)}"
            + (f" ({'; '.join(marks)})" if marks else ""),
            f"  - Situation: {f.situation}",
            f"  - Behaviour: {f.behaviour}",
            f"  - Impact: {f.impact}",
        ]
    return lines


def career_records(person: Person, series_ids: list[int]) -> CareerRecords:
    """The career records of these 1:1s that the person may see: eleven queries in all."""
    goals = list(
        access.goals_visible_to(person)
        .filter(series_id__in=series_ids)
        .select_related("owner", "created_by")
        .order_by("created_at", "pk")
    )
    goal_ids = [goal.pk for goal in goals]
    plans = {
        plan.series_id: plan
        for plan in access.development_plans_visible_to(person)
        .filter(series_id__in=series_ids)
        .select_related("updated_by")
    }
    plan_ids = [plan.pk for plan in plans.values()]
    in_series = {"series_id__in": series_ids}
    return CareerRecords(
        aspirations=_rows(
            access.aspirations_visible_to(person), in_series, "question_key", "recorded_at"
        ),
        ladder_views=_rows(access.ladder_views_visible_to(person), in_series, "recorded_at"),
        self_assessments=_rows(access.self_assessments_visible_to(person), in_series, "written_at"),
        goals=_grouped(goals),
        goal_changes=_rows(
            access.goal_changes_visible_to(person).select_related("changed_by"),
            {"goal_id__in": goal_ids},
            "changed_at",
            key="goal_id",
        ),
        goal_progress=_rows(
            access.goal_progress_visible_to(person).select_related("written_by"),
            {"goal_id__in": goal_ids},
            "written_at",
            key="goal_id",
        ),
        plans=plans,
        plan_changes=_rows(
            access.plan_changes_visible_to(person).select_related("changed_by"),
            {"plan_id__in": plan_ids},
            "changed_at",
            key="plan_id",
        ),
        summaries=_rows(
            access.peer_summaries_visible_to(person).select_related("written_by"),
            in_series,
            "written_at",
        ),
        retrospectives=_rows(access.retrospectives_visible_to(person), in_series, "answered_at"),
        feedback=_rows(access.feedback_visible_to(person), in_series, "created_at"),
    )


def _rows(
    visible: Any, within: dict[str, list[int]], *order: str, key: str = "series_id"
) -> dict[int, list[Any]]:
    """One query: the visible rows within these 1:1s (goals, plans), oldest first, grouped."""
    return _grouped(visible.filter(**within).order_by(*order, "pk"), key)
