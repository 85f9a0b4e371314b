"""Writes about a person's data: their request to be erased, the organisation's rule, erasure.

Erasure (`person_erase`), in one transaction:
- their private notes are deleted;
- 1:1s where they were the report are deleted with everything in them when the
  organisation's rule is "delete"; otherwise (and always for 1:1s they managed, which
  are their reports' history too) they stay, with the person as "a former team member":
  their full name, email and (in those 1:1s) first name are replaced in every text,
  other people's private notes on those meetings included;
- their own records go: days away, mail settings and mails sent, reset requests and
  sign-in attempts under their address, remembered transcript speakers of their 1:1s;
- their person row stays as a tombstone (no name, no address, no password), so the
  shared history and the audit trail still point somewhere; their audit rows are kept,
  pseudonymised: they now name only that tombstone, and their own addresses are cleared.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from rapport import access
from rapport.errors import Refused
from rapport.framework.markdown import render_markdown
from rapport.growth.models import ChecklistTick, MeetingVisit
from rapport.insights.models import SpeakerSide
from rapport.meetings import services as meeting_services
from rapport.meetings.models import PrivateNote, Series, is_rendered
from rapport.notifications.models import Delivery, MailPreference
from rapport.people import keys
from rapport.people import services as people_services
from rapport.people.audit import Action, audit_record, audit_record_each
from rapport.people.models import (
    Absence,
    AuditEvent,
    Confirmation,
    ErasureRule,
    Organisation,
    Person,
    ResetRequest,
)

FORMER_MEMBER = "A former team member"
FORMER_MEMBER_IN_TEXT = "a former team member"
ERASED_DOMAIN = "erased.invalid"
# First names shorter than this are too likely to be ordinary words to replace in text.
FIRST_NAME_MIN = 3


# The person's own request ------------------------------------------------------------


@transaction.atomic
def erasure_request(*, actor: Person, password: str, now: dt.datetime | None = None) -> Person:
    """The person asks, with their password, that an org admin erase their data."""
    if not actor.check_password(password):
        raise Refused("That is not your current password.")
    if actor.erasure_requested_at is not None:
        raise Refused("You have already asked for your data to be erased.")
    now = now or timezone.now()
    actor.erasure_requested_at = now
    actor.save(update_fields=["erasure_requested_at"])
    audit_record(actor=actor, subject=actor, action=Action.ERASURE_REQUEST, target=actor, now=now)
    return actor


@transaction.atomic
def erasure_withdraw(*, actor: Person, now: dt.datetime | None = None) -> Person:
    """The person takes back their request to be erased."""
    if actor.erasure_requested_at is None:
        raise Refused("You have not asked for your data to be erased.")
    actor.erasure_requested_at = None
    actor.save(update_fields=["erasure_requested_at"])
    audit_record(actor=actor, subject=actor, action=Action.ERASURE_WITHDRAW, target=actor, now=now)
    return actor


@transaction.atomic
def erasure_rule_set(*, actor: Person, rule: str, now: dt.datetime | None = None) -> Organisation:
    """An org admin chooses what erasing someone does to their shared history."""
    organisation = access.organisation_for_admin(actor)
    if rule not in ErasureRule.values:
        raise Refused("Choose to keep the shared history anonymised, or to delete it.")
    organisation.erasure_rule = rule
    organisation.save(update_fields=["erasure_rule"])
    return organisation


# Erasure --------------------------------------------------------------------------------


def erasure_check(admin: Person, person: Person) -> None:
    """Whether the admin may erase this person now (Refused with the reason otherwise)."""
    access.check_org_admin(admin)
    if person.organisation_id != admin.organisation_id:
        raise Refused("You can manage only your own organisation.")
    if person.pk == admin.pk:
        raise Refused("You cannot erase yourself: ask another admin.")
    if person.erased_at is not None:
        raise Refused("This person's data is already erased.")
    if person.is_active and person.erasure_requested_at is None:
        raise Refused(
            f"{person.name} has not asked to be erased. They ask in their settings; "
            "if they have left, deactivate their account first."
        )
    if person.reports.filter(is_active=True).exists():
        raise Refused(f"{person.name} still manages people: give them a new manager first.")


@transaction.atomic
def person_erase(*, actor: Person, person: Person, now: dt.datetime | None = None) -> Person:
    """Erase a person's data by the organisation's rule; the row stays as a tombstone."""
    now = now or timezone.now()
    people_services.roster_lock(person.organisation_id)  # before their row: as every roster write
    person = Person.objects.select_for_update().get(pk=person.pk)
    erasure_check(actor, person)
    if person.is_active:
        # As on leaving: they can no longer sign in, and their open 1:1 ends first.
        person = meeting_services.report_deactivate(actor=actor, person=person, now=now)
    names = _Names(person)
    PrivateNote.objects.filter(author=person).delete()
    their_series = Series.objects.filter(Q(report=person) | Q(manager=person))
    if person.organisation.erasure_rule == ErasureRule.DELETE:
        Series.objects.filter(report=person).delete()
    SpeakerSide.objects.filter(series__in=their_series).delete()
    series_ids = list(their_series.values_list("pk", flat=True))
    _scrub_private_notes(series_ids, names)
    _scrub(person.organisation_id, series_ids, names)
    _own_records_delete(person)
    _tombstone(person, now)
    # The erased person's own addresses are theirs; what others did stays as it was.
    AuditEvent.objects.filter(actor=person).update(ip="")
    audit_record(actor=actor, subject=person, action=Action.ERASE, target=person, now=now)
    return person


class _Names:
    """The person's full name and address (any case), and their first name (as written)."""

    def __init__(self, person: Person) -> None:
        self.everywhere = [n for n in (person.name, person.email) if n.strip()]
        first = person.first_name
        self.first = [first] if len(first) >= FIRST_NAME_MIN and first != person.name else []
        self.wide = _pattern(self.everywhere, re.IGNORECASE)
        # A first name is replaced only as a capitalised word: "Ray", not "ray" or "RAY-1".
        self.first_pattern = _pattern(self.first, 0)

    def replace(self, text: str, *, in_their_series: bool) -> str:
        if self.wide is not None:
            text = self.wide.sub(FORMER_MEMBER_IN_TEXT, text)
        if in_their_series and self.first_pattern is not None:
            text = self.first_pattern.sub(FORMER_MEMBER_IN_TEXT, text)
        return text


