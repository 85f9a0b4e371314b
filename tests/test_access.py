"""The access table of DESIGN.md, walked over every URL pattern with every persona.

A route that is not in ROUTES fails `test_every_route_is_in_the_table`: adding a
URL means deciding here who may see it.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from io import BytesIO
from pathlib import Path

import pytest
from django.apps import apps
from django.db import transaction
from django.http import Http404
from django.urls import URLPattern, get_resolver, reverse

from rapport import access
from rapport.growth import services as growth_services
from rapport.insights import services as insight_services
from rapport.meetings import services as meeting_services
from rapport.people.models import Absence
from rapport.people.services import setup_token
from tests.conftest import _person

PERSONAS = ("anonymous", "ray", "olga", "mia", "omar", "dan", "ada", "zed")
MANAGER_SECRET = "MIA-PRIVATE-7f3a: worried about Ray's review"
REPORT_SECRET = "RAY-PRIVATE-91bc: thinking about leaving"
PEER_SECRET = "OMAR-PEER-5d2e: strong in incidents"

EVERYONE = set(PERSONAS) - {"anonymous"}
PAIR = {"ray", "mia"}
ROSTER_OF_RAY = {"ray", "mia", "dan", "ada"}  # self, manager, manager's manager, admin

# url name -> (who gets the page on GET, who may POST, who sees the object on POST).
# "page" routes answer GET; "action" routes answer POST only (GET is 405), except those
# whose form may be asked a question (`asks`): their GET shows it to the person asked and
# leads back to the page (302) when none waits; to anyone else they are a 404.
# POST outcomes: allowed -> not 403/404; visible but not allowed -> 403; others -> 404.
ROUTES: dict[str, dict[str, object]] = {
    "home": {"get": EVERYONE},
    "framework": {"get": EVERYONE},
    "people": {"get": EVERYONE},
    "my_action_items": {"get": EVERYONE},
    "series": {"get": PAIR},
    "meeting": {"get": PAIR},
    "meeting_agenda": {"get": PAIR},
    "meeting_timer": {"get": PAIR},
    "meeting_live": {"get": PAIR, "post": PAIR, "sees": PAIR},
    "meeting_recap": {"get": PAIR},
    "meeting_section": {"post": PAIR, "sees": PAIR},
    "meeting_video": {"post": PAIR, "sees": PAIR},
    "meeting_summary": {"post": PAIR, "sees": PAIR},
    "person": {"get": ROSTER_OF_RAY, "post": {"ada"}, "sees": ROSTER_OF_RAY},
    # zed administers another organisation: he may invite and import into his own.
    "person_invite": {"post": {"ada", "zed"}, "sees": EVERYONE},
    "roster_import": {"post": {"ada", "zed"}, "sees": EVERYONE},
    # The manager box's suggestions are the admins' invite and edit forms'.
    "manager_suggestions": {"get": {"ada", "zed"}},
    "person_deactivate": {"post": {"ada"}, "sees": ROSTER_OF_RAY},
    "person_reactivate": {"post": {"ada"}, "sees": ROSTER_OF_RAY},
    "person_invite_link": {"post": {"ada"}, "sees": ROSTER_OF_RAY},
    "person_reset_send": {"post": {"ada"}, "sees": ROSTER_OF_RAY},
    "series_cadence": {"get": {"mia"}, "post": {"mia"}, "sees": PAIR},
    "topic_add": {"post": PAIR, "sees": PAIR},
    "shared_notes": {"post": PAIR, "sees": PAIR},
    "private_note": {"post": PAIR, "sees": PAIR},
    "action_item_add": {"post": PAIR, "sees": PAIR, "asks": PAIR},
    "meeting_mood": {"post": PAIR, "sees": PAIR},
    "meeting_start": {"get": {"mia"}, "post": {"mia"}, "sees": PAIR},
    "meeting_complete": {"post": {"mia"}, "sees": PAIR, "asks": {"mia"}},
    "meeting_cancel": {"post": PAIR, "sees": PAIR, "asks": PAIR},
    "topic_edit": {"post": {"ray"}, "sees": PAIR},
    "topic_delete": {"post": {"ray"}, "sees": PAIR},
    "topic_discussed": {"post": PAIR, "sees": PAIR},
    "topic_move": {"post": PAIR, "sees": PAIR},
    "action_item_edit": {"post": PAIR, "sees": PAIR, "asks": PAIR},
    "action_item_status": {"post": PAIR, "sees": PAIR},
    # Coaching panels: both see them (the IC gets an IC view); manager-only writes are 403 for ray.
    "meeting_prepare": {"get": PAIR, "post": PAIR, "sees": PAIR},
    "meeting_questions": {"get": PAIR, "post": {"mia"}, "sees": PAIR},
    "org_questions": {"post": {"mia", "omar", "dan", "ada", "zed"}, "sees": EVERYONE},
    "meeting_feedback": {"get": PAIR, "post": PAIR, "sees": PAIR},
    "meeting_playbooks": {"get": PAIR},
    "meeting_plan": {"post": {"mia"}, "sees": PAIR},
    "meeting_remote": {"get": PAIR},
    # Who did the talking: both see the panel (the IC their own share); only mia records it.
    "meeting_talk": {"get": PAIR},
    "meeting_talk_upload": {"post": {"mia"}, "sees": PAIR},
    "meeting_talk_sides": {"post": {"mia"}, "sees": PAIR},
    "meeting_talk_estimate": {"post": {"mia"}, "sees": PAIR},
    # Insights: everyone reads what concerns them; a relationship is its pair's; admins tune.
    "insights": {"get": EVERYONE},
    "insights_trends": {"get": {"mia", "omar", "dan"}},
    "insights_series": {"get": PAIR},
    # Retrospectives: the pair reads them; ray answers, mia replies (403 the other way round).
    "retrospectives": {"get": PAIR, "post": PAIR - {"mia"}, "sees": PAIR},
    "retrospective_reply": {"post": {"mia"}, "sees": PAIR},
    "insights_thresholds": {"get": {"ada", "zed"}, "post": {"ada", "zed"}, "sees": {"ada", "zed"}},
    # Career: the pair reads the page; aspirations by both, ladder views by mia, the
    # self-assessment by ray. The ladder: everyone reads their organisation's, admins change it.
    "career": {"get": PAIR},
    "career_aspirations": {"post": PAIR, "sees": PAIR},
    "ladder_view": {"post": {"mia"}, "sees": PAIR},
    "self_assessment": {"post": {"ray"}, "sees": PAIR},
    "meeting_career": {"get": PAIR},
    # The evidence packet (page, Markdown, PDF): the pair, each their own copy.
    "career_packet": {"get": PAIR},
    "career_packet_md": {"get": PAIR},
    "career_packet_pdf": {"get": PAIR},
    "ladder": {"get": EVERYONE},
    "ladder_export": {"get": EVERYONE},
    "ladder_edit": {"post": {"ada", "zed"}, "sees": EVERYONE},
    "ladder_import": {"post": {"ada", "zed"}, "sees": EVERYONE},
    # Days away: everyone has their own page; an entry is its author's alone (ray's here).
    "away": {"get": EVERYONE, "post": EVERYONE, "sees": EVERYONE},
    "away_remove": {"post": {"ray"}, "sees": {"ray"}},
    # Calendar and mail: everyone has their own settings; the invite is the meeting's pair's.
    "meeting_invite": {"get": PAIR},
    "settings": {"get": EVERYONE},
    "settings_profile": {"post": EVERYONE, "sees": EVERYONE},
    "settings_password": {"post": EVERYONE, "sees": EVERYONE},
    "calendar_token": {"post": EVERYONE, "sees": EVERYONE},
    "mail_preferences": {"post": EVERYONE, "sees": EVERYONE},
    # A person's data: their own export and erasure request; an org admin's counts and erasure.
    "settings_export": {"post": EVERYONE, "sees": EVERYONE},
    "settings_erasure": {"post": EVERYONE, "sees": EVERYONE},
    "privacy": {"get": {"ada", "zed"}},
    "erasure_rule": {"post": {"ada", "zed"}, "sees": EVERYONE},
    "person_erase": {"get": {"ada"}, "post": {"ada"}, "sees": {"ada"}},
    # Career: the IC and their current manager; peer answers for the manager who asked (mia)
    # and the page to answer for the colleague asked (omar); nobody else.
    "series_goals": {"get": PAIR, "post": PAIR, "sees": PAIR},
    "development_plan": {"get": PAIR, "post": PAIR, "sees": PAIR},
    "goal_edit": {"post": PAIR, "sees": PAIR},
    "goal_progress": {"post": PAIR, "sees": PAIR},
    "goal_action_items": {"post": PAIR, "sees": PAIR},
    "meeting_goals": {"get": PAIR},
    "series_feedback": {"get": PAIR},
    "feedback_mark": {"post": {"ray"}, "sees": PAIR},
    "series_peer": {"get": PAIR, "post": {"mia"}, "sees": PAIR},
    "peer_summary": {"post": {"mia"}, "sees": PAIR},
    "peer_requests": {"get": EVERYONE},
    "peer_request": {"get": {"mia", "omar"}, "post": {"omar"}, "sees": {"mia", "omar"}},
}
# Pages for signed-out people: reachable by all, no objects behind them.
PUBLIC = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "setup",
    # Token routes: the secret in the address is the key (tests/notifications/ covers them).
    "calendar_feed",
    "mail_off",
}


def url_names() -> list[str]:
    return sorted(
        pattern.name
        for pattern in get_resolver().url_patterns
        if isinstance(pattern, URLPattern) and pattern.name
    )


def test_every_route_is_in_the_table() -> None:
    missing = [name for name in url_names() if name not in ROUTES and name not in PUBLIC]
    assert missing == [], f"decide who may see these routes in ROUTES: {missing}"


@pytest.fixture
def world(cast, series, meeting):
    """ray's topic, an action item, and a private note from each side on the next meeting."""
    topic = meeting_services.topic_add(actor=cast.ray, meeting=meeting, text="My growth plan")
    item = meeting_services.action_item_add(
        actor=cast.mia, meeting=meeting, text="Book the conference", owner=cast.ray
    )
    meeting_services.private_note_save(
        actor=cast.mia, meeting=meeting, body=MANAGER_SECRET, version=0
    )
    meeting_services.private_note_save(
        actor=cast.ray, meeting=meeting, body=REPORT_SECRET, version=0
    )
    goal = growth_services.goal_create(actor=cast.ray, series=series, title="Lead a design review")
    feedback = growth_services.feedback_give(
        actor=cast.mia,
        meeting=meeting,
        kind="positive",
        situation="In the demo",
        behaviour="You explained the trade-off",
        impact="The team chose quickly",
    )
    peer = growth_services.peer_request_create(
        actor=cast.mia, series=series, colleague_ids=[cast.omar.pk]
    )[0]
    growth_services.peer_request_answer(
        actor=cast.omar, request=peer, strengths=PEER_SECRET, change="Speak up earlier"
    )
    absence = Absence.objects.create(
        person=cast.ray, starts_on=dt.date(2099, 1, 5), ends_on=dt.date(2099, 1, 9)
    )
    retro = insight_services.retrospective_answer(
        actor=cast.ray, series=series, answers={"working": "Mostly well"}, rating=4
    )
    ids = {
        "retrospective_id": retro.pk,
        "absence_id": absence.pk,
        "meeting_id": meeting.pk,
        "series_id": series.pk,
        "topic_id": topic.pk,
        "item_id": item.pk,
        "person_id": cast.ray.pk,
        "goal_id": goal.pk,
        "feedback_id": feedback.pk,
        "request_id": peer.pk,
    }
    return cast, ids


