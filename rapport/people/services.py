"""Every write to organisations and people: set-up, invitations, reporting lines, days away,
roster import."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import secrets
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models.functions import Lower
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse

# As `clock`: `timezone` here is a person's timezone name, a parameter of several services.
from django.utils import timezone as clock
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from rapport import access
from rapport.errors import Refused
from rapport.framework.ahead import too_far_refusal
from rapport.framework.levels import LEVEL_LABELS, LEVELS
from rapport.people.audit import Action, audit_record
from rapport.people.models import (
    Absence,
    Confirmation,
    Organisation,
    Person,
    ResetRequest,
    Session,
)

T = TypeVar("T")

ROSTER_COLUMNS = ("email", "name", "level", "manager_email", "timezone", "remote")
HEADER_LINE = ",".join(ROSTER_COLUMNS)
ROSTER_MAX_CHARS = 1_000_000
TRUE_WORDS = {"1", "true", "yes", "y", "remote"}
FALSE_WORDS = {"", "0", "false", "no", "n", "co-located", "colocated", "onsite", "office"}
NAME_MAX = 200
EMAIL_MAX = 254
# Zone names the zoneinfo database knows but that are not places.
NOT_PLACES = {"Factory", "localtime"}


class RosterErrors(Refused):
    """Every bad line of a roster file as (line number, reason); nothing was written."""

    def __init__(self, errors: list[tuple[int, str]]) -> None:
        super().__init__("\n".join(f"line {line}: {reason}" for line, reason in errors))
        self.errors = errors


@dataclass
class RosterResult:
    """What a roster import did: the people it created and updated, and how many it left."""

    created: list[Person]
    updated: list[Person]
    unchanged: int
    # Whose manager the import changed: their 1:1s follow (meetings' `roster_apply`).
    moved: list[Person] = field(default_factory=list)
    organisation: Organisation | None = None


# Checking input ----------------------------------------------------------------


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_email(email: str) -> str:
    email = normalise_email(email)
    if not email:
        raise Refused("the email is empty")
    try:
        validate_email(email)
    except ValidationError:
        raise Refused(f"“{email}” is not an email address") from None
    if len(email) > EMAIL_MAX:
        raise Refused(f"an email address has at most {EMAIL_MAX} characters")
    return email


def check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise Refused("the name is empty")
    if len(name) > NAME_MAX:
        raise Refused(f"a name has at most {NAME_MAX} characters")
    return name


LEVEL_WORDS = {level: level for level in LEVELS} | {
    label.lower(): level for level, label in LEVEL_LABELS.items()
}


def check_level(level: str) -> str:
    """A known level (its key or its label, any case), or empty for people without one."""
    word = level.strip().lower()
    if not word:
        return ""
    if word not in LEVEL_WORDS:
        raise Refused(f"unknown level “{level.strip()}” (use {', '.join(LEVELS)} or nothing)")
    return LEVEL_WORDS[word]


@functools.cache
def timezone_names() -> dict[str, str]:
    """Every timezone name Rapport accepts, keyed by its lower-case spelling."""
    names = zoneinfo.available_timezones() - NOT_PLACES
    return {name.lower(): name for name in names}


def timezone_choices() -> list[str]:
    """The place-named timezones, sorted, UTC first: what a timezone select offers."""
    places = sorted(name for name in timezone_names().values() if "/" in name)
    return ["UTC", *places]


def check_timezone(name: str) -> str:
    """A timezone name in its canonical spelling; empty means UTC."""
    name = name.strip() or "UTC"
    known = timezone_names().get(name.lower())
    if known is None:
        raise Refused(f"unknown timezone “{name}” (use a name like Europe/Paris)")
    return known


def check_remote(value: str) -> bool:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise Refused(f"remote must be yes or no, not “{value.strip()}”")


# Set-password links --------------------------------------------------------------


def link_lifetime() -> str:
    """How long a set-password or reset link works, in words ("72 hours")."""
    hours = max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)
    return f"{hours} hour{'s' if hours != 1 else ''}"


class _TokensAt(PasswordResetTokenGenerator):
    """Django's link tokens, dated at a given moment instead of the clock."""

    def __init__(self, moment: dt.datetime) -> None:
        super().__init__()
        self.moment = moment

    def _now(self) -> dt.datetime:
        # Django counts a token's age in naive local time.
        return clock.make_naive(self.moment, dt.datetime.now().astimezone().tzinfo)


