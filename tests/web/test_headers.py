"""Every response carries the Content-Security-Policy; nothing with notes stays in a cache.

The policy allows no inline script, handler, style or eval, so the templates are
scanned for each of them too: one slip would otherwise only show in a browser.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from rapport.web.headers import CONTENT_SECURITY_POLICY
from tests.test_access import MANAGER_SECRET, PUBLIC, REPORT_SECRET, ROUTES, request_as, route_url
from tests.test_access import world as world  # the access table's fixture, for pytest

ROOT = Path(__file__).resolve().parents[2] / "rapport"
TEMPLATES = sorted(ROOT.rglob("templates/**/*.html"))
# The calendar feed holds titles and times only, never a note, and calendar apps poll it:
# its view allows a short private cache on purpose.
OWN_CACHING = {"calendar_feed"}


def directives(policy: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def test_the_policy_allows_only_rapports_own_files() -> None:
    policy = directives(CONTENT_SECURITY_POLICY)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == "'none'" and policy["form-action"] == "'self'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_every_route_sends_the_policy_and_no_store_to_a_manager_and_a_report(
    name, world, client_for
) -> None:
    cast, ids = world
    url = route_url(name, ids)
    for persona in ("mia", "ray"):
        for method in ("get", "post"):
            response = request_as(client_for, cast, persona, method, url)
            assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, (
                persona,
                method,
                url,
            )
            assert "no-store" in response["Cache-Control"], (persona, method, url)


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_every_public_route_sends_the_policy(name, world, client_for) -> None:
    _cast, ids = world
    ids = {**ids, "token": "unknown", "uidb64": "MQ"}
    response = client_for(None).get(route_url(name, ids))
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, name
    if name not in OWN_CACHING:
        assert "no-store" in response["Cache-Control"], name


def test_the_pages_that_show_notes_are_never_stored(world, client_for) -> None:
    cast, ids = world
    meeting = ids["meeting_id"]
    mia, ray = client_for(cast.mia), client_for(cast.ray)
    for client, note in ((mia, MANAGER_SECRET), (ray, REPORT_SECRET)):
        secret = note.split(":")[0]  # the part that HTML escaping leaves alone
        page = client.get(reverse("meeting", args=[meeting]))
        assert secret in page.content.decode()
        assert page["Cache-Control"] == "no-store"
        own = client.post(reverse("private_note", args=[meeting]), {"intent": "reload"})
        assert secret in own.content.decode() and own["Cache-Control"] == "no-store"
    shared = mia.post(reverse("shared_notes", args=[meeting]), {"intent": "reload"})
    assert shared.status_code == 200 and shared["Cache-Control"] == "no-store"
    for name in ("meeting_recap", "meeting_invite", "meeting_agenda", "meeting_timer"):
        response = ray.get(reverse(name, args=[meeting]))
        assert response.status_code == 200 and response["Cache-Control"] == "no-store", name


def test_errors_and_the_health_check_send_the_policy_too(client_for, mia) -> None:
    for response in (client_for(mia).get("/no-such-page/"), Client().get("/healthz")):
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert response["Cache-Control"] == "no-store"


def test_the_favicon_is_served_and_cached(db) -> None:
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    body = b"".join(response.streaming_content)
    assert body == (ROOT / "web" / "public" / "favicon.ico").read_bytes()
    assert body[:4] == b"\x00\x00\x01\x00", "an icon file"
    assert response["Cache-Control"] == "public, max-age=604800"


# No inline script, handler or style in any template ------------------------------

EVENT_HANDLER = re.compile(r"^on[a-z]+$")
HTMX_EVAL = ("hx-on", "hx-vars")
JINJA_BLOCK = re.compile(r"{%.*?%}|{#.*?#}", re.DOTALL)
JINJA_VALUE = re.compile(r"{{.*?}}", re.DOTALL)


class InlineFinder(HTMLParser):
    """What the policy would block: inline scripts and styles, handlers, script URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script":
            self._in_script = True
            if not names.get("src"):
                self.found.append(f"line {self.getpos()[0]}: <script> without src")
        if tag == "style":
            self.found.append(f"line {self.getpos()[0]}: <style>")
        for name, value in attrs:
            problem = attribute_problem(name, value or "")
            if problem:
                self.found.append(f"line {self.getpos()[0]}: {problem}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.found.append(f"line {self.getpos()[0]}: inline script text")


def attribute_problem(name: str, value: str) -> str | None:
    if EVENT_HANDLER.match(name):
        return f"event handler {name}="
    if name.startswith(HTMX_EVAL):
        return f"{name}= runs code through eval"
    if name == "style":
        return "inline style="
    if value.strip().lower().startswith(("javascript:", "js:")):
        return f"script URL in {name}="
    if name == "hx-trigger" and "[" in value:
        return "hx-trigger [filter] runs code through eval"
    return None


def inline_code(source: str) -> list[str]:
    # Jinja tags would glue onto the attribute names next to them: blank them out.
    source = JINJA_BLOCK.sub(" ", source)
    source = JINJA_VALUE.sub("x", source)
    finder = InlineFinder()
    finder.feed(source)
    finder.close()
    return finder.found


def test_there_are_templates_to_scan() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in TEMPLATES}
    assert "web/templates/web/base.html" in names
    assert "web/templates/web/meeting/meeting.html" in names
    assert len(names) > 40


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_no_template_has_inline_script_handler_or_style(path: Path) -> None:
    assert inline_code(path.read_text()) == []


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>alert(1)</script>",
        '<button onclick="go()">Go</button>',
        '<form onsubmit="return check()">',
        '<a href="javascript:void(0)">x</a>',
        '<a href=" JavaScript:go()">x</a>',
        '<form hx-on::after-request="this.reset()">',
        '<div hx-vals="js:{a: 1}"></div>',
        '<div hx-trigger="every 3s [!document.hidden]"></div>',
        '<p style="color: red">x</p>',
        "<style>p { color: red }</style>",
        '<div {% if open %}onmouseover="x()"{% endif %}></div>',
    ],
)
def test_the_scan_finds_each_kind_of_inline_code(snippet: str) -> None:
    assert inline_code(snippet) != []


def test_the_scan_leaves_static_scripts_and_htmx_attributes_alone() -> None:
    clean = (
        '<script src="/static/rapport/rapport.js" defer></script>'
        '<div hx-get="/x" hx-trigger="every 5s" data-poll hx-vals=\'{"intent": "save"}\'></div>'
        '<button data-copy="#feed-url">Copy</button>'
    )
    assert inline_code(clean) == []
