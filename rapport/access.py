"""Who may see and change what: every scoped queryset and fetch-and-check helper.

Interfaces (web, api, cli) fetch sensitive objects only through this module.
Something a person may not see raises Http404 with the same message as a
missing id; something they may see but not change raises PermissionDenied.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import connections
from django.db.models import Count, F, Field, Model, Q, QuerySet
from django.http import Http404

from rapport import compiled
from rapport.career.models import AspirationVersion, LadderView, SelfAssessment
from rapport.growth.models import (
    DevelopmentPlan,
    Feedback,
    Goal,
    GoalChange,
    GoalProgress,
    PeerAnswer,
    PeerRequest,
    PeerSummary,
    PlanChange,
)
from rapport.insights.models import Retrospective, SpeakerSide
from rapport.meetings.models import ActionItem, Meeting, PrivateNote, Series, SharedNotes, Topic
from rapport.people.models import Absence, AuditEvent, Organisation, Person, Session

T = TypeVar("T")

NOT_FOUND = "Not found."
ENDED_SERIES = "This 1:1 has ended: its history is kept read-only."
ADMINS_ONLY = "Only organisation admins can change people."
AUTHOR_ONLY = "Only the person who added this topic can change its text."


# The largest id a database keeps (a 64-bit integer): a bigger number in an address is
# missing like any other, and must not reach the database, which refuses it with an error.
LARGEST_ID = 2**63 - 1


def _id(value: object) -> int:
    number = int(value)  # type: ignore[call-overload]
    if not 0 < number <= LARGEST_ID:
        raise ValueError(value)
    return number


def _one(queryset: QuerySet, pk: object) -> object:
    try:
        return queryset.get(pk=_id(pk))
    except (ValueError, TypeError, queryset.model.DoesNotExist):
        raise Http404(NOT_FOUND) from None


def _one_compiled(
    build: Callable[..., QuerySet], person: Person, key: object, *values: Any, **constants: Any
) -> Any:
    """The row `build(person, key, *values, **constants)` finds, from SQL compiled once,
    else 404."""
    found = compiled.first(build, person, id_in_address(key), *values, **constants)
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def session_with_person(key: str, now: dt.datetime) -> Session | None:
    """The unexpired session `key`, with the person it names and their organisation (every
    page shows it), active or not: the authentication backend decides."""
    return compiled.first(_session_with_person, key, now)


def _session_with_person(key: str, now: dt.datetime) -> QuerySet[Session]:
    return Session.objects.filter(session_key=key, expire_date__gt=now).select_related(
        "person__organisation"
    )


def person_of_session(pk: int) -> Person | None:
    """The person a signed-in session names, with their organisation (every page shows
    it), active or not: the authentication backend decides."""
    return compiled.first(_person_by_id, pk)


def _person_by_id(pk: int) -> QuerySet[Person]:
    return Person.objects.filter(pk=pk).select_related("organisation")


def _in_series_of(person: Person, path: str = "series") -> Q:
    """Rows whose 1:1 (reached through `path`) has the person as its manager or its report."""
    return Q(**{f"{path}__manager": person}) | Q(**{f"{path}__report": person})


def _of_series(queryset: QuerySet, person: Person, series: Series) -> QuerySet:
    """The rows of one 1:1 if the person takes part in it, else none: the rows that
    `_in_series_of` lets them see of that 1:1, without joining the series again."""
    if not takes_part_in(person, series):
        return queryset.none()
    return queryset.filter(series_id=series.pk)


def _checked(person: Person, found: T, check: Callable[[Person, T], None]) -> T:
    """What was found, once `check` (which raises otherwise) lets the person change it."""
    check(person, found)
    return found


# Series and meetings -------------------------------------------------------


def series_visible_to(person: Person) -> QuerySet[Series]:
    """The 1:1 series a person takes part in, as manager or as report."""
    return Series.objects.filter(Q(manager=person) | Q(report=person)).select_related(
        "manager", "report"
    )


def takes_part_in(person: Person, series: Series) -> bool:
    """Whether the person is one of the two people of this 1:1."""
    return person.pk in (series.manager_id, series.report_id)


def is_manager_in(person: Person, series: Series) -> bool:
    """Whether the person is the manager of this 1:1 (the other participant is the report)."""
    return series.manager_id == person.pk


def can_see_warnings(person: Person, series: Series) -> bool:
    """Warning signs of a relationship are for its manager, while the 1:1 still runs."""
    return is_manager_in(person, series) and series.is_open


def id_in_address(value: object) -> int:
    """The id an address names, else 404 (as for a missing one)."""
    try:
        return _id(value)
    except (ValueError, TypeError):
        raise Http404(NOT_FOUND) from None


def series_for(person: Person, series_id: object) -> Series:
    """One series the person takes part in, else 404."""
    # Each page of a 1:1 starts here.
    return _one_compiled(_series_by_id, person, series_id)


def _series_by_id(person: Person, pk: int) -> QuerySet[Series]:
    return series_visible_to(person).filter(pk=pk)


def series_check_manager(person: Person, series: Series) -> None:
    """Only the series' manager may change its cadence."""
    if series.manager_id != person.pk:
        raise PermissionDenied("Only the manager of this 1:1 can change its cadence.")
    if not series.is_open:
        raise PermissionDenied(ENDED_SERIES)


def open_series_managed_by(person: Person, series_id: object) -> Series:
    """One open series the person manages, else 404: its cadence form is the manager's
    alone, and shows nothing to anyone else."""
    found = series_for(person, series_id)
    if found.manager_id != person.pk or not found.is_open:
        raise Http404(NOT_FOUND)
    return found