def route_url(name: str, ids: dict[str, int]) -> str:
    pattern = next(p for p in get_resolver().url_patterns if getattr(p, "name", None) == name)
    needed = set(re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern)))
    return reverse(name, kwargs={key: ids[key] for key in needed})


# Fragments a page loads with htmx: their addresses opened as pages lead to that page.
FRAGMENTS = {"development_plan", "series_cadence"}


def request_as(client_for, cast, persona: str, method: str, url: str, name: str = ""):
    client = client_for(None if persona == "anonymous" else getattr(cast, persona))
    headers = {"HX-Request": "true"} if name in FRAGMENTS else {}
    with transaction.atomic():
        response = getattr(client, method)(url, headers=headers)
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_each_persona_gets_what_the_access_table_says(name, world, client_for) -> None:
    cast, ids = world
    url = route_url(name, ids)
    rule = ROUTES[name]
    for persona in PERSONAS:
        got = request_as(client_for, cast, persona, "get", url, name)
        if persona == "anonymous":
            assert got.status_code == 302 and "/login/" in got["Location"], (persona, url)
            posted = request_as(client_for, cast, persona, "post", url)
            assert posted.status_code == 302 and "/login/" in posted["Location"], (persona, url)
            continue
        if "get" in rule:
            expected = 200 if persona in rule["get"] else 404
            assert got.status_code == expected, (persona, url, got.status_code)
        elif "asks" in rule:
            expected = 302 if persona in rule["asks"] else 404
            assert got.status_code == expected, (persona, url, got.status_code)
        else:
            assert got.status_code in (404, 405), (persona, url, got.status_code)
        if "post" in rule:
            posted = request_as(client_for, cast, persona, "post", url)
            if persona in rule["post"]:
                assert posted.status_code not in (403, 404, 405), (persona, url)
                assert posted.status_code < 500, (persona, url)
            elif persona in rule["sees"]:
                assert posted.status_code == 403, (persona, url, posted.status_code)
            else:
                assert posted.status_code == 404, (persona, url, posted.status_code)


