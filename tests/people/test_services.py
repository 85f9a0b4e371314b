"""Invitations, reporting lines and deactivation, through the people services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from rapport import access
from rapport.errors import Refused
from rapport.meetings.models import Meeting, Series
from rapport.meetings.services import (
    report_deactivate,
    report_invite,
    report_reactivate,
    report_update,
)
from rapport.people.models import Person
from rapport.people.services import (
    person_invite_link,
    set_password_path,
    set_password_url,
)
from tests.conftest import PASSWORD

NEW_PASSWORD = "a long and unusual passphrase 42"


def update(actor: Person, person: Person, **changes: object) -> Person:
    fields = {
        "name": person.name,
        "level": person.level,
        "manager": person.manager,
        "timezone": person.timezone,
        "remote": person.remote,
        "is_org_admin": person.is_org_admin,
    }
    return report_update(actor=actor, person=person, **{**fields, **changes})


def held_meeting(series: Series) -> Meeting:
    """A 1:1 that took place a month ago: history that must survive."""
    return series.meetings.create(
        scheduled_at=timezone.now() - dt.timedelta(days=30),
        duration_minutes=30,
        status=Meeting.Status.HELD,
    )


def choose_password(link_path: str) -> Client:
    """Follow a set-password link as the invited person would, in a fresh browser."""
    client = Client()
    form = client.get(link_path)
    assert form.status_code == 302  # Django swaps the token for a session, then redirects
    response = client.post(
        form["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302, response.content
    return client


# Inviting ----------------------------------------------------------------------------


def test_an_invited_person_chooses_a_password_with_their_link_then_signs_in(ada, mia) -> None:
    nina = report_invite(actor=ada, email="Nina@Acme.test", name="Nina New", manager=mia)
    assert nina.email == "nina@acme.test"
    assert not nina.has_usable_password()
    browser = choose_password(set_password_path(nina))
    # Choosing a password never signs in: the person signs in with it.
    assert not browser.get("/").wsgi_request.user.is_authenticated
    signed_in = browser.post(
        "/login/", {"username": "nina@acme.test", "password": NEW_PASSWORD}, follow=True
    )
    assert signed_in.wsgi_request.user == nina


def test_a_used_link_does_not_work_twice(ada) -> None:
    nina = report_invite(actor=ada, email="nina@acme.test", name="Nina New")
    path = set_password_path(nina)
    choose_password(path)
    again = Client().get(path, follow=True)
    assert b"This link has been used or has expired" in again.content


def test_an_invitation_with_a_manager_starts_their_one_on_one(ada, mia) -> None:
    nina = report_invite(
        actor=ada, email="nina@acme.test", name="Nina New", manager=mia, level="junior"
    )
    series = nina.series.get()
    assert series.manager == mia and series.is_open
    assert series.frequency_weeks == 1  # a junior meets weekly


def test_an_email_already_in_use_is_refused_whatever_its_case(ada, ray) -> None:
    before = Person.objects.count()
    with pytest.raises(Refused, match="already has an account"):
        report_invite(actor=ada, email="RAY@acme.test", name="Ray Again")
    with pytest.raises(Refused, match="already has an account"):
        report_invite(actor=ada, email="zed@globex.test", name="Zed Again")
    assert Person.objects.count() == before


def test_a_manager_from_another_organisation_is_refused(ada, zed) -> None:
    with pytest.raises(Refused, match="same organisation"):
        report_invite(actor=ada, email="nina@acme.test", name="Nina New", manager=zed)
    assert not Person.objects.filter(email="nina@acme.test").exists()


def test_a_deactivated_manager_is_refused(ada, mia, ray, rita) -> None:
    update(ada, ray, manager=None)
    update(ada, rita, manager=None)
    report_deactivate(actor=ada, person=mia)
    with pytest.raises(Refused, match="deactivated"):
        report_invite(actor=ada, email="nina@acme.test", name="Nina New", manager=mia)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "not-an-address"}, "not an email address"),
        ({"name": "   "}, "name is empty"),
        ({"name": "x" * 201}, "at most 200"),
        ({"level": "lead"}, "unknown level"),
        ({"timezone": "Mars/Olympus"}, "unknown timezone"),
    ],
)
def test_bad_details_are_refused_with_a_reason(ada, fields, message) -> None:
    values = {"email": "nina@acme.test", "name": "Nina New", **fields}
    with pytest.raises(Refused, match=message):
        report_invite(actor=ada, **values)
    assert not Person.objects.filter(name="Nina New").exists()


def test_timezones_and_levels_are_stored_in_their_canonical_spelling(ada) -> None:
    nina = report_invite(
        actor=ada, email="nina@acme.test", name="Nina New", timezone="europe/paris", level="Staff+"
    )
    assert (nina.timezone, nina.level) == ("Europe/Paris", "staff")


def test_only_org_admins_invite(mia) -> None:
    with pytest.raises(PermissionDenied):
        report_invite(actor=mia, email="nina@acme.test", name="Nina New")


def test_the_invitation_is_mailed_when_email_is_set_up(
    ada, settings, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    settings.EMAIL_ENABLED = True
    settings.SITE_URL = "https://rapport.acme.test"
    with django_capture_on_commit_callbacks(execute=True):
        nina = report_invite(actor=ada, email="nina@acme.test", name="Nina New")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["nina@acme.test"]
    assert "Acme" in mail.subject
    assert "https://rapport.acme.test" + set_password_path(nina) in mail.body
    assert "Ada Admin invited you" in mail.body


def test_nothing_is_mailed_without_email_set_up(
    ada, settings, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    settings.EMAIL_ENABLED = False
    with django_capture_on_commit_callbacks(execute=True):
        report_invite(actor=ada, email="nina@acme.test", name="Nina New")
    assert mailoutbox == []


def test_a_new_link_can_be_made_for_someone_who_lost_theirs(ada, settings) -> None:
    settings.SITE_URL = "https://rapport.acme.test"
    nina = report_invite(actor=ada, email="nina@acme.test", name="Nina New")
    link = person_invite_link(actor=ada, person=nina)
    assert link.startswith("https://rapport.acme.test/reset/")
    assert link == set_password_url(nina)


def test_no_link_is_made_for_a_deactivated_person(ada, olga) -> None:
    report_deactivate(actor=ada, person=olga)
    with pytest.raises(Refused, match="reactivate them first"):
        person_invite_link(actor=ada, person=olga)


# Reporting lines -------------------------------------------------------------------


def test_a_new_manager_ends_the_old_one_on_one_and_starts_a_new_one(
    ada, ray, mia, omar, series
) -> None:
    held = held_meeting(series)
    update(ada, ray, manager=omar)
    series.refresh_from_db()
    assert series.ended_on is not None
    assert list(series.meetings.filter(status="held")) == [held]
    assert not series.meetings.filter(status="scheduled", scheduled_at__gt=timezone.now())
    new = ray.series.get(ended_on__isnull=True)
    assert new.manager == omar
    # The old 1:1's history stays readable by the IC, and by the old manager.
    assert series in access.series_visible_to(ray)
    assert series in access.series_visible_to(mia)


def test_changing_only_the_level_keeps_the_one_on_one(ada, ray, series) -> None:
    update(ada, ray, level="confirmed")
    series.refresh_from_db()
    assert series.is_open
    assert ray.series.count() == 1


def test_a_reporting_cycle_is_refused(ada, dan, ray) -> None:
    with pytest.raises(Refused, match="reporting cycle"):
        update(ada, dan, manager=ray)
    dan.refresh_from_db()
    assert dan.manager is None


def test_nobody_is_their_own_manager(ada, mia) -> None:
    with pytest.raises(Refused, match="their own manager"):
        update(ada, mia, manager=mia)


def test_a_refused_update_leaves_the_person_as_it_was(ada, ray) -> None:
    with pytest.raises(Refused):
        update(ada, ray, name="Raymond", timezone="Nowhere/Land")
    assert ray.name == "Ray Report"
    ray.refresh_from_db()
    assert ray.name == "Ray Report"


def test_an_admin_cannot_remove_their_own_admin_role(ada) -> None:
    with pytest.raises(Refused, match="your own admin role"):
        update(ada, ada, is_org_admin=False)


def test_only_org_admins_change_people(mia, ray) -> None:
    with pytest.raises(PermissionDenied):
        update(mia, ray, level="senior")


def test_an_admin_cannot_change_another_organisation(zed, ray) -> None:
    with pytest.raises(Refused, match="own organisation"):
        update(zed, ray, level="senior")


# Deactivation --------------------------------------------------------------------------


def test_deactivating_keeps_history_and_ends_the_open_one_on_one(ada, ray, mia, series) -> None:
    past = held_meeting(series)
    report_deactivate(actor=ada, person=ray)
    ray.refresh_from_db()
    series.refresh_from_db()
    assert not ray.is_active
    assert series.ended_on is not None
    assert Meeting.objects.filter(pk=past.pk).exists()
    assert not ray.series.filter(ended_on__isnull=True).exists()
    assert series in access.series_visible_to(mia)


def test_a_deactivated_person_cannot_sign_in(ada, ray) -> None:
    assert Client().login(username=ray.email, password=PASSWORD)
    report_deactivate(actor=ada, person=ray)
    assert not Client().login(username=ray.email, password=PASSWORD)


def test_someone_who_still_manages_people_is_not_deactivated(ada, mia) -> None:
    with pytest.raises(Refused, match="still manages people"):
        report_deactivate(actor=ada, person=mia)
    mia.refresh_from_db()
    assert mia.is_active


def test_an_admin_cannot_deactivate_themselves(ada) -> None:
    with pytest.raises(Refused, match="yourself"):
        report_deactivate(actor=ada, person=ada)


def test_reactivating_reopens_a_one_on_one_with_their_manager(ada, ray, mia) -> None:
    report_deactivate(actor=ada, person=ray)
    report_reactivate(actor=ada, person=ray)
    ray.refresh_from_db()
    assert ray.is_active
    assert ray.series.get(ended_on__isnull=True).manager == mia
    assert ray.series.count() == 2


def test_reactivating_an_active_person_is_refused(ada, ray) -> None:
    with pytest.raises(Refused, match="already active"):
        report_reactivate(actor=ada, person=ray)


def test_with_email_set_up_no_link_is_made_for_someone_with_a_password(ada, ray, settings) -> None:
    # Otherwise an admin could sign in as them and read their private notes.
    settings.EMAIL_ENABLED = True
    with pytest.raises(Refused, match="Send them a reset by mail instead"):
        person_invite_link(actor=ada, person=ray)


def test_without_email_no_link_is_made_for_someone_with_a_password_either(ada, ray) -> None:
    with pytest.raises(Refused, match="deactivate this account and invite them anew"):
        person_invite_link(actor=ada, person=ray)


def test_a_link_made_at_a_given_moment_expires_from_then(ada, settings) -> None:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils import timezone

    nina = report_invite(actor=ada, email="nina@acme.test", name="Nina New")
    long_ago = timezone.now() - dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    stale = person_invite_link(actor=ada, person=nina, mail=False, now=long_ago)
    fresh = person_invite_link(actor=ada, person=nina, mail=False)
    assert not default_token_generator.check_token(nina, stale.rstrip("/").rsplit("/", 1)[-1])
    assert default_token_generator.check_token(nina, fresh.rstrip("/").rsplit("/", 1)[-1])
