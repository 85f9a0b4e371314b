"""Sacred time: days away and the meetings they touch, and cadence suggestions from the data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from rapport import access
from rapport.errors import Refused
from rapport.framework.cadence import ADJUSTMENT_REASONS
from rapport.framework.levels import level_or_default
from rapport.meetings.models import Meeting, Series
from rapport.meetings.services import cadence_departs
from rapport.people.models import Absence, Person

ABSENCE_MAX_DAYS = 366
MOOD_WINDOW = 3  # the last held meetings compared with the ones before them
MOOD_DROP = 1.0  # on the 1-5 scale


# Days away -----------------------------------------------------------------------


@transaction.atomic
def absence_add(
    *,
    actor: Person,
    starts_on: dt.date,
    ends_on: dt.date,
    note: str = "",
    today: dt.date | None = None,
) -> Absence:
    """Mark days away for oneself; the 1:1s on them get flagged to move."""
    today = today or timezone.localdate(timezone.now(), ZoneInfo(actor.timezone))
    note = " ".join(note.split())
    if ends_on < starts_on:
        raise Refused("The last day away comes on or after the first.")
    if ends_on < today:
        raise Refused("Those days are already past: mark days still to come.")
    if (ends_on - starts_on).days + 1 > ABSENCE_MAX_DAYS:
        raise Refused("Mark at most a year at a time.")
    if len(note) > 200:
        raise Refused("The note is limited to 200 characters.")
    return Absence.objects.create(person=actor, starts_on=starts_on, ends_on=ends_on, note=note)


@transaction.atomic
def absence_remove(*, actor: Person, absence: Absence) -> None:
    """Remove one of one's own days-away entries."""
    if absence.person_id != actor.pk:
        raise Http404(access.NOT_FOUND)
    absence.delete()


def meetings_on_days_away(meetings: Iterable[Meeting]) -> set[int]:
    """Ids of the scheduled meetings that fall on a day away of either participant.

    Two queries however many meetings: their participants, then their absences.
    A day away is a date in the absent person's own timezone.
    """
    ids = [meeting.pk for meeting in meetings]
    if not ids:
        return set()
    rows = list(
        Meeting.objects.filter(pk__in=ids, status=Meeting.Status.SCHEDULED).values_list(
            "pk",
            "scheduled_at",
            "series__manager_id",
            "series__manager__timezone",
            "series__report_id",
            "series__report__timezone",
        )
    )
    if not rows:
        return set()
    people = {row[2] for row in rows} | {row[4] for row in rows}
    first = min(row[1] for row in rows).date() - dt.timedelta(days=1)
    last = max(row[1] for row in rows).date() + dt.timedelta(days=1)
    away: dict[int, list[tuple[dt.date, dt.date]]] = {}
    for person_id, starts_on, ends_on in Absence.objects.filter(
        person_id__in=people, starts_on__lte=last, ends_on__gte=first
    ).values_list("person_id", "starts_on", "ends_on"):
        away.setdefault(person_id, []).append((starts_on, ends_on))
    flagged = set()
    for pk, at, manager_id, manager_tz, report_id, report_tz in rows:
        for person_id, tz in ((manager_id, manager_tz), (report_id, report_tz)):
            day = at.astimezone(_zone(tz)).date()
            if any(start <= day <= end for start, end in away.get(person_id, ())):
                flagged.add(pk)
    return flagged


def _zone(name: str) -> ZoneInfo | dt.timezone:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError):
        return dt.UTC


# Cadence suggestions ----------------------------------------------------------------


@dataclass(frozen=True)
class CadenceSuggestion:
    """A change the data calls for, with the framework's reason to pre-fill the form."""

    key: str
    frequency_weeks: int
    reason: str
    why: str

    @property
    def reason_label(self) -> str:
        return dict(ADJUSTMENT_REASONS).get(self.reason, "")

    def form_initial(self, series: Series) -> dict[str, object]:
        """The cadence form's values with this suggestion applied."""
        return {
            "frequency_weeks": self.frequency_weeks,
            "duration_minutes": series.duration_minutes,
            "career_every_weeks": series.career_every_weeks,
            "weekday": series.weekday,
            "start_time": series.start_time,
            "reason": self.reason,
            "note": self.why,
        }


def _open_plan(series: Series) -> bool:
    from rapport.growth.services import open_plan_for  # growth builds on meetings

    return open_plan_for(series) is not None


def _mood_dropped(series: Series) -> bool:
    moods = list(
        series.meetings.filter(status=Meeting.Status.HELD, mood__isnull=False)
        .order_by("-scheduled_at")
        .values_list("mood", flat=True)[: MOOD_WINDOW * 2]
    )
    if len(moods) < MOOD_WINDOW + 1:
        return False
    recent, before = moods[:MOOD_WINDOW], moods[MOOD_WINDOW:]
    return sum(before) / len(before) - sum(recent) / len(recent) >= MOOD_DROP


def _reason_for_weekly(series: Series) -> str:
    """No reason once weekly brings the series back to its level's cadence, else its own."""
    departs = cadence_departs(
        level_or_default(series.report.level),
        frequency_weeks=1,
        duration_minutes=series.duration_minutes,
        career_every_weeks=series.career_every_weeks,
    )
    return series.cadence_reason if departs else ""


def cadence_suggestions(series: Series) -> list[CadenceSuggestion]:
    """What Rapport suggests for this series' cadence, most pressing first (may be empty)."""
    if not series.is_open or series.frequency_weeks == 1:
        return []
    report = series.report
    rules = (
        (
            _open_plan(series),
            "plan",
            "performance_concern",
            "An underperformance plan is open: meet weekly to check in on it.",
        ),
        (
            report.level == "junior",
            "junior",
            _reason_for_weekly(series),
            "The framework meets juniors every week.",
        ),
        (
            _mood_dropped(series),
            "mood",
            "individual_needs",
            f"{report.first_name}'s mood dropped over the last {MOOD_WINDOW} 1:1s: "
            "meet more often for a while.",
        ),
        (
            report.remote,
            "remote",
            "remote",
            f"{report.first_name} works remotely: weekly 1:1s keep the connection.",
        ),
    )
    return [
        CadenceSuggestion(key=key, frequency_weeks=1, reason=reason, why=why)
        for applies, key, reason, why in rules
        if applies
    ]
