"""Coaching around a 1:1: who opened what, checklists, questions asked, feedback, plans."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.timezone import now

from rapport.meetings.models import Meeting, Series
from rapport.people.models import Organisation, Person


class MeetingVisit(models.Model):
    """A person opened a meeting's page: when first, and when last."""

    person = models.ForeignKey(Person, models.CASCADE, related_name="+")
    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="visits")
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "meeting"], name="one_visit_row_each")
        ]

    def __str__(self) -> str:
        return f"{self.person} saw {self.meeting}"


class ChecklistTick(models.Model):
    """A checklist line ticked by hand, for one person, one meeting, one phase."""

    class Phase(models.TextChoices):
        PRE = "pre", "Before"
        DURING = "during", "During"
        POST = "post", "After"

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="checklist_ticks")
    person = models.ForeignKey(Person, models.CASCADE, related_name="+")
    phase = models.CharField(max_length=8, choices=Phase.choices)
    item_key = models.CharField(max_length=64)
    ticked_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person", "phase", "item_key"], name="one_tick_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.phase}:{self.item_key}"


class OrgQuestion(models.Model):
    """An organisation's own question, filed under one of the bank's categories."""

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="questions")
    category_key = models.CharField(max_length=32)
    text = models.CharField(max_length=300)
    created_by = models.ForeignKey(Person, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text


class QuestionAsked(models.Model):
    """A question of the bank (by key) or of the organisation, asked in a meeting."""

    series = models.ForeignKey(Series, models.CASCADE, related_name="questions_asked")
    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="questions_asked")
    question_key = models.CharField(max_length=64, blank=True)
    org_question = models.ForeignKey(
        OrgQuestion, models.CASCADE, null=True, blank=True, related_name="asked"
    )
    asked_by = models.ForeignKey(Person, models.SET_NULL, null=True, related_name="+")
    asked_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["series", "asked_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(question_key="") & Q(org_question__isnull=False))
                | (~Q(question_key="") & Q(org_question__isnull=True)),
                name="asked_one_question",
            )
        ]

    def __str__(self) -> str:
        return self.question_key or f"org question {self.org_question_id}"


class Goal(models.Model):
    """A growth goal of a report: what the questions' [skill] and [criterion] refer to."""

    series = models.ForeignKey(Series, models.CASCADE, related_name="goals")
    skill = models.CharField(max_length=120)
    criterion = models.CharField(max_length=120, blank=True)
    created_by = models.ForeignKey(Person, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=now)
    achieved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.skill


class Feedback(models.Model):
    """Feedback given in a meeting, with its specific example (situation, behaviour, impact)."""

    class Kind(models.TextChoices):
        POSITIVE = "positive", "Positive"
        CONSTRUCTIVE = "constructive", "Constructive"

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="feedback")
    series = models.ForeignKey(Series, models.CASCADE, related_name="feedback")
    given_by = models.ForeignKey(Person, models.PROTECT, related_name="+")
    given_to = models.ForeignKey(Person, models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    situation = models.CharField(max_length=1000)
    behaviour = models.CharField(max_length=1000)
    impact = models.CharField(max_length=1000)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acted_on_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(given_by=models.F("given_to")), name="feedback_two_people"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} feedback #{self.pk}"


class ImprovementPlan(models.Model):
    """An underperformance plan: clear expectations, a timeline, weekly check-ins."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MET = "met", "Expectations met"
        CLOSED = "closed", "Closed"

    series = models.ForeignKey(Series, models.CASCADE, related_name="improvement_plans")
    created_by = models.ForeignKey(Person, models.PROTECT, related_name="+")
    expectations = models.TextField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="plan_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"Plan for {self.series}"
