"""The Jinja2 environment: URL and static helpers, Markdown, and time in the viewer's zone."""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.html import format_html
from jinja2 import Environment
from markupsafe import Markup

from rapport import access
from rapport.framework.levels import LEVEL_LABELS
from rapport.framework.markdown import render_markdown
from rapport.meetings import wording


class _RequestPaths(threading.local):
    """The script prefix and URL configuration of the request a thread serves, read once
    as it starts (`RequestPathsMiddleware`): Django keeps both in context-aware locals that
    cost microseconds a read, and a page prints dozens of links. None outside a request."""

    base: tuple[str, str] | None = None


request_paths = _RequestPaths()


def url(name: str, *args: Any, **kwargs: Any) -> str:
    """The path of a named URL. Reversing costs tens of microseconds and a page asks for
    the same few paths dozens of times (a form per row), so each is reversed once."""
    if kwargs or not all(isinstance(arg, int | str) for arg in args):
        return reverse(name, args=args or None, kwargs=kwargs or None)
    return _reversed(*(request_paths.base or current_paths()), name, args)


def current_paths() -> tuple[str, str]:
    """The script prefix and URL configuration in force, read from Django."""
    return get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF


@functools.lru_cache(maxsize=8192)
def _reversed(prefix: str, urlconf: str, name: str, args: tuple[Any, ...]) -> str:
    # The prefix and the URL configuration are in the key: a path never outlives them.
    return reverse(name, urlconf=urlconf, args=args or None)


@functools.lru_cache(maxsize=256)
def static_url(path: str) -> str:
    """A static file's address under its hashed name. The storage reads its manifest once per
    process and `STATIC_URL` is a path from the root, so each file's address is worked out
    once (some twenty microseconds each, four on every page)."""
    return static(path)


def _localtime(value: dt.datetime) -> dt.datetime:
    """`value` in the active timezone; in UTC on the calendar's last day, where a zone ahead
    of UTC would reach past the year 9999."""
    try:
        return timezone.localtime(value)
    except OverflowError:
        return value.astimezone(dt.UTC)


def local(value: dt.datetime | None, fmt: str = "%a %d %b %Y, %H:%M") -> str:
    """A datetime in the active (viewer's) timezone."""
    if value is None:
        return ""
    return _localtime(value).strftime(fmt)


def day(value: dt.date | dt.datetime | None, fmt: str = "%d %b %Y") -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = _localtime(value)
    return value.strftime(fmt)


# Days counted as days up to two weeks, then weeks up to eight, months up to a year, then years.
_DAYS = (
    (14, 1, "day"),
    (56, 7, "week"),
    (365, 365.25 / 12, "month"),
    (float("inf"), 365.25, "year"),
)


def relative(value: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """“in 20 minutes”, “in 3 hours”, “tomorrow”, “5 days ago”, “in 2 weeks”, “3 months ago”:
    coarse, for glancing. Minutes within the hour, hours within the day, then days as the reader's
    calendar counts them (a 1:1 on Monday after next is “in 2 weeks”, never “in 1 week”)."""
    if value is None:
        return ""
    now = now or timezone.now()
    ahead, gap = value >= now, abs((value - now).total_seconds())
    when, today = _localtime(value).date(), _localtime(now).date()
    if gap < 60:
        return "now"
    if gap < 3600:
        count, unit = int(gap // 60), "minute"
    elif when == today:
        count, unit = int(gap // 3600), "hour"
    else:
        days = abs((when - today).days)
        if days == 1:
            return "tomorrow" if ahead else "yesterday"
        count, unit = next(
            (round(days / size), unit) for limit, size, unit in _DAYS if days < limit
        )
    text = f"{count} {unit}{'s' if count > 1 else ''}"
    return f"in {text}" if ahead else f"{text} ago"


def markdown(text: str | None) -> Markup:
    return Markup(render_markdown(text or ""))


def stored_html(html: str) -> Markup:
    """HTML that `render_markdown` made and sanitised when its text was written."""
    return Markup(html)


class _Once:
    """Text made when a template first prints it, then kept for the rest of the render."""

    def __init__(self, make: Callable[[], str]) -> None:
        self.make = make
        self.text: str | None = None

    def __str__(self) -> str:
        if self.text is None:
            self.text = self.make()
        return self.text

    def __html__(self) -> str:
        return str(self)


def csrf_once(request: HttpRequest) -> dict[str, Any]:
    """`csrf_input` and `csrf_token` computed once per render, however many forms use them.

    Django's own are lazy but mask a fresh token each time a form prints one: a page of
    two hundred forms paid two hundred maskings. These stay lazy (a page with no form sets
    no cookie) and remember their value.
    """
    token = _Once(lambda: get_token(request))
    field = _Once(
        lambda: format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
    )
    return {"csrf_token": token, "csrf_input": field}


class LiveSetting:
    """A setting read at render time, so it follows the configuration in force."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __bool__(self) -> bool:
        return bool(getattr(settings, self.name))


def environment(**options: Any) -> Environment:
    env = Environment(**options)
    env.globals.update(
        url=url,
        static=static_url,
        get_messages=get_messages,
        level_labels=LEVEL_LABELS,
        email_enabled=LiveSetting("EMAIL_ENABLED"),
        now=timezone.now,
        # The reader's own day (the zone of the person signed in, as the middleware set it).
        today=timezone.localdate,
        # Whose side of a 1:1 the viewer is on, decided in one place for every template.
        is_manager_in=access.is_manager_in,
        # A 1:1's two people as the viewer names them ("You and Maya Chen").
        the_two=wording.the_two,
    )
    env.filters.update(
        local=local, day=day, relative=relative, markdown=markdown, stored_html=stored_html
    )
    return env
