"""Mail preferences and the record of every mail sent (claimed once, under a constraint)."""

from __future__ import annotations

from django.db import models

from rapport.people.models import Person


class MailKind(models.TextChoices):
    IC_PREP = "ic_prep", "Reminder to add your topics (as the report, 48 hours before)"
    MANAGER_PREP = (
        "manager_prep",
        "Prep reminder with the checklist (as the manager, 24 hours before)",
    )
    RECAP = "recap", "Recap after a 1:1 (shared notes and action items)"
    ACTION_DUE = "action_due", "Action items due today"
    ACTION_OVERDUE = "action_overdue", "Action items overdue (once, the day after)"
    CANCELLED = "cancelled", "Notice when the other person cancels or moves a 1:1"
    RETROSPECTIVE = (
        "retrospective",
        "Reminder to answer the retrospective of your 1:1s (once, a week after it is due)",
    )


class MailPreference(models.Model):
    """A kind of mail a person turned off (or back on); no row means on."""

    person = models.ForeignKey(Person, models.CASCADE, related_name="mail_preferences")
    kind = models.CharField(max_length=32, choices=MailKind.choices)
    enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "kind"], name="one_mail_preference_each")
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.kind}: {'on' if self.enabled else 'off'}"


class Delivery(models.Model):
    """One mail claimed for sending: the unique key makes a second claim fail.

    `key` names the subject ("meeting:12", "item:7"); the meeting or item is kept too
    for reading, but uniqueness rests on the key so it holds after either is deleted.
    """

    kind = models.CharField(max_length=32, choices=MailKind.choices)
    person = models.ForeignKey(Person, models.CASCADE, related_name="deliveries")
    key = models.CharField(max_length=64)
    meeting = models.ForeignKey(
        "meetings.Meeting", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action_item = models.ForeignKey(
        "meetings.ActionItem", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["kind", "person", "key"], name="one_delivery_each")
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.person} ({self.key})"
