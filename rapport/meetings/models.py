"""The standing 1:1 (series), its occurrences, the shared agenda, notes and action items."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from functools import lru_cache

from django.db import models
from django.db.models import Q
from django.utils.timezone import now

from rapport.framework.agenda import MOOD_MAX, MOOD_MIN
from rapport.framework.cadence import ADJUSTMENT_REASONS, SERIES_FREQUENCY_WEEKS, SERIES_MINUTES
from rapport.framework.documentation import NOTE_SECTION_KEYS
from rapport.framework.markdown import render_markdown
from rapport.people import keys
from rapport.people.models import Organisation, Person


class Series(models.Model):
    """The standing 1:1 between a manager and one report."""

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="series")
    manager = models.ForeignKey(Person, models.PROTECT, related_name="managed_series")
    report = models.ForeignKey(Person, models.PROTECT, related_name="series")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    frequency_weeks = models.PositiveSmallIntegerField()
    duration_minutes = models.PositiveSmallIntegerField()
    career_every_weeks = models.PositiveSmallIntegerField()
    weekday = models.PositiveSmallIntegerField(default=1)  # Monday is 0
    start_time = models.TimeField()
    timezone = models.CharField(max_length=64, default="UTC")
    cadence_reason = models.CharField(max_length=32, choices=ADJUSTMENT_REASONS, blank=True)
    cadence_note = models.CharField(max_length=500, blank=True)
    video_link = models.URLField(blank=True)

    class Meta:
        verbose_name_plural = "series"
        # The open 1:1s of some managers of an organisation (the aggregates of Insights),
        # found by their managers rather than among every 1:1 of the organisation.
        indexes = [
            models.Index(
                fields=["organisation", "manager"],
                condition=Q(ended_on__isnull=True),
                name="open_series_by_manager",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["report"], condition=Q(ended_on__isnull=True), name="one_open_series"
            ),
            models.CheckConstraint(
                condition=Q(
                    frequency_weeks__gte=SERIES_FREQUENCY_WEEKS[0],
                    frequency_weeks__lte=SERIES_FREQUENCY_WEEKS[1],
                ),
                name="series_frequency",
            ),
            models.CheckConstraint(
                condition=Q(
                    duration_minutes__gte=SERIES_MINUTES[0],
                    duration_minutes__lte=SERIES_MINUTES[1],
                ),
                name="series_duration",
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="series_weekday"),
            models.CheckConstraint(
                condition=~Q(manager=models.F("report")), name="series_two_people"
            ),
        ]

    def __str__(self) -> str:
        return f"1:1 {self.manager} / {self.report}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def before(self, meeting: Meeting) -> MeetingQuerySet:
        """Earlier meetings of the same series, latest first."""
        return (
            self.filter(series_id=meeting.series_id, scheduled_at__lt=meeting.scheduled_at)
            .exclude(pk=meeting.pk)
            .order_by("-scheduled_at", "-pk")
        )

    def after(self, meeting: Meeting) -> MeetingQuerySet:
        """Later meetings of the same series, soonest first."""
        return (
            self.filter(series_id=meeting.series_id, scheduled_at__gt=meeting.scheduled_at)
            .exclude(pk=meeting.pk)
            .order_by("scheduled_at", "pk")
        )


class Meeting(models.Model):
    class Kind(models.TextChoices):
        REGULAR = "regular", "Regular"
        CAREER = "career", "Career-focused"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"
        RESCHEDULED = "rescheduled", "Moved"

    series = models.ForeignKey(Series, models.CASCADE, related_name="meetings")
    scheduled_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.REGULAR)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    held_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    mood = models.PositiveSmallIntegerField(null=True, blank=True)
    manager_talk_share = models.PositiveSmallIntegerField(null=True, blank=True)
    # Kept by the topic services (`topic_counts_refresh`) in the transaction that adds,
    # removes, moves or retags a topic: how many topics the meeting has, how many of them
    # its report brought, how many of those the report added before the meeting started,
    # and how many are status updates. Insights reads these instead of counting topics.
    kept_topics = models.PositiveIntegerField(default=0)
    kept_report_topics = models.PositiveIntegerField(default=0)
    kept_report_topics_early = models.PositiveIntegerField(default=0)
    kept_status_topics = models.PositiveIntegerField(default=0)
    cancelled_by = models.ForeignKey(
        Person, models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    notice_hours = models.IntegerField(null=True, blank=True)
    # Raised on every change a calendar must pick up (time, length, status): RFC 5545 SEQUENCE.
    sequence = models.PositiveIntegerField(default=0)
    # The running meeting's current agenda section and when it began, shared by both people.
    section = models.CharField(max_length=32, blank=True)
    section_started_at = models.DateTimeField(null=True, blank=True)
    video_link = models.URLField(blank=True)
    summary = models.TextField(blank=True)
    # The summary rendered and sanitised when it is written (`render_markdown`).
    summary_html = models.TextField(blank=True)
    moved_to = models.OneToOneField(
        "self", models.SET_NULL, null=True, blank=True, related_name="moved_from"
    )
    created_at = models.DateTimeField(default=now)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["scheduled_at"]
        indexes = [
            models.Index(fields=["series", "scheduled_at"]),
            # The manager's cancellations in the warnings window, per series.
            models.Index(fields=["series", "status", "cancelled_at"]),
            # A series' held 1:1s of a window, counted and their topics added up from the
            # index alone; its last held ones, newest first with ties by id, found from the
            # index alone too (PostgreSQL would sort each series' ties by id otherwise).
            models.Index(
                fields=[
                    "series",
                    "status",
                    "scheduled_at",
                    "id",
                    "kept_topics",
                    "kept_report_topics",
                ],
                name="meetings_window_by_series",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(mood__isnull=True) | Q(mood__gte=MOOD_MIN, mood__lte=MOOD_MAX),
                name="meeting_mood",
            ),
            models.CheckConstraint(
                condition=Q(manager_talk_share__isnull=True) | Q(manager_talk_share__lte=100),
                name="meeting_talk_share",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False),
                name="meeting_cancel_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series} on {self.scheduled_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.SCHEDULED

    @property
    def is_career(self) -> bool:
        return self.kind == self.Kind.CAREER

    @property
    def is_called_off(self) -> bool:
        return self.status in (self.Status.CANCELLED, self.Status.RESCHEDULED)

    @property
    def planned_end(self) -> dt.datetime:
        return self.scheduled_at + dt.timedelta(minutes=self.duration_minutes)


class PartTime(models.Model):
    """A stretch of a running meeting spent in one part of its plan, from the shared timer.

    Moving the timer closes the open stretch and opens the next; marking the meeting held
    closes the last. "How the time went" adds them up per part and per kind of talk.
    """

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="part_times")
    part = models.CharField(max_length=32)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "pk"]

    def __str__(self) -> str:
        return f"{self.part} from {self.started_at:%H:%M}"


class Topic(models.Model):
    class Kind(models.TextChoices):
        TACTICAL = "tactical", "Tactical"
        SKILLS = "skills", "Skills"
        CAREER = "career", "Career"
        STATUS = "status", "Status update"

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="topics")
    author = models.ForeignKey(Person, models.PROTECT, related_name="+")
    text = models.CharField(max_length=500)
    kind = models.CharField(max_length=16, choices=Kind.choices, blank=True)
    position = models.PositiveIntegerField(default=0)
    added_before_start = models.BooleanField(default=True)
    discussed = models.BooleanField(default=False)
    carried_from = models.OneToOneField(
        "self", models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["position", "id"]
        # One person's topics in one meeting (the report's, counted on the homes).
        indexes = [models.Index(fields=["meeting", "author"])]

    def __str__(self) -> str:
        return self.text


def agenda_order(topics: Iterable[Topic], *, report_id: int) -> list[Topic]:
    """The agenda as both people see it: the report's topics first, then the manager's.

    "Their topics" take 50-60% of the meeting and come before "your topics".
    """
    return sorted(
        topics, key=lambda topic: (topic.author_id != report_id, topic.position, topic.pk)
    )


class SharedNotes(models.Model):
    """The meeting's shared notes, in the documentation template's sections."""

    # One text column per section of the guide's template, named by its key.
    SECTIONS = NOTE_SECTION_KEYS

    meeting = models.OneToOneField(Meeting, models.CASCADE, related_name="shared_notes")
    their_topics = models.TextField(blank=True)
    my_topics = models.TextField(blank=True)
    feedback = models.TextField(blank=True)
    context = models.TextField(blank=True)
    career_progress = models.TextField(blank=True)
    career_goals = models.TextField(blank=True)
    career_next_focus = models.TextField(blank=True)
    follow_up = models.TextField(blank=True)
    # Each section rendered and sanitised when it is written: `with_html` sets them.
    their_topics_html = models.TextField(blank=True)
    my_topics_html = models.TextField(blank=True)
    feedback_html = models.TextField(blank=True)
    context_html = models.TextField(blank=True)
    career_progress_html = models.TextField(blank=True)
    career_goals_html = models.TextField(blank=True)
    career_next_focus_html = models.TextField(blank=True)
    follow_up_html = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(Person, models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=now)

    class Meta:
        verbose_name_plural = "shared notes"

    def __str__(self) -> str:
        return f"Shared notes of {self.meeting}"

    def sections(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.SECTIONS}

    def sections_html(self) -> dict[str, str]:
        return {name: getattr(self, f"{name}_html") for name in self.SECTIONS}

    @staticmethod
    def with_html(sections: dict[str, str]) -> dict[str, str]:
        """The sections to write and, next to each, its HTML: every write of a section uses this."""
        return {
            **sections,
            **{f"{key}_html": render_markdown(text) for key, text in sections.items()},
        }

    @staticmethod
    def html_kept() -> Callable[[str], str]:
        """A section's HTML as `with_html` renders it, kept by text for as long as the
        function returned is (a bounded cache): for a writer of many notes (histories repeat
        their lines and their empty sections, 1:1 after 1:1), who lets it go when done, so
        that no note's text stays in the process's memory."""
        return lru_cache(maxsize=HTML_KEPT)(render_markdown)


# The most sections' HTML one `SharedNotes.html_kept` keeps.
HTML_KEPT = 16_384


def is_rendered(model: type[models.Model], name: str) -> bool:
    """A `<text>_html` column: the model's `<text>` as HTML, kept by the services writing it.

    Erasure renders it again from the cleaned text instead of searching it.
    """
    text = name.removesuffix("_html")
    return text != name and any(f.name == text for f in model._meta.concrete_fields)


class PrivateNote(models.Model):
    """A note readable by its author and nobody else."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="private_notes")
    author = models.ForeignKey(Person, models.CASCADE, related_name="+")
    # The text, sealed with the author's organisation key (rapport.people.keys); "" when empty.
    sealed_body = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "author"], name="one_private_note_each")
        ]

    def __str__(self) -> str:
        return f"Private note #{self.pk}"

    @property
    def body(self) -> str:
        """The note's text, opened here and now (SealError, in words, when it cannot be)."""
        return keys.unseal(self.sealed_body, author_id=self.author_id)

    @body.setter
    def body(self, text: str) -> None:
        # Never stored as given: sealed for the author at once (services seal it themselves).
        self.sealed_body = keys.seal(
            text, organisation_id=self.author.organisation_id, author_id=self.author_id
        )


