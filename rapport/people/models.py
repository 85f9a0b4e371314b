"""Organisations and the people in them: levels, reporting lines, roles."""

from __future__ import annotations

import zoneinfo
from importlib import import_module

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models.functions import Lower
from django.utils.timezone import now

from rapport.framework.cadence import (
    CANCELLATION_WARNING_COUNT,
    CANCELLATION_WARNING_DAYS,
    LATE_MOVE_NOTICE_HOURS,
    OVERDUE_GRACE_DAYS,
)
from rapport.framework.levels import LEVEL_CHOICES


class ErasureRule(models.TextChoices):
    """What erasing someone does to the 1:1s they shared with others."""

    ANONYMISE = "anonymise", "Keep the shared history, with them as “a former team member”"
    DELETE = "delete", "Delete the 1:1s where they were the report"


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    is_demo = models.BooleanField(default=False)
    # The framework's sacred-time thresholds, tunable per organisation.
    cancellation_warning_count = models.PositiveSmallIntegerField(
        default=CANCELLATION_WARNING_COUNT
    )
    cancellation_warning_days = models.PositiveSmallIntegerField(default=CANCELLATION_WARNING_DAYS)
    overdue_grace_days = models.PositiveSmallIntegerField(default=OVERDUE_GRACE_DAYS)
    # What erasing someone does to their 1:1s (rapport.privacy): see ErasureRule.
    erasure_rule = models.CharField(
        max_length=16, choices=ErasureRule.choices, default=ErasureRule.ANONYMISE
    )
    late_move_notice_hours = models.PositiveSmallIntegerField(default=LATE_MOVE_NOTICE_HOURS)
    created_at = models.DateTimeField(default=now)
    # The People page's counts of the whole roster, kept with the places on it
    # (`roster_positions_refresh`): the active people (the invited among them), those
    # deactivated, and those who manage active people.
    roster_people = models.PositiveIntegerField(default=0, editable=False)
    roster_invited = models.PositiveIntegerField(default=0, editable=False)
    roster_inactive = models.PositiveIntegerField(default=0, editable=False)
    roster_managers = models.PositiveIntegerField(default=0, editable=False)
    # The organisation's own values of the insights thresholds (key: value), as its
    # `insights.Threshold` rows hold them, kept by `thresholds_save` in the same
    # transaction: every page reads the organisation with its viewer, so the figures read
    # their thresholds without a query of their own.
    own_thresholds = models.JSONField(default=dict, editable=False)
    # Moved on by every write to what the teams' aggregates count (`insights.kept`), never
    # by a save of the organisation (each names its `update_fields`): aggregates kept under
    # an older stamp are never read again.
    figures_stamp = models.PositiveBigIntegerField(default=0, editable=False)

    def __str__(self) -> str:
        return self.name


class PersonManager(BaseUserManager["Person"]):
    def get_by_natural_key(self, username: str) -> Person:
        return self.get(email__iexact=username)


class Person(AbstractBaseUser):
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="people")
    # unique=True satisfies Django's auth check; the constraint below also ignores case.
    email = models.EmailField(max_length=254, unique=True)
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=16, choices=LEVEL_CHOICES, blank=True)
    manager = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="reports"
    )
    timezone = models.CharField(max_length=64, default="UTC")
    remote = models.BooleanField(default=False)
    is_org_admin = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    # The secret in the person's private calendar feed URL; empty until they ask for one.
    calendar_token = models.CharField(max_length=64, blank=True, db_index=True)
    date_joined = models.DateTimeField(default=now)
    # The person asked, in their settings, to be erased; an org admin then erases them.
    erasure_requested_at = models.DateTimeField(null=True, blank=True)
    # Set when erased: the row stays as "a former team member" so shared history holds.
    erased_at = models.DateTimeField(null=True, blank=True)
    # The person's places on their organisation's whole roster, by team (the org chart top
    # down) and A to Z, counted from 0: kept by the services that change the roster
    # (`roster_positions_refresh`), so a page of the People page is a range of an index.
    roster_position = models.PositiveIntegerField(default=0, editable=False)
    name_position = models.PositiveIntegerField(default=0, editable=False)

    objects = PersonManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="person_email_unique"),
            models.CheckConstraint(
                condition=models.Q(level__in=["", "junior", "confirmed", "senior", "staff"]),
                name="person_level_known",
            ),
        ]
        ordering = ["name"]
        indexes = [
            models.Index(fields=["organisation", "roster_position"], name="person_roster_by_team"),
            models.Index(fields=["organisation", "name_position"], name="person_roster_by_name"),
            # The active people a manager may ask for peer feedback, by name with their team:
            # listed and counted from the index alone, never from the people's rows.
            models.Index(
                fields=["organisation", "is_active", "name", "manager"],
                name="person_colleagues_by_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def first_name(self) -> str:
        return self.name.split(" ")[0]

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class Session(AbstractBaseSession):
    """A browser's session (rapport/web/sessions.py), naming the person signed in to it,
    so that every request reads the session and that person in one query."""

    # Set with the session's data whenever it is saved; the data stays the authority.
    person = models.ForeignKey(Person, models.CASCADE, null=True, related_name="+")

    class Meta(AbstractBaseSession.Meta):
        db_table = "people_session"

    @classmethod
    def get_session_store_class(cls) -> type:
        """The store that reads and writes these rows: the one settings.SESSION_ENGINE names."""
        return import_module(settings.SESSION_ENGINE).SessionStore


class Confirmation(models.Model):
    """A question put to a person before an unusual write ("A date in the past?"), answered
    at most once: the yes claims the row in the write's own transaction, so a form sent
    twice (a double click, Back and yes again) is written once (rapport/web/views/common.py)."""

    person = models.ForeignKey(Person, models.CASCADE, related_name="+")
    # The confirmation page sends it back with the yes: random, one per question.
    token = models.CharField(max_length=64, unique=True)
    # Where the yes goes, and what is asked there: for a page, a digest of the form asked
    # about (never its text); for a question asked in place (htmx), the question's name.
    path = models.TextField()
    question = models.CharField(max_length=200)
    asked_at = models.DateTimeField(db_index=True)
    answered_at = models.DateTimeField(null=True)
    # Where the yes led (until answered: where leaving the question leads).
    landed = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["person", "question"], name="confirmation_asked")]

    def __str__(self) -> str:
        return f"question at {self.path} for person {self.person_id}"