def set_password_path(person: Person, *, now: dt.datetime | None = None) -> str:
    """The one-time link where an invited person chooses a password (dated `now`)."""
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    tokens = default_token_generator if now is None else _TokensAt(now)
    token = tokens.make_token(person)
    return reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


def set_password_url(person: Person, *, now: dt.datetime | None = None) -> str:
    """The set-password link in full, to show or to mail."""
    return settings.SITE_URL + set_password_path(person, now=now)


def _invite_mail(
    person: Person, *, invited_by: Person | None, now: dt.datetime | None = None
) -> None:
    """Mail the set-password link once the transaction commits, when SMTP is configured."""
    if not settings.EMAIL_ENABLED:
        return
    context = {
        "person": person,
        "invited_by": invited_by,
        "organisation": person.organisation,
        "link": set_password_url(person, now=now),
        "lifetime": link_lifetime(),
    }
    _mail_on_commit(person, "notifications/email/invite", context)


def _mail_on_commit(person: Person, template: str, context: dict[str, object]) -> None:
    subject = render_to_string(f"{template}_subject.txt", context).strip()
    body = render_to_string(f"{template}.txt", context)

    def send() -> None:
        send_mail(subject, body, None, [person.email])

    # robust: a mail server that is down must not turn a saved invitation into an error page;
    # the link is on the admin's screen anyway.
    transaction.on_commit(send, robust=True)


@transaction.atomic
def person_password_chosen(
    *, person: Person, keep: str | None = None, now: dt.datetime | None = None
) -> int:
    """After a set-password or reset link was used: end the person's other sessions.

    `keep` is the session that used the link (not the person's: it stays anonymous).
    Returns how many sessions ended. Their sign-in lockout (if any) is lifted too: choosing
    a password through a link sent to them proves who they are.
    """
    from axes.utils import reset as axes_reset

    roster_lock(person.organisation_id)
    # Every session is saved naming the person signed in to it (rapport/web/sessions.py).
    ended, _ = (
        Session.objects.filter(person=person, expire_date__gt=now or clock.now())
        .exclude(pk=keep)
        .delete()
    )
    axes_reset(username=person.email.lower())
    roster_positions_refresh(person.organisation_id)  # no longer counted as invited
    return ended


RESETS_PER_ACCOUNT = 3
RESETS_PER_ADDRESS = 10
RESET_WINDOW = dt.timedelta(hours=1)


@transaction.atomic
def password_reset_allowed(*, email: str, address: str, now: dt.datetime | None = None) -> bool:
    """Record a reset request; False when this email or network address asked too often.

    Counted by the email as typed, whether or not an account uses it, so that the limit
    answers the same for every address and reveals nothing.
    """
    now = now or clock.now()
    email = normalise_email(email)[:254]
    ResetRequest.objects.filter(created_at__lt=now - dt.timedelta(days=1)).delete()
    recent = ResetRequest.objects.filter(created_at__gte=now - RESET_WINDOW)
    if (
        recent.filter(email=email).count() >= RESETS_PER_ACCOUNT
        or recent.filter(address=address).count() >= RESETS_PER_ADDRESS
    ):
        return False
    ResetRequest.objects.create(email=email, address=address[:45], created_at=now)
    return True


def password_check(*, password: str, person: Person) -> None:
    """Apply the password rules (length, common, numeric, like the name or email)."""
    try:
        validate_password(password, person)
    except ValidationError as error:
        raise Refused(" ".join(error.messages)) from None


# First start ---------------------------------------------------------------------


@transaction.atomic
def organisation_create(*, name: str, now: dt.datetime | None = None) -> Organisation:
    """A new, empty organisation (for a roster imported from the command line)."""
    name = " ".join(name.split())
    if not name:
        raise Refused("Give the organisation a name.")
    if Organisation.objects.filter(name__iexact=name).exists():
        raise Refused(f"an organisation named “{name}” exists: use --org instead")
    return Organisation.objects.create(name=name[:200], created_at=now or clock.now())


@transaction.atomic
def organisation_setup(
    *,
    organisation_name: str,
    name: str,
    email: str,
    password: str,
    is_demo: bool = False,
    now: dt.datetime | None = None,
) -> Person:
    """Create the organisation and its first org admin; only while nobody exists.

    `is_demo` marks Rapport's own demo organisation, which never mixes with real data.
    """
    if Person.objects.exists():
        raise Refused("Rapport is already set up: sign in instead.")
    if not organisation_name.strip() or not name.strip():
        raise Refused("Give the organisation's name and yours.")
    email = check_email(email)
    now = now or clock.now()
    organisation = Organisation.objects.create(
        name=organisation_name.strip(), created_at=now, is_demo=is_demo
    )
    person = Person(
        organisation=organisation,
        email=email,
        name=check_name(name),
        is_org_admin=True,
        date_joined=now,
    )
    password_check(password=password, person=person)
    person.set_password(password)
    person.save()
    roster_positions_refresh(organisation.pk)
    return person


