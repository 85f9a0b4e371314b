"""Organisations and the people in them: levels, reporting lines, roles."""

from __future__ import annotations

import zoneinfo

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
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


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    is_demo = models.BooleanField(default=False)
    # The framework's sacred-time thresholds, tunable per organisation.
    cancellation_warning_count = models.PositiveSmallIntegerField(
        default=CANCELLATION_WARNING_COUNT
    )
    cancellation_warning_days = models.PositiveSmallIntegerField(default=CANCELLATION_WARNING_DAYS)
    overdue_grace_days = models.PositiveSmallIntegerField(default=OVERDUE_GRACE_DAYS)
    late_move_notice_hours = models.PositiveSmallIntegerField(default=LATE_MOVE_NOTICE_HOURS)
    created_at = models.DateTimeField(default=now)

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

    def __str__(self) -> str:
        return self.name

    @property
    def first_name(self) -> str:
        return self.name.split(" ")[0]

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


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
