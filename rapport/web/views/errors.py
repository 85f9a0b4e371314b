"""Error pages: the same words for missing and hidden things."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rapport.access import NOT_FOUND
from rapport.web.views.common import is_htmx, refuse


def _error(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    if is_htmx(request) or request.path.startswith("/api/"):
        return refuse(message, status)
    context = {"status": status, "title": title, "message": message}
    return render(request, "web/error.html", context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request, 400, "Bad request", "The request could not be understood or was too large."
    )


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else "You cannot change this."
    return _error(request, 403, "Not allowed", message)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "Not found", NOT_FOUND)


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, "Something broke", "Nothing was saved. Please try again.")