def series_for_manager(person: Person, series_id: object) -> Series:
    """One series the person manages and may still change: 404 if hidden, 403 if not theirs."""
    return _checked(person, series_for(person, series_id), series_check_manager)


def meetings_visible_to(person: Person) -> QuerySet[Meeting]:
    """Meetings of the series a person takes part in."""
    return Meeting.objects.filter(_in_series_of(person)).select_related(
        "series__manager", "series__report"
    )


def _meeting_by_id(person: Person, pk: int) -> QuerySet[Meeting]:
    return meetings_visible_to(person).filter(pk=pk)


def meeting_for(person: Person, meeting_id: object) -> Meeting:
    """One meeting the person takes part in, else 404."""
    # Every page of a meeting starts here.
    return _one_compiled(_meeting_by_id, person, meeting_id)


# What a poll's fingerprint reads of the meeting itself (`meeting_poll_for`).
POLL_MEETING_FIELDS = ("status", "started_at", "section", "section_started_at")


def _poll_rows(
    pk: int,
    names: tuple[str, ...],
    related: str,
    fields: tuple[str, ...],
    annotate: Callable[[], dict] | None,
) -> tuple[tuple[str, ...], list[tuple[object, ...]]]:
    """`meeting_poll_for`'s rows, after the names of its annotations (read between `names`
    and the `fields`): its query is compiled once per database connection and shape, then
    only run with the meeting's key (a poll repeats it every few seconds)."""
    connection = connections[Meeting.objects.db]
    compiled = connection.__dict__.setdefault("rapport_poll_queries", {})
    shape = (names, related, fields, annotate)
    if shape not in compiled:
        annotations = annotate() if annotate is not None else {}
        queryset = (
            Meeting.objects.filter(pk=LARGEST_ID)
            .annotate(**annotations)
            .values_list(*names, *annotations, *(f"{related}__{name}" for name in fields))
            .order_by(f"{related}__id")
        )
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        if list(params) != [LARGEST_ID]:
            raise ValueError(params)
        columns = [select[0] for select in compiler.select[: compiler.col_count]]
        compiled[shape] = (compiler, sql, compiler.get_converters(columns), tuple(annotations))
    compiler, sql, converters, extra = compiled[shape]
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        rows = cursor.fetchall()
    if converters:
        rows = [tuple(row) for row in compiler.apply_converters(rows, converters)]
    return extra, rows


def meeting_poll_for(
    person: Person,
    meeting_id: object,
    related: str,
    fields: tuple[str, ...],
    annotate: Callable[[], dict] | None = None,
) -> tuple[Meeting, list[tuple[object, ...]]]:
    """For a poll of an open meeting page: the meeting (only `POLL_MEETING_FIELDS` and its
    series' `ended_on` and two people's ids filled in) and the `fields` of its `related`
    rows (topics, action items) in the order they were made, else 404 as `meeting_for`.

    One query on the meeting's key, its rows joined: the participants are read with it and
    checked here, which costs far less than `meeting_for`'s join on either role.
    `annotate()` gives annotations on the meeting's row alone (the same for every viewer,
    compiled with it once): read in the same query, they are set on the meeting returned
    to a participant only.
    """
    names = ("series__manager", "series__report", "series__ended_on", *POLL_MEETING_FIELDS)
    pk = id_in_address(meeting_id)
    extra, rows = _poll_rows(pk, names, related, fields, annotate)
    if not rows or person.pk not in rows[0][:2]:
        raise Http404(NOT_FOUND)
    manager_id, report_id, ended_on, *own = rows[0][: len(names)]
    series = _unsaved(
        Series, {"manager_id": manager_id, "report_id": report_id, "ended_on": ended_on}
    )
    meeting = _unsaved(Meeting, {"id": pk, **dict(zip(POLL_MEETING_FIELDS, own, strict=True))})
    meeting.series = series
    start = len(names) + len(extra)
    for name, value in zip(extra, rows[0][len(names) : start], strict=True):
        setattr(meeting, name, value)
    related_rows = [row[start:] for row in rows if row[start] is not None]
    return meeting, related_rows


def _unsaved(model: type[T], values: dict[str, object]) -> T:
    """`model(**values)` (by attname), the other fields at their defaults: built by position,
    as Django builds a row it read, without the two exceptions raised and caught for each
    absent foreign key when built by keyword (most of a poll's own CPU)."""
    return model(
        *[
            values[name] if name in values else field.get_default() if fresh else default
            for name, field, fresh, default in _defaults(model)
        ]
    )


@functools.cache
def _defaults(model: type[Model]) -> tuple[tuple[str, Field, bool, object], ...]:
    """Each concrete field of the model, by position: its attname, itself, whether its
    default is made anew for each instance (a callable's), else that default, worked out
    once (a plain value's, or the empty value of a field without one)."""
    return tuple(
        (
            field.attname,
            field,
            callable(field.default),
            None if callable(field.default) else field.get_default(),
        )
        for field in model._meta.concrete_fields
    )


def meeting_check_change(person: Person, meeting: Meeting) -> None:
    """Both participants may change a meeting of an open series."""
    if not takes_part_in(person, meeting.series):
        raise Http404(NOT_FOUND)
    if not meeting.series.is_open:
        raise PermissionDenied(ENDED_SERIES)


def meeting_check_manager(person: Person, meeting: Meeting) -> None:
    """Running and closing a meeting is the manager's part."""
    meeting_check_change(person, meeting)
    if meeting.series.manager_id != person.pk:
        raise PermissionDenied("Only the manager can start or close the meeting.")


