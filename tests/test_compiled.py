"""Querysets compiled once per process: the same rows as the queryset, for any values."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.models import QuerySet, Value
from django.test.utils import CaptureQueriesContext

from rapport import access, compiled
from rapport.meetings import services
from rapport.meetings.models import Meeting, Series
from rapport.people.models import Person


def _series_of(viewer: Person, started_after: dt.date) -> QuerySet[Series]:
    return access.series_visible_to(viewer).filter(started_on__gt=started_after).order_by("pk")


def _series_in(ids: list[int], *, status: str) -> QuerySet[Meeting]:
    return Meeting.objects.filter(series_id__in=ids, status=status).values_list("pk", flat=True)


def _a_day_later(viewer: Person, started_after: dt.date) -> QuerySet[Series]:
    return _series_of(viewer, started_after + dt.timedelta(days=1))


def _labelled(viewer: Person, *, label: str) -> QuerySet[Person]:
    return Person.objects.filter(pk=viewer.pk, level__in=("junior", "senior")).annotate(
        label=Value(label)
    )


def _first(viewer: Person, limit: int) -> QuerySet[Series]:
    return access.series_visible_to(viewer).order_by("pk")[:limit]


def test_it_reads_what_the_queryset_reads_for_each_viewer(cast: SimpleNamespace) -> None:
    long_ago = dt.date(2000, 1, 1)
    for viewer in (cast.mia, cast.omar, cast.ray, cast.zed, cast.mia):
        found = compiled.rows(_series_of, viewer, long_ago)
        assert found == list(_series_of(viewer, long_ago))
        assert [s.report.name for s in found] == [
            s.report.name for s in _series_of(viewer, long_ago)
        ]
    assert compiled.rows(_series_of, cast.mia, dt.date(2999, 1, 1)) == []


def test_it_compiles_once_and_then_runs_one_query(cast: SimpleNamespace) -> None:
    compiled.rows(_series_of, cast.mia, dt.date(2000, 1, 1))
    with CaptureQueriesContext(connection) as queries:
        compiled.rows(_series_of, cast.omar, dt.date(2001, 1, 1))
    assert len(queries) == 1


def test_a_list_of_keys_and_a_constant_take_their_values(cast: SimpleNamespace) -> None:
    ids = list(Series.objects.order_by("pk").values_list("pk", flat=True))
    for status in ("scheduled", "held"):
        for some in (ids, ids[:1]):
            assert compiled.rows(_series_in, some, status=status) == list(
                _series_in(some, status=status)
            )


def test_it_refuses_a_value_worked_out_from_an_argument(cast: SimpleNamespace) -> None:
    with pytest.raises(compiled.ShapeError):
        compiled.rows(_a_day_later, cast.mia, dt.date(2000, 1, 1))


def test_it_refuses_a_value_written_into_the_sql(cast: SimpleNamespace) -> None:
    with pytest.raises(compiled.ShapeError):
        compiled.rows(_first, cast.mia, 2)
    assert len(compiled.rows(_first, cast.mia, limit=1)) == 1


def test_a_private_note_is_read_by_its_author_only(mia, ray, meeting) -> None:
    services.private_note_save(actor=mia, meeting=meeting, body="Ask about the move", version=0)
    assert access.private_note_for(mia, meeting).body == "Ask about the move"
    assert access.private_note_for(ray, meeting) is None
    assert access.private_note_for(Person.objects.get(pk=ray.pk), meeting) is None


def test_first_is_the_first_row_or_none(cast: SimpleNamespace) -> None:
    found = compiled.first(_first, cast.mia, limit=1)
    assert found == _first(cast.mia, limit=1).first()
    assert compiled.first(_series_of, cast.mia, dt.date(2999, 1, 1)) is None


@pytest.mark.parametrize("label", ["it's 100% done", "a\\b %s"])
def test_constants_written_into_postgresqls_sql_read_the_same_rows(
    cast: SimpleNamespace, label: str
) -> None:
    # PostgreSQL's one plan for every value knows a constant (a level) written in.
    sent = []

    def keep(execute, sql, params, many, context):
        sent.append(list(params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        found = compiled.rows(_labelled, cast.mia, label=label)
    assert [(person.pk, person.label) for person in found] == [(cast.mia.pk, label)]
    assert compiled.rows(_labelled, cast.ray, label=label)[0].label == label
    assert compiled.rows(_labelled, cast.dan, label=label) == []
    if connection.vendor == "postgresql":
        # A backslash is left a parameter: whether it escapes depends on the server.
        assert sent == [([label] if "\\" in label else []) + [cast.mia.pk]]
    else:
        assert sent == [[label, "junior", "senior", cast.mia.pk]]


def test_written_constants_keep_percent_signs_and_bracket_negative_numbers() -> None:
    sql, left = compiled._constants_written_in(
        "a -%s, b LIKE '%%x', %s, %s, %s",
        [(None, None, -5), (None, None, "it's 5%"), (0, None, None), (None, None, dt.date.min)],
    )
    assert sql == "a -(-5), b LIKE '%%x', 'it''s 5%%', %s, %s"
    assert left == [(0, None, None), (None, None, dt.date.min)]