def _pattern(words: Iterable[str], flags: int) -> re.Pattern[str] | None:
    words = sorted({w for w in words if w}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", flags)


def _scrub_private_notes(series_ids: list[int], names: _Names) -> None:
    """Other people's private notes on their 1:1s, opened, cleaned and sealed again."""
    notes = PrivateNote.objects.filter(meeting__series_id__in=series_ids).select_related("author")
    for note in notes:
        try:
            text = keys.unseal(note.sealed_body, author_id=note.author_id)
        except keys.SealError:
            continue  # a note nobody can open holds nothing anyone can read
        cleaned = names.replace(text, in_their_series=True)
        if cleaned != text:
            note.sealed_body = keys.seal(
                cleaned,
                organisation_id=note.author.organisation_id,
                author_id=note.author_id,
                replacing=note.sealed_body,
            )
            note.save(update_fields=["sealed_body"])


def _scrub(organisation_id: int, series_ids: list[int], names: _Names) -> None:
    """Replace the person's names in every text column of Rapport's records.

    Every model is found by introspection, so records added later are covered: the
    organisation's rows for the full name and address, their 1:1s' rows for the first name.
    """
    for model in apps.get_models():
        if not model.__module__.startswith("rapport.") or model in (AuditEvent, PrivateNote):
            continue
        fields = [f for f in _text_fields(model) if not (model is Person and f.name == "email")]
        if not fields:
            continue
        scopes = (
            (_path(model, Organisation), [organisation_id], False, names.everywhere),
            (_path(model, Series), series_ids, True, [*names.everywhere, *names.first]),
        )
        for lookup, ids, in_their_series, words in scopes:
            if lookup is None or not ids or not words:
                continue
            matching = Q()
            for text_field in fields:
                for word in words:
                    matching |= Q(**{f"{text_field.name}__icontains": word})
            rows = model._default_manager.filter(**{f"{lookup}__in": ids}).filter(matching)
            for row in rows:
                _scrub_row(row, fields, names, in_their_series=in_their_series)


def _scrub_row(
    row: models.Model, fields: list[models.Field], names: _Names, *, in_their_series: bool
) -> None:
    changed = []
    for text_field in fields:
        value = getattr(row, text_field.attname)
        if not value:
            continue
        cleaned = names.replace(value, in_their_series=in_their_series)
        if cleaned != value:
            setattr(row, text_field.attname, cleaned[: text_field.max_length or None])
            changed.append(text_field.name)
            rendered = _rendered_of(type(row), text_field)
            if rendered is not None:
                setattr(row, rendered.attname, render_markdown(getattr(row, text_field.attname)))
                changed.append(rendered.name)
    if changed:
        row.save(update_fields=changed)


def _text_fields(model: type[models.Model]) -> list[models.Field]:
    """The columns people's text is in; a text's stored HTML is rendered again from it."""
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, (models.CharField, models.TextField))
        and not f.choices
        and f.name not in {"password", "sealed_body", "calendar_token"}
        and not is_rendered(model, f.name)
    ]


