"""Error pages: the same words for missing and hidden things, and pages that cannot fail."""

from __future__ import annotations

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

from rapport.access import NOT_FOUND
from rapport.people.keys import UNAVAILABLE
from rapport.web.views.common import is_htmx, refuse


def wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return (
        is_htmx(request)
        or request.path.startswith("/api/")
        or (request.content_type or "").endswith("json")
        or ("application/json" in accept and "text/html" not in accept)
    )


def _error(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    if wants_json(request):
        return refuse(message, status)
    context = {"status": status, "title": title, "message": message}
    if not hasattr(request, "user"):
        # Refused before authentication ran (a bad Host header, input refused up front):
        # a page that reads nothing from the request, so it cannot fail in turn.
        return render(request, "web/error_plain.html", context, status=status)
    return render(request, "web/error.html", context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, DisallowedHost):
        message = "This server does not answer to that host name."
    else:
        message = "The request could not be understood or was too large."
    return _error(request, 400, "Bad request", message)


def bad_input(request: HttpRequest, message: str, *, title: str = "Not saved") -> HttpResponse:
    """Input refused before any view ran, with what to change."""
    return _error(request, 400, title, message)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else "You cannot change this."
    return _error(request, 403, "Not allowed", message)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if wants_json(request):
        return refuse(NOT_FOUND, 404)
    return _error(request, 404, NOT_FOUND, "Check the address, or start again from the home page.")


def method_not_allowed(request: HttpRequest, allowed: list[str]) -> HttpResponse:
    """A 405 people can act on: this address takes a form, the page it belongs to is a link."""
    if wants_json(request):
        response = refuse("This address does not answer that method.", 405)
    else:
        context = {
            "status": 405,
            "title": "Nothing to show here",
            "message": "This address only receives a form when you send it, so there is "
            "nothing to reload. Go back to the page the form is on.",
            "back": _page_above(request.path),
        }
        response = render(request, "web/error.html", context, status=405)
    response["Allow"] = ", ".join(allowed)
    return response


def _page_above(path: str) -> str:
    """The nearest address above `path` that shows a page (the form's own page), or ''."""
    parts = [part for part in path.split("/") if part]
    while parts:
        parts.pop()
        candidate = "/" + "/".join(parts) + ("/" if parts else "")
        try:
            match = resolve(candidate)
        except Resolver404:
            continue
        if "GET" in getattr(match.func, "allowed_methods", ("GET",)):
            return candidate
    return ""


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, "Something broke", "Nothing was saved. Please try again.")


def keys_unavailable(request: HttpRequest) -> HttpResponse:
    return _error(request, 503, "Private note unavailable", UNAVAILABLE)
