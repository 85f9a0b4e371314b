"""Career writes: development goals and their progress, the development plan, feedback notes.

Every change to a goal or a plan leaves a row saying who changed which field, when, from
what to what; progress updates are rows of their own, never overwritten.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from django.db import models, transaction
from django.utils import timezone

from rapport import access
from rapport.errors import Refused, clean_text
from rapport.framework.ahead import too_far_refusal
from rapport.framework.goals import DEFAULT_AREAS, PERCENT_MAX, PERCENT_MIN
from rapport.framework.repeats import is_repeat
from rapport.growth.models import (
    DevelopmentPlan,
    FieldChange,
    Goal,
    GoalChange,
    GoalProgress,
    PlanChange,
)
from rapport.meetings.models import ActionItem, Meeting, Series
from rapport.people.models import Person

TITLE_LIMIT = 200
TEXT_LIMIT = 2000
AREA_LIMIT = 64
CRITERION_LIMIT = 120
FOCUS_AREAS_LIMIT = 6
FieldChangeT = TypeVar("FieldChangeT", bound=FieldChange)

GOAL_FIELDS = ("title", "why", "area", "criterion", "target_on", "status")


def area_key(value: str) -> str:
    """A ladder area as its key: a default area's label becomes its key, a skill stays words."""
    text = clean_text(value, limit=AREA_LIMIT, what="An area or skill", one_line=True)
    for key, label in DEFAULT_AREAS:
        if text.lower() in (key, label.lower()):
            return key
    return text


def _clean_goal(values: dict[str, object]) -> dict[str, object]:
    clean: dict[str, object] = {}
    if "title" in values:
        clean["title"] = clean_text(
            values["title"],
            limit=TITLE_LIMIT,
            what="A title",
            one_line=True,
            empty="A goal needs a title.",
        )
    if "why" in values:
        clean["why"] = clean_text(values["why"], limit=TEXT_LIMIT, what="Why it matters")
    if "area" in values:
        clean["area"] = area_key(str(values["area"]))
    if "criterion" in values:
        clean["criterion"] = clean_text(
            values["criterion"], limit=CRITERION_LIMIT, what="A criterion", one_line=True
        )
    if "target_on" in values:
        target = values["target_on"]
        if target is not None and not isinstance(target, dt.date):
            raise Refused("The target date is a date (YYYY-MM-DD).")
        clean["target_on"] = target
    if "status" in values:
        if values["status"] not in Goal.Status.values:
            raise Refused("A goal is active, achieved or dropped.")
        clean["status"] = values["status"]
    return clean


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _set_and_log(
    record: models.Model,
    values: dict[str, object],
    change: Callable[[str, str, str], FieldChangeT],
) -> list[FieldChangeT]:
    """Set each value that really differs, with an unsaved change row for it (field, from, to)."""
    logged = []
    for field, value in values.items():
        before = getattr(record, field)
        if _shown(before) == _shown(value):
            continue
        setattr(record, field, value)
        logged.append(change(field, _shown(before), _shown(value)))
    return logged