@transaction.atomic
def demo_password_share(
    *, organisation: Organisation, like: Person, now: dt.datetime | None = None
) -> int:
    """Give everyone in the demo organisation the password `like` has; returns how many.

    `like` is the demo's first person, set up with the demo password: its hash is copied,
    since hashing is deliberately slow and it is the same password for all. Refused for
    any organisation but the demo: real people choose their own.
    """
    if not organisation.is_demo:
        raise Refused("Only the demo organisation shares one password.")
    if like.organisation_id != organisation.pk or not like.has_usable_password():
        raise Refused("The shared password comes from someone in the demo with a password.")
    roster_lock(organisation.pk)
    shared = Person.objects.filter(organisation=organisation).update(password=like.password)
    roster_positions_refresh(organisation.pk)
    return shared


# The roster's order ------------------------------------------------------------------


def team_order(rows: Sequence[Sequence[Any]]) -> list[tuple[int | None, list[Any]]]:
    """Rows (a person's id, their manager's id and name first) grouped by manager, teams in
    org-chart order (top down); each team's rows in the order given."""
    by_manager: dict[int | None, list[Any]] = defaultdict(list)
    for row in rows:
        by_manager[row[1]].append(row)
    listed = {row[0] for row in rows}
    # Teams whose manager is not listed (hidden, filtered out, or nobody) start the chart.
    tops = [key for key in by_manager if key is None or key not in listed]
    tops.sort(key=lambda key: "" if key is None else (by_manager[key][0][2] or "").lower())
    # Any team the walk cannot reach (only a reporting cycle made outside Rapport could do
    # that) still shows, last.
    rest = [key for key in by_manager if key not in tops]
    teams, stack, placed = [], [*reversed(rest), *reversed(tops)], set()
    while stack:
        key = stack.pop()
        if key in placed:
            continue
        placed.add(key)
        members = by_manager[key]
        teams.append((key, members))
        # Depth first: each manager's own team follows the team they are in.
        stack.extend(reversed([row[0] for row in members if row[0] in by_manager]))
    return teams


# The order within a team and A to Z: the active first, then by name.
ROSTER_ORDER = ("-is_active", "name", "pk")


def roster_lock(organisation_id: int, *, model: Any = Organisation) -> None:
    """Hold the organisation's row until the transaction ends. The services that change its
    roster take it first, so they take turns: each `roster_positions_refresh` then sees the
    people the others added, and none waits for a person's row another holds."""
    list(model._default_manager.select_for_update().filter(pk=organisation_id).values("pk"))


def roster_positions_refresh(organisation_id: int, *, model: Any = Person) -> int:
    """Set everyone's `roster_position` (by team) and `name_position` (A to Z) in the
    organisation from its people as they are now, and the organisation's counts of them
    (`roster_people`...); returns how many people's places changed.

    Every service that adds someone, renames them, moves them, (de)activates them or sees
    them choose a password calls it in its transaction; `model` is a migration's Person."""
    organisation = model._meta.get_field("organisation").related_model
    roster_lock(organisation_id, model=organisation)
    people = model._default_manager
    rows = list(
        people.filter(organisation_id=organisation_id)
        .order_by(*ROSTER_ORDER)
        .values_list(
            "pk",
            "manager_id",
            "manager__name",
            "roster_position",
            "name_position",
            "is_active",
            "password",
        )
    )
    by_team = [row for _, members in team_order(rows) for row in members]
    team_place = {row[0]: place for place, row in enumerate(by_team)}
    changed = [
        (team_place[row[0]], place, row[0])
        for place, row in enumerate(rows)
        if (row[3], row[4]) != (team_place[row[0]], place)
    ]
    _columns_update(model, ["roster_position", "name_position"], changed)
    active = [row for row in rows if row[5]]
    active_ids = {row[0] for row in active}
    counts = {
        "roster_people": len(active),
        "roster_invited": sum(1 for row in active if row[6].startswith(UNUSABLE_PASSWORD_PREFIX)),
        "roster_inactive": len(rows) - len(active),
        "roster_managers": len({row[1] for row in active if row[1] in active_ids}),
    }
    organisation._default_manager.filter(pk=organisation_id).update(**counts)
    return len(changed)


