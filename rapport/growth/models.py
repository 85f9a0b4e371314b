"""Coaching around a 1:1: visits, checklists, questions, goals, plans, feedback, peers."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.timezone import now

from rapport.meetings.models import ActionItem, Meeting, Series
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
        # A person's latest visits first: the latest to any meeting of a series.
        indexes = [models.Index(fields=["person", "last_seen_at"])]

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
    """A development goal of an IC: what the questions' [skill] and [criterion] refer to.

    The goal belongs to the IC (`owner`) and follows them from one manager to the next;
    `series` is the 1:1 where it was set.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ACHIEVED = "achieved", "Achieved"
        DROPPED = "dropped", "Dropped"

    series = models.ForeignKey(Series, models.CASCADE, related_name="goals")
    owner = models.ForeignKey(Person, models.CASCADE, related_name="goals")
    title = models.CharField(max_length=200)
    why = models.TextField(blank=True)
    # A ladder area key ("delivery", "craft"...) or a skill in words.
    area = models.CharField(max_length=64, blank=True)
    criterion = models.CharField(max_length=120, blank=True)
    target_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey(Person, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=now)
    achieved_at = models.DateTimeField(null=True, blank=True)
    # The last change or progress update: what the 6-week flag counts from.
    touched_at = models.DateTimeField(default=now)
    action_items = models.ManyToManyField(ActionItem, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return self.title


class FieldChange(models.Model):
    """One field of something changed: who, when, from what to what (a trail's row)."""

    changed_by = models.ForeignKey(Person, models.SET_NULL, null=True, related_name="+")
    changed_at = models.DateTimeField()
    field = models.CharField(max_length=32)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["changed_at", "pk"]


class GoalChange(FieldChange):
    """One field of a goal changed: who, when, from what to what."""

    goal = models.ForeignKey(Goal, models.CASCADE, related_name="changes")

    class Meta(FieldChange.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.field} of goal {self.goal_id}"


class GoalProgress(models.Model):
    """A dated progress update on a goal, with an optional share done (0-100 %)."""

    goal = models.ForeignKey(Goal, models.CASCADE, related_name="progress")
    written_by = models.ForeignKey(Person, models.SET_NULL, null=True, related_name="+")
    written_at = models.DateTimeField()
    text = models.TextField()
    percent = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["written_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__lte=100), name="progress_percent"
            )
        ]

    def __str__(self) -> str:
        return f"progress on goal {self.goal_id}"


class DevelopmentPlan(models.Model):
    """The IC's development plan in one 1:1: focus areas, next review; goals sit under areas."""

    series = models.OneToOneField(Series, models.CASCADE, related_name="development_plan")
    # The focus areas' keys, comma-separated (an area key never holds a comma).
    focus = models.CharField(max_length=500, blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    updated_by = models.ForeignKey(Person, models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=now)

    def __str__(self) -> str:
        return f"Development plan of {self.series}"

    @property
    def focus_areas(self) -> list[str]:
        return [key for key in self.focus.split(",") if key]


class PlanChange(FieldChange):
    """One change to a development plan: who, when, what, and in which meeting if any."""

    plan = models.ForeignKey(DevelopmentPlan, models.CASCADE, related_name="changes")
    meeting = models.ForeignKey(Meeting, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta(FieldChange.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.field} of plan {self.plan_id}"


class PeerRequest(models.Model):
    """A manager asks a colleague for feedback about their report, until a date."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        ANSWERED = "answered", "Answered"
        DECLINED = "declined", "Declined"

    series = models.ForeignKey(Series, models.CASCADE, related_name="peer_requests")
    requested_by = models.ForeignKey(Person, models.CASCADE, related_name="+")
    about = models.ForeignKey(Person, models.CASCADE, related_name="+")
    colleague = models.ForeignKey(Person, models.CASCADE, related_name="peer_requests")
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    expires_on = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["colleague", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(colleague=models.F("about")) & ~Q(colleague=models.F("requested_by")),
                name="peer_request_from_a_third_person",
            )
        ]

    def __str__(self) -> str:
        return f"peer request #{self.pk}"


class PeerAnswer(models.Model):
    """A colleague's answer to a peer request: readable by the manager who asked, only."""

    request = models.OneToOneField(PeerRequest, models.CASCADE, related_name="answer")
    strengths = models.TextField()
    change = models.TextField()
    example = models.TextField(blank=True)
    answered_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"answer to peer request {self.request_id}"


class PeerSummary(models.Model):
    """The manager's summary of the peer feedback, shared with the IC once written."""

    series = models.ForeignKey(Series, models.CASCADE, related_name="peer_summaries")
    written_by = models.ForeignKey(Person, models.SET_NULL, null=True, related_name="+")
    text = models.TextField()
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["-written_at", "-pk"]

    def __str__(self) -> str:
        return f"peer summary #{self.pk}"


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
    # What the recipient did with it, in their words.
    acted_on_note = models.CharField(max_length=1000, blank=True)
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
