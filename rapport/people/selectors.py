"""Reads of organisations and people: the operator's choice of organisation, days away,
the people page (the roster each person may read), whom a manager may be chosen from, and
the audit trail in words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from rapport import access, compiled
from rapport.errors import Refused
from rapport.people.models import Absence, AuditEvent, Organisation, Person
from rapport.people.services import (
    ROSTER_ORDER,
    link_lifetime,
    set_password_url,
    team_order,
)


def organisation_chosen(name: str | None, *, creatable: bool = False) -> Organisation:
    """The organisation named (any case), or the only one there is; Refused otherwise."""
    organisations = list(Organisation.objects.order_by("name"))
    names = ", ".join(organisation.name for organisation in organisations)
    if name:
        matches = [o for o in organisations if o.name.casefold() == name.strip().casefold()]
        if len(matches) == 1:
            return matches[0]
        raise Refused(f"no organisation named “{name}” (there are: {names or 'none'})")
    if len(organisations) == 1:
        return organisations[0]
    if not organisations:
        raise Refused(
            "there is no organisation yet: set up Rapport first (`rapport serve` prints "
            "the link, or `rapport createadmin`)"
            + (", or import with --create-org NAME" if creatable else "")
        )
    raise Refused(f"there are several organisations ({names}): choose one with --org NAME")


def person_for_operator(email: str) -> Person | None:
    """Whoever runs Rapport names a person by address on the command line (not an erased one)."""
    return Person.objects.filter(email__iexact=email.strip(), erased_at__isnull=True).first()


def days_away_of(
    people: Iterable[int], *, first: dt.date, last: dt.date
) -> dict[int, list[tuple[dt.date, dt.date]]]:
    """Each person's days away overlapping [first, last], as (first day, last day) pairs."""
    away: dict[int, list[tuple[dt.date, dt.date]]] = {}
    ids = sorted(people)
    if not ids:
        return away
    for person_id, starts_on, ends_on in compiled.rows(_days_away, ids, first, last):
        away.setdefault(person_id, []).append((starts_on, ends_on))
    return away


def _days_away(people: list[int], first: dt.date, last: dt.date) -> QuerySet[Absence]:
    return (
        _away_overlapping(first, last)
        .filter(person_id__in=people)
        .values_list("person_id", "starts_on", "ends_on")
    )


def _away_overlapping(first: Any, last: Any) -> QuerySet[Absence]:
    """The absences overlapping [first, last] (dates, or expressions giving dates)."""
    return Absence.objects.filter(starts_on__lte=last, ends_on__gte=first)


def any_day_away(people: Q, *, first: Any, last: Any) -> Exists:
    """Whether one of `people` (a condition on the absence's person, which may refer to the
    outer query) is away on a day of [first, last], as an annotation."""
    return Exists(_away_overlapping(first, last).filter(people))


# The audit trail -------------------------------------------------------------------

AUDIT_PAGE_SIZE = 20


@dataclass(frozen=True)
class AuditLine:
    """One row of "Who looked at my data", in words."""

    who: str
    what: str
    at: dt.datetime
    where: str
    is_self: bool


@dataclass(frozen=True)
class AuditPage:
    lines: list[AuditLine]
    page: int
    has_older: bool


def _where(event: AuditEvent, viewer: Person) -> str:
    if event.via == AuditEvent.Via.CLI:
        return "from the command line"
    if event.ip and access.audit_address_shown_to(viewer, event):
        return f"from {event.ip}"
    return ""  # someone else's address, or a line Rapport wrote itself (the demo, a migration)


def audit_page(events: QuerySet[AuditEvent], viewer: Person, *, page: object = 1) -> AuditPage:
    """One page of the audit rows about the viewer, newest first (`events` from access)."""
    try:
        number = max(1, min(int(page), 10_000))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * AUDIT_PAGE_SIZE
    rows = list(events.select_related("actor")[start : start + AUDIT_PAGE_SIZE + 1])
    lines = [
        AuditLine(
            who=(
                "You"
                if event.actor_id == viewer.pk
                else event.actor.name
                if event.actor
                else "Whoever runs Rapport"
            ),
            what=AuditEvent.Action(event.action).label
            if event.action in AuditEvent.Action.values
            else event.action,
            at=event.at,
            where=_where(event, viewer),
            is_self=event.actor_id == viewer.pk,
        )
        for event in rows[:AUDIT_PAGE_SIZE]
    ]
    return AuditPage(lines=lines, page=number, has_older=len(rows) > AUDIT_PAGE_SIZE)


