"""Pages are assembled by selectors into typed objects; the views only render their fields."""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect

import pytest

from rapport.growth import selectors as growth_selectors
from rapport.meetings import selectors as meeting_selectors
from rapport.meetings import services as reporting
from rapport.meetings.models import Series
from rapport.meetings.scheduling import WEEKDAY_NAMES
from rapport.notifications import selectors as notification_selectors
from rapport.people import selectors as people_selectors
from rapport.people.models import Person
from rapport.web.views import coaching, home, people, series


def test_the_home_page_counts_a_meeting_as_unprepared_only_within_three_days_of_now(
    mia, meeting
) -> None:
    close = growth_selectors.home_page(mia, meeting.scheduled_at - dt.timedelta(days=1))
    far = growth_selectors.home_page(mia, meeting.scheduled_at - dt.timedelta(days=5))
    assert isinstance(close, growth_selectors.HomePage)
    assert meeting.pk in [row.next_meeting.pk for row in close.unprepared]
    assert meeting.pk not in [row.next_meeting.pk for row in far.unprepared if row.next_meeting]


def test_the_home_page_of_a_report_shows_their_own_one_on_one_and_no_reports(ray, meeting):
    page = growth_selectors.home_page(ray)
    assert page.reports == [] and page.unprepared == []
    assert [row.series.pk for row in page.own] == [meeting.series_id]
    assert page.ic_preparation  # the guide's prompts, addressed to the IC


def test_the_series_page_hides_warnings_from_the_report_and_shows_them_to_the_manager(
    mia, ray, series
) -> None:
    later = dt.datetime.combine(series.started_on, dt.time(), tzinfo=dt.UTC) + dt.timedelta(
        weeks=20
    )
    manager = growth_selectors.series_page(mia, series, now=later)
    report = growth_selectors.series_page(ray, series, now=later)
    assert manager.warnings and report.warnings == []
    assert (manager.other, report.other) == (ray, mia)


def test_a_suggestion_fills_the_series_pages_cadence_form(mia, rita) -> None:
    Person.objects.filter(pk=rita.pk).update(remote=True)
    fortnightly = Series.objects.get(report=rita, ended_on__isnull=True)  # rita as now saved
    page = growth_selectors.series_page(mia, fortnightly, suggest="remote")
    plain = growth_selectors.series_page(mia, fortnightly)
    assert page.applied is not None and page.applied.key == "remote"
    assert (page.cadence_initial["frequency_weeks"], page.cadence_initial["reason"]) == (
        1,
        "remote",
    )
    assert plain.applied is None
    assert plain.cadence_initial["frequency_weeks"] == fortnightly.frequency_weeks != 1
    assert page.cadence.weekday_label == WEEKDAY_NAMES[fortnightly.weekday]


def test_the_people_page_groups_the_roster_and_falls_back_to_the_team_order(ada) -> None:
    page = people_selectors.people_page(ada, order="sideways")
    assert page.order == "team"
    assert sum(len(team.people) for team in page.teams) == len(page.roster)
    assert page.counts.people == sum(1 for person in page.roster if person.is_active)


def test_a_persons_page_shows_the_one_on_ones_the_viewer_takes_part_in(mia, ray, series):
    page = meeting_selectors.person_page(mia, ray)
    assert page.series_list == [series] and not page.is_self
    assert meeting_selectors.person_page(ray, ray).is_self


def test_the_settings_page_lists_every_kind_of_mail_on_by_default(ray) -> None:
    page = notification_selectors.settings_page(ray)
    assert page.kinds and all(enabled for _, _, enabled in page.kinds)
    assert page.feed_url == ""


PAGES = [
    growth_selectors.home_page,
    growth_selectors.series_page,
    growth_selectors.cadence_form_page,
    growth_selectors.prepare_panel,
    growth_selectors.questions_panel,
    growth_selectors.feedback_panel,
    growth_selectors.playbooks_panel,
    growth_selectors.remote_panel,
    people_selectors.people_page,
    meeting_selectors.person_page,
    notification_selectors.settings_page,
]


@pytest.mark.parametrize("selector", PAGES, ids=lambda selector: selector.__name__)
def test_every_page_selector_returns_a_dataclass(selector) -> None:
    returned = inspect.signature(selector).return_annotation
    page_type = getattr(inspect.getmodule(selector), returned)
    assert dataclasses.is_dataclass(page_type)


@pytest.mark.parametrize("module", [home, series, people, coaching])
def test_these_views_render_page_objects_and_build_no_context_of_their_own(module) -> None:
    source = inspect.getsource(module)
    assert "render_page(" in source
    assert "render(request" not in source.replace("render_page(request", "")


def _roster_counts_in_the_database(organisation_id: int) -> dict[str, int]:
    people = Person.objects.filter(organisation_id=organisation_id)
    active = people.filter(is_active=True)
    return {
        "people": active.count(),
        "managers": active.filter(reports__is_active=True).distinct().count(),
        "invited": sum(1 for person in active if not person.has_usable_password()),
        "inactive": people.filter(is_active=False).count(),
    }


def test_the_people_page_counts_follow_invitations_and_deactivations(ada, ray, olga) -> None:
    def counted() -> dict[str, int]:
        return dataclasses.asdict(people_selectors.people_page(ada).counts)

    assert counted() == _roster_counts_in_the_database(ada.organisation_id)
    reporting.report_invite(
        actor=ada, manager=ray, email="nina@acme.test", name="Nina New", level="junior"
    )
    reporting.report_deactivate(actor=ada, person=olga)
    after = counted()
    assert after == _roster_counts_in_the_database(ada.organisation_id)
    assert after["invited"] >= 1 and after["inactive"] >= 1
    shown = {person.pk: person for person in people_selectors.people_page(ada).roster}
    assert shown[ray.pk].report_count == 1
    page = people_selectors.people_page(ray)
    assert {person.pk: person.report_count for person in page.roster}[ray.pk] == 1
    assert all(person.report_count is None for person in page.roster if person.pk != ray.pk)