def meeting_for_change(person: Person, meeting_id: object) -> Meeting:
    """One meeting the person may change: 404 if hidden, 403 once its series ended."""
    return _checked(person, meeting_for(person, meeting_id), meeting_check_change)


def meeting_for_manager(person: Person, meeting_id: object) -> Meeting:
    """One meeting the person runs as its manager: 404 if hidden, 403 for the report."""
    return _checked(person, meeting_for(person, meeting_id), meeting_check_manager)


def meeting_managed_by(person: Person, meeting_id: object) -> Meeting:
    """One meeting the person manages, else 404: a page for running it (the question before
    starting it early) is the manager's alone, and shows nothing to anyone else."""
    found = meeting_for(person, meeting_id)
    if found.series.manager_id != person.pk:
        raise Http404(NOT_FOUND)
    return found


# Agenda, notes, action items -----------------------------------------------


def topics_visible_to(person: Person) -> QuerySet[Topic]:
    """Topics of meetings a person takes part in."""
    return Topic.objects.filter(_in_series_of(person, "meeting__series")).select_related(
        "meeting__series", "author"
    )


def topic_for(person: Person, topic_id: object) -> Topic:
    """One topic the person may see, else 404."""
    return _one(topics_visible_to(person), topic_id)


def topic_check_edit(person: Person, topic: Topic) -> None:
    """Both may tick and reorder; only the author rewrites or removes a topic."""
    meeting_check_change(person, topic.meeting)
    if topic.author_id != person.pk:
        raise PermissionDenied(AUTHOR_ONLY)


def shared_notes_visible_to(person: Person) -> QuerySet[SharedNotes]:
    """Shared notes of the meetings a person takes part in."""
    return SharedNotes.objects.filter(_in_series_of(person, "meeting__series"))


def _shared_notes_by_meeting(
    person: Person, pk: int, *values: Any, annotate: Callable[..., dict] | None = None
) -> QuerySet[SharedNotes]:
    # A meeting page reads its notes with the meeting, its series and both people first.
    notes = (
        shared_notes_visible_to(person)
        .select_related("meeting__series__manager", "meeting__series__report")
        .filter(meeting_id=pk)
    )
    return notes.annotate(**annotate(person, *values)) if annotate else notes


def shared_notes_for(
    person: Person, meeting_id: object, *values: Any, annotate: Callable[..., dict] | None = None
) -> SharedNotes:
    """The shared notes of a meeting the person takes part in, else 404. `annotate(person,
    *values)` gives annotations (on the notes' row: its meeting, series and people) the
    caller reads with them in the same query; rows it reads go through the rules here."""
    return _one_compiled(_shared_notes_by_meeting, person, meeting_id, *values, annotate=annotate)


def private_notes_visible_to(person: Person) -> QuerySet[PrivateNote]:
    """A private note is readable by its author and nobody else, ever."""
    return PrivateNote.objects.filter(author=person)


def _own_private_note(person: Person, meeting: int) -> QuerySet[PrivateNote]:
    return private_notes_visible_to(person).filter(meeting_id=meeting).order_by("pk")[:1]


def private_note_for(person: Person, meeting: Meeting) -> PrivateNote | None:
    """The person's own private note on a meeting, if they wrote one."""
    return compiled.first(_own_private_note, person, meeting.pk)


def action_items_visible_to(person: Person) -> QuerySet[ActionItem]:
    """Action items of the series a person takes part in."""
    return ActionItem.objects.filter(_in_series_of(person)).select_related(
        "owner", "series__manager", "series__report", "meeting"
    )


def action_items_of(person: Person, series: Series) -> QuerySet[ActionItem]:
    """The action items of one 1:1 the person takes part in (none otherwise), no related row."""
    return _of_series(ActionItem.objects.all(), person, series)


def action_item_for(person: Person, item_id: object) -> ActionItem:
    """One action item the person may see, else 404."""
    return _one(action_items_visible_to(person), item_id)


def action_item_check_change(person: Person, item: ActionItem) -> None:
    """Both participants of an open series may update its action items."""
    if not takes_part_in(person, item.series):
        raise Http404(NOT_FOUND)
    if not item.series.is_open:
        raise PermissionDenied(ENDED_SERIES)


# People ----------------------------------------------------------------------


def manages_managers(person: Person) -> bool:
    """A manager's manager reads the whole organisation's roster."""
    return bool(compiled.rows(_managed_managers, person))


def _managed_managers(person: Person) -> QuerySet[Person]:
    return Person.objects.filter(manager__manager=person).values_list("pk", flat=True)[:1]


def sees_whole_roster(person: Person) -> bool:
    """Org admins and managers of managers read the whole organisation's roster."""
    return person.is_org_admin or manages_managers(person)


def people_visible_to(person: Person, *, whole_roster: bool | None = None) -> QuerySet[Person]:
    """The roster a person may read: own for an IC, team for a manager, org above that.
    `whole_roster` is `sees_whole_roster(person)`, when the caller has answered it already."""
    whole_roster = sees_whole_roster(person) if whole_roster is None else whole_roster
    return people_visible_from(*roster_scope(person), whole_roster=whole_roster)


def roster_scope(person: Person) -> tuple[int, int, int | None]:
    """What the roster a person reads depends on besides `whole_roster`: their
    organisation, themselves and their manager (the arguments of `people_visible_from`)."""
    return person.organisation_id, person.pk, person.manager_id


