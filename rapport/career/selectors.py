"""Career reads: the organisation's ladder, current answers, and the career page as one object.

Each page is assembled in a constant number of queries, however many versions there are.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet

from rapport import access, compiled
from rapport.career.models import AspirationVersion, LadderDocument, LadderView, SelfAssessment
from rapport.errors import Refused
from rapport.framework.aspirations import ASPIRATION_CATEGORIES
from rapport.framework.ladder import (
    POSITIONS,
    Expectation,
    Ladder,
    LadderArea,
    LadderError,
    default_ladder,
    ladder_from_yaml,
)
from rapport.framework.levels import LEVEL_LABELS, LEVELS, level_or_default, next_level
from rapport.framework.questions import Question
from rapport.meetings.models import Series
from rapport.people.models import Organisation, Person

# Where the career page includes what other parts of Rapport add to it (goals and their
# progress, the development plan, the feedback log): slot key -> (title, template). A slot
# whose template is empty is left out of the page.
CAREER_PAGE_SLOTS: dict[str, tuple[str, str]] = {
    "goals": ("Goals and progress", "web/career/_slot_goals.html"),
    "plan": ("Development plan", "web/career/_slot_plan.html"),
    "feedback_log": ("Feedback log", "web/career/_slot_feedback.html"),
}


def active_person_by_email(email: str) -> Person:
    """The active person with this address, for a command that acts as them; Refused if none."""
    found = Person.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if found is None:
        raise Refused(f"no active person with the address “{email}”")
    return found


# The ladder ----------------------------------------------------------------------------


def ladder_for(organisation: Organisation | int) -> Ladder:
    """The organisation's ladder: its own, or Rapport's default."""
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    return _ladder_of(compiled.first(_ladder_document, organisation_id))


def _ladder_document(organisation_id: int) -> QuerySet[LadderDocument]:
    return LadderDocument.objects.filter(organisation_id=organisation_id).order_by("pk")[:1]


def _ladder_of(stored: LadderDocument | None) -> Ladder:
    if stored is None:
        return default_ladder()
    try:
        return ladder_from_yaml(stored.document)
    except LadderError:
        # Every write is checked; a stored ladder that no longer reads is not worth a 500.
        return default_ladder()


@dataclass(frozen=True, slots=True)
class LadderLevel:
    key: str
    label: str
    next_label: str | None
    cells: tuple[tuple[LadderArea, Expectation], ...]


@dataclass(frozen=True, slots=True)
class LadderPage:
    ladder: Ladder
    levels: tuple[LadderLevel, ...]
    is_default: bool
    updated_at: dt.datetime | None
    updated_by: Person | None
    can_edit: bool


def ladder_page(viewer: Person) -> LadderPage:
    """The ladder of the viewer's organisation, for everyone to read and admins to edit."""
    stored = (
        LadderDocument.objects.filter(organisation_id=viewer.organisation_id)
        .select_related("updated_by")
        .first()
    )
    ladder = _ladder_of(stored)
    return LadderPage(
        ladder=ladder,
        levels=tuple(_ladder_level(ladder, level) for level in LEVELS),
        is_default=stored is None,
        updated_at=stored.updated_at if stored else None,
        updated_by=stored.updated_by if stored else None,
        can_edit=viewer.is_org_admin,
    )


def _ladder_level(ladder: Ladder, level: str) -> LadderLevel:
    following = next_level(level)
    return LadderLevel(
        key=level,
        label=LEVEL_LABELS[level],
        next_label=LEVEL_LABELS[following] if following else None,
        cells=tuple((area, ladder.expectations[(level, area.key)]) for area in ladder.areas),
    )


# Current records -------------------------------------------------------------------------


def _latest(records: Iterable, key: str) -> dict[str, object]:
    latest: dict[str, object] = {}
    for record in records:  # oldest first: the last one of each key wins
        latest[getattr(record, key)] = record
    return latest


def current_aspirations(person: Person) -> dict[str, str]:
    """The IC's current answer to each aspiration question they answered."""
    versions = AspirationVersion.objects.filter(person=person).order_by("recorded_at", "pk")
    return {key: v.answer for key, v in _latest(versions, "question_key").items()}


def current_self_assessments(person: Person) -> dict[str, str]:
    """The IC's current self-assessment per ladder area."""
    written = SelfAssessment.objects.filter(person=person).order_by("written_at", "pk")
    return {key: s.text for key, s in _latest(written, "area_key").items()}


# The career page ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AspirationRow:
    question: Question
    current: AspirationVersion | None
    then: AspirationVersion | None  # as it stood on the chosen date
    history: tuple[AspirationVersion, ...]  # newest first

    @property
    def changed(self) -> bool:
        return (self.then.answer if self.then else "") != (
            self.current.answer if self.current else ""
        )


@dataclass(frozen=True, slots=True)
class AspirationCategory:
    title: str
    rows: tuple[AspirationRow, ...]


@dataclass(frozen=True, slots=True)
class AreaRow:
    area: LadderArea
    expectation: Expectation | None
    views: tuple[LadderView, ...]  # newest first
    assessments: tuple[SelfAssessment, ...]  # newest first

    @property
    def view(self) -> LadderView | None:
        return self.views[0] if self.views else None

    @property
    def assessment(self) -> SelfAssessment | None:
        return self.assessments[0] if self.assessments else None


@dataclass(frozen=True, slots=True)
class CareerSlot:
    key: str
    title: str
    template: str


