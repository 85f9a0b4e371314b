"""Who sees a career: the IC and their current manager all of it; a previous manager what
was recorded while they managed, read-only; nobody else, not the manager's manager nor an
org admin."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from rapport.career import selectors, services
from rapport.career.models import LadderView, SelfAssessment
from tests.career.conftest import days_ago

MIA_ERA = "Staying IC, on the staff track"
OMAR_ERA = "Curious about management now"


@pytest.fixture
def history(cast, series, moved):
    """An aspiration, a ladder view and a self-assessment under mia, then under omar."""
    ray, mia, omar = cast.ray, cast.mia, cast.omar
    # Written while mia managed ray (the 1:1 has ended since: the records stay in it).
    old = moved.old
    for record, values in (
        ("aspiration", MIA_ERA),
        ("view", "Meets junior delivery: MIA-VIEW"),
        ("assessment", "MIA-ERA self-assessment"),
    ):
        _record(record, ray, mia, old, values, open_now=False)
    _record("aspiration", ray, omar, moved.new, OMAR_ERA, open_now=True)
    _record("view", ray, omar, moved.new, "Above junior delivery: OMAR-VIEW", open_now=True)
    _record("assessment", ray, omar, moved.new, "OMAR-ERA self-assessment", open_now=True)
    return moved


def _record(kind, ray, manager, series, text, *, open_now):
    # Records of the ended 1:1 are written as they were then: straight into its tables.
    if kind == "aspiration":
        if open_now:
            services.aspirations_save(actor=ray, series=series, answers={"management_or_ic": text})
        else:
            from rapport.career.models import AspirationVersion

            AspirationVersion.objects.create(
                person=ray,
                series=series,
                question_key="management_or_ic",
                answer=text,
                recorded_by=ray,
                recorded_at=days_ago(60),
            )
    elif kind == "view":
        if open_now:
            services.ladder_view_record(
                actor=manager,
                series=series,
                area_key="delivery",
                level="junior",
                position="above",
                sentence=text,
            )
        else:
            LadderView.objects.create(
                person=ray,
                series=series,
                area_key="delivery",
                area_name="Delivery",
                level="junior",
                position="meets",
                sentence=text,
                recorded_by=manager,
                recorded_at=days_ago(60),
            )
    elif open_now:
        services.self_assessment_save(actor=ray, series=series, texts={"delivery": text})
    else:
        SelfAssessment.objects.create(
            person=ray,
            series=series,
            area_key="delivery",
            area_name="Delivery",
            text=text,
            written_at=days_ago(60),
        )


def _page_text(client_for, person, series) -> tuple[int, str]:
    response = client_for(person).get(reverse("career", args=[series.pk]))
    return response.status_code, response.content.decode()


def test_the_ic_sees_everything_on_either_career_page(client_for, cast, history) -> None:
    for series in (history.old, history.new):
        status, body = _page_text(client_for, cast.ray, series)
        assert status == 200
        assert OMAR_ERA in body and "OMAR-VIEW" in body and "OMAR-ERA" in body
        assert "MIA-VIEW" in body and "MIA-ERA" in body


def test_the_current_manager_sees_what_was_recorded_before_them(client_for, cast, history):
    status, body = _page_text(client_for, cast.omar, history.new)
    assert status == 200
    assert "MIA-VIEW" in body and "MIA-ERA" in body and OMAR_ERA in body


def test_a_previous_manager_keeps_only_what_was_recorded_while_they_managed(
    client_for, cast, history
) -> None:
    status, body = _page_text(client_for, cast.mia, history.old)
    assert status == 200
    assert MIA_ERA in body and "MIA-VIEW" in body and "MIA-ERA" in body
    assert OMAR_ERA not in body and "OMAR-VIEW" not in body and "OMAR-ERA" not in body
    assert "read-only" in body
    assert reverse("ladder_view", args=[history.old.pk]) not in body
    assert reverse("career_aspirations", args=[history.old.pk]) not in body
    # ... and cannot open the new 1:1's page at all.
    assert _page_text(client_for, cast.mia, history.new)[0] == 404


def test_a_previous_manager_changes_nothing(cast, history) -> None:
    with pytest.raises(PermissionDenied):
        services.ladder_view_record(
            actor=cast.mia,
            series=history.old,
            area_key="delivery",
            level="junior",
            position="meets",
            sentence="Late note",
        )
    with pytest.raises(PermissionDenied):
        services.aspirations_save(actor=cast.mia, series=history.old, answers={})


@pytest.mark.parametrize("persona", ["dan", "ada", "olga", "rita", "zed"])
def test_nobody_else_sees_a_career_page(client_for, cast, history, persona) -> None:
    person = getattr(cast, persona)
    for series in (history.old, history.new):
        assert _page_text(client_for, person, series)[0] == 404
    meeting = history.new.meetings.first()
    got = client_for(person).get(reverse("meeting_career", args=[meeting.pk]))
    assert got.status_code == 404


@pytest.mark.parametrize("persona", ["dan", "ada", "rita", "zed"])
def test_the_selectors_give_an_outsider_nothing(cast, history, persona) -> None:
    from rapport import access

    person = getattr(cast, persona)
    assert not access.aspirations_visible_to(person, history.new).exists()
    assert not access.ladder_views_visible_to(person, history.new).exists()
    assert not access.self_assessments_visible_to(person, history.new).exists()


def test_only_the_manager_records_a_view_and_only_the_ic_assesses_themselves(
    client_for, cast, series
) -> None:
    view = {"area_key": "craft", "level": "junior", "position": "above", "sentence": "Great"}
    assert (
        client_for(cast.ray).post(reverse("ladder_view", args=[series.pk]), view).status_code == 403
    )
    assert (
        client_for(cast.mia).post(reverse("ladder_view", args=[series.pk]), view).status_code == 302
    )
    texts = {"area_craft": "I am learning"}
    url = reverse("self_assessment", args=[series.pk])
    assert client_for(cast.mia).post(url, texts).status_code == 403
    assert client_for(cast.ray).post(url, texts).status_code == 302
    assert LadderView.objects.get().recorded_by == cast.mia
    assert SelfAssessment.objects.get().text == "I am learning"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("area_key", "dancing", "Choose an area"),
        ("level", "wizard", "Choose a level"),
        ("position", "sideways", "below, meets or above"),
        ("sentence", "   ", "in a sentence"),
        ("sentence", "x" * 501, "limited to 500"),
    ],
)
def test_a_bad_ladder_view_is_explained_on_the_career_page(
    client_for, mia, series, field, value, message
):
    view = {"area_key": "craft", "level": "junior", "position": "above", "sentence": "Great"}
    view[field] = value
    client = client_for(mia)
    response = client.post(reverse("ladder_view", args=[series.pk]), view, follow=True)
    assert response.redirect_chain[-1] == (reverse("career", args=[series.pk]) + "#ladder", 303)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LadderView.objects.exists()
    again = client.get(reverse("career", args=[series.pk]))
    assert again.status_code == 200 and message not in again.content.decode()


def test_the_meeting_room_shows_the_self_assessment_beside_the_view(
    client_for, cast, series, meeting
) -> None:
    services.self_assessment_save(actor=cast.ray, series=series, texts={"craft": "RAY-SELF"})
    services.ladder_view_record(
        actor=cast.mia,
        series=series,
        area_key="craft",
        level="junior",
        position="meets",
        sentence="MIA-SEES",
    )
    beside = selectors.assessment_beside_view(cast.mia, series)
    craft = next(row for row in beside.areas if row.area.key == "craft")
    assert (craft.assessment.text, craft.view.sentence) == ("RAY-SELF", "MIA-SEES")
    for person in (cast.mia, cast.ray):
        body = client_for(person).get(reverse("meeting_career", args=[meeting.pk])).content.decode()
        assert "RAY-SELF" in body and "MIA-SEES" in body


def test_org_admins_read_the_ladder_but_not_careers(client_for, cast, series) -> None:
    services.self_assessment_save(actor=cast.ray, series=series, texts={"craft": "RAY-SELF"})
    assert client_for(cast.ada).get(reverse("ladder")).status_code == 200
    assert _page_text(client_for, cast.ada, series)[0] == 404