def people_visible_from(
    organisation: int, person: int, manager: int | None, *, whole_roster: bool
) -> QuerySet[Person]:
    """`people_visible_to` from `roster_scope(person)`: the start of a queryset compiled
    once (`compiled.rows`), which is given values, never the person."""
    org_people = Person.objects.filter(organisation_id=organisation)
    if whole_roster:
        return org_people.select_related("manager")
    # Found by their own indexes (key, manager) rather than among the whole organisation.
    around = Person.objects.filter(Q(pk=person) | Q(pk=manager) | Q(manager=person))
    return org_people.filter(pk__in=around.values("pk")).select_related("manager")


def counts_reports_of(person: Person, other: int, *, whole_roster: bool) -> bool:
    """Whether the person reads every report of `other` (an id of their roster), so may be
    told how many they have: their own, and anyone's once they read the whole organisation.
    The roster a person reads holds all those reports (an organisation's people report
    within it)."""
    return whole_roster or other == person.pk


def reports_counted_by(person: int, *, whole_roster: bool) -> Q:
    """`counts_reports_of` as a filter on people: those whose reports the person `person`
    (an id) may be told the number of."""
    return Q() if whole_roster else Q(pk=person)


def managers_counted_by(person: int, manager: int | None, *, whole_roster: bool) -> Q:
    """Those of the roster the person `person` (an id) may be told manage someone: those
    whose reports they may count, and their own manager (whom they report to: that tells
    no number)."""
    counted = reports_counted_by(person, whole_roster=whole_roster)
    return counted if whole_roster or manager is None else counted | Q(pk=manager)


def person_for(person: Person, person_id: object, *, whole_roster: bool | None = None) -> Person:
    """One person of the visible roster, else 404 (`whole_roster` as for `people_visible_to`)."""
    whole_roster = sees_whole_roster(person) if whole_roster is None else whole_roster
    found = compiled.first(
        _visible_person, *roster_scope(person), id_in_address(person_id), whole_roster=whole_roster
    )
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def _visible_person(
    organisation: int, person: int, manager: int | None, pk: int, *, whole_roster: bool
) -> QuerySet[Person]:
    return people_visible_from(organisation, person, manager, whole_roster=whole_roster).filter(
        pk=pk
    )


def check_org_admin(person: Person) -> None:
    """Roster changes are for org admins."""
    if not person.is_org_admin:
        raise PermissionDenied(ADMINS_ONLY)


def person_for_admin(person: Person, person_id: object) -> Person:
    """One person of the visible roster for an org admin to change: 404 if hidden, else 403."""
    subject = person_for(person, person_id)
    check_org_admin(person)
    return subject


def check_admin_reads(person: Person) -> None:
    """What only the org admins' forms read (the manager box's suggestions): 404 for others."""
    if not person.is_org_admin:
        raise Http404(NOT_FOUND)


def organisation_for_admin(person: Person) -> Organisation:
    """The organisation whose roster an org admin changes; 403 for anyone else."""
    check_org_admin(person)
    return person.organisation


# The operator ------------------------------------------------------------------


def organisation_records_for_operator(
    organisation: Organisation, *, in_snapshot: bool = False
) -> dict[str, QuerySet]:
    """What whoever runs the installation may export of an organisation: never a private note.

    With `in_snapshot` the caller reads every list in the one read transaction (a snapshot)
    this runs in: an organisation holding every 1:1 of the database then finds its records
    without joining each one to its series (the self-hosted case, one organisation).
    """
    alone = in_snapshot and not Series.objects.exclude(organisation=organisation).exists()

    def of_organisation(model: type[T], path: str) -> QuerySet:
        found = model.objects.all() if alone else model.objects.filter(**{path: organisation})
        return found.order_by("pk")

    return {
        "people": Person.objects.filter(organisation=organisation).order_by("pk"),
        "series": Series.objects.filter(organisation=organisation).order_by("pk"),
        "meetings": of_organisation(Meeting, "series__organisation"),
        "topics": of_organisation(Topic, "meeting__series__organisation"),
        "shared_notes": of_organisation(SharedNotes, "meeting__series__organisation"),
        "action_items": of_organisation(ActionItem, "series__organisation"),
    }


# Coaching (growth) ---------------------------------------------------------------


def coaching_check_manager(person: Person, meeting: Meeting) -> None:
    """Questions, playbooks and plans are the manager's tools in a 1:1 of an open series."""
    meeting_check_change(person, meeting)
    if meeting.series.manager_id != person.pk:
        raise PermissionDenied("Only the manager of this 1:1 can do this.")


def org_question_check_add(person: Person) -> None:
    """Managers (and org admins) may add their organisation's own questions."""
    if not (person.is_org_admin or Person.objects.filter(manager=person).exists()):
        raise PermissionDenied("Only managers can add the organisation's questions.")


def feedback_visible_to(person: Person) -> QuerySet[Feedback]:
    """Feedback of the series a person takes part in."""
    return Feedback.objects.filter(_in_series_of(person)).select_related(
        "given_by", "given_to", "series", "meeting"
    )


def feedback_of(person: Person, series: Series) -> QuerySet[Feedback]:
    """The feedback of one 1:1 the person takes part in (none otherwise), no related row."""
    return _of_series(Feedback.objects.all(), person, series)


def feedback_in(series_id: int) -> QuerySet[Feedback]:
    """`feedback_of` the 1:1 `series_id` for one of its two people, no related row."""
    return Feedback.objects.filter(series_id=series_id)


def feedback_for(person: Person, feedback_id: object) -> Feedback:
    """One feedback record the person may see, else 404."""
    return _one(feedback_visible_to(person), feedback_id)


