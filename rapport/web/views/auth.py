"""Signing in and out, the first-start set-up, and choosing a password."""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.core.mail import EmailMessage
from django.core.validators import MaxLengthValidator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods, require_POST

from rapport.errors import Refused
from rapport.people import services
from rapport.web.forms import SetupForm
from rapport.web.throttle import client_address

logger = logging.getLogger(__name__)

TOO_MANY_RESETS = (
    "Too many reset requests for this address or from your network: try again in an hour. "
    "Links already sent keep working."
)


class LoginForm(auth_forms.AuthenticationForm):
    """Django's sign-in form, its address length enforced: Django only tells the browser.
    A longer address is nobody's, and must reach neither the database nor the lockout
    records, which refuse it with an error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class LoginView(auth_views.LoginView):
    template_name = "web/account/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    messages.info(request, "You are signed out.")
    return redirect("login")


def send_after_response(message: EmailMessage) -> None:
    """Send on a thread of its own, so the page answers without waiting for SMTP.

    The reset page must answer in the same time whether or not an account uses the address;
    waiting for the mail server would tell an attacker which addresses have one.
    """

    def send() -> None:
        try:
            message.send()
        except Exception as error:  # a mail server down: log the kind, never the link
            logger.warning("A password-reset mail was not sent: %s", type(error).__name__)

    threading.Thread(target=send, name="rapport-reset-mail", daemon=True).start()


class PasswordResetForm(auth_forms.PasswordResetForm):
    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = " ".join(render_to_string(subject_template_name, context).split())
        body = render_to_string(email_template_name, context)
        send_after_response(EmailMessage(subject, body, from_email, [to_email]))


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "web/account/password_reset.html"
    email_template_name = "notifications/email/password_reset.txt"
    subject_template_name = "notifications/email/password_reset_subject.txt"
    form_class = PasswordResetForm

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        email = form.cleaned_data["email"]
        if not services.password_reset_allowed(email=email, address=client_address(self.request)):
            form.add_error(None, TOO_MANY_RESETS)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "web/account/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choose a password with a set-password or reset link; it never signs anyone in.

    Whoever opened the link (perhaps not its owner) must then sign in with the new password,
    and every other session of the person ends.
    """

    template_name = "web/account/password_reset_confirm.html"
    post_reset_login = False

    def form_valid(self, form: auth_forms.SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        services.person_password_chosen(person=form.user, keep=self.request.session.session_key)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "web/account/password_reset_complete.html"


@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest, token: str) -> HttpResponse:
    """The first-start link: create the organisation and its first admin."""
    if not services.setup_token_valid(token):
        raise Http404
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.organisation_setup(**form.cleaned_data)
        except Refused as error:
            form.add_error(None, str(error))
        else:
            login(request, person, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome to Rapport. Invite your people to begin.")
            return redirect("people")
    return render(
        request, "web/account/setup.html", {"form": form}, status=400 if form.errors else 200
    )