class Absence(models.Model):
    """Days a person is away: meetings that fall on them are flagged to move."""

    person = models.ForeignKey(Person, models.CASCADE, related_name="absences")
    starts_on = models.DateField()
    ends_on = models.DateField()
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="absence_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} away {self.starts_on}–{self.ends_on}"


class ResetRequest(models.Model):
    """One password-reset request, kept a day to limit them per address and per account."""

    # Lowercased as typed, whether or not an account uses it: the limit must not reveal which do.
    email = models.CharField(max_length=254, db_index=True)
    address = models.CharField(max_length=45, db_index=True)
    created_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"reset for {self.email} from {self.address}"


class AuditEvent(models.Model):
    """One read of someone's data by another person, or one change to a sensitive record.

    Append-only: nothing in Rapport updates or deletes a row, except erasure, which
    pseudonymises the erased person's rows (rapport.privacy). No row holds any text
    of a note: only who, whose, what kind of thing (type and id), when and from where.
    """

    class Action(models.TextChoices):
        # Reads of someone else's career or meeting data
        SERIES_VIEW = "series_view", "opened your 1:1 page"
        MEETING_VIEW = "meeting_view", "opened a 1:1 meeting with you (its notes and agenda)"
        RECAP_VIEW = "recap_view", "downloaded the recap of a 1:1 with you"
        INSIGHTS_VIEW = "insights_view", "opened the figures of your 1:1"
        PREPARE_VIEW = "prepare_view", "opened the preparation of a 1:1 with you"
        PERSON_VIEW = "person_view", "looked at your record on the People page"
        CAREER_VIEW = "career_view", "opened your career page"
        PACKET_VIEW = "packet_view", "generated an evidence packet about you"
        PEER_ANSWER_READ = "peer_answer_read", "read a colleague's answer about you"
        ORG_EXPORT = "org_export", "exported the organisation's data, yours included"
        PERSON_EXPORT = "person_export", "downloaded your data"
        # Changes to sensitive records
        PRIVATE_NOTE_CREATE = "private_note_create", "wrote a private note"
        PRIVATE_NOTE_EDIT = "private_note_edit", "edited a private note"
        PRIVATE_NOTE_DELETE = "private_note_delete", "emptied a private note"
        FEEDBACK_GIVE = "feedback_give", "gave you feedback"
        FEEDBACK_MARK = "feedback_mark", "marked feedback to you as acknowledged or acted on"
        PLAN_CREATE = "plan_create", "started an improvement plan with you"
        PLAN_CLOSE = "plan_close", "closed your improvement plan"
        DEACTIVATE = "deactivate", "deactivated your account"
        REACTIVATE = "reactivate", "reactivated your account"
        RESET_SEND = "reset_send", "mailed you a link to choose a new password"
        ERASURE_REQUEST = "erasure_request", "asked for your data to be erased"
        ERASURE_WITHDRAW = "erasure_withdraw", "withdrew the request to erase your data"
        ERASE = "erase", "erased your data"

    class Via(models.TextChoices):
        WEB = "web", "the web"
        CLI = "cli", "the command line"
        OTHER = "", "Rapport itself"

    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="+")
    # Null when nobody signed in did it: whoever runs the server, from the command line.
    actor = models.ForeignKey(Person, models.PROTECT, null=True, related_name="+")
    subject = models.ForeignKey(Person, models.PROTECT, related_name="+")
    action = models.CharField(max_length=32, choices=Action.choices)
    target_type = models.CharField(max_length=32, blank=True)
    target_id = models.PositiveBigIntegerField(null=True)
    at = models.DateTimeField()
    ip = models.CharField(max_length=45, blank=True)
    via = models.CharField(max_length=8, choices=Via.choices, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["subject", "-at"], name="audit_subject_newest"),
            models.Index(fields=["actor", "action", "at"], name="audit_repeat_lookup"),
            # The privacy page counts by month and kind from this index alone.
            models.Index(fields=["organisation", "at", "action"], name="audit_org_month_action"),
        ]

    def __str__(self) -> str:
        return f"audit #{self.pk}: {self.action}"