def feedback_check_recipient(person: Person, feedback: Feedback) -> None:
    """Only whoever received the feedback says it was acknowledged or acted upon."""
    if not takes_part_in(person, feedback.series):
        raise Http404(NOT_FOUND)
    if feedback.given_to_id != person.pk:
        raise PermissionDenied("Only the person who received this feedback can mark it.")


def meeting_for_coaching(person: Person, meeting_id: object) -> Meeting:
    """One meeting whose coaching tools the person uses as its manager: 404 or 403 otherwise."""
    return _checked(person, meeting_for(person, meeting_id), coaching_check_manager)


# Career: aspirations, ladder views, self-assessments ---------------------------------
#
# The IC and their current manager read every career record of the IC; a manager whose
# 1:1 with the IC has ended keeps, read-only, what was recorded in that 1:1; nobody else
# reads any of it (not the manager's manager, not an org admin: they edit the ladder).

LADDER_ADMINS_ONLY = "Only organisation admins can change the ladder."


def career_series_for(person: Person, series_id: object) -> Series:
    """The 1:1 whose career page the person reads (either side, open or ended), else 404."""
    return series_for(person, series_id)


def career_series_of(person: Person, ic: Person) -> Series | None:
    """The 1:1 through which the person reads the IC's career: the IC's own (the open one,
    else the latest), or the one the person manages or managed with them (the open one
    first); None for anyone else (not the manager's manager, not an org admin)."""
    return (
        series_visible_to(person)
        .filter(report=ic)
        .order_by(F("ended_on").desc(nulls_first=True), "-started_on", "-pk")
        .first()
    )


# How far a person reads the IC's career records through one 1:1.
CAREER_OF_IC = "ic"  # all of the IC's: the IC themself and their current manager
CAREER_OF_SERIES = "series"  # a previous manager: what was recorded while they managed


def career_reach(person: Person, series: Series) -> str:
    """CAREER_OF_IC, CAREER_OF_SERIES, or "" for someone who reads nothing of this 1:1."""
    if not takes_part_in(person, series):
        return ""
    if series.report_id == person.pk or series.is_open:
        return CAREER_OF_IC
    return CAREER_OF_SERIES


def _career_records(person: Person, series: Series | None) -> Q:
    if series is None:  # every career page the person reads, at once (their export)
        return (
            Q(person=person)
            | Q(person_id__in=_current_reports_of(person))
            | Q(series__manager=person)
        )
    return _career_records_in(series.report_id, series.pk, reach=career_reach(person, series))


def _career_records_in(report_id: int, series_id: int, *, reach: str) -> Q:
    if reach == CAREER_OF_IC:
        return Q(person_id=report_id)
    if reach == CAREER_OF_SERIES:
        return Q(series_id=series_id)
    return Q(pk__in=[])


def aspirations_visible_to(
    person: Person, series: Series | None = None
) -> QuerySet[AspirationVersion]:
    """Aspiration versions of the series' IC that the person may read on this career page
    (without a series: on any career page of theirs)."""
    return AspirationVersion.objects.filter(_career_records(person, series)).select_related(
        "recorded_by"
    )


def aspirations_in(report_id: int, series_id: int, *, reach: str) -> QuerySet[AspirationVersion]:
    """`aspirations_visible_to` a person of `career_reach` `reach` in the 1:1 `series_id`
    of the IC `report_id`: its ids as values, for a query compiled once."""
    records = _career_records_in(report_id, series_id, reach=reach)
    return AspirationVersion.objects.filter(records).select_related("recorded_by")


def ladder_views_visible_to(person: Person, series: Series | None = None) -> QuerySet[LadderView]:
    """The manager's ladder views of the series' IC that the person may read."""
    return LadderView.objects.filter(_career_records(person, series)).select_related("recorded_by")


def ladder_views_in(report_id: int, series_id: int, *, reach: str) -> QuerySet[LadderView]:
    """`ladder_views_visible_to` as `aspirations_in` reads aspirations."""
    records = _career_records_in(report_id, series_id, reach=reach)
    return LadderView.objects.filter(records).select_related("recorded_by")


def self_assessments_visible_to(
    person: Person, series: Series | None = None
) -> QuerySet[SelfAssessment]:
    """Self-assessments of the series' IC that the person may read."""
    return SelfAssessment.objects.filter(_career_records(person, series))


def self_assessments_in(report_id: int, series_id: int, *, reach: str) -> QuerySet[SelfAssessment]:
    """`self_assessments_visible_to` as `aspirations_in` reads aspirations."""
    return SelfAssessment.objects.filter(_career_records_in(report_id, series_id, reach=reach))


def career_check_change(person: Person, series: Series) -> None:
    """Both people of an open 1:1 change its career records (aspirations, goals, the plan);
    an ended one is read-only."""
    if not takes_part_in(person, series):
        raise Http404(NOT_FOUND)
    if not series.is_open:
        raise PermissionDenied(CAREER_READ_ONLY)


def career_check_manager(person: Person, series: Series) -> None:
    """Only the current manager records where they see the IC on the ladder."""
    career_check_change(person, series)
    if series.manager_id != person.pk:
        raise PermissionDenied("Only the manager of this 1:1 records a ladder view.")


def career_check_report(person: Person, series: Series) -> None:
    """Only the IC writes their self-assessment."""
    career_check_change(person, series)
    if series.report_id != person.pk:
        raise PermissionDenied("Only the report of this 1:1 writes their self-assessment.")


def ladder_check_admin(person: Person) -> None:
    """The ladder is read by everyone in the organisation and changed by its admins."""
    if not person.is_org_admin:
        raise PermissionDenied(LADDER_ADMINS_ONLY)