def _columns_update(model: Any, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Set these columns of many rows, each row its values then its id: one statement run
    for every row (`bulk_update` would build a CASE over every id, slower than the rows)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET "
        f"{', '.join(f'{quote(column)} = %s' for column in columns)} WHERE id = %s"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


# People ----------------------------------------------------------------------------


def _check_manager(person: Person | None, manager: Person | None, organisation_id: int) -> None:
    if manager is None:
        return
    if manager.organisation_id != organisation_id:
        raise Refused("The manager must belong to the same organisation.")
    if not manager.is_active:
        raise Refused(f"{manager.name} is deactivated and cannot manage anyone.")
    if person is None:
        return
    if manager.pk == person.pk:
        raise Refused("Nobody can be their own manager.")
    chain = manager
    while chain is not None:
        if chain.pk == person.pk:
            raise Refused(
                f"{manager.name} reports (directly or not) to {person.name}: "
                "that would be a reporting cycle."
            )
        chain = chain.manager


@transaction.atomic
def person_invite(
    *,
    actor: Person,
    email: str,
    name: str,
    level: str = "",
    manager: Person | None = None,
    timezone: str = "UTC",
    remote: bool = False,
    is_org_admin: bool = False,
    now: dt.datetime | None = None,
) -> Person:
    """Add a person with no password yet; they choose one through their set-password link.

    The person record only: interfaces call `rapport.meetings.services.report_invite`,
    which also starts their 1:1 with the manager.
    """
    access.check_org_admin(actor)
    roster_lock(actor.organisation_id)
    email = check_email(email)
    if existing := Person.objects.filter(email__iexact=email).first():
        if not existing.is_active and existing.organisation_id == actor.organisation_id:
            # One address, one account: a new account for the same person needs another.
            raise Refused(
                f"{email} belongs to {existing.name}'s deactivated account: invite them anew "
                "with another address, or reactivate that account."
            )
        raise Refused(f"{email} already has an account.")
    _check_manager(None, manager, actor.organisation_id)
    person = Person(
        organisation_id=actor.organisation_id,
        email=email,
        name=check_name(name),
        level=check_level(level),
        manager=manager,
        timezone=check_timezone(timezone),
        remote=remote,
        is_org_admin=is_org_admin,
        date_joined=now or clock.now(),
    )
    person.set_unusable_password()
    person.save()
    roster_positions_refresh(person.organisation_id)
    _invite_mail(person, invited_by=actor, now=now)
    return person


def _check_admin_of(actor: Person, person: Person) -> None:
    """The actor is an org admin of the person's organisation; Refused otherwise."""
    access.check_org_admin(actor)
    if person.organisation_id != actor.organisation_id:
        raise Refused("You can manage only your own organisation.")


def _check_can_link(actor: Person, person: Person) -> None:
    _check_admin_of(actor, person)
    if not person.is_active:
        raise Refused(f"{person.name} is deactivated: reactivate them first.")


def person_invite_link(
    *, actor: Person, person: Person, mail: bool = True, now: dt.datetime | None = None
) -> str:
    """A fresh set-password link for someone who has no password yet (mailed too if SMTP is on).

    Never for someone who has a password: whoever held the link could sign in as them and
    read their private notes.
    """
    _check_can_link(actor, person)
    if person.has_usable_password():
        if settings.EMAIL_ENABLED:
            raise Refused(
                f"{person.name} has a password, so no set-password link is shown for them: "
                "whoever held it could sign in as them. Send them a reset by mail instead; "
                "only they can use it."
            )
        raise Refused(
            f"{person.name} has a password, so no set-password link is shown for them: "
            "whoever held it could sign in as them. Mail is off here, so a reset cannot reach "
            "only them. If they cannot sign in, deactivate this account and invite them anew "
            "with another address (their history stays with this account)."
        )
    if mail:
        with transaction.atomic():
            _invite_mail(person, invited_by=actor, now=now)
    return set_password_url(person, now=now)


def person_reset_send(*, actor: Person, person: Person, now: dt.datetime | None = None) -> None:
    """Mail someone a link to choose a new password; only they see it (needs mail)."""
    _check_can_link(actor, person)
    if not settings.EMAIL_ENABLED:
        raise Refused("Mail is off here, so no reset can be sent.")
    context = {
        "person": person,
        "sent_by": actor,
        "link": set_password_url(person, now=now),
        "lifetime": link_lifetime(),
    }
    with transaction.atomic():
        _mail_on_commit(person, "notifications/email/admin_reset", context)
        audit_record(actor=actor, subject=person, action=Action.RESET_SEND, target=person, now=now)


@transaction.atomic
def person_update(
    *,
    actor: Person,
    person: Person,
    name: str,
    level: str,
    manager: Person | None,
    timezone: str,
    remote: bool,
    is_org_admin: bool,
    now: dt.datetime | None = None,
) -> Person:
    """Change someone's level, reporting line or details (the person record only).

    Interfaces call `rapport.meetings.services.report_update`, which makes their 1:1s follow.
    """
    _check_admin_of(actor, person)
    roster_lock(person.organisation_id)
    if person.pk == actor.pk and not is_org_admin:
        raise Refused("You cannot remove your own admin role; ask another admin.")
    new_manager_id = manager.pk if manager is not None else None
    if new_manager_id != person.manager_id:
        _check_manager(person, manager, person.organisation_id)
    # Check everything before changing anything, so a refusal leaves the object as it was.
    name, level, timezone = check_name(name), check_level(level), check_timezone(timezone)
    person.name = name
    person.level = level
    person.manager = manager
    person.timezone = timezone
    person.remote = remote
    person.is_org_admin = is_org_admin
    person.save(update_fields=["name", "level", "manager", "timezone", "remote", "is_org_admin"])
    roster_positions_refresh(person.organisation_id)
    return person


@transaction.atomic
def person_deactivate(*, actor: Person, person: Person, now: dt.datetime | None = None) -> Person:
    """Stop someone signing in; their history stays (`report_deactivate` ends their 1:1)."""
    _check_admin_of(actor, person)
    roster_lock(person.organisation_id)
    if person.pk == actor.pk:
        raise Refused("You cannot deactivate yourself; ask another admin.")
    if not person.is_active:
        raise Refused(f"{person.name} is already deactivated.")
    if person.reports.filter(is_active=True).exists():
        raise Refused(f"{person.name} still manages people: give them a new manager first.")
    person.is_active = False
    person.save(update_fields=["is_active"])
    roster_positions_refresh(person.organisation_id)
    audit_record(actor=actor, subject=person, action=Action.DEACTIVATE, target=person, now=now)
    return person


@transaction.atomic
def person_reactivate(*, actor: Person, person: Person, now: dt.datetime | None = None) -> Person:
    """Let a deactivated person sign in again (`report_reactivate` resumes their 1:1)."""
    _check_admin_of(actor, person)
    roster_lock(person.organisation_id)
    if person.is_active:
        raise Refused(f"{person.name} is already active.")
    person.is_active = True
    person.save(update_fields=["is_active"])
    roster_positions_refresh(person.organisation_id)
    audit_record(actor=actor, subject=person, action=Action.REACTIVATE, target=person, now=now)
    return person


# Days away -------------------------------------------------------------------------

ABSENCE_MAX_DAYS = 366


@transaction.atomic
def absence_add(
    *,
    actor: Person,
    starts_on: dt.date,
    ends_on: dt.date,
    note: str = "",
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Absence:
    """Mark days away for oneself; the 1:1s on them get flagged to move."""
    now = now or clock.now()
    today = today or clock.localdate(now, zoneinfo.ZoneInfo(actor.timezone))
    note = " ".join(note.split())
    if ends_on < starts_on:
        raise Refused("The last day away comes on or after the first.")
    if ends_on < today:
        raise Refused("Those days are already past: mark days still to come.")
    if (ends_on - starts_on).days + 1 > ABSENCE_MAX_DAYS:
        raise Refused("Mark at most a year at a time.")
    if refusal := too_far_refusal(ends_on, today, what="The last day away"):
        raise Refused(refusal)
    if len(note) > 200:
        raise Refused("The note is limited to 200 characters.")
    # The person's row is held so two submissions of the same days take turns.
    list(Person.objects.select_for_update().filter(pk=actor.pk).values("pk"))
    overlapping = (
        Absence.objects.filter(person=actor, starts_on__lte=ends_on, ends_on__gte=starts_on)
        .order_by("starts_on")
        .first()
    )
    if overlapping is not None:
        raise Refused(
            f"Those days overlap days away already marked ({_days(overlapping)}): remove "
            "those first, or mark only the days not yet marked."
        )
    return Absence.objects.create(
        person=actor, starts_on=starts_on, ends_on=ends_on, note=note, created_at=now
    )


def _days(absence: Absence) -> str:
    first, last = absence.starts_on, absence.ends_on
    if first == last:
        return f"{first:%d %B %Y}"
    return f"{first:%d %B} to {last:%d %B %Y}"


@transaction.atomic
def absence_remove(*, actor: Person, absence: Absence, now: dt.datetime | None = None) -> None:
    """Remove one of one's own days-away entries."""
    if absence.person_id != actor.pk:
        raise Http404(access.NOT_FOUND)
    absence.delete()


# Roster import ---------------------------------------------------------------------


@dataclass
class RosterRow:
    line: int
    email: str
    name: str
    level: str
    manager_email: str
    timezone: str
    remote: bool


MISSING = object()  # what csv gives for the columns a short line lacks


def roster_parse(text: str) -> list[RosterRow]:
    """Read a roster CSV, reporting every bad line at once."""
    parsed = _roster_read(text)
    if parsed.errors:
        raise RosterErrors(parsed.errors)
    return parsed.rows


@dataclass
class RosterFile:
    rows: list[RosterRow]  # the well-formed lines
    errors: list[tuple[int, str]]
    flawed: list[RosterRow]  # lines with a bad value, still checked for their manager
    emails: set[str]  # every readable email, bad lines included: they are in the file


def _roster_read(text: str) -> RosterFile:
    if len(text) > ROSTER_MAX_CHARS:
        return RosterFile([], [(1, "the file is too large (at most 1 MB)")], [], set())
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return RosterFile(
            [], [(line, "contains a NUL character, which cannot be stored")], [], set()
        )
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=None), restval=MISSING)
    try:
        header = [(column or "").strip().lower() for column in reader.fieldnames or []]
    except csv.Error as error:
        return RosterFile([], [(1, f"unreadable header: {error}")], [], set())
    missing = [column for column in ROSTER_COLUMNS if column not in header]
    if not header:
        missing_text = f"the file is empty: its first line names the columns {HEADER_LINE}"
        return RosterFile([], [(1, missing_text)], [], set())
    if missing:
        return RosterFile([], [(1, f"missing column {', '.join(missing)}")], [], set())
    reader.fieldnames = header
    parsed, seen = RosterFile([], [], [], set()), {}
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            parsed.errors.append((reader.line_num, f"unreadable line: {error}"))
            break
        line = reader.line_num
        row, email, reasons = _roster_row(line, record)
        if email in seen:
            reasons.append(f"duplicate email {email} (also on line {seen[email]})")
        elif email:
            seen[email] = line
        parsed.errors += [(line, reason) for reason in reasons]
        if row is not None:
            (parsed.flawed if reasons else parsed.rows).append(row)
    parsed.emails = set(seen)
    if not parsed.rows and not parsed.errors:
        parsed.errors.append((1, "the file has no people"))
    return parsed