A = AuditEvent.Action
# The admin's counts speak of kinds of events, never of anyone's "you".
COUNT_LABELS = {
    A.SERIES_VIEW: "1:1 pages opened by someone else",
    A.MEETING_VIEW: "1:1 meetings opened by the manager",
    A.RECAP_VIEW: "1:1 recaps downloaded by the manager",
    A.INSIGHTS_VIEW: "1:1 figures opened by the manager",
    A.PREPARE_VIEW: "1:1 preparations opened by the manager",
    A.PERSON_VIEW: "people's records looked at by someone else",
    A.CAREER_VIEW: "career pages opened by someone else",
    A.PACKET_VIEW: "evidence packets generated",
    A.PEER_ANSWER_READ: "peer answers read",
    A.ORG_EXPORT: "people included in an organisation export",
    A.PERSON_EXPORT: "people who downloaded their data",
    A.PRIVATE_NOTE_CREATE: "private notes written",
    A.PRIVATE_NOTE_EDIT: "private note edits",
    A.PRIVATE_NOTE_DELETE: "private notes emptied",
    A.FEEDBACK_GIVE: "feedback given",
    A.FEEDBACK_MARK: "feedback acknowledged or acted on",
    A.PLAN_CREATE: "improvement plans started",
    A.PLAN_CLOSE: "improvement plans closed",
    A.DEACTIVATE: "accounts deactivated",
    A.REACTIVATE: "accounts reactivated",
    A.RESET_SEND: "password resets sent by an admin",
    A.ERASURE_REQUEST: "requests to be erased",
    A.ERASURE_WITHDRAW: "requests to be erased withdrawn",
    A.ERASE: "people erased",
}


@dataclass(frozen=True)
class AuditMonth:
    month: dt.date
    counts: list[tuple[str, int]]
    total: int


