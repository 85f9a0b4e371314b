"""Reads of growth: a series' open plan, and what the data suggests for its cadence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from rapport.framework.cadence import ADJUSTMENT_REASONS, cadence_departs
from rapport.framework.levels import level_or_default
from rapport.growth.models import ImprovementPlan, MeetingVisit
from rapport.meetings.models import Meeting, Series
from rapport.people.models import Person

# How long a visit counts as "on the page": the page renews it while it is open and visible.
PRESENT_FOR = dt.timedelta(seconds=12)


def open_plan_for(series: Series) -> ImprovementPlan | None:
    """The series' open underperformance plan, if any (a reason to meet weekly)."""
    return ImprovementPlan.objects.filter(series=series, status=ImprovementPlan.Status.OPEN).first()


MOOD_WINDOW = 3  # the last held meetings compared with the ones before them
MOOD_DROP = 1.0  # on the 1-5 scale


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


def people_on_meeting_page(
    *, viewer: Person, meeting: Meeting, now: dt.datetime | None = None
) -> set[int]:
    """The other participants (their ids) whose page of this meeting is open now."""
    now = now or timezone.now()
    series = meeting.series
    others = {series.manager_id, series.report_id} - {viewer.pk}
    return set(
        MeetingVisit.objects.filter(
            meeting=meeting, person_id__in=others, last_seen_at__gte=now - PRESENT_FOR
        ).values_list("person_id", flat=True)
    )