def readable(response) -> str:
    """The text of a response as a person reads it (a PDF's extracted text)."""
    if response.get("Content-Type") == "application/pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    return response.content.decode()


@pytest.mark.parametrize("name", sorted(name for name, rule in ROUTES.items() if "get" in rule))
def test_no_page_ever_shows_someone_elses_private_note(name, world, client_for) -> None:
    cast, ids = world
    url = route_url(name, ids)
    for persona in EVERYONE:
        body = readable(request_as(client_for, cast, persona, "get", url, name))
        if persona != "mia":
            assert MANAGER_SECRET not in body, (persona, url)
        if persona != "ray":
            assert REPORT_SECRET not in body, (persona, url)
        if persona != "mia":
            assert PEER_SECRET not in body, (persona, url)


def test_the_author_does_see_their_own_private_note(world, client_for) -> None:
    cast, ids = world
    url = reverse("meeting", kwargs={"meeting_id": ids["meeting_id"]})
    assert MANAGER_SECRET in client_for(cast.mia).get(url).content.decode()
    assert REPORT_SECRET in client_for(cast.ray).get(url).content.decode()


def test_hidden_and_missing_look_the_same(world, client_for) -> None:
    cast, ids = world
    hidden = client_for(cast.olga).get(reverse("meeting", kwargs={"meeting_id": ids["meeting_id"]}))
    missing = client_for(cast.olga).get(reverse("meeting", kwargs={"meeting_id": 987654}))
    assert hidden.status_code == missing.status_code == 404
    assert without_csrf(hidden.content) == without_csrf(missing.content)