@dataclass(frozen=True, slots=True)
class CareerPage:
    series: Series
    ic: Person
    manager: Person
    is_ic: bool
    is_manager: bool
    # Only the people of an open 1:1 change anything; a previous manager reads.
    can_change: bool
    level: str
    level_label: str
    next_level_label: str | None
    aspirations: tuple[AspirationCategory, ...]
    since: dt.date | None
    changed_since: int
    areas: tuple[AreaRow, ...]
    positions: tuple[tuple[str, str], ...]
    levels: tuple[tuple[str, str], ...]
    slots: tuple[CareerSlot, ...] = field(default=())

    @property
    def can_record_views(self) -> bool:
        return self.can_change and self.is_manager

    @property
    def can_self_assess(self) -> bool:
        return self.can_change and self.is_ic

    @property
    def previous_manager(self) -> bool:
        return self.is_manager and not self.series.is_open


def career_page(viewer: Person, series: Series, *, since: dt.date | None = None) -> CareerPage:
    """Everything the career page shows one viewer of one 1:1, in a constant number of queries."""
    ladder = ladder_for(series.organisation_id)
    versions = _career_rows(_aspiration_history, viewer, series)
    level = level_or_default(series.report.level)
    following = next_level(level)
    aspirations = _aspiration_categories(versions, since, viewer)
    is_manager = access.is_manager_in(viewer, series)
    return CareerPage(
        series=series,
        ic=series.report,
        manager=series.manager,
        is_ic=series.report_id == viewer.pk,
        is_manager=is_manager,
        can_change=series.is_open and access.takes_part_in(viewer, series),
        level=level,
        level_label=LEVEL_LABELS[level],
        next_level_label=LEVEL_LABELS[following] if following else None,
        aspirations=aspirations,
        since=since,
        changed_since=sum(row.changed for c in aspirations for row in c.rows) if since else 0,
        areas=_area_rows(viewer, series, ladder, level),
        positions=POSITIONS,
        levels=tuple((key, LEVEL_LABELS[key]) for key in LEVELS),
        slots=tuple(
            CareerSlot(key, title, template)
            for key, (title, template) in CAREER_PAGE_SLOTS.items()
            if template
        ),
    )


def _aspiration_categories(
    versions: list[AspirationVersion], since: dt.date | None, viewer: Person
) -> tuple[AspirationCategory, ...]:
    by_question: dict[str, list[AspirationVersion]] = defaultdict(list)
    for version in versions:
        by_question[version.question_key].append(version)
    cutoff = (
        dt.datetime.combine(since + dt.timedelta(days=1), dt.time(), tzinfo=viewer.tzinfo)
        if since
        else None
    )

    def row(question: Question) -> AspirationRow:
        history = by_question.get(question.key, [])
        then = None
        if cutoff is not None:
            before = [version for version in history if version.recorded_at < cutoff]
            then = before[-1] if before else None
        return AspirationRow(
            question=question,
            current=history[-1] if history else None,
            then=then,
            history=tuple(reversed(history)),
        )

    return tuple(
        AspirationCategory(category.title, tuple(row(q) for q in category.questions))
        for category in ASPIRATION_CATEGORIES
    )


def _area_rows(viewer: Person, series: Series, ladder: Ladder, level: str) -> tuple[AreaRow, ...]:
    views = _newest_first_by_area(_career_rows(_ladder_view_history, viewer, series))
    assessments = _newest_first_by_area(_career_rows(_self_assessment_history, viewer, series))
    rows = [
        AreaRow(
            area=area,
            expectation=ladder.expectation(level, area.key),
            views=views.pop(area.key, ()),
            assessments=assessments.pop(area.key, ()),
        )
        for area in ladder.areas
    ]
    # Records about an area the ladder no longer has are still part of the history.
    for key in sorted(set(views) | set(assessments)):
        found = views.get(key, ()) or assessments.get(key, ())
        name = found[0].area_name if found else key
        rows.append(
            AreaRow(
                area=LadderArea(key, name),
                expectation=None,
                views=views.get(key, ()),
                assessments=assessments.get(key, ()),
            )
        )
    return tuple(rows)


def _career_rows(build, viewer: Person, series: Series) -> list:
    """The career records `build` reads of the 1:1 as the viewer may (oldest first), from a
    query compiled once per reach; none for someone who reads nothing of it."""
    reach = access.career_reach(viewer, series)
    return compiled.rows(build, series.report_id, series.pk, reach=reach) if reach else []


def _aspiration_history(report: int, series: int, *, reach: str) -> QuerySet[AspirationVersion]:
    return access.aspirations_in(report, series, reach=reach).order_by("recorded_at", "pk")


def _ladder_view_history(report: int, series: int, *, reach: str) -> QuerySet[LadderView]:
    return access.ladder_views_in(report, series, reach=reach).order_by("recorded_at", "pk")


def _self_assessment_history(report: int, series: int, *, reach: str) -> QuerySet[SelfAssessment]:
    return access.self_assessments_in(report, series, reach=reach).order_by("written_at", "pk")


def _newest_first_by_area(records: Iterable) -> dict[str, tuple]:
    grouped: dict[str, list] = defaultdict(list)
    for record in records:
        grouped[record.area_key].append(record)
    return {key: tuple(reversed(found)) for key, found in grouped.items()}


# The meeting room's side-by-side --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AssessmentBesideView:
    """For a career 1:1: per area, the IC's latest self-assessment beside the manager's view."""

    series: Series
    is_manager: bool
    areas: tuple[AreaRow, ...]


def assessment_beside_view(viewer: Person, series: Series) -> AssessmentBesideView:
    """The IC's self-assessment beside the manager's latest ladder view, area by area."""
    ladder = ladder_for(series.organisation_id)
    level = level_or_default(series.report.level)
    return AssessmentBesideView(
        series=series,
        is_manager=access.is_manager_in(viewer, series),
        areas=_area_rows(viewer, series, ladder, level),
    )
