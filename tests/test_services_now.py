"""Every service takes an optional `now=`, so history can be written as it happened."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect

import pytest
from django.utils import timezone

SERVICE_MODULES = [
    "rapport.meetings.services.series",
    "rapport.meetings.services.meetings",
    "rapport.meetings.services.topics",
    "rapport.meetings.services.notes",
    "rapport.meetings.services.action_items",
    "rapport.meetings.services.reporting",
    "rapport.people.services",
    "rapport.growth.services",
    "rapport.growth.services.career",
    "rapport.growth.services.peers",
    "rapport.insights.services",
    "rapport.notifications.mail",
    "rapport.privacy.services",
]


def _services() -> list[tuple[str, inspect.Signature]]:
    found = []
    for name in SERVICE_MODULES:
        module = importlib.import_module(name)
        for function_name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != name or function_name.startswith("_"):
                continue
            signature = inspect.signature(function)
            writes = hasattr(function, "__wrapped__") or "actor" in signature.parameters
            if writes:
                found.append((function_name, signature))
    return found


def test_the_services_are_found() -> None:
    names = {name for name, _ in _services()}
    assert {"series_start", "topic_add", "person_update", "feedback_give", "absence_add"} <= names


@pytest.mark.parametrize(("name", "signature"), _services(), ids=lambda value: str(value)[:40])
def test_every_service_takes_an_optional_now(name: str, signature: inspect.Signature) -> None:
    now = signature.parameters.get("now")
    assert now is not None, f"{name} takes no now="
    assert now.kind is inspect.Parameter.KEYWORD_ONLY
    assert now.default is None


def test_a_service_given_a_moment_records_it_instead_of_the_clock(mia, ray, meeting) -> None:
    from rapport.meetings import services

    then = meeting.scheduled_at - dt.timedelta(days=3)
    topic = services.topic_add(actor=ray, meeting=meeting, text="Backlog", now=then)
    item = services.action_item_add(actor=mia, meeting=meeting, text="Draft", owner=ray, now=then)
    topic.refresh_from_db()
    item.refresh_from_db()
    assert topic.created_at == item.created_at == then
    assert topic.added_before_start


def test_people_and_series_started_in_the_past_are_dated_then(ada, mia) -> None:
    from rapport.meetings import services

    then = timezone.now() - dt.timedelta(weeks=30)
    person = services.report_invite(
        actor=ada, email="new@acme.test", name="New Person", manager=mia, now=then
    )
    person.refresh_from_db()
    assert person.date_joined == then
    series = person.series.get()
    assert series.started_on == timezone.localdate(then)
    assert series.meetings.order_by("scheduled_at").first().created_at <= timezone.now()