def audit_counts(events: QuerySet[AuditEvent]) -> list[AuditMonth]:
    """How many audit rows of each kind, per month of the current timezone, newest month
    first: counts, never names (3 queries). The months are told apart by comparing each
    row with their first instants rather than by truncating each row's time, which SQLite
    does in Python, row by row."""
    # The first and the last apart: SQLite finds either at one end of the index, but reads
    # all of it for both at once.
    times = events.order_by("at").values_list("at", flat=True)
    first = times.first()
    if first is None:
        return []
    months = _months_between(first, times.last())
    month_of = Case(
        *(When(at__lt=start, then=Value(index - 1)) for index, start in enumerate(months[1:], 1)),
        default=Value(len(months) - 1),
        output_field=IntegerField(),
    )
    grouped: dict[dt.date, dict[str, int]] = {}
    for row in (
        events.annotate(index=month_of)
        .values("index", "action")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        month = months[row["index"]].date()
        grouped.setdefault(month, {})[row["action"]] = row["count"]
    labels = COUNT_LABELS
    return [
        AuditMonth(
            month=month,
            counts=[
                (labels.get(action, action), count) for action, count in sorted(counts.items())
            ],
            total=sum(counts.values()),
        )
        for month, counts in sorted(grouped.items(), reverse=True)
    ]


def _months_between(first: dt.datetime, last: dt.datetime) -> list[dt.datetime]:
    """The first instant of each month of the current timezone from `first`'s to `last`'s."""
    zone = timezone.get_current_timezone()
    day = first.astimezone(zone).date().replace(day=1)
    end = last.astimezone(zone).date()
    months = []
    while day <= end:
        months.append(dt.datetime.combine(day, dt.time.min, tzinfo=zone))
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


# The people page -------------------------------------------------------------------

ROSTER_EXAMPLE = (
    "email,name,level,manager_email,timezone,remote\n"
    "dana@example.com,Dana Director,,,Europe/Paris,no\n"
    "maya@example.com,Maya Manager,senior,dana@example.com,Europe/Paris,no\n"
    "rui@example.com,Rui Report,junior,maya@example.com,America/New_York,yes\n"
)
ROSTER_ORDERS = ("team", "name")


# A person's state on the roster: active, invited (active, yet to choose a password), or
# deactivated.
ACTIVE, INVITED, INACTIVE = "active", "invited", "inactive"


@dataclass(slots=True)
class RosterPerson:
    """One person as the people page lists them; `report_count` as `PeoplePage` says."""

    pk: int
    name: str
    email: str
    level: str
    manager_id: int | None
    manager_name: str | None
    timezone: str
    remote: bool
    is_org_admin: bool
    state: str
    report_count: int | None = None

    @property
    def is_active(self) -> bool:
        return self.state != INACTIVE

    @property
    def invited(self) -> bool:
        return self.state == INVITED


@dataclass(frozen=True)
class Team:
    """The people who report to one manager (or to nobody), for the grouped roster."""

    manager_id: int | None
    manager_name: str | None
    people: list[RosterPerson]


@dataclass(frozen=True)
class RosterCounts:
    people: int
    managers: int
    invited: int
    inactive: int


@dataclass(frozen=True)
class PeoplePage:
    """One page of the roster the viewer may read, by team or by name, matching `query`;
    each person's `report_count` is set where the viewer sees all of their reports (None
    otherwise). `counts` are the whole roster's, whatever the page or the search."""

    roster: list[RosterPerson]
    teams: list[Team]
    order: str
    query: str
    page: int
    pages: int
    matches: int
    visible_ids: set[int]
    counts: RosterCounts
    is_admin: bool
    roster_example: str
    link_lifetime: str


# Rows per page of the People page: a few screens, a few tens of kilobytes at any size.
PEOPLE_PER_PAGE = 50


def people_page(
    viewer: Person, *, order: str = "team", query: str = "", page: object = 1
) -> PeoplePage:
    """The people page; `order` is "team" (the org chart, top down) or "name"; `query`
    keeps the people whose name or email holds it; `page` counts from 1.

    Someone who reads the whole organisation, without a search, gets a range of the places
    on the roster that the services keep (`roster_positions_refresh`); a search, or a
    smaller roster, is put in order from slim rows of the people it holds. Either way only
    the page's people are read whole, and the counts are counted by the database."""
    order = order if order in ROSTER_ORDERS else "team"
    query = search_text(query)
    whole = access.sees_whole_roster(viewer)
    scope = access.roster_scope(viewer)
    found = compiled.rows(_roster_counts, *scope, whole_roster=whole)
    people, inactive, invited, managers = found[0] if found else (0, 0, 0, 0)
    total = people + inactive
    if whole and not query:
        matches = total
        number = _page_in(page, matches)
        start = (number - 1) * PEOPLE_PER_PAGE
        end = start + PEOPLE_PER_PAGE
        details = compiled.rows(_people_at, *scope, start, end, whole_roster=whole, order=order)
    else:
        rows: list[Row] = compiled.rows(_roster_rows, *scope, whole_roster=whole)
        if query:
            rows = list(_roster_rows(*scope, whole_roster=whole).filter(_matching(query)))
        if order == "team":
            rows = [row for _, members in team_order(rows) for row in members]
        matches = len(rows)
        number = _page_in(page, matches)
        shown = [row[0] for row in rows[(number - 1) * PEOPLE_PER_PAGE :][:PEOPLE_PER_PAGE]]
        listed = compiled.rows(_people_shown, *scope, shown, whole_roster=whole) if shown else []
        by_pk = {person[0]: person for person in listed}
        details = [by_pk[pk] for pk in shown]
    roster = [
        RosterPerson(
            *person[:STATE_COLUMN],
            state=person[STATE_COLUMN],
            report_count=(
                person[STATE_COLUMN + 1]
                if access.counts_reports_of(viewer, person[0], whole_roster=whole)
                else None
            ),
        )
        for person in details
    ]
    return PeoplePage(
        roster=roster,
        teams=_teams(roster) if order == "team" else [],
        order=order,
        query=query,
        page=number,
        pages=_pages(matches),
        matches=matches,
        visible_ids={person[4] for person in details if person[-1]} | {p.pk for p in roster},
        counts=RosterCounts(people=people, managers=managers, invited=invited, inactive=inactive),
        is_admin=viewer.is_org_admin,
        roster_example=ROSTER_EXAMPLE,
        link_lifetime=link_lifetime(),
    )


def _pages(matches: int) -> int:
    return max(1, -(-matches // PEOPLE_PER_PAGE))


def _page_in(page: object, matches: int) -> int:
    """The page number asked, within the pages there are."""
    return min(max(page_number(page), 1), _pages(matches))


def search_text(query: str) -> str:
    """What a search box's text looks for: its words one space apart (a doubled space or a
    tab typed between a first and a last name still finds the name), at most 200 characters."""
    return " ".join(query.split())[:200]


def _matching(query: str) -> Q:
    return Q(name__icontains=query) | Q(email__icontains=query)


# A person's id, their manager's id and name: what a searched (or small) roster is put in
# order from, in `ROSTER_ORDER`.
Row = tuple[int, int | None, str | None]


def _roster_rows(
    organisation: int, person: int, manager: int | None, *, whole_roster: bool
) -> QuerySet[Person]:
    return (
        access.people_visible_from(organisation, person, manager, whole_roster=whole_roster)
        .order_by(*ROSTER_ORDER)
        .values_list("pk", "manager_id", "manager__name")
    )


def _roster_counts(
    organisation: int, person: int, manager: int | None, *, whole_roster: bool
) -> QuerySet:
    """How many active people the viewer reads, how many deactivated, how many of the
    active are yet to choose a password, and how many of the active manage active people
    (as far as `access.managers_counted_by` lets the viewer know; one row)."""
    if whole_roster:
        # The whole organisation, everyone's reports counted (`access.reports_counted_by`):
        # its counts as the services keep them, rather than a look at everyone.
        return Organisation.objects.filter(pk=organisation).values_list(
            "roster_people", "roster_inactive", "roster_invited", "roster_managers"
        )
    visible = access.people_visible_from(organisation, person, manager, whole_roster=whole_roster)
    counted = access.managers_counted_by(person, manager, whole_roster=whole_roster)
    managing = Q(is_active=True) & Q(Exists(_active_reports())) & counted
    return (
        visible.order_by()
        .values("organisation")
        .annotate(
            people=Count("pk", filter=Q(is_active=True)),
            inactive=Count("pk", filter=Q(is_active=False)),
            invited=Count(
                "pk", filter=Q(is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX)
            ),
            managers=Count("pk", filter=managing),
        )
        .values_list("people", "inactive", "invited", "managers")
    )


def _active_reports() -> QuerySet[Person]:
    """The active people who report to the person of the outer query."""
    return Person.objects.filter(manager=OuterRef("pk"), is_active=True)


# Where a row of `_listed` holds the person's state; their active reports and whether their
# manager is on the viewer's roster follow it.
STATE_COLUMN = 9


def _listed(
    people: QuerySet[Person], organisation: int, person: int, manager: int | None, whole: bool
) -> QuerySet[Person]:
    """The columns the page shows of `people`, read as they come (the state a text, not two
    flags that would each be converted, row by row)."""
    state = Case(
        When(is_active=False, then=Value(INACTIVE)),
        When(password__startswith=UNUSABLE_PASSWORD_PREFIX, then=Value(INVITED)),
        default=Value(ACTIVE),
        output_field=CharField(),
    )
    reports = (
        _active_reports().order_by().values("manager").annotate(count=Count("pk")).values("count")
    )
    visible = access.people_visible_from(organisation, person, manager, whole_roster=whole)
    return people.values_list(
        "pk",
        "name",
        "email",
        "level",
        "manager_id",
        "manager__name",
        "timezone",
        "remote",
        "is_org_admin",
        state,
        Coalesce(Subquery(reports), 0),
        Exists(visible.filter(pk=OuterRef("manager_id"))),
    )


def _people_shown(
    organisation: int, person: int, manager: int | None, ids: list[int], *, whole_roster: bool
) -> QuerySet[Person]:
    visible = access.people_visible_from(organisation, person, manager, whole_roster=whole_roster)
    shown = visible.filter(pk__in=ids).order_by()
    return _listed(shown, organisation, person, manager, whole_roster)


def _people_at(
    organisation: int,
    person: int,
    manager: int | None,
    start: int,
    end: int,
    *,
    whole_roster: bool,
    order: str,
) -> QuerySet[Person]:
    """The people at places `start` to `end` (excluded) of the kept order, by team or A-Z."""
    place = "roster_position" if order == "team" else "name_position"
    visible = access.people_visible_from(organisation, person, manager, whole_roster=whole_roster)
    shown = visible.filter(**{f"{place}__gte": start, f"{place}__lt": end}).order_by(place)
    return _listed(shown, organisation, person, manager, whole_roster)


def page_number(value: object) -> int:
    """A page number as asked in a query string; 1 for anything but a whole number."""
    try:
        return int(str(value))
    except ValueError:
        return 1


def _teams(roster: list[RosterPerson]) -> list[Team]:
    """A page of the roster in team order, cut into its teams (a team a page break cuts
    shows its heading again on the next page)."""
    teams: list[Team] = []
    for person in roster:
        if teams and teams[-1].manager_id == person.manager_id:
            teams[-1].people.append(person)
        else:
            teams.append(Team(person.manager_id, person.manager_name, [person]))
    return teams


def manager_choices(viewer: Person, *, person: Person | None = None) -> QuerySet[Person]:
    """Who can be chosen as a manager (of `person`, if given): active people of the roster."""
    candidates = access.people_visible_to(viewer).filter(is_active=True)
    if person is None:
        return candidates.order_by("name")
    # A deactivated current manager stays selectable so an edit does not silently drop them.
    return (
        access.people_visible_to(viewer)
        .filter(Q(is_active=True) | Q(pk=person.manager_id))
        .exclude(pk=person.pk)
        .order_by("name")
    )


# How many managers the manager box suggests at once: the first ones A to Z, then those
# matching what is typed (`manager_suggestions`), never the whole roster's.
MANAGER_SUGGESTIONS = 20


def manager_suggestions(viewer: Person, *, query: str = "") -> list[tuple[str, str]]:
    """(email, name) of the active people who manage someone now, A to Z, whose name or
    email holds `query`: what the manager box suggests (anyone else of the roster may still
    be typed in), `MANAGER_SUGGESTIONS` at most."""
    whole = access.sees_whole_roster(viewer)
    scope = access.roster_scope(viewer)
    most = MANAGER_SUGGESTIONS
    query = search_text(query)
    if query:
        return list(
            _managing(*scope, whole_roster=whole, most=None).filter(_matching(query))[:most]
        )
    return compiled.rows(_managing, *scope, whole_roster=whole, most=most)


def _managing(
    organisation: int, person: int, manager: int | None, *, whole_roster: bool, most: int | None
) -> QuerySet[Person]:
    visible = access.people_visible_from(organisation, person, manager, whole_roster=whole_roster)
    managing = visible.filter(Exists(_active_reports()), is_active=True)
    # The active A to Z by their kept place: the index is walked until enough are found.
    ordered = managing.order_by("name_position").values_list("email", "name")
    return ordered if most is None else ordered[:most]


def set_password_links(
    people: Sequence[Person], *, now: dt.datetime | None = None
) -> list[tuple[Person, str]]:
    """Each new person beside their set-password link (dated `now`), for the admin to pass on."""
    return [(person, set_password_url(person, now=now)) for person in people]


@dataclass(frozen=True)
class RosterOutcome:
    """What an import did, shown once on the people page after it (post/redirect/get)."""

    created: list[Person]
    updated: list[Person]
    unchanged: int


def roster_outcome(
    viewer: Person, *, created: Sequence[int], updated: Sequence[int], unchanged: int
) -> RosterOutcome:
    """The people an import created and updated (by id), as the viewer may read them now."""
    found = access.people_visible_to(viewer).in_bulk([*created, *updated])
    return RosterOutcome(
        created=[found[pk] for pk in created if pk in found],
        updated=[found[pk] for pk in updated if pk in found],
        unchanged=unchanged,
    )
