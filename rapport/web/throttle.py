"""Sign-in throttling with django-axes: who is asking, and what a locked-out person reads."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

LOCKED_OUT = (
    "Too many failed sign-ins for this account or from your network. Wait {minutes} minutes "
    "and try again, or choose a new password with “Forgot your password?”."
)


class SignInThrottle(AxesStandaloneBackend):
    """Refuse sign-ins for a locked-out account or address; never signs anyone in itself."""

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        # Only sign-ins over HTTP can be throttled (and need to be): code that checks a
        # password without a request, such as the test client, passes through.
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


def client_address(request: HttpRequest) -> str:
    """The client's network address: the peer, or what our own proxies saw when behind them."""
    if settings.PROXY_COUNT:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        # Each trusted proxy appends the address it saw: count from the right, never trust
        # what the client itself put on the left.
        if len(forwarded) >= settings.PROXY_COUNT:
            return forwarded[-settings.PROXY_COUNT][:45]
    return request.META.get("REMOTE_ADDR", "")[:45]


def username_of(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The account a sign-in is for, in one spelling whatever its case or spaces."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(username).strip().lower()


def locked_out(
    request: HttpRequest, response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    """The sign-in page again, saying why and what to do (429 Too Many Requests)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    # An unbound form: checking the typed password again would count one more failure.
    form = AuthenticationForm(request, initial={"username": username_of(request, credentials)})
    context = {
        "form": form,
        "next": request.POST.get("next", ""),
        "locked_out": LOCKED_OUT.format(minutes=minutes),
    }
    return render(request, "web/account/login.html", context, status=429)