def without_csrf(content: bytes) -> str:
    # The masked CSRF token differs on every response; nothing else may.
    text = re.sub(r'"X-CSRFToken": "\w+"', "", content.decode())
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", text)


def test_public_pages_answer_signed_out_people(db) -> None:
    from django.test import Client

    client = Client()
    for name in ("login", "password_reset", "password_reset_done", "password_reset_complete"):
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("setup", kwargs={"token": setup_token()})).status_code == 200
    assert client.get(reverse("setup", kwargs={"token": "forged"})).status_code == 404


# Interfaces never query sensitive models directly --------------------------------

SENSITIVE = {
    "Person",
    "Series",
    "Meeting",
    "Topic",
    "SharedNotes",
    "PrivateNote",
    "ActionItem",
    "TalkMeasure",
    "SpeakerSide",
    "Threshold",
    "AuditEvent",
    "Retrospective",
}
# Every model of a domain app is fetched through access.py or a selector, never directly.
DOMAIN_MODELS = SENSITIVE | {
    model.__name__
    for model in apps.get_models()
    if model.__module__.startswith("rapport.") and model._meta.app_label != "web"
}
ROOT = Path(__file__).resolve().parent.parent / "rapport"
INTERFACES = [
    *sorted((ROOT / "web").rglob("*.py")),
    *sorted((ROOT / "api").rglob("*.py")),
    ROOT / "cli.py",
]


