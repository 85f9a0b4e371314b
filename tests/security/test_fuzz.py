"""Every form, posted hostile values by the manager and the report: no answer is a 5xx.

The routes come from the URL patterns (tests/test_access.py keeps the table of who may
post where); the fields are every name any Rapport form reads, so each route gets the
fields it knows along with ones it does not. A fixed corpus runs on every route, then
Hypothesis draws mixtures of it, derandomized and with a bounded number of examples, so
a run is the same every time.
"""

from __future__ import annotations

from urllib.parse import quote_from_bytes

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapport.meetings.models import SharedNotes
from rapport.people.services import setup_token
from tests.test_access import ROUTES, route_url

POST_ROUTES = sorted(name for name, rule in ROUTES.items() if "post" in rule)
FUZZERS = ("mia", "ray")

# Every field name a Rapport form or view reads (forms.py and request.POST in the views).
FIELDS = (
    *SharedNotes.SECTIONS,
    *(f"base_{section}" for section in SharedNotes.SECTIONS),
    "text", "kind", "owner", "due_on", "body", "version", "intent", "mood", "held_minutes",
    "reason", "new_time", "skip", "status", "next", "show_series", "item_key", "ticked",
    "prompt", "phase", "category", "category_key", "org_question_id", "question_key",
    "focus_skill", "focus_criterion", "meeting_id", "feedback_id", "mark", "value",
    "situation", "behaviour", "impact", "close", "expectations", "ends_on", "starts_on",
    "note", "section", "video_link", "summary", "direction", "discussed", "email", "name",
    "level", "timezone", "remote", "is_org_admin", "manager", "send_invites", "token",
    "side_0", "side_1", "manager_share", "frequency_weeks", "duration_minutes",
    "career_every_weeks", "weekday", "start_time", "action", "kinds",
    "title", "why", "area", "criterion", "target_on", "percent", "item_id", "linked",
    "focus_areas", "other_areas", "next_review_on", "notes", "colleague", "expires_on",
    "message", "strengths", "change", "example", "decline",
)  # fmt: skip
HOSTILE = (
    "",
    " ",
    "x" * 100_000,
    "a" * 5_000,
    "\x00",
    "text\x00with a NUL",
    "-1",
    "0",
    "99999999999999999999999",
    "-99999999999999999999999",
    "1e308",
    "NaN",
    "3.5",
    "[]",
    "{}",
    "null",
    "true",
    "2026-02-30",
    "9999-12-31",
    "0001-01-01T00:00",
    "25:61",
    "../../etc/passwd",
    "' OR 1=1 --",
    "<script>window.__xss=1</script>",
    "{{7*7}}",
    "\u202e\u200b\ufeff",
    "😀" * 1_000,
    "https://evil.example/" + "a" * 3_000,
    "javascript:alert(1)",
)
# Bytes a browser could send that are not UTF-8 text: lone surrogates and stray bytes.
INVALID_UTF8 = (b"\xed\xa0\x80", b"\xff\xfe\xfd", b"\xc0\xaf", b"\x80" * 50)


def post(client, url: str, data: dict | bytes, *, htmx: bool = False):
    """One POST, its writes rolled back so each case starts from the same world."""
    headers = {"HX-Request": "true"} if htmx else {}
    with transaction.atomic():
        if isinstance(data, bytes):
            response = client.post(
                url, data, content_type="application/x-www-form-urlencoded", headers=headers
            )
        else:
            response = client.post(url, data, headers=headers)
        transaction.set_rollback(True)
    return response


def every_field(value: object) -> dict[str, object]:
    return {field: value for field in FIELDS}


def upload(content: bytes) -> dict[str, object]:
    return {
        "file": SimpleUploadedFile("roster.csv", content, "text/csv"),
        "transcript": SimpleUploadedFile("talk.vtt", content, "text/vtt"),
    }