def _roster_row(
    line: int, record: dict[str | None, object]
) -> tuple[RosterRow | None, str, list[str]]:
    """One line as a row, its email if readable, and every reason it is wrong."""
    short = [column for column in ROSTER_COLUMNS if record.get(column) is MISSING]
    if short:
        return None, "", [f"missing column {', '.join(short)}"]
    if record.get(None):
        return None, "", ["more values than columns (quote values that contain commas)"]
    values = {key: str(value or "").strip() for key, value in record.items() if key}
    reasons: list[str] = []

    def checked(check: Callable[[str], T], column: str, fallback: T) -> T:
        try:
            return check(values[column])
        except Refused as error:
            reasons.append(str(error))
            return fallback

    row = RosterRow(
        line=line,
        email=checked(check_email, "email", ""),
        name=checked(check_name, "name", ""),
        level=checked(check_level, "level", ""),
        manager_email=normalise_email(values["manager_email"]),
        timezone=checked(check_timezone, "timezone", ""),
        remote=checked(check_remote, "remote", False),
    )
    return row, row.email, reasons


@transaction.atomic
def roster_import(
    *,
    actor: Person | None,
    text: str,
    organisation: Organisation | None = None,
    new_organisation: str = "",
    send_invites: bool = False,
    now: dt.datetime | None = None,
) -> RosterResult:
    """Create or update everyone in a roster CSV: all lines or nothing.

    `actor` None is the operator at the terminal. Instead of an `organisation`, the operator
    may name a `new_organisation`: it is created in the same transaction, so a refused file
    leaves no empty organisation behind.
    """
    if new_organisation:
        if actor is not None or organisation is not None:
            raise Refused("Only the operator creates an organisation, and only with no other.")
        organisation = organisation_create(name=new_organisation, now=now)
    if organisation is None:
        raise Refused("Choose the organisation to import into.")
    if actor is not None:
        access.check_org_admin(actor)
        if actor.organisation_id != organisation.pk:
            raise Refused("You can import only into your own organisation.")
    roster_lock(organisation.pk)
    parsed = _roster_read(text)
    rows = parsed.rows
    existing = {
        person.email.lower(): person
        for person in Person.objects.filter(organisation=organisation).select_related("manager")
    }
    others = set(
        Person.objects.exclude(organisation=organisation)
        .annotate(email_lower=Lower("email"))
        .filter(email_lower__in=[row.email for row in rows])
        .values_list("email_lower", flat=True)
    )
    by_email = {row.email: row for row in rows}
    errors = [
        (row.line, f"{row.email} already has an account in another organisation")
        for row in rows
        if row.email in others
    ]
    errors += _roster_manager_errors(rows + parsed.flawed, by_email, existing, parsed.emails)
    errors += parsed.errors
    if errors:
        raise RosterErrors(sorted(errors, key=lambda error: error[0]))
    result = _roster_write(rows, existing, organisation, now=now or clock.now())
    roster_positions_refresh(organisation.pk)
    result.organisation = organisation
    if send_invites:
        for person in result.created:
            _invite_mail(person, invited_by=actor, now=now)
    return result


