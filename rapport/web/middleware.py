"""Health check before sessions, input checks, each person's own timezone, unopenable notes,
and the request's paths read once for its links."""

from __future__ import annotations

import logging
import re
import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone

from rapport.people.keys import SealError
from rapport.web.jinja import current_paths, request_paths
from rapport.web.views.errors import keys_unavailable

logger = logging.getLogger("rapport.keys")


class RequestPathsMiddleware:
    """Read the request's script prefix and URL configuration once, for the links its page
    prints (`rapport.web.jinja.url`), and forget them when it is answered."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_paths.base = current_paths()
        try:
            return self.get_response(request)
        finally:
            request_paths.base = None


class HealthCheckMiddleware:
    """Answer /healthz before sessions or the database are touched."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            if request.method not in ("GET", "HEAD"):
                return HttpResponse("method not allowed", status=405, content_type="text/plain")
            return HttpResponse("ok", content_type="text/plain")
        return self.get_response(request)


NUL_REFUSED = (
    "The text contains an invisible null character (NUL), which Rapport cannot store. "
    "Remove it (it often comes from pasting out of another program) and try again."
)
NUL_IN_ADDRESS = (
    "The address contains an invisible null character (NUL). Check the link, or start again "
    "from the home page."
)
# JSON writes a NUL inside a string as \u0000: refused too, since it decodes to one.
JSON_NUL = re.compile(rb"\\u0000", re.IGNORECASE)


def has_nul(request: HttpRequest) -> bool:
    """Whether the path, query, form fields or body carry a NUL character.

    Uploaded files are not text fields: each service that reads one (the roster
    import) refuses a NUL in it with the line, and a UTF-16 transcript is full of them.
    """
    if "\x00" in request.path_info:
        return True
    if _fields_have_nul(request.GET):
        return True
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return _fields_have_nul(request.POST)
    if request.method in ("POST", "PUT", "PATCH"):
        body = request.body
        return b"\x00" in body or ("json" in content_type and bool(JSON_NUL.search(body)))
    return False


def _fields_have_nul(fields: QueryDict) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in fields.lists()
    )


class InputCheckMiddleware:
    """Refuse input PostgreSQL cannot store, once for every view: a NUL character anywhere."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_nul(request):
            from rapport.web.views.errors import bad_input

            if request.method in ("GET", "HEAD"):  # nothing was being saved: a bad link
                return bad_input(request, NUL_IN_ADDRESS, title="Address not understood")
            return bad_input(request, NUL_REFUSED)
        return self.get_response(request)


class PersonTimezoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        person = getattr(request, "user", None)
        if person is not None and person.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(person.timezone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            # Threads serve many people: never let one person's zone leak into the next request.
            timezone.deactivate()


class SealErrorMiddleware:
    """A private note that cannot be opened answers 503 in words, never with a traceback."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, SealError):
            return None
        # Key ids and paths are for whoever runs Rapport; the person gets plain words.
        logger.error("Private notes: %s", exception)
        return keys_unavailable(request)