def cases() -> list[tuple[str, dict | bytes]]:
    """The fixed corpus: each hostile value in every field, types mixed up, ids wrong."""
    found: list[tuple[str, dict | bytes]] = [("nothing", {})]
    found += [
        (f"every field = {value[:20]!r}", every_field(value))
        for value in HOSTILE
        if len(value) < 9_000
    ]
    # A huge value in every field would pass the request size limit and stop at a 400 before
    # any form sees it: a few fields at a time reach the forms.
    for huge in (value for value in HOSTILE if len(value) >= 9_000):
        found += [
            (f"fields {start}+ = huge", {field: huge for field in FIELDS[start : start + 15]})
            for start in range(0, len(FIELDS), 15)
        ]
    found += [
        (f"raw {raw!r}", "&".join(f"{field}={quote_from_bytes(raw)}" for field in FIELDS).encode())
        for raw in INVALID_UTF8
    ]
    found += [
        ("duplicated fields", every_field(["1", "2", "<b>", ""])),
        ("raw unencoded bytes", b"text=\xff\xfe&body=\x00\x80&version=\xed\xa0\x80"),
        ("raw garbage body", b"\x00\x01\x02=&&&==%%%zz%"),
        ("huge file", upload(b"name,email\n" + b"x" * 100_000)),
        ("binary file", upload(bytes(range(256)) * 40)),
        ("NUL in file", upload(b"name,email,manager\nA\x00,a@b.test,\n")),
        ("surrogates in file", upload(b"WEBVTT\n\n00:00.000 --> 00:01.000\n<v \xed\xa0\x80>hi\n")),
    ]
    return found


def test_no_hostile_post_gets_a_server_error(world, client_for) -> None:
    # One world for every route (making it is the slow part); each case is rolled back.
    cast, ids = world
    clients = [client_for(getattr(cast, persona)) for persona in FUZZERS]
    failures = []
    for route, name in enumerate(POST_ROUTES):
        url = route_url(name, ids)
        # Fresh cases for each route (an uploaded file is read once); the manager and the
        # report take turns, so each case reaches every route as both over the whole walk.
        for index, (label, data) in enumerate(cases()):
            turn = (route + index) % len(FUZZERS)
            response = post(clients[turn], url, data, htmx=index % 3 == 1)
            if response.status_code >= 500:
                failures.append((url, FUZZERS[turn], label, response.status_code))
    assert failures == []


def test_the_signed_out_forms_take_hostile_values_without_a_server_error(world) -> None:
    # What anybody on the network can post to: sign-in, reset, first setup, token links.
    urls = [
        reverse("login"),
        reverse("logout"),
        reverse("password_reset"),
        reverse("setup", kwargs={"token": setup_token()}),
        reverse("setup", kwargs={"token": "x" * 300}),
        reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "set-password"}),
        reverse("password_reset_confirm", kwargs={"uidb64": "\u00e9" * 50, "token": "x"}),
        reverse("mail_off", kwargs={"token": "forged.token:value"}),
        reverse("calendar_feed", kwargs={"token": "forged"}),
    ]
    extra = ("username", "password", "new_password1", "new_password2", "organisation_name")
    failures = []
    for url in urls:
        client = Client()
        for label, data in cases():
            if isinstance(data, dict) and data:
                value = next(iter(data.values()))
                data = {**data, **dict.fromkeys(extra, value)}
            response = post(client, url, data)
            if response.status_code >= 500:
                failures.append((url, label, response.status_code))
    assert failures == []


WRONG_IDS = ("0", "-1", "2147483648", "99999999999999999999", "abc", "1.5", "")
WRONG_ADDRESS_IDS = ("987654321", "2147483648", "9223372036854775808", "0")


def test_a_wrong_id_is_never_a_server_error(world, client_for) -> None:
    cast, ids = world
    client = client_for(cast.mia)
    failures = []
    for name in POST_ROUTES:
        url = route_url(name, ids)
        for key, value in ids.items():
            if f"/{value}/" not in url:
                continue
            # The address's number replaced by one that exists nowhere or overflows.
            for wrong in WRONG_ADDRESS_IDS:
                bad = url.replace(f"/{value}/", f"/{wrong}/")
                got = post(client, bad, {"text": "x"}).status_code
                if got != 404:
                    failures.append((bad, key, got))
        for wrong in WRONG_IDS:
            got = post(client, url, every_field(wrong)).status_code
            if got >= 500:
                failures.append((url, wrong, got))
    assert failures == []


field_values = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=50),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.lists(st.sampled_from(HOSTILE), min_size=2, max_size=3),
)


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=st.sampled_from(POST_ROUTES),
    persona=st.sampled_from(FUZZERS),
    data=st.dictionaries(st.sampled_from(FIELDS), field_values, max_size=12),
)
def test_random_mixtures_of_fields_never_get_a_server_error(
    name, persona, data, world, client_for
) -> None:
    cast, ids = world
    url = route_url(name, ids)
    response = post(client_for(getattr(cast, persona)), url, data)
    assert response.status_code < 500, (url, persona, data, response.status_code)


def test_an_over_long_sign_in_address_gets_a_message(db) -> None:
    # Before the limit was enforced it reached the lockout records: a 500 on PostgreSQL.
    response = Client().post(reverse("login"), {"username": "a" * 300, "password": "x"})
    assert response.status_code == 200
    assert "at most 254 characters" in response.content.decode()
