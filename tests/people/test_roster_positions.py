"""The places on the roster the services keep (by team and A to Z), checked against the
order worked out afresh from the people as they are, after each kind of change."""

from __future__ import annotations

import getpass
import importlib
import io

from django.core.management import call_command, get_commands
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from rapport.meetings.services import (
    report_deactivate,
    report_invite,
    report_reactivate,
    roster_apply,
)
from rapport.people import selectors
from rapport.people.models import Organisation, Person
from rapport.people.services import (
    ROSTER_ORDER,
    person_update_own,
    roster_positions_refresh,
    set_password_path,
    team_order,
)
from rapport.privacy import services as privacy
from tests.conftest import PASSWORD
from tests.people.test_services import choose_password, update


def fresh_places(organisation_id: int) -> dict[int, tuple[int, int]]:
    """Each person's (place by team, place A to Z), worked out now from the database."""
    rows = list(
        Person.objects.filter(organisation_id=organisation_id)
        .order_by(*ROSTER_ORDER)
        .values_list("pk", "manager_id", "manager__name")
    )
    by_team = [row[0] for _, members in team_order(rows) for row in members]
    by_name = [row[0] for row in rows]
    return {pk: (by_team.index(pk), by_name.index(pk)) for pk in by_name}


def kept_places(organisation_id: int) -> dict[int, tuple[int, int]]:
    people = Person.objects.filter(organisation_id=organisation_id)
    return {
        pk: (team, name)
        for pk, team, name in people.values_list("pk", "roster_position", "name_position")
    }


def fresh_counts(organisation_id: int) -> tuple[int, int, int, int]:
    """(active, invited, deactivated, managing), counted now."""
    people = Person.objects.filter(organisation_id=organisation_id)
    active = people.filter(is_active=True)
    return (
        active.count(),
        sum(1 for person in active if not person.has_usable_password()),
        people.filter(is_active=False).count(),
        active.filter(reports__is_active=True).distinct().count(),
    )


def kept_counts(organisation_id: int) -> tuple[int, int, int, int]:
    return Organisation.objects.filter(pk=organisation_id).values_list(
        "roster_people", "roster_invited", "roster_inactive", "roster_managers"
    )[0]


def assert_kept(organisation_id: int) -> None:
    assert kept_places(organisation_id) == fresh_places(organisation_id)
    assert kept_counts(organisation_id) == fresh_counts(organisation_id)


def test_the_places_follow_every_change_to_the_roster(ada, dan, mia, omar, ray, rita, olga):
    org = ada.organisation_id
    assert_kept(org)
    nina = report_invite(actor=ada, email="nina@acme.test", name="Aaron Nina", manager=rita)
    assert_kept(org)
    assert kept_counts(org)[1] == 1  # invited
    choose_password(set_password_path(nina))
    assert_kept(org)
    assert kept_counts(org)[1] == 0
    update(ada, mia, name="Zoe Manager")  # a manager renamed: her team moves down the chart
    assert_kept(org)
    update(ada, ray, manager=omar)  # a move to another team
    assert_kept(org)
    report_deactivate(actor=ada, person=olga)  # the deactivated go last in their team
    assert_kept(org)
    report_reactivate(actor=ada, person=olga)
    assert_kept(org)
    person_update_own(actor=rita, name="Abigail Senior", timezone="UTC", remote=False)
    assert_kept(org)
    managing = Organisation.objects.get(pk=org).roster_managers
    update(ada, rita, manager=dan)  # Mia (renamed Zoe) manages nobody now
    assert_kept(org)
    assert Organisation.objects.get(pk=org).roster_managers == managing - 1
    roster_apply(
        actor=ada,
        organisation=ada.organisation,
        text="email,name,level,manager_email,timezone,remote\n"
        "noor@acme.test,Noor Lead,senior,dan@acme.test,,no\n"
        f"{nina.email},Aaron Nina,junior,noor@acme.test,,no\n",
    )
    assert_kept(org)
    privacy.erasure_request(actor=olga, password=PASSWORD)
    olga.refresh_from_db()
    privacy.person_erase(actor=ada, person=olga)
    assert_kept(org)
    # Another organisation's places are its own, from 0.
    assert kept_places(Person.objects.get(email="zed@globex.test").organisation_id) == {
        Person.objects.get(email="zed@globex.test").pk: (0, 0)
    }


def test_a_password_set_with_the_changepassword_command_is_counted(ada, rita, monkeypatch):
    org = ada.organisation_id
    report_invite(actor=ada, email="nina@acme.test", name="Aaron Nina", manager=rita)
    assert kept_counts(org)[1] == 1
    assert get_commands()["changepassword"] == "rapport.people"
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": "a quiet harbour at dawn 42")
    call_command("changepassword", "nina@acme.test", stdout=io.StringIO())
    assert Person.objects.get(email="nina@acme.test").has_usable_password()
    assert_kept(org)
    assert kept_counts(org)[1] == 0


def test_a_page_of_kept_places_lists_what_the_slim_rows_would(ada, mia, ray, omar, olga):
    """The whole roster read by its kept places, in both orders, is the roster a search
    that matches everyone puts in order from its rows."""
    for number in range(7):
        report_invite(actor=ada, email=f"p{number}@acme.test", name=f"P {7 - number}", manager=mia)
    report_deactivate(actor=ada, person=olga)
    update(ada, ray, manager=omar)
    for order in ("team", "name"):
        kept = selectors.people_page(ada, order=order)
        searched = selectors.people_page(ada, order=order, query="acme.test")
        assert [p.pk for p in kept.roster] == [p.pk for p in searched.roster]
        assert kept.roster == searched.roster
        assert kept.visible_ids == searched.visible_ids
        assert kept.counts == searched.counts


def test_the_places_are_cut_into_pages(ada, mia, monkeypatch) -> None:
    for number in range(5):
        report_invite(actor=ada, email=f"p{number}@acme.test", name=f"P {number}", manager=mia)
    everyone = selectors.people_page(ada, query="acme.test").roster
    monkeypatch.setattr(selectors, "PEOPLE_PER_PAGE", 3)
    pages = [selectors.people_page(ada, page=number) for number in range(1, 6)]
    assert [page.page for page in pages] == [1, 2, 3, 4, 4]  # past the last: the last
    assert [p.pk for page in pages[:4] for p in page.roster] == [p.pk for p in everyone]
    assert pages[0].pages == 4 and pages[0].matches == len(everyone)


def test_the_migration_sets_the_places_of_everyone_already_there(ada, mia, ray) -> None:
    Person.objects.update(roster_position=0, name_position=0)
    Organisation.objects.update(
        roster_people=0, roster_invited=0, roster_inactive=0, roster_managers=0
    )
    migration = importlib.import_module("rapport.people.migrations.0008_roster_positions")
    # The models as they stood at that migration: the people and organisations an upgrade
    # from before it holds, which the function it calls must still work with.
    state = MigrationLoader(connection).project_state(("people", "0008_roster_positions"))
    migration.positions_for_everyone(state.apps, None)
    assert_kept(ada.organisation_id)
    assert roster_positions_refresh(ada.organisation_id) == 0  # nothing left to change