def _roster_manager_of(
    email: str, by_email: dict[str, RosterRow], existing: dict[str, Person]
) -> str:
    """Who someone will report to after the import: the file wins over the database."""
    if email in by_email:
        return by_email[email].manager_email
    person = existing.get(email)
    return _manager_email(person) if person else ""


def _roster_manager_errors(
    rows: list[RosterRow],
    by_email: dict[str, RosterRow],
    existing: dict[str, Person],
    in_file: set[str],
) -> list[tuple[int, str]]:
    errors = []
    for row in rows:
        if not row.manager_email:
            continue
        manager = existing.get(row.manager_email)
        if row.manager_email == row.email:
            errors.append((row.line, "a person cannot be their own manager"))
        elif row.manager_email not in in_file and manager is None:
            errors.append((row.line, f"unknown manager {row.manager_email}"))
        elif manager is not None and not manager.is_active:
            errors.append((row.line, f"manager {row.manager_email} is deactivated"))
        elif _in_cycle(row, by_email, existing):
            errors.append((row.line, f"reporting cycle through {row.manager_email}"))
    return errors


def _in_cycle(row: RosterRow, by_email: dict[str, RosterRow], existing: dict[str, Person]) -> bool:
    """Whether following the managers up from this line's person leads back to them."""
    seen, chain = {row.email}, row.manager_email
    while chain:
        if chain == row.email:
            return True
        if chain in seen:
            return False  # a cycle above this person: its own lines report it
        seen.add(chain)
        chain = _roster_manager_of(chain, by_email, existing)
    return False