# Career (growth): goals, development plan, feedback log, peer feedback --------------
#
# The IC and their current manager see all of the IC's goals; a previous manager keeps,
# read-only, the goals of the 1:1 they ran; nobody else (not the manager's manager, not
# org admins). Peer answers: the manager who asked, only.

CAREER_READ_ONLY = "This 1:1 has ended: what you saw of this career is kept read-only."


def _current_reports_of(person: Person) -> QuerySet:
    return Series.objects.filter(manager=person, ended_on__isnull=True).values("report_id")


def goals_visible_to(person: Person) -> QuerySet[Goal]:
    """The person's own goals, their current reports' goals, and those of 1:1s they ran."""
    return Goal.objects.filter(
        Q(owner=person) | Q(owner_id__in=_current_reports_of(person)) | Q(series__manager=person)
    ).select_related("owner", "series")


def goals_of(person: Person, series: Series) -> QuerySet[Goal]:
    """The goals a 1:1's page shows the person, no related row: in an open 1:1, every goal of
    its IC (theirs, or their current report's); in an ended one, those set in it that the
    person may still see."""
    if not takes_part_in(person, series):
        return Goal.objects.none()
    return goals_in(person, series.report_id, series.pk, is_open=series.is_open)


def goals_in(person: Person, report_id: int, series_id: int, *, is_open: bool) -> QuerySet[Goal]:
    """`goals_of` the 1:1 `series_id` of the IC `report_id`, open or not, for one of its
    two people: its values as values, for a query compiled once."""
    if is_open:
        return Goal.objects.filter(owner_id=report_id)
    return goals_visible_to(person).select_related(None).filter(series_id=series_id)


def goal_for(person: Person, goal_id: object) -> Goal:
    """One goal the person may see, else 404."""
    return _one(goals_visible_to(person), goal_id)


def may_change_career_of(person: Person, owner: Person) -> bool:
    """The IC themself, or their current manager (in an open 1:1 with them)."""
    return person.pk == owner.pk or (
        Series.objects.filter(manager=person, report=owner, ended_on__isnull=True).exists()
    )


def goal_check_change(person: Person, goal: Goal) -> None:
    """The IC and their current manager change a goal; a previous manager only reads it."""
    if not goals_visible_to(person).filter(pk=goal.pk).exists():
        raise Http404(NOT_FOUND)
    if not may_change_career_of(person, goal.owner):
        raise PermissionDenied(CAREER_READ_ONLY)


def goal_for_change(person: Person, goal_id: object) -> Goal:
    """One goal the person may change: 404 if hidden, 403 for a previous manager."""
    return _checked(person, goal_for(person, goal_id), goal_check_change)


def series_for_career_change(person: Person, series_id: object) -> Series:
    """One open 1:1 whose goals and plan the person changes: 404 if hidden, 403 once ended."""
    return _checked(person, series_for(person, series_id), career_check_change)


def goal_changes_visible_to(person: Person) -> QuerySet[GoalChange]:
    """The change log of the goals the person may see."""
    return GoalChange.objects.filter(goal__in=goals_visible_to(person).values("pk"))


def goal_progress_visible_to(person: Person) -> QuerySet[GoalProgress]:
    """The progress updates of the goals the person may see."""
    return GoalProgress.objects.filter(goal__in=goals_visible_to(person).values("pk"))


def development_plans_visible_to(person: Person) -> QuerySet[DevelopmentPlan]:
    """Plans of the 1:1s the person takes part in (a previous manager: theirs, read-only)."""
    return DevelopmentPlan.objects.filter(_in_series_of(person))


def development_plan_of(person: Person, series: Series) -> DevelopmentPlan | None:
    """The plan of one 1:1 the person takes part in (None otherwise), with who changed it last."""
    if not takes_part_in(person, series):
        return None
    return compiled.first(development_plan_in, series.pk)  # a 1:1 has one plan at most


def development_plan_in(series_id: int) -> QuerySet[DevelopmentPlan]:
    """The plan of the 1:1 `series_id`, for one of its two people."""
    return DevelopmentPlan.objects.filter(series_id=series_id).select_related("updated_by")


def plan_changes_visible_to(person: Person) -> QuerySet[PlanChange]:
    """The change log of the plans the person may see."""
    return PlanChange.objects.filter(plan__in=development_plans_visible_to(person).values("pk"))


def plan_changes_of(person: Person, series: Series) -> list[PlanChange]:
    """The change log of one 1:1's plan, newest first, for one of its two people (empty
    otherwise), each change with its plan, who made it and the meeting it was made in."""
    if not takes_part_in(person, series):
        return []
    return compiled.rows(plan_changes_in, series.pk)


def plan_changes_in(series_id: int) -> QuerySet[PlanChange]:
    """The change log of the plan of the 1:1 `series_id`, newest first."""
    return (
        PlanChange.objects.filter(plan__series_id=series_id)
        .select_related("plan__updated_by", "changed_by", "meeting")
        .order_by("-changed_at", "-pk")
    )


def peer_requests_visible_to(person: Person) -> QuerySet[PeerRequest]:
    """Requests the person made (as the manager) or received (as the colleague asked)."""
    return PeerRequest.objects.filter(Q(requested_by=person) | Q(colleague=person)).select_related(
        "about", "requested_by", "colleague", "series"
    )


def peer_request_for(person: Person, request_id: object) -> PeerRequest:
    """One peer request the person made or was asked to answer, else 404."""
    return _one(peer_requests_visible_to(person), request_id)


