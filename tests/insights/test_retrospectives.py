"""Retrospectives: when one is due, the home prompt, answers, the manager's reply, who sees what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from rapport.errors import Refused
from rapport.framework import retrospectives as rules
from rapport.framework.repeats import REPEAT_WINDOW
from rapport.insights import figures, selectors, services
from rapport.insights.models import Retrospective
from tests.notifications.conftest import Inbox, free_port, smtp_on


@pytest.fixture
def mailbox(db):
    """The project's real SMTP server on loopback (aiosmtpd), Django sending through it."""
    from aiosmtpd.controller import Controller

    received, port = Inbox(), free_port()
    controller = Controller(received, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with smtp_on(port):
            yield received
    finally:
        controller.stop()


def _answer(actor, series, rating=4, now=None, text="Going well"):
    return services.retrospective_answer(
        actor=actor, series=series, answers={"working": text}, rating=rating, now=now
    )


def test_a_retrospective_falls_due_the_set_number_of_weeks_after_the_last_one() -> None:
    start = dt.date(2026, 1, 1)
    assert not rules.is_due(started_on=start, last_on=None, weeks=12, today=dt.date(2026, 3, 25))
    assert rules.is_due(started_on=start, last_on=None, weeks=12, today=dt.date(2026, 3, 26))
    last = dt.date(2026, 4, 1)
    assert not rules.is_due(started_on=start, last_on=last, weeks=12, today=dt.date(2026, 6, 1))


def test_the_home_page_asks_the_report_when_one_is_due_and_not_after_answering(
    cast, series, client_for
) -> None:
    series.started_on = timezone.localdate() - dt.timedelta(weeks=13)
    series.save(update_fields=["started_on"])
    home = client_for(cast.ray).get(reverse("home")).content.decode()
    assert "Answer the retrospective" in home
    assert (
        "Answer the retrospective" not in client_for(cast.mia).get(reverse("home")).content.decode()
    )
    _answer(cast.ray, series)
    assert (
        "Answer the retrospective" not in client_for(cast.ray).get(reverse("home")).content.decode()
    )


def test_the_home_page_does_not_ask_before_the_weeks_have_passed(cast, series, client_for) -> None:
    series.started_on = timezone.localdate() - dt.timedelta(weeks=2)
    series.save(update_fields=["started_on"])
    assert (
        "Answer the retrospective" not in client_for(cast.ray).get(reverse("home")).content.decode()
    )


def test_the_organisation_sets_how_many_weeks_apart_retrospectives_are(
    cast, series, client_for
) -> None:
    series.started_on = timezone.localdate() - dt.timedelta(weeks=5)
    series.save(update_fields=["started_on"])
    assert selectors.retrospective_prompt_for(cast.ray) is None
    home = reverse("home")
    assert "Answer the retrospective" not in client_for(cast.ray).get(home).content.decode()
    services.thresholds_save(actor=cast.ada, values={"retrospective_weeks": "4"})
    cast.ray.refresh_from_db()
    assert selectors.retrospective_prompt_for(cast.ray) is not None
    assert "Answer the retrospective" in client_for(cast.ray).get(home).content.decode()


def test_a_report_can_answer_unprompted_and_the_manager_sees_it_and_replies(
    cast, series, client_for
) -> None:
    url = reverse("retrospectives", args=[series.pk])
    ray, mia = client_for(cast.ray), client_for(cast.mia)
    posted = ray.post(
        url, {"working": "Good <b>mostly</b>", "more_less": "More career talk", "rating": "4"}
    )
    assert posted.status_code == 302
    retro = Retrospective.objects.get(series=series)
    page = mia.get(url).content.decode()
    assert "More career talk" in page and "&lt;b&gt;mostly" in page
    assert "Retrospectives of your 1:1s with Ray Report" in page
    own = ray.get(url).content.decode()
    assert "Retrospectives of your 1:1s with Mia Manager" in own
    assert "Thank you: Mia sees your answers now." in own  # named, not "your manager"
    mia.post(reverse("retrospective_reply", args=[retro.pk]), {"reply": "Deal."})
    assert "Reply saved: Ray sees it under their answers." in mia.get(url).content.decode()
    assert "Deal." in ray.get(url).content.decode()


def test_the_same_answers_sent_twice_are_one_retrospective(cast, series, client_for) -> None:
    url = reverse("retrospectives", args=[series.pk])
    sent = {"working": "Mostly well", "rating": "4"}
    for _ in range(2):  # a double click, or a reload that sends the form again
        assert client_for(cast.ray).post(url, sent).status_code == 302
    assert Retrospective.objects.filter(series=series).count() == 1
    later = timezone.now() + REPEAT_WINDOW + dt.timedelta(minutes=1)
    _answer(cast.ray, series, text="Mostly well", now=later)  # weeks later: a new one
    assert Retrospective.objects.filter(series=series).count() == 2


def test_bad_answers_are_refused_and_nothing_is_written(cast, series, client_for) -> None:
    url = reverse("retrospectives", args=[series.pk])
    for data in ({"working": "", "rating": "4"}, {"working": "x", "rating": "9"},
                 {"working": "x" * 3000, "rating": "3"}):  # fmt: skip
        got = client_for(cast.ray).post(url, data)
        assert got.status_code == 400
    assert not Retrospective.objects.exists()
    with pytest.raises(Refused):
        services.retrospective_reply(
            actor=cast.mia, retrospective=_answer(cast.ray, series), reply="   "
        )


def test_only_the_report_and_their_manager_read_retrospectives(cast, series) -> None:
    retro = _answer(cast.ray, series)
    from rapport import access

    readers = {
        name
        for name in ("ray", "mia", "rita", "omar", "olga", "dan", "ada", "zed")
        if access.retrospectives_visible_to(getattr(cast, name)).filter(pk=retro.pk).exists()
    }
    assert readers == {"ray", "mia"}


def test_the_ratings_feed_the_figures_and_the_strong_trust_sign(cast, series) -> None:
    now = timezone.now()
    _answer(cast.ray, series, rating=4, now=now - dt.timedelta(days=90))
    _answer(cast.ray, series, rating=2, now=now - dt.timedelta(days=1))
    rel = figures.relationship_for(cast.mia, series, now=now)
    assert rel.retrospectives == [4, 2]
    trust = next(r for r in rel.readings if r.key == "strong_trust")
    assert trust.state == "attention" and "2 out of 5" in trust.sentence


def test_directors_see_the_average_rating_only_for_teams_of_three_or_more(cast, series) -> None:
    _answer(cast.ray, series, rating=2)
    rows = {row.manager.pk: row for row in selectors.aggregates_for(cast.ada).rows}
    assert rows[cast.mia.pk].retrospective_average is None  # mia has 2 reports


def test_the_retrospectives_page_takes_the_same_queries_with_more_answers(
    cast, series, client_for, django_assert_max_num_queries
) -> None:
    url = reverse("retrospectives", args=[series.pk])
    client = client_for(cast.mia)
    _answer(cast.ray, series)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for rating in (1, 2, 3, 5, 4):
        _answer(cast.ray, series, rating=rating)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200


def _retro_mails(mailbox) -> list:
    return [m for m in mailbox.messages if "working for you" in str(m["Subject"])]


def _started_weeks_ago(series, weeks: float) -> None:
    series.started_on = timezone.localdate() - dt.timedelta(weeks=weeks)
    series.save(update_fields=["started_on"])


def test_an_unanswered_retrospective_is_mailed_once_a_week_after_it_falls_due(
    mailbox, cast, series
) -> None:
    from rapport.notifications import mail

    _started_weeks_ago(series, 12.5)
    mail.send_due()
    assert _retro_mails(mailbox) == []  # due, but not a week ago yet
    _started_weeks_ago(series, 14)
    mail.send_due()
    mail.send_due()
    sent = _retro_mails(mailbox)
    assert [str(m["To"]) for m in sent] == [cast.ray.email]
    body = sent[0].get_content()
    assert "What should we do more/less of?" in body
    assert reverse("retrospectives", args=[series.pk]) in body


def test_no_reminder_goes_out_once_the_retrospective_is_answered(mailbox, cast, series) -> None:
    from rapport.notifications import mail

    _started_weeks_ago(series, 14)
    _answer(cast.ray, series)
    mail.send_due()
    assert _retro_mails(mailbox) == []


def test_rapport_remind_sends_the_retrospective_reminder(mailbox, cast, series, capsys) -> None:
    from rapport import cli

    _started_weeks_ago(series, 14)
    assert cli.main(["remind"]) == 0
    assert f"retrospective to {cast.ray.email}" in capsys.readouterr().out
    assert len(_retro_mails(mailbox)) == 1


def test_the_demo_has_answered_retrospectives_and_asks_maya_for_her_next(db) -> None:
    from rapport.demo import demo_load
    from rapport.people.models import Person

    demo_load()
    maya = Person.objects.get(email="junior@example.com")
    assert selectors.retrospective_prompt_for(maya) is not None
    assert Retrospective.objects.filter(series__report=maya).count() == 1
    assert Retrospective.objects.exclude(reply="").exists()
    others = Retrospective.objects.exclude(series__report=maya)
    assert others.count() >= 2 * others.values("series").distinct().count()