def _rendered_of(model: type[models.Model], text_field: models.Field) -> models.Field | None:
    """The `<text>_html` column holding a text's Markdown as HTML, if the model has one."""
    try:
        return model._meta.get_field(f"{text_field.name}_html")
    except FieldDoesNotExist:
        return None


def _path(model: type[models.Model], goal: type[models.Model], depth: int = 4) -> str | None:
    """The lookup from a model to a goal model along foreign keys ("meeting__series"), if any."""
    if model is goal:
        return "pk"
    frontier: list[tuple[type[models.Model], str]] = [(model, "")]
    for _ in range(depth):
        following = []
        for current, prefix in frontier:
            for f in current._meta.concrete_fields:
                if not f.is_relation or f.related_model is None or f.related_model is current:
                    continue
                lookup = f"{prefix}{f.name}"
                if f.related_model is goal:
                    return lookup
                following.append((f.related_model, f"{lookup}__"))
        frontier = following
    return None


def _own_records_delete(person: Person) -> None:
    address = person.email.lower()
    Absence.objects.filter(person=person).delete()
    Confirmation.objects.filter(person=person).delete()
    MailPreference.objects.filter(person=person).delete()
    Delivery.objects.filter(person=person).delete()
    ResetRequest.objects.filter(email__iexact=address).delete()
    # django-axes keeps failed and successful sign-ins under the address typed.
    for label in ("AccessAttempt", "AccessLog", "AccessFailureLog"):
        try:
            model = apps.get_model("axes", label)
        except LookupError:
            continue
        model.objects.filter(username__iexact=address).delete()
    MeetingVisit.objects.filter(person=person).delete()
    ChecklistTick.objects.filter(person=person).delete()


def _tombstone(person: Person, now: dt.datetime) -> None:
    person.name = FORMER_MEMBER
    person.email = f"former-{secrets.token_hex(8)}@{ERASED_DOMAIN}"
    person.set_unusable_password()  # also ends every session they had
    person.level = ""
    person.manager = None
    person.timezone = "UTC"
    person.remote = False
    person.is_org_admin = False
    person.is_active = False
    person.calendar_token = ""
    person.erasure_requested_at = None
    person.erased_at = now
    person.save()
    people_services.roster_positions_refresh(person.organisation_id)


# Exports, in the audit trail ------------------------------------------------------------


@transaction.atomic
def person_export_recorded(
    *, actor: Person, person: Person, now: dt.datetime | None = None
) -> None:
    """The person downloaded their own data: their trail shows it (a stolen session would)."""
    access.person_check_own_export(actor, person)
    audit_record(actor=actor, subject=person, action=Action.PERSON_EXPORT, now=now)


@transaction.atomic
def organisation_export_recorded(
    *, organisation: Organisation, now: dt.datetime | None = None
) -> int:
    """Whoever runs Rapport exported the organisation: one line in everyone's trail."""
    now = now or timezone.now()
    people = Person.objects.filter(organisation=organisation, erased_at__isnull=True)
    return audit_record_each(
        actor=None,
        subjects=people.order_by("pk"),
        action=Action.ORG_EXPORT,
        target=organisation,
        now=now,
    )
