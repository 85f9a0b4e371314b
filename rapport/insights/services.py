"""Insights writes: a meeting's talk share, from a transcript's figures or the manager's estimate.

Every write is `<thing>_<action>(*, actor, ...)` in one transaction. A transcript reaches
these services only as per-speaker totals: its text never gets this far.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from rapport import access
from rapport.errors import Refused, clean_text
from rapport.framework import retrospectives as rules
from rapport.framework.repeats import is_repeat
from rapport.insights.models import Retrospective, Side, SpeakerSide, TalkMeasure
from rapport.insights.selectors import talk_refusal
from rapport.insights.transcripts import FORMAT_LABELS, SpeakerTalk
from rapport.meetings.models import Meeting, Series
from rapport.people.models import Person


@dataclass(frozen=True, slots=True)
class SideTotals:
    """The talk of each side of the 1:1, once the speakers are mapped."""

    manager_seconds: float | None
    report_seconds: float | None
    manager_words: int
    report_words: int

    @property
    def manager_share(self) -> int:
        """The manager's share in percent: of talk time when the format has times, else of words."""
        if self.manager_seconds is not None and self.report_seconds is not None:
            total = self.manager_seconds + self.report_seconds
            if total > 0:
                return round(100 * self.manager_seconds / total)
        total_words = self.manager_words + self.report_words
        return round(100 * self.manager_words / total_words)


def talk_sides(
    speakers: Sequence[SpeakerTalk], sides: Mapping[str, str], *, report_name: str = "your report"
) -> SideTotals:
    """Add up each side's seconds and words; speakers mapped to someone else count for nobody."""
    totals = {Side.MANAGER: [0.0, 0, 0], Side.REPORT: [0.0, 0, 0]}
    timed = all(speaker.seconds is not None for speaker in speakers)
    for speaker in speakers:
        side = sides.get(speaker.name, "")
        if side not in Side.values:
            raise Refused(f"Say who “{speaker.name}” is: you, {report_name} or someone else.")
        if side in totals:
            totals[side][0] += speaker.seconds or 0.0
            totals[side][1] += speaker.words
            totals[side][2] += 1
    if not totals[Side.MANAGER][2]:
        raise Refused("Choose which speaker is you.")
    if not totals[Side.REPORT][2]:
        raise Refused(f"Choose which speaker is {report_name}.")
    result = SideTotals(
        manager_seconds=totals[Side.MANAGER][0] if timed else None,
        report_seconds=totals[Side.REPORT][0] if timed else None,
        manager_words=totals[Side.MANAGER][1],
        report_words=totals[Side.REPORT][1],
    )
    if not (result.manager_words + result.report_words) and not (
        (result.manager_seconds or 0) + (result.report_seconds or 0)
    ):
        raise Refused("The speakers chosen for the two of you said nothing.")
    return result


def talk_check_recordable(person: Person, meeting: Meeting) -> None:
    """The manager of an open series records the talk of a 1:1 that took place."""
    access.talk_check_manager(person, meeting)
    if refusal := talk_refusal(meeting):
        raise Refused(refusal)


def _write_share(meeting: Meeting, share: int) -> None:
    # The meeting carries the headline figure every other figure reads; insights writes it.
    meeting.manager_talk_share = share
    meeting.save(update_fields=["manager_talk_share"])


@transaction.atomic
def talk_share_record_transcript(
    *,
    actor: Person,
    meeting: Meeting,
    transcript_format: str,
    speakers: Sequence[SpeakerTalk],
    sides: Mapping[str, str],
    now: dt.datetime | None = None,
) -> TalkMeasure:
    """Keep a transcript's totals for the meeting, never its text, and remember who is who."""
    talk_check_recordable(actor, meeting)
    if transcript_format not in FORMAT_LABELS:
        raise Refused("Unknown transcript format.")
    totals = talk_sides(speakers, sides, report_name=meeting.series.report.first_name)
    now = now or timezone.now()
    measure, _ = TalkMeasure.objects.update_or_create(
        meeting=meeting,
        defaults={
            "source": TalkMeasure.Source.TRANSCRIPT,
            "transcript_format": transcript_format,
            "manager_seconds": _whole(totals.manager_seconds),
            "report_seconds": _whole(totals.report_seconds),
            "manager_words": totals.manager_words,
            "report_words": totals.report_words,
            "recorded_by": actor,
            "recorded_at": now,
        },
    )
    _write_share(meeting, totals.manager_share)
    for speaker in speakers:
        SpeakerSide.objects.update_or_create(
            series_id=meeting.series_id,
            speaker=speaker.name,
            defaults={"side": sides[speaker.name], "updated_at": now},
        )
    return measure


def _whole(seconds: float | None) -> int | None:
    return None if seconds is None else round(seconds)


