"""A person's own settings: the calendar feed address and which mails they get."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from rapport import access
from rapport.errors import Refused
from rapport.notifications import calendar, mail
from rapport.notifications.models import MailKind
from rapport.web.views.common import person_view


@person_view("GET")
def settings(request: HttpRequest) -> HttpResponse:
    """The settings page: feed address with copy, regenerate and revoke; mail kinds on/off."""
    viewer = request.user
    preferences = mail.mail_preferences(viewer)
    context = {
        "feed_url": calendar.feed_url(viewer),
        "kinds": [(kind, MailKind(kind).label, preferences[kind]) for kind in MailKind.values],
        "viewer": viewer,
    }
    return render(request, "web/account/settings.html", context)


@person_view("POST")
def calendar_token(request: HttpRequest) -> HttpResponse:
    """Regenerate (action=regenerate) or revoke (action=revoke) the feed address."""
    action = request.POST.get("action")
    if action == "regenerate":
        calendar.calendar_token_regenerate(actor=request.user)
        messages.success(request, "Your calendar has a new address: the old one no longer works.")
    elif action == "revoke":
        calendar.calendar_token_revoke(actor=request.user)
        messages.success(request, "Your calendar feed is off: its address no longer works.")
    else:
        return HttpResponse("Choose regenerate or revoke.", status=400)
    return redirect("settings")


@person_view("POST")
def mail_preferences(request: HttpRequest) -> HttpResponse:
    """Save which kinds of mail the person gets (a ticked box is on)."""
    chosen = set(request.POST.getlist("kinds"))
    for kind in MailKind.values:
        mail.mail_preference_set(actor=request.user, kind=kind, enabled=kind in chosen)
    messages.success(request, "Mail settings saved.")
    return redirect("settings")


# The signed token is the authority here, not a session: mail clients' one-click
# unsubscribe (RFC 8058) POSTs without any CSRF cookie.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def mail_off(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every mail: GET asks to confirm (mail scanners follow links), POST turns off."""
    try:
        person_id, kind = mail.unsubscribe_read(token)
    except Refused:
        raise Http404(access.NOT_FOUND) from None
    person = access.person_for_mail_link(person_id)
    done = request.method == "POST"
    if done:
        mail.mail_preference_set(actor=person, kind=kind, enabled=False)
    context = {"done": done, "label": MailKind(kind).label, "token": token, "person": person}
    return render(request, "web/account/settings_mail_off.html", context)
