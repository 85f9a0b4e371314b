"""Health check before sessions; each signed-in person sees times in their own timezone."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone


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
