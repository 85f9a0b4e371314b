"""A person's own settings: name, timezone, password, the calendar feed and mails, who
looked at their data, their export and their request to be erased."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from rapport import access
from rapport.errors import Refused
from rapport.notifications import calendar, mail
from rapport.notifications.models import MailKind
from rapport.notifications.selectors import settings_page
from rapport.people import services as people_services
from rapport.privacy import services as privacy_services
from rapport.privacy.selectors import person_export
from rapport.web.forms import OwnSettingsForm, PasswordChangeForm
from rapport.web.views.common import (
    back_with,
    form_saved,
    person_view,
    refused_back,
    render_page,
    restored,
    stashed,
)


@person_view("GET")
def settings(request: HttpRequest) -> HttpResponse:
    """The settings page: own details and password; feed address; mail kinds on/off.

    A refused change comes back here (303) with its form and errors, read once."""
    viewer = request.user
    profile_form = restored(
        lambda data: OwnSettingsForm.for_person(viewer, data), stashed(request, "settings:profile")
    )
    password_form = restored(PasswordChangeForm, stashed(request, "settings:password"))
    return _settings_page(request, profile_form=profile_form, password_form=password_form)


def _settings_url(anchor: str) -> str:
    return f"{reverse('settings')}#{anchor}"


def _settings_page(
    request: HttpRequest,
    *,
    profile_form: OwnSettingsForm | None = None,
    password_form: PasswordChangeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    viewer = request.user  # the services check everything before they change anything
    return render_page(
        request,
        "web/account/settings.html",
        settings_page(viewer, seen_page=request.GET.get("seen", 1)),
        status=status,
        profile_form=profile_form or OwnSettingsForm.for_person(viewer),
        password_form=password_form or PasswordChangeForm(),
    )


@person_view("POST")
def profile(request: HttpRequest) -> HttpResponse:
    """Save the person's own name, timezone and remote or co-located."""
    form = OwnSettingsForm.for_person(request.user, request.POST)
    update = partial(people_services.person_update_own, actor=request.user)
    if form_saved(request, form, update, "Your details are saved."):
        return redirect("settings")
    return back_with(request, _settings_url("profile-title"), "settings:profile", form)


@sensitive_post_parameters("current_password", "new_password", "new_password_again")
@person_view("POST")
def password(request: HttpRequest) -> HttpResponse:
    """Change the person's password; this browser stays signed in, others are signed out."""
    form = PasswordChangeForm(request.POST)

    def change(current_password: str, new_password: str, **_confirmation: str) -> None:
        people_services.person_password_change(
            actor=request.user, current_password=current_password, new_password=new_password
        )

    if form_saved(request, form, change, "Your password is changed."):
        update_session_auth_hash(request, request.user)
        return redirect("settings")
    return back_with(request, _settings_url("password-title"), "settings:password", form)


@person_view("POST")
def calendar_token(request: HttpRequest) -> HttpResponse:
    """Regenerate (action=regenerate) or revoke (action=revoke) the feed address."""
    action = request.POST.get("action")
    if action == "regenerate":
        replaced = bool(request.user.calendar_token)
        calendar.calendar_token_regenerate(actor=request.user)
        messages.success(
            request,
            "Your calendar has a new address: the old one no longer works."
            if replaced
            else "Your calendar feed is ready: subscribe to its address below.",
        )
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


@person_view("POST")
def export(request: HttpRequest) -> HttpResponse:
    """Download everything about me: data.json and every 1:1 as Markdown, in a zip."""
    found = person_export(viewer=request.user, person=request.user)
    privacy_services.person_export_recorded(actor=request.user, person=request.user)
    response = HttpResponse(found.zip_bytes(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    return response


@sensitive_post_parameters("password")
@person_view("POST")
def erasure(request: HttpRequest) -> HttpResponse:
    """Ask (action=request, with the password) or stop asking (action=withdraw) to be erased."""
    action = request.POST.get("action")
    try:
        if action == "request":
            privacy_services.erasure_request(
                actor=request.user, password=request.POST.get("password", "")
            )
            messages.success(
                request,
                "Your request is recorded: an org admin of your organisation can now erase "
                "your data. Until then you can take it back here.",
            )
        elif action == "withdraw":
            privacy_services.erasure_withdraw(actor=request.user)
            messages.success(request, "Your request to be erased is withdrawn.")
        else:
            raise Refused("Choose request or withdraw.")
    except Refused as error:
        return refused_back(request, error, reverse("settings") + "#your-data")
    return redirect(reverse("settings") + "#your-data")


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