@transaction.atomic
def goal_create(
    *,
    actor: Person,
    series: Series,
    title: str,
    why: str = "",
    area: str = "",
    criterion: str = "",
    target_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Goal:
    """The IC or their manager sets a development goal for the IC of this 1:1."""
    access.career_check_change(actor, series)
    now = now or timezone.now()
    clean = _clean_goal(
        {"title": title, "why": why, "area": area, "criterion": criterion, "target_on": target_on}
    )
    if target_on is not None and target_on < timezone.localdate(now):
        raise Refused("The target date is in the past: choose a coming date, or none.")
    if refusal := too_far_refusal(target_on, timezone.localdate(now), what="The target date"):
        raise Refused(refusal)
    twin = (
        Goal.objects.filter(
            series=series, created_by=actor, status=Goal.Status.ACTIVE, title=clean["title"]
        )
        .order_by("-created_at")
        .first()
    )
    if twin is not None and is_repeat(twin.created_at, now):
        return twin
    goal = Goal.objects.create(
        series=series,
        owner_id=series.report_id,
        created_by=actor,
        created_at=now,
        touched_at=now,
        **clean,
    )
    GoalChange.objects.create(
        goal=goal, changed_by=actor, changed_at=now, field="created", after=goal.title
    )
    return goal


@transaction.atomic
def goal_update(
    *,
    actor: Person,
    goal: Goal,
    changes: dict[str, object],
    now: dt.datetime | None = None,
) -> list[GoalChange]:
    """Change fields of a goal; each field that really changes is logged, from → to."""
    access.goal_check_change(actor, goal)
    unknown = set(changes) - set(GOAL_FIELDS)
    if unknown:
        raise Refused(f"A goal has no field {sorted(unknown)[0]}.")
    now = now or timezone.now()
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    clean = _clean_goal(changes)
    if clean.get("target_on", goal.target_on) != goal.target_on and (
        refusal := too_far_refusal(
            clean["target_on"], timezone.localdate(now), what="The target date"
        )
    ):
        raise Refused(refusal)
    logged = _set_and_log(
        goal,
        clean,
        lambda field, before, after: GoalChange(
            goal=goal, changed_by=actor, changed_at=now, field=field, before=before, after=after
        ),
    )
    if not logged:
        return []
    if "status" in clean:
        goal.achieved_at = now if goal.status == Goal.Status.ACHIEVED else None
    goal.touched_at = now
    goal.save(update_fields=[*clean, "achieved_at", "touched_at"])
    return GoalChange.objects.bulk_create(logged)


@transaction.atomic
def goal_progress_add(
    *,
    actor: Person,
    goal: Goal,
    text: str,
    percent: int | None = None,
    now: dt.datetime | None = None,
) -> GoalProgress:
    """A dated progress update on an active goal, with an optional share done (0-100 %)."""
    access.goal_check_change(actor, goal)
    if goal.status != Goal.Status.ACTIVE:
        raise Refused("Progress is recorded on active goals: reopen this one first.")
    text = clean_text(text, limit=TEXT_LIMIT, what="A progress update")
    if not text:
        raise Refused("Write what moved since the last update.")
    if percent is not None and not PERCENT_MIN <= percent <= PERCENT_MAX:
        raise Refused(f"The share done is between {PERCENT_MIN} and {PERCENT_MAX} %.")
    now = now or timezone.now()
    latest = goal.progress.order_by("-written_at", "-pk").first()
    if (
        latest is not None
        and (latest.written_by_id, latest.text, latest.percent) == (actor.pk, text, percent)
        and is_repeat(latest.written_at, now)
    ):
        return latest
    Goal.objects.filter(pk=goal.pk).update(touched_at=now)
    return GoalProgress.objects.create(
        goal=goal, written_by=actor, written_at=now, text=text, percent=percent
    )


@transaction.atomic
def goal_action_item_link(
    *,
    actor: Person,
    goal: Goal,
    item: ActionItem,
    linked: bool = True,
    now: dt.datetime | None = None,
) -> None:
    """Link an action item of the IC's 1:1s to one of their goals (or unlink it)."""
    access.goal_check_change(actor, goal)
    access.action_item_check_change(actor, item)
    if item.series.report_id != goal.owner_id:
        raise Refused("Link action items of this person's 1:1s only.")
    now = now or timezone.now()
    if linked:
        goal.action_items.add(item)
    else:
        goal.action_items.remove(item)
    GoalChange.objects.create(
        goal=goal,
        changed_by=actor,
        changed_at=now,
        field="action_item",
        before="" if linked else item.text,
        after=item.text if linked else "",
    )


# The development plan -------------------------------------------------------------------


def _focus_areas(values: list[str]) -> list[str]:
    areas: list[str] = []
    for value in values:
        key = area_key(str(value).replace(",", " "))
        if key and key not in areas:
            areas.append(key)
    if len(areas) > FOCUS_AREAS_LIMIT:
        raise Refused(f"A plan focuses on at most {FOCUS_AREAS_LIMIT} areas.")
    return areas


@transaction.atomic
def development_plan_update(
    *,
    actor: Person,
    series: Series,
    focus_areas: list[str],
    next_review_on: dt.date | None,
    notes: str = "",
    meeting: Meeting | None = None,
    now: dt.datetime | None = None,
) -> list[PlanChange]:
    """Set the plan's focus areas, next review date and notes; each change is logged."""
    access.career_check_change(actor, series)
    if meeting is not None and meeting.series_id != series.pk:
        raise Refused("That meeting belongs to another 1:1.")
    now = now or timezone.now()
    values = {
        "focus": ",".join(_focus_areas(focus_areas)),
        "next_review_on": next_review_on,
        "notes": clean_text(notes, limit=TEXT_LIMIT, what="The plan's notes"),
    }
    if next_review_on is not None and next_review_on < timezone.localdate(now):
        raise Refused("The next review is a coming date.")
    plan, _ = DevelopmentPlan.objects.select_for_update().get_or_create(
        series=series, defaults={"updated_at": now, "updated_by": actor}
    )
    if next_review_on != plan.next_review_on and (
        refusal := too_far_refusal(next_review_on, timezone.localdate(now), what="The next review")
    ):
        raise Refused(refusal)

    def change(field: str, before: str, after: str) -> PlanChange:
        if field == "focus":  # logged as the list a person reads
            field, before, after = (
                "focus_areas",
                before.replace(",", ", "),
                after.replace(",", ", "),
            )
        return PlanChange(
            plan=plan,
            changed_by=actor,
            changed_at=now,
            meeting=meeting,
            field=field,
            before=before,
            after=after,
        )

    logged = _set_and_log(plan, values, change)
    if not logged:
        return []
    plan.updated_by = actor
    plan.updated_at = now
    plan.save(update_fields=[*values, "updated_by", "updated_at"])
    return PlanChange.objects.bulk_create(logged)
