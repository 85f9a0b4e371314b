"""Security and caching headers that every response carries."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # settings import this module for WhiteNoise: keep Django out of it
    from django.http import HttpRequest, HttpResponse

# Scripts, styles and everything else come from Rapport's own static files only: no
# inline script, inline event handler, inline style or eval anywhere (a test scans
# the templates), so an injected tag or attribute can never run.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)

# Pages and fragments carry notes, private notes, career talk and feeds: nothing a
# view renders may stay in a browser's or a proxy's cache on a shared machine.
NO_STORE = "no-store"

# The favicon never changes between releases: browsers may keep it for a week.
FAVICON_CACHE = "public, max-age=604800"


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every response; no-store where the view set no caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        # Static files and the favicon come with their own (long) caching; so does
        # the calendar feed, which holds titles and times only, never notes.
        response.headers.setdefault("Cache-Control", NO_STORE)
        return response


def static_file_headers(headers: dict[str, str], path: str, url: str) -> None:
    """WhiteNoise's hook: the favicon served at the site's root is cached like a static file."""
    if url == "/favicon.ico":
        headers["Cache-Control"] = FAVICON_CACHE