class ActionItemQuerySet(models.QuerySet["ActionItem"]):
    def in_opening_of(self, meeting: Meeting) -> ActionItemQuerySet:
        """Items from earlier meetings of the series that the meeting opens with.

        An item stays in every following meeting until it is closed; one closed on
        or after the meeting's day still shows, so ticking it off does not hide it.
        """
        return self.filter(opening_of(meeting)).order_by(*OPENING_ORDER)


# The order a meeting's opening lists its items in: by due date, undated last.
OPENING_ORDER = (models.F("due_on").asc(nulls_last=True), "pk")


def opening_of(meeting: Meeting, day: dt.date | None = None) -> Q:
    """The condition on action items of `ActionItemQuerySet.in_opening_of`; `day` is the
    date of its time, for a caller that has it apart (a query compiled once)."""
    day = meeting.scheduled_at.date() if day is None else day
    earlier = Q(meeting__scheduled_at__lt=meeting.scheduled_at) | Q(
        meeting__isnull=True, created_at__lt=meeting.scheduled_at
    )
    still_relevant = Q(status=ActionItem.Status.OPEN) | Q(
        status=ActionItem.Status.DONE, done_on__gte=day
    )
    return Q(series_id=meeting.series_id) & earlier & still_relevant & ~Q(meeting_id=meeting.pk)


class ActionItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    series = models.ForeignKey(Series, models.CASCADE, related_name="action_items")
    meeting = models.ForeignKey(
        Meeting, models.SET_NULL, null=True, blank=True, related_name="action_items"
    )
    owner = models.ForeignKey(Person, models.PROTECT, related_name="action_items")
    text = models.CharField(max_length=500)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(Person, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=now)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["owner", "status"]),
            # A series' open items: counted on the overviews, the newest for the checklist.
            models.Index(fields=["series", "status", "created_at"]),
            # A series' items of some statuses due since a day (the figures of Insights),
            # with the owner and the day done that the figures count: read from the index
            # alone, never from the items' rows.
            models.Index(fields=["series", "status", "due_on", "owner", "done_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", done_on__isnull=False) | ~Q(status="done"),
                name="action_item_done_dated",
            )
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < today
