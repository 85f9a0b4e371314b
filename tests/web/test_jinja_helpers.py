"""The Jinja helpers every page uses: paths reversed once, options escaped once."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse, set_script_prefix
from django.utils import timezone

from rapport.web.forms import ManagerInput, PlainSelect
from rapport.web.jinja import relative, request_paths, static_url, url


def test_url_matches_django_and_follows_the_script_prefix() -> None:
    assert url("person", 7) == reverse("person", args=[7])
    try:
        set_script_prefix("/rapport/")
        assert url("person", 7) == "/rapport/people/7/" == reverse("person", args=[7])
    finally:
        set_script_prefix("/")
    assert url("person", 7) == reverse("person", args=[7])
    assert url("person", 8) != url("person", 7)


def test_plain_select_marks_only_the_chosen_option_and_escapes() -> None:
    widget = PlainSelect(choices=[("a", "A"), ("<b>", 'B "quoted"'), ("c", "C")])
    html = widget.render("zone", "<b>")
    assert html.count(" selected") == 1
    assert '<option value="&lt;b&gt;" selected>B &#34;quoted&#34;</option>' in html
    assert "<b>" not in html
    assert " selected" not in widget.render("zone", "missing")
    assert '<option value="c" selected>' in widget.render("zone", "c")


def test_manager_suggestions_are_escaped() -> None:
    html = ManagerInput([("x@example.com", "<script>alert(1)</script>")]).render("manager", "")
    assert "<script>" not in html
    assert '<option value="x@example.com">&lt;script&gt;' in html


def test_a_page_served_under_a_script_prefix_links_under_it(client_for, mia) -> None:
    # The prefix in force as the request starts is read once, for every link its page prints
    # (Django's handler sets it from SCRIPT_NAME; the test client leaves it to us).
    try:
        set_script_prefix("/rapport/")
        page = client_for(mia).get(reverse("home")).content.decode()
    finally:
        set_script_prefix("/")
    assert 'href="/rapport/action-items/"' in page
    assert 'href="/action-items/"' not in page
    # Once answered, it is forgotten: the next request, and code outside one, read their own.
    assert request_paths.base is None
    assert 'href="/action-items/"' in client_for(mia).get(reverse("home")).content.decode()
    assert url("my_action_items") == "/action-items/"


def test_static_addresses_match_djangos_and_do_not_depend_on_the_request() -> None:
    # Worked out once per path: only right while STATIC_URL is a path from the root (a
    # relative one would take each request's script prefix).
    assert settings.STATIC_URL.startswith("/")
    try:
        set_script_prefix("/rapport/")
        assert static_url("rapport/rapport.css") == static("rapport/rapport.css")
    finally:
        set_script_prefix("/")
    assert static_url("rapport/rapport.css") == static("rapport/rapport.css")


def test_relative_times_count_the_readers_calendar_days() -> None:
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    now = dt.datetime(2026, 12, 7, 17, 10, tzinfo=paris)  # a Monday
    with timezone.override(paris):

        def said(**delta: float) -> str:
            return relative(now + dt.timedelta(**delta), now)

        assert said(seconds=20) == "now"
        assert said(minutes=20) == "in 20 minutes"
        assert said(minutes=-1) == "1 minute ago"
        assert said(hours=5) == "in 5 hours"  # 22:10 the same day
        assert said(hours=7) == "tomorrow"  # 00:10: the next day, not “in 7 hours”
        assert said(hours=-17) == "17 hours ago"  # 00:10 the same day
        assert said(days=-1, hours=-1) == "yesterday"
        assert said(days=2, hours=-8) == "in 2 days"
        # Monday after next at 16:45: two weeks away on the calendar, 13 days 23 hours apart.
        assert said(days=13, hours=23, minutes=35) == "in 2 weeks"
        assert said(days=13) == "in 13 days"
        assert said(days=-30) == "4 weeks ago"
        assert said(days=-60) == "2 months ago"
        assert said(days=-400) == "1 year ago"
        assert said(days=800) == "in 2 years"
        assert relative(None) == ""