def _roster_write(
    rows: list[RosterRow],
    existing: dict[str, Person],
    organisation: Organisation,
    *,
    now: dt.datetime,
) -> RosterResult:
    created, updated, moved, unchanged = [], [], [], 0
    people = dict(existing)
    for row in rows:
        person = people.get(row.email)
        if person is None:
            person = Person(organisation=organisation, email=row.email, date_joined=now)
            person.set_unusable_password()
            created.append(person)
        elif _roster_same(person, row):
            unchanged += 1
            continue
        else:
            updated.append(person)
        person.name, person.level = row.name, row.level
        person.timezone, person.remote = row.timezone, row.remote
        people[row.email] = person
    # In the file's order, as one save after the other would: the new people's ids follow it.
    Person.objects.bulk_create(created)
    _columns_update(
        Person,
        ["name", "level", "timezone", "remote"],
        [(p.name, p.level, p.timezone, p.remote, p.pk) for p in updated],
    )
    # Managers are set once everyone exists, so a file may list reports before their manager.
    changed = {person.email for person in created + updated}
    for row in rows:
        person = people[row.email]
        if row.email not in changed:
            continue
        manager = people.get(row.manager_email) if row.manager_email else None
        if person.manager_id != (manager.pk if manager else None):
            person.manager = manager
            moved.append(person)
    _columns_update(Person, ["manager_id"], [(person.manager_id, person.pk) for person in moved])
    return RosterResult(created=created, updated=updated, unchanged=unchanged, moved=moved)


def _roster_same(person: Person, row: RosterRow) -> bool:
    return (person.name, person.level, person.timezone, person.remote) == (
        row.name,
        row.level,
        row.timezone,
        row.remote,
    ) and _manager_email(person) == row.manager_email