def direct_queries(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in {"objects", "_default_manager", "_base_manager"}
            and isinstance(node.value, ast.Name)
            and node.value.id in DOMAIN_MODELS
        ):
            found.append(
                f"{path.relative_to(ROOT.parent)}:{node.lineno}: {node.value.id}.{node.attr}"
            )
    return found


def test_interfaces_fetch_sensitive_models_only_through_access() -> None:
    offenders = [hit for path in INTERFACES if path.exists() for hit in direct_queries(path)]
    assert offenders == []


def test_the_interface_check_covers_every_domain_model() -> None:
    assert {
        "Feedback",
        "Goal",
        "ImprovementPlan",
        "Absence",
        "MeetingVisit",
        "PartTime",
        "Organisation",
        "Delivery",
        "AspirationVersion",
        "LadderView",
        "SelfAssessment",
        "LadderDocument",
        "AuditEvent",
        "GoalChange",
        "GoalProgress",
        "DevelopmentPlan",
        "PlanChange",
        "PeerRequest",
        "PeerAnswer",
        "PeerSummary",
    } <= DOMAIN_MODELS


def test_the_interface_check_catches_a_direct_query(tmp_path) -> None:
    sample = ROOT / "web" / "_probe_for_test.py"
    try:
        sample.write_text(
            "from rapport.meetings.models import PrivateNote\nPrivateNote.objects.all()\n"
        )
        assert direct_queries(sample)
    finally:
        sample.unlink()


def test_a_poll_reads_a_meeting_and_its_rows_for_its_two_people_only(
    mia, ray, omar, dan, ada, zed, meeting
) -> None:
    first = meeting_services.topic_add(actor=ray, meeting=meeting, text="First")
    second = meeting_services.topic_add(actor=mia, meeting=meeting, text="Second")
    for person in (mia, ray):
        found, rows = access.meeting_poll_for(person, meeting.pk, "topics", ("id", "text"))
        assert (found.pk, found.status, found.series.is_open) == (meeting.pk, "scheduled", True)
        assert rows == [(first.pk, "First"), (second.pk, "Second")]
    for person in (omar, dan, ada, zed):
        with pytest.raises(Http404):
            access.meeting_poll_for(person, meeting.pk, "topics", ("id",))
    for missing in ("x", 0, -1, 2**63, meeting.pk + 10**6):
        with pytest.raises(Http404):
            access.meeting_poll_for(mia, missing, "topics", ("id",))


def test_a_director_reads_the_teams_one_and_two_levels_down_as_aggregates(cast) -> None:
    tom = _person(cast.ada, "tom@acme.test", "Tom Lead", manager=cast.ray)
    _person(cast.ada, "uma@acme.test", "Uma Deep", manager=tom)
    reach = access.aggregate_reach_of(cast.dan)
    read = access.aggregate_series_for(cast.dan, cast.acme, reach=reach)
    pairs = {(s.manager.name.split()[0], s.report.name.split()[0]) for s in read}
    # Mia and Omar report to Dan; Ray reports to Mia. Tom is three levels down, and Dan's
    # own 1:1s are his to read, not aggregates.
    assert reach == "teams below"
    assert pairs == {("Mia", "Ray"), ("Mia", "Rita"), ("Omar", "Olga"), ("Ray", "Tom")}