@transaction.atomic
def talk_share_record_estimate(
    *, actor: Person, meeting: Meeting, manager_share: int, now: dt.datetime | None = None
) -> TalkMeasure:
    """The manager's own estimate of their talk share, 0-100, when there is no transcript."""
    talk_check_recordable(actor, meeting)
    if not isinstance(manager_share, int) or not 0 <= manager_share <= 100:
        raise Refused("Your share of the talking is a percentage from 0 to 100.")
    current = TalkMeasure.objects.filter(meeting=meeting).first()
    if current is not None and current.from_transcript:
        raise Refused(
            "This 1:1's talk share comes from a transcript: upload another one to change it."
        )
    measure, _ = TalkMeasure.objects.update_or_create(
        meeting=meeting,
        defaults={
            "source": TalkMeasure.Source.ESTIMATE,
            "transcript_format": "",
            "manager_seconds": None,
            "report_seconds": None,
            "manager_words": None,
            "report_words": None,
            "recorded_by": actor,
            "recorded_at": now or timezone.now(),
        },
    )
    _write_share(meeting, manager_share)
    return measure


@transaction.atomic
def thresholds_save(
    *, actor: Person, values: Mapping[str, object], now: dt.datetime | None = None
) -> dict[str, int]:
    """An org admin's thresholds for the signs, all checked before any is written.

    A value equal to the framework's default removes the organisation's own row; the
    cancellation thresholds are kept on the organisation, where the series warnings read them.
    """
    from rapport.framework.thresholds import DEFAULTS, ORGANISATION_FIELDS, check_thresholds
    from rapport.insights.models import Threshold

    organisation = access.thresholds_organisation_for(actor)
    clean, errors = check_thresholds(values)
    if errors:
        raise Refused(" ".join(errors.values()))
    if clean.get("min_meetings", 0) > clean.get("window_meetings", 99):
        raise Refused("Held 1:1s before a sign is judged cannot exceed the meetings looked at.")
    now = now or timezone.now()
    changed_fields = []
    for key, value in clean.items():
        if key in ORGANISATION_FIELDS:
            setattr(organisation, key, value)
            changed_fields.append(key)
        elif value == DEFAULTS[key]:
            Threshold.objects.filter(organisation=organisation, key=key).delete()
        else:
            Threshold.objects.update_or_create(
                organisation=organisation,
                key=key,
                defaults={"value": value, "updated_by": actor, "updated_at": now},
            )
    # The organisation keeps a copy of its own rows, read with it on every page.
    own = Threshold.objects.filter(organisation=organisation).values_list("key", "value")
    organisation.own_thresholds = dict(own.order_by("key"))
    organisation.save(update_fields=[*changed_fields, "own_thresholds"])
    return clean


# Retrospectives: the report answers, the manager replies in a line ------------------


_TOO_LONG = "{what} is {length} characters long: keep it under {limit}."


@transaction.atomic
def retrospective_answer(
    *,
    actor: Person,
    series: Series,
    answers: Mapping[str, object],
    rating: object,
    now: dt.datetime | None = None,
) -> Retrospective:
    """The report's retrospective of their open 1:1 (due or not: one may always start one)."""
    access.retrospective_check_answer(actor, series)
    if not series.is_open:
        raise Refused("This 1:1 has ended: there is nothing left to look back on together.")
    clean = {
        key: clean_text(
            answers.get(key),
            limit=rules.ANSWER_MAX_CHARS,
            what=f"“{question}”",
            too_long=_TOO_LONG,
        )
        for key, question in rules.QUESTIONS
    }
    if not any(clean.values()):
        raise Refused("Answer at least one of the questions.")
    try:
        number = int(str(rating).strip())
    except (TypeError, ValueError):
        number = 0
    if not rules.RATING_MIN <= number <= rules.RATING_MAX:
        raise Refused(f"Rate your 1:1s from {rules.RATING_MIN} to {rules.RATING_MAX}.")
    now = now or timezone.now()
    # The series' row is held so the same answers sent twice at once take turns.
    list(Series.objects.select_for_update().filter(pk=series.pk).values("pk"))
    latest = Retrospective.objects.filter(series=series).order_by("-answered_at", "-pk").first()
    if (
        latest is not None
        and is_repeat(latest.answered_at, now)
        and latest.rating == number
        and all(getattr(latest, key) == value for key, value in clean.items())
    ):
        return latest
    return Retrospective.objects.create(series=series, rating=number, answered_at=now, **clean)


@transaction.atomic
def retrospective_reply(
    *, actor: Person, retrospective: Retrospective, reply: object, now: dt.datetime | None = None
) -> Retrospective:
    """The manager's one-line reply, shown to the report under their answers."""
    access.retrospective_check_reply(actor, retrospective)
    text = clean_text(
        reply,
        limit=rules.REPLY_MAX_CHARS,
        what="Your reply",
        empty="Write your reply in a line.",
        too_long=_TOO_LONG,
    )
    retrospective.reply = " ".join(text.split())
    retrospective.replied_at = now or timezone.now()
    retrospective.save(update_fields=["reply", "replied_at"])
    return retrospective
