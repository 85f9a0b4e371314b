"""The personas every test shares, made through the services as a real admin would.

mia manages ray (junior) and rita (senior); omar manages olga (confirmed);
dan manages both managers; ada is the org admin; zed belongs to another organisation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.test import Client

from rapport.framework.cadence import CadenceChoice
from rapport.insights import kept
from rapport.meetings.models import Meeting, Series
from rapport.meetings.services import manager_clash, report_invite
from rapport.people.models import Organisation, Person
from rapport.people.services import person_password_chosen

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _no_kept_figures() -> None:
    """Each test starts without the aggregates an earlier one kept: its data, its ids and
    its organisations' stamps went with that test's transaction."""
    kept.forget_all()


def _person(actor: Person, email: str, name: str, **fields: object) -> Person:
    person = report_invite(actor=actor, email=email, name=name, **fields)
    person.set_password(PASSWORD)
    person.save(update_fields=["password"])
    # As after their set-password link: they are no longer counted as invited.
    person_password_chosen(person=person)
    return person


@pytest.fixture
def cast(db: None) -> SimpleNamespace:
    acme = Organisation.objects.create(name="Acme")
    ada = Person(organisation=acme, email="ada@acme.test", name="Ada Admin", is_org_admin=True)
    ada.set_password(PASSWORD)
    ada.save()
    dan = _person(ada, "dan@acme.test", "Dan Director", timezone="Europe/Paris")
    mia = _person(
        ada, "mia@acme.test", "Mia Manager", manager=dan, timezone="Europe/Paris", level="senior"
    )
    omar = _person(ada, "omar@acme.test", "Omar Other", manager=dan, level="staff")
    ray = _person(
        ada,
        "ray@acme.test",
        "Ray Report",
        manager=mia,
        level="junior",
        timezone="America/New_York",
        remote=True,
    )
    rita = _person(ada, "rita@acme.test", "Rita Senior", manager=mia, level="senior")
    olga = _person(ada, "olga@acme.test", "Olga Report", manager=omar, level="confirmed")
    globex = Organisation.objects.create(name="Globex")
    zed = Person(
        organisation=globex, email="zed@globex.test", name="Zed Stranger", is_org_admin=True
    )
    zed.set_password(PASSWORD)
    zed.save()
    return SimpleNamespace(
        acme=acme,
        globex=globex,
        ada=ada,
        dan=dan,
        mia=mia,
        omar=omar,
        ray=ray,
        rita=rita,
        olga=olga,
        zed=zed,
    )


@pytest.fixture
def ada(cast: SimpleNamespace) -> Person:
    return cast.ada


@pytest.fixture
def dan(cast: SimpleNamespace) -> Person:
    return cast.dan


@pytest.fixture
def mia(cast: SimpleNamespace) -> Person:
    return cast.mia


@pytest.fixture
def omar(cast: SimpleNamespace) -> Person:
    return cast.omar


@pytest.fixture
def ray(cast: SimpleNamespace) -> Person:
    return cast.ray


@pytest.fixture
def rita(cast: SimpleNamespace) -> Person:
    return cast.rita


@pytest.fixture
def olga(cast: SimpleNamespace) -> Person:
    return cast.olga


@pytest.fixture
def zed(cast: SimpleNamespace) -> Person:
    return cast.zed


@pytest.fixture
def series(mia: Person, ray: Person):
    """The open 1:1 series between mia and ray."""
    return ray.series.get(ended_on__isnull=True)


def cadence_of(series: Series, **changes: object) -> CadenceChoice:
    """The series' cadence as a manager's choice (no reason, no note), with these changes."""
    current = CadenceChoice(
        frequency_weeks=series.frequency_weeks,
        duration_minutes=series.duration_minutes,
        career_every_weeks=series.career_every_weeks,
        weekday=series.weekday,
        start_time=series.start_time,
        reason="",
    )
    return dataclasses.replace(current, **changes)


@pytest.fixture
def meeting(series):
    """The next scheduled meeting of mia and ray."""
    return series.meetings.filter(status="scheduled").order_by("scheduled_at").first()


def free_time(meeting: Meeting, start: dt.datetime) -> dt.datetime:
    """`start`, or the first hour after it when the meeting's manager has no other 1:1 then.

    The cast's 1:1s recur every week at fixed hours: a new time taken from the clock ("in a
    day", "in three hours") lands on one of them at some hours of some days.
    """
    while manager_clash(meeting, start, meeting.duration_minutes):
        start += dt.timedelta(hours=1)
    return start


@pytest.fixture
def client_for(db: None) -> Callable[[Person | None], Client]:
    """A test client signed in as the person (anonymous for None)."""

    def make(person: Person | None) -> Client:
        client = Client()
        if person is not None:
            client.force_login(person)
        return client

    return make