def _manager_email(person: Person) -> str:
    return person.manager.email.lower() if person.manager_id else ""


# First-start link -------------------------------------------------------------------

SETUP_SALT = "rapport.setup"


def setup_token() -> str:
    """A signed token for the one-time set-up link; it works only while nobody exists."""
    from django.core import signing

    return signing.dumps("first-admin", salt=SETUP_SALT)


def setup_token_valid(token: str) -> bool:
    from django.core import signing

    try:
        signing.loads(token, salt=SETUP_SALT, max_age=60 * 60 * 24 * 30)
    except signing.BadSignature:
        return False
    return not Person.objects.exists()


# Questions before an unusual write --------------------------------------------------

# How long a question waits for its yes, and a yes is remembered: as long as a session.
CONFIRMATION_KEPT = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)


@dataclass(frozen=True)
class Answer:
    """The yes to a question: given by this call (`first`), else where the first one led."""

    first: bool
    landed: str = ""


@transaction.atomic
def confirmation_ask(
    *, actor: Person, path: str, question: str, back: str, now: dt.datetime | None = None
) -> str:
    """The token of the yes to `question`, asked of `actor` at `path`: the same one while
    the same question waits for it, else a new one; `back` is where leaving it leads."""
    now = now or clock.now()
    Confirmation.objects.filter(asked_at__lt=now - CONFIRMATION_KEPT).delete()
    waiting = Confirmation.objects.filter(
        person=actor, path=path, question=question, answered_at=None
    )
    token = waiting.values_list("token", flat=True).first()
    if token is not None:
        waiting.filter(token=token).update(asked_at=now, landed=back)
        return token
    token = secrets.token_urlsafe(32)
    Confirmation.objects.create(
        person=actor, token=token, path=path, question=question, asked_at=now, landed=back
    )
    return token


def confirmation_answer(
    *, actor: Person, token: str, path: str, now: dt.datetime | None = None
) -> Answer | None:
    """The yes to the question `token` names, asked of `actor` at `path`, claimed: first, or
    given before. None: no such question (made up, someone else's, or long forgotten).

    Call it in the transaction of the write it confirms: a second claim waits for that
    transaction, and is first only if it was undone."""
    now = now or clock.now()
    asked = Confirmation.objects.filter(
        person=actor, token=token, path=path, asked_at__gte=now - CONFIRMATION_KEPT
    )
    if asked.filter(answered_at=None).update(answered_at=now):
        return Answer(first=True)
    landed = asked.values_list("landed", flat=True).first()
    return None if landed is None else Answer(first=False, landed=landed)


def confirmation_landed(
    *, actor: Person, token: str, landed: str, now: dt.datetime | None = None
) -> None:
    """Where the yes to the question `token` names led: a yes sent again leads there too."""
    Confirmation.objects.filter(person=actor, token=token).update(landed=landed)


def confirmation_answer_in_place(
    *, actor: Person, path: str, question: str, now: dt.datetime | None = None
) -> bool:
    """Whether `question` was asked of `actor` in place at `path` and waited for its yes:
    answered now, by this call only (the same form sent once more is asked again)."""
    now = now or clock.now()
    waiting = Confirmation.objects.filter(
        person=actor,
        path=path,
        question=question,
        answered_at=None,
        asked_at__gte=now - CONFIRMATION_KEPT,
    )
    return waiting.update(answered_at=now) > 0


# A person's own settings ---------------------------------------------------------


@transaction.atomic
def person_update_own(
    *, actor: Person, name: str, timezone: str, remote: bool, now: dt.datetime | None = None
) -> Person:
    """A person changes their own name, timezone and whether they work remotely."""
    name, timezone = check_name(name), check_timezone(timezone)
    roster_lock(actor.organisation_id)
    actor.name, actor.timezone, actor.remote = name, timezone, remote
    actor.save(update_fields=["name", "timezone", "remote"])
    roster_positions_refresh(actor.organisation_id)
    return actor


@transaction.atomic
def person_password_change(
    *, actor: Person, current_password: str, new_password: str, now: dt.datetime | None = None
) -> Person:
    """A person changes their own password, proving they know the current one."""
    if not actor.check_password(current_password):
        raise Refused("That is not your current password.")
    try:
        validate_password(new_password, actor)
    except ValidationError as error:
        raise Refused(" ".join(error.messages)) from None
    actor.set_password(new_password)
    actor.save(update_fields=["password"])
    return actor
