"""Figures kept about a 1:1: who did the talking, and who is who in its transcripts.

A transcript itself is never kept: only the totals per side and the speakers' names.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from rapport.insights.transcripts import SPEAKER_MAX_CHARS
from rapport.meetings.models import Meeting, Series
from rapport.people.models import Person


class Side(models.TextChoices):
    MANAGER = "manager", "The manager"
    REPORT = "report", "The report"
    OTHER = "other", "Someone else (not counted)"


class SpeakerSide(models.Model):
    """Which side of a 1:1 a transcript's speaker is, remembered for the series' next upload."""

    series = models.ForeignKey(Series, models.CASCADE, related_name="speaker_sides")
    speaker = models.CharField(max_length=SPEAKER_MAX_CHARS)
    side = models.CharField(max_length=8, choices=Side.choices)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "speaker"], name="one_side_per_speaker")
        ]

    def __str__(self) -> str:
        return f"{self.speaker}: {self.side}"


class TalkMeasure(models.Model):
    """Where a meeting's manager talk share came from, with the totals behind it.

    The share itself is `Meeting.manager_talk_share`, written in the same transaction.
    """

    class Source(models.TextChoices):
        TRANSCRIPT = "transcript", "A transcript"
        ESTIMATE = "estimate", "The manager's estimate"

    meeting = models.OneToOneField(Meeting, models.CASCADE, related_name="talk_measure")
    source = models.CharField(max_length=16, choices=Source.choices)
    transcript_format = models.CharField(max_length=8, blank=True)
    manager_seconds = models.PositiveIntegerField(null=True, blank=True)
    report_seconds = models.PositiveIntegerField(null=True, blank=True)
    manager_words = models.PositiveIntegerField(null=True, blank=True)
    report_words = models.PositiveIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(Person, models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(source="estimate")
                | Q(manager_words__isnull=False, report_words__isnull=False),
                name="talk_transcript_has_words",
            ),
            models.CheckConstraint(
                condition=Q(source="transcript")
                | Q(manager_seconds__isnull=True, manager_words__isnull=True),
                name="talk_estimate_has_no_counts",
            ),
        ]

    def __str__(self) -> str:
        return f"Talk measure of {self.meeting}"

    @property
    def from_transcript(self) -> bool:
        return self.source == self.Source.TRANSCRIPT

    @property
    def manager_word_share(self) -> int | None:
        """The manager's share of the words, the second measure beside talk time."""
        if self.manager_words is None or self.report_words is None:
            return None
        total = self.manager_words + self.report_words
        return round(100 * self.manager_words / total) if total else None


class Threshold(models.Model):
    """An organisation's own value for one threshold of rapport.framework.thresholds.

    A key without a row keeps the framework's default; the cancellation thresholds
    live on the organisation itself, where the series warnings read them.
    """

    organisation = models.ForeignKey(
        "people.Organisation", models.CASCADE, related_name="insight_thresholds"
    )
    key = models.CharField(max_length=40)
    value = models.IntegerField()
    updated_by = models.ForeignKey(Person, models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="one_threshold_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class Retrospective(models.Model):
    """The report's answers to the guide's four retrospective questions, a rating, a reply.

    Read by the report and their current manager only; directors see the average
    rating of teams of 3 or more, never an answer.
    """

    series = models.ForeignKey(Series, models.CASCADE, related_name="retrospectives")
    working = models.TextField()
    valuable = models.TextField(blank=True)
    right_things = models.TextField(blank=True)
    more_less = models.TextField(blank=True)
    rating = models.PositiveSmallIntegerField()
    answered_at = models.DateTimeField()
    reply = models.CharField(max_length=300, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["answered_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="retrospective_rating_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"Retrospective of {self.series_id} on {self.answered_at:%Y-%m-%d}"
