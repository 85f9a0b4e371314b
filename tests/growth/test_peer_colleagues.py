"""The colleagues a manager may ask for peer feedback: listed and counted from an index."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.growth import selectors
from rapport.people.models import Person


def test_the_colleagues_to_ask_are_listed_and_counted_from_the_index_alone(series) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL plans by its statistics: a table this small is scanned")
    ids = (series.organisation_id, series.manager_id, series.report_id)
    for built in (
        selectors._colleagues_shown(*ids, None, limit=selectors.PEER_COLLEAGUES_SHOWN),
        selectors._colleague_count(*ids, None),
    ):
        plan = built.explain()
        assert "COVERING INDEX person_colleagues_by_name" in plan
    # The active people are found by both columns of the index, so those shown are read in
    # its name order (and stop at the limit), never all sorted.
    shown = selectors._colleagues_shown(*ids, None, limit=selectors.PEER_COLLEAGUES_SHOWN)
    assert "(organisation_id=? AND is_active=?)" in shown.explain()


def test_the_colleagues_to_ask_are_the_active_others_team_mates_first_by_name(
    series, mia, ray
) -> None:
    found, others, total = selectors._peer_colleagues(mia, series, "", frozenset())
    active = Person.objects.filter(organisation=mia.organisation, is_active=True).exclude(
        pk__in=[mia.pk, ray.pk]
    )
    assert total == active.count() == len(found)
    team_mates = sorted((p.name, p.pk) for p in active if p.manager_id == mia.pk)
    assert [(c["name"], c["pk"]) for c in found[: len(team_mates)]] == team_mates
    rest = [(c["name"], c["pk"]) for c in found[len(team_mates) :]]
    assert rest == sorted(rest)
    assert others == []


def test_the_colleagues_count_is_a_fresh_count_after_people_are_added_and_deactivated(
    series, mia, ray, ada
) -> None:
    from rapport.people import services

    def fresh() -> int:
        active = Person.objects.filter(organisation=mia.organisation, is_active=True)
        return active.exclude(pk__in=[mia.pk, ray.pk]).count()

    def shown() -> int:
        viewer = Person.objects.select_related("organisation").get(pk=mia.pk)
        return selectors._peer_colleagues(viewer, series, "", frozenset())[2]

    added = [
        services.person_invite(actor=ada, email=f"c{n}@acme.test", name=f"Colleague {n:02}")
        for n in range(selectors.PEER_COLLEAGUES_SHOWN + 2)
    ]
    assert shown() == fresh() > selectors.PEER_COLLEAGUES_SHOWN
    viewer = Person.objects.select_related("organisation").get(pk=mia.pk)
    with CaptureQueriesContext(connection) as queries:
        selectors._peer_colleagues(viewer, series, "", frozenset())
    assert len(queries) == 1  # the list alone: the count is the roster's
    services.person_deactivate(actor=ada, person=added[0])
    assert shown() == fresh()
    services.person_invite(actor=ada, email="late@acme.test", name="Late Colleague")
    assert shown() == fresh()