def peer_request_check_answer(person: Person, request: PeerRequest) -> None:
    """Only the colleague asked answers (or declines) a request."""
    if not peer_requests_visible_to(person).filter(pk=request.pk).exists():
        raise Http404(NOT_FOUND)
    if request.colleague_id != person.pk:
        raise PermissionDenied("Only the colleague who was asked can answer this request.")


def peer_request_check_ask(person: Person, series: Series) -> None:
    """The manager of an open 1:1 asks colleagues about their report."""
    if not takes_part_in(person, series):
        raise Http404(NOT_FOUND)
    if not is_manager_in(person, series):
        raise PermissionDenied("Only the manager of this 1:1 asks for peer feedback.")
    if not series.is_open:
        raise PermissionDenied(ENDED_SERIES)


def peer_answers_visible_to(person: Person) -> QuerySet[PeerAnswer]:
    """Peer answers are readable by the manager who asked for them, and nobody else."""
    return PeerAnswer.objects.filter(request__requested_by=person)


def peer_summaries_visible_to(person: Person) -> QuerySet[PeerSummary]:
    """The manager's summaries of peer feedback: for both people of the 1:1."""
    return PeerSummary.objects.filter(_in_series_of(person))


def peer_summaries_of(person: Person, series: Series) -> QuerySet[PeerSummary]:
    """The peer feedback summaries of one 1:1 the person takes part in (none otherwise)."""
    return _of_series(PeerSummary.objects.all(), person, series)


def peer_summaries_in(series_id: int) -> QuerySet[PeerSummary]:
    """`peer_summaries_of` the 1:1 `series_id` for one of its two people."""
    return PeerSummary.objects.filter(series_id=series_id)


def peer_colleagues_for(person: Person, series: Series) -> QuerySet[Person]:
    """Whom a manager may ask about their report: active people of the same organisation."""
    return peer_colleagues_in(series.organisation_id, series.manager_id, series.report_id)


def peer_colleagues_in(organisation_id: int, manager_id: int, report_id: int) -> QuerySet[Person]:
    """`peer_colleagues_for` a 1:1 given by its ids: values, for a query compiled once."""
    # `is_active IN (true)`, not the bare column: an equality SQLite takes into the index
    # of the active people by name, so their order is the index's.
    return (
        Person.objects.filter(organisation_id=organisation_id, is_active__in=[True])
        .exclude(pk__in=[manager_id, report_id])
        .order_by("name", "pk")
    )


# Talk ratio (insights) ------------------------------------------------------------


def talk_check_manager(person: Person, meeting: Meeting) -> None:
    """Only the manager records how much each side talked: a transcript or their estimate."""
    meeting_check_change(person, meeting)
    if meeting.series.manager_id != person.pk:
        raise PermissionDenied("Only the manager of this 1:1 records who did the talking.")


def meeting_for_talk(person: Person, meeting_id: object) -> Meeting:
    """One meeting whose talk the person records as its manager: 404 or 403 otherwise."""
    return _checked(person, meeting_for(person, meeting_id), talk_check_manager)


def speaker_sides_visible_to(person: Person) -> QuerySet[SpeakerSide]:
    """Who is who in the transcripts of the series a person manages."""
    return SpeakerSide.objects.filter(series__manager=person)


# Days away (sacred time) ---------------------------------------------------------


def absences_visible_to(person: Person) -> QuerySet[Absence]:
    """A person's own days away: nobody else lists or changes them."""
    return Absence.objects.filter(person=person)


def absence_for(person: Person, absence_id: object) -> Absence:
    """One of the person's own days-away entries, else 404."""
    return _one(absences_visible_to(person), absence_id)


# Calendar feeds and mail links (mail) ----------------------------------------------


def person_for_calendar_token(token: str) -> Person:
    """The active person whose secret feed token this is, else 404 (revoked = unknown)."""
    import secrets

    if not token:
        raise Http404(NOT_FOUND)
    found = Person.objects.filter(calendar_token=token, is_active=True).first()
    # The index finds the row; the comparison that decides is constant-time.
    if found is None or not secrets.compare_digest(found.calendar_token, token):
        raise Http404(NOT_FOUND)
    return found


def person_for_mail_link(person_id: object) -> Person:
    """The active person a signed mail link names (the signature was checked first), else 404."""
    return _one(Person.objects.filter(is_active=True), person_id)


# Insights: figures of a relationship, a team, an organisation ---------------------


def insight_series_visible_to(person: Person) -> QuerySet[Series]:
    """A relationship's figures are its two people's: the manager and the report."""
    return series_visible_to(person)


def insight_series_matching(person: Person, series_id: object) -> QuerySet[Series]:
    """`insight_series_visible_to` narrowed to this id, unrun (404 for what is not an id)."""
    return insight_series_visible_to(person).filter(pk=id_in_address(series_id))


def insight_series_for(person: Person, series_id: object) -> Series:
    """One relationship whose figures the person reads (`insight_series_visible_to`), else 404."""
    found = compiled.rows(insight_series_matching, person, id_in_address(series_id))
    if not found:
        raise Http404(NOT_FOUND)
    return found[0]


def sees_team_insights(person: Person) -> bool:
    """The team view is for someone with reports of their own."""
    return Person.objects.filter(manager=person, is_active=True).exists()


def insight_views(person: Person) -> tuple[bool, bool]:
    """Whether the person sees a team view, and aggregates, answered in one query: the
    same rules as `sees_team_insights` and `sees_aggregates`."""
    found = compiled.rows(_report_counts, person)
    team, managers = found[0] if found else (0, 0)
    return bool(team), person.is_org_admin or bool(managers)


