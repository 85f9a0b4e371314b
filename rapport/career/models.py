"""A career over time: aspirations, the organisation's ladder, the manager's ladder views and
the IC's self-assessments. Every record is a dated version, never overwritten.

Each record names the IC (`person`) and the 1:1 it was recorded in (`series`): the IC and
their current manager read every record of the IC; a previous manager reads those of the
series they ran (see `access.career_*_visible_to`).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from rapport.framework.ladder import POSITIONS
from rapport.framework.levels import LEVEL_CHOICES
from rapport.meetings.models import Meeting, Series
from rapport.people.models import Organisation, Person


class LadderDocument(models.Model):
    """An organisation's own ladder (without one, Rapport's default applies)."""

    organisation = models.OneToOneField(Organisation, models.CASCADE, related_name="ladder")
    # The ladder as its YAML file (`ladder_to_yaml`), checked on every write and read.
    document = models.TextField()
    updated_by = models.ForeignKey(Person, models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Ladder of {self.organisation}"


class AspirationVersion(models.Model):
    """One answer to one aspiration question, as it stood from `recorded_at` on."""

    person = models.ForeignKey(Person, models.CASCADE, related_name="aspiration_versions")
    series = models.ForeignKey(Series, models.CASCADE, related_name="aspiration_versions")
    question_key = models.CharField(max_length=64)
    answer = models.TextField(blank=True)
    recorded_by = models.ForeignKey(Person, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    meeting = models.ForeignKey(Meeting, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["recorded_at", "pk"]
        indexes = [models.Index(fields=["person", "question_key", "recorded_at"])]

    def __str__(self) -> str:
        return f"{self.question_key} of {self.person} at {self.recorded_at:%Y-%m-%d}"


class LadderView(models.Model):
    """The manager's view of where the IC stands relative to a level, in one ladder area."""

    person = models.ForeignKey(Person, models.CASCADE, related_name="ladder_views")
    series = models.ForeignKey(Series, models.CASCADE, related_name="ladder_views")
    area_key = models.CharField(max_length=32)
    # Snapshots: the ladder may change later, the view keeps what it was about.
    area_name = models.CharField(max_length=60)
    level = models.CharField(max_length=16, choices=LEVEL_CHOICES)
    position = models.CharField(max_length=8, choices=POSITIONS)
    sentence = models.CharField(max_length=500)
    recorded_by = models.ForeignKey(Person, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    meeting = models.ForeignKey(Meeting, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["recorded_at", "pk"]
        indexes = [models.Index(fields=["person", "area_key", "recorded_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(position__in=[key for key, _ in POSITIONS]), name="ladder_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.area_key}: {self.position} {self.level}"


class SelfAssessment(models.Model):
    """The IC's own assessment in one ladder area, as written at `written_at`."""

    person = models.ForeignKey(Person, models.CASCADE, related_name="self_assessments")
    series = models.ForeignKey(Series, models.CASCADE, related_name="self_assessments")
    area_key = models.CharField(max_length=32)
    area_name = models.CharField(max_length=60)
    text = models.TextField(blank=True)
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["written_at", "pk"]
        indexes = [models.Index(fields=["person", "area_key", "written_at"])]

    def __str__(self) -> str:
        return f"{self.area_key} by {self.person} at {self.written_at:%Y-%m-%d}"