def _report_counts(person: Person) -> QuerySet[Person]:
    """How many active reports the person has, and how many of their reports have reports
    (one row, none without reports)."""
    return (
        Person.objects.filter(manager=person)
        .values("manager")
        .annotate(
            team=Count("pk", filter=Q(is_active=True), distinct=True),
            managers=Count("reports", distinct=True),
        )
        .values_list("team", "managers")
        .order_by()
    )


def team_series_for_insights(person: Person) -> QuerySet[Series]:
    """The open 1:1s the person runs as a manager: their team view's rows."""
    return series_visible_to(person).filter(manager=person, ended_on__isnull=True)


def sees_aggregates(person: Person) -> bool:
    """Aggregates across teams are for the org admins and the managers of managers."""
    return person.is_org_admin or manages_managers(person)


AGGREGATE_REACHES = ("organisation", "teams below", "none")


def aggregate_reach_of(person: Person, *, oversees: bool | None = None) -> str:
    """How far the counts a person reads as aggregates reach (one of `AGGREGATE_REACHES`):
    an org admin reads the whole organisation; a manager's manager the teams of the
    managers below them, two levels down; anyone else none. `oversees` is whether the
    person manages managers, when the caller has answered it already (`insight_views`)."""
    if person.is_org_admin:
        return "organisation"
    if manages_managers(person) if oversees is None else oversees:
        return "teams below"
    return "none"


def aggregate_series_for(
    person: Person, organisation: Organisation, *, reach: str
) -> QuerySet[Series]:
    """The open 1:1s whose counts a person of this organisation reads as aggregates only
    (never one of them), as far as `aggregate_reach_of(person)` answers: a queryset whose
    SQL takes the person and the organisation as values only (a compiled builder's)."""
    open_series = Series.objects.filter(organisation=organisation, ended_on__isnull=True)
    if reach == "organisation":
        return open_series
    if reach == "teams below":
        # The managers one or two levels down, found through the reporting lines' index:
        # the series are then read by their managers', never by joining every series of
        # the organisation to two levels of people. "Reporting to the person or to one of
        # their directs" keeps the "or" inside one small read of people (an "or" between
        # two reads had PostgreSQL walk every person by key).
        person_and_directs = Person.objects.filter(Q(pk=person.pk) | Q(manager=person))
        below = Person.objects.filter(manager__in=person_and_directs.values("pk"))
        return open_series.filter(manager_id__in=below.values("pk"))
    return open_series.none()


def team_figures_shown(report_count: int) -> bool:
    """A team's aggregate is shown only when no single report can be read out of it."""
    from rapport.framework.indicators import AGGREGATE_MIN_REPORTS

    return report_count >= AGGREGATE_MIN_REPORTS


def thresholds_organisation_for(person: Person) -> Organisation:
    """The organisation whose thresholds an org admin tunes; 404 for anyone else."""
    if not person.is_org_admin:
        raise Http404(NOT_FOUND)
    return person.organisation


# A person's data: the audit trail, their export, their erasure --------------------------

OWN_DATA_ONLY = "Only the person themselves can export their data."


def audit_events_visible_to(person: Person) -> QuerySet[AuditEvent]:
    """What the audit trail says about a person: theirs alone to read, newest first."""
    return AuditEvent.objects.filter(subject=person).order_by("-at", "-pk")


def audit_address_shown_to(person: Person, event: AuditEvent) -> bool:
    """Whether the person reads the client address of one of their audit lines: an address
    is its actor's own data (where they work from), so only on the lines of what the person
    did themselves (a sign-in they do not recognise), never on someone else's read."""
    return event.actor_id == person.pk


def audit_events_counted_for(person: Person) -> QuerySet[AuditEvent]:
    """The organisation's audit rows an org admin may count (never list): 404 for others."""
    if not person.is_org_admin:
        raise Http404(NOT_FOUND)
    return AuditEvent.objects.filter(organisation_id=person.organisation_id)


def person_check_own_export(person: Person, subject: Person) -> None:
    """A person's export holds their private notes: it is for them alone, not even an admin."""
    if person.pk != subject.pk:
        raise PermissionDenied(OWN_DATA_ONLY)


def person_for_erasure(person: Person, person_id: object) -> Person:
    """Someone of the admin's organisation to erase; 404 for anyone but an org admin."""
    if not person.is_org_admin:
        raise Http404(NOT_FOUND)
    return person_for(person, person_id)


# Retrospectives ------------------------------------------------------------------


def retrospectives_visible_to(person: Person) -> QuerySet[Retrospective]:
    """A report's retrospectives: theirs, and their current manager's to read and reply to."""
    return Retrospective.objects.filter(
        Q(series__report=person)
        | Q(series__manager=person, series__report__manager=person, series__ended_on__isnull=True)
    ).select_related("series__manager", "series__report")


def retrospective_for(person: Person, retrospective_id: object) -> Retrospective:
    """One retrospective the person may read, else 404 (missing and hidden alike)."""
    return _one(retrospectives_visible_to(person), retrospective_id)


def retrospective_check_answer(person: Person, series: Series) -> None:
    """Only the report of a 1:1 answers its retrospective (its manager reads it)."""
    if series.manager_id == person.pk:
        raise PermissionDenied("Only your report answers the retrospective of your 1:1s.")
    if series.report_id != person.pk:
        raise Http404(NOT_FOUND)


def retrospective_check_reply(person: Person, retrospective: Retrospective) -> None:
    """Only the report's current manager replies."""
    series = retrospective.series
    if series.report_id == person.pk:
        raise PermissionDenied("Your manager replies to your retrospective.")
    if series.manager_id != person.pk or series.report.manager_id != person.pk:
        raise Http404(NOT_FOUND)
