"""Signing in, set-password and reset links, password rules: nobody takes over an account."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from rapport.cli import main
from rapport.errors import Refused
from rapport.meetings.models import PrivateNote
from rapport.people.models import Organisation, Person, Session
from rapport.people.services import (
    person_deactivate,
    person_invite,
    set_password_path,
    setup_token,
)
from tests.conftest import PASSWORD
from tests.notifications.conftest import body, inbox, smtp_server  # noqa: F401

NEW_PASSWORD = "a long and unusual passphrase 42"
SECRET_NOTE = "thinking of leaving after the reorg"


def open_link(path: str, browser: Client | None = None) -> tuple[Client, str]:
    """Open a set-password link; Django swaps its token for a session and redirects."""
    browser = browser or Client()
    response = browser.get(path)
    assert response.status_code == 302
    return browser, response["Location"]


def choose(browser: Client, form_url: str, password: str) -> object:
    return browser.post(form_url, {"new_password1": password, "new_password2": password})


def link_in(text: str) -> str:
    match = re.search(r"https?://[^/\s]+(/reset/\S+/)", text)
    assert match, f"no set-password link in {text!r}"
    return match.group(1)


# No set-password link for someone who has a password -----------------------------------


def test_an_admin_without_mail_gets_no_link_to_an_account_with_a_password(
    client_for, ada, ray, meeting
) -> None:
    PrivateNote.objects.create(meeting=meeting, author=ray, body=SECRET_NOTE)
    response = client_for(ada).post(reverse("person_invite_link", args=[ray.pk]), follow=True)
    page = response.content.decode()
    assert response.redirect_chain == [(reverse("person", args=[ray.pk]), 303)]
    assert "/reset/" not in page
    assert "Ray Report has a password, so no set-password link is shown for them" in page
    assert "deactivate this account and invite them anew" in page
    ray.refresh_from_db()
    assert ray.check_password(PASSWORD)


def test_an_admin_with_mail_on_gets_no_link_either_but_is_told_to_send_a_reset(
    client_for, ada, ray, settings
) -> None:
    settings.EMAIL_ENABLED = True
    page = client_for(ada).get(reverse("person", args=[ray.pk])).content.decode()
    assert reverse("person_reset_send", args=[ray.pk]) in page
    assert reverse("person_invite_link", args=[ray.pk]) not in page
    response = client_for(ada).post(reverse("person_invite_link", args=[ray.pk]), follow=True)
    assert response.redirect_chain == [(reverse("person", args=[ray.pk]), 303)]
    assert "/reset/" not in response.content.decode()
    assert "Send them a reset by mail instead" in response.content.decode()


def test_an_admin_mails_a_reset_that_only_the_person_receives_and_completes(
    client_for,
    ada,
    ray,
    inbox,  # noqa: F811
    django_capture_on_commit_callbacks,
) -> None:
    admin = client_for(ada)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("person_reset_send", args=[ray.pk]), follow=True)
    page = response.content.decode()
    assert "on its way to ray@acme.test; only they receive it" in page
    assert "/reset/" not in page
    [mail] = inbox.to("ray@acme.test")
    assert "Ada Admin sent you a link to choose a new password" in body(mail)
    browser, form_url = open_link(link_in(body(mail)))
    assert choose(browser, form_url, NEW_PASSWORD).status_code == 302
    assert Client().login(username="ray@acme.test", password=NEW_PASSWORD)
    assert admin.get("/").wsgi_request.user == ada


def test_a_reset_without_mail_is_refused_in_words(client_for, ada, ray) -> None:
    response = client_for(ada).post(reverse("person_reset_send", args=[ray.pk]), follow=True)
    assert response.redirect_chain == [(reverse("person", args=[ray.pk]), 303)]
    assert "Mail is off here, so no reset can be sent." in response.content.decode()


def test_a_person_without_a_password_yet_still_gets_a_link(client_for, ada) -> None:
    nina = person_invite(actor=ada, email="nina@acme.test", name="Nina New")
    response = client_for(ada).post(reverse("person_invite_link", args=[nina.pk]), follow=True)
    assert response.redirect_chain[-1][1] == 303
    assert f"{settings.SITE_URL}/reset/" in response.content.decode()


# Using a link: never signed in, every other session ends -------------------------------


def test_a_reset_link_never_signs_in_and_ends_the_persons_other_sessions(
    client_for, ray, mia
) -> None:
    ray_laptop, ray_phone, mia_laptop = client_for(ray), client_for(ray), client_for(mia)
    assert Session.objects.filter(person=ray).count() == 2
    browser, form_url = open_link(set_password_path(ray))
    response = choose(browser, form_url, NEW_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")
    assert not browser.get("/").wsgi_request.user.is_authenticated
    assert "Sign in with your new password" in browser.get(response["Location"]).content.decode()
    ray_sessions = [
        session
        for session in Session.objects.all()
        if session.get_decoded().get("_auth_user_id") == str(ray.pk)
    ]
    assert ray_sessions == []
    assert not Session.objects.filter(person=ray).exists()
    for device in (ray_laptop, ray_phone):
        assert device.get("/")["Location"].startswith("/login/")
    assert mia_laptop.get("/").status_code == 200


def test_an_invitation_link_does_not_sign_in_either(ada) -> None:
    nina = person_invite(actor=ada, email="nina@acme.test", name="Nina New")
    browser, form_url = open_link(set_password_path(nina))
    assert choose(browser, form_url, NEW_PASSWORD).status_code == 302
    assert not browser.get("/").wsgi_request.user.is_authenticated
    signed_in = browser.post(
        reverse("login"), {"username": "nina@acme.test", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302
    assert browser.get("/").wsgi_request.user == nina


# Password rules, everywhere a password is set ------------------------------------------

WEAK = [
    ("        ", "at least 8 characters besides spaces"),
    ("83920174", "entirely numeric"),
    ("Wordsworth1", "too similar to the name"),
    ("pat@wordsworth.test", "too similar to the"),
    ("password123", "too common"),
    ("x" * 129, "at most 128 characters"),
]


@pytest.fixture
def pat(ada) -> Person:
    return person_invite(actor=ada, email="pat@wordsworth.test", name="Pat Wordsworth")


@pytest.mark.parametrize(("password", "reason"), WEAK)
def test_a_weak_password_is_refused_through_a_link(pat, password, reason) -> None:
    browser, form_url = open_link(set_password_path(pat))
    response = choose(browser, form_url, password)
    assert response.status_code == 200
    assert reason in response.content.decode()
    pat.refresh_from_db()
    assert not pat.has_usable_password()


@pytest.mark.parametrize(("password", "reason"), WEAK)
def test_a_weak_password_is_refused_at_first_set_up(db, password, reason) -> None:
    response = Client().post(
        reverse("setup", args=[setup_token()]),
        {
            "organisation_name": "Wordsworth & co",
            "name": "Pat Wordsworth",
            "email": "pat@wordsworth.test",
            "password": password,
        },
    )
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not Person.objects.exists() and not Organisation.objects.exists()


@pytest.mark.parametrize(("password", "reason"), WEAK)
def test_a_weak_password_is_refused_by_createadmin(
    db, password, reason, monkeypatch, capsys
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    argv = ["createadmin", "--org", "Wordsworth & co", "--name", "Pat Wordsworth"]
    code = main([*argv, "--email", "pat@wordsworth.test", "--password-stdin"])
    assert code == 1
    assert reason in capsys.readouterr().err
    assert not Person.objects.exists()


def test_a_strong_password_is_taken_through_a_link(pat) -> None:
    browser, form_url = open_link(set_password_path(pat))
    assert choose(browser, form_url, NEW_PASSWORD).status_code == 302
    pat.refresh_from_db()
    assert pat.check_password(NEW_PASSWORD)


# Links expire --------------------------------------------------------------------------


class MadeEarlier(PasswordResetTokenGenerator):
    """Django's own link tokens, made as if some hours ago."""

    def __init__(self, hours: int) -> None:
        super().__init__()
        self.hours = hours

    def _now(self) -> dt.datetime:
        return dt.datetime.now() - dt.timedelta(hours=self.hours)


@pytest.mark.parametrize(("hours", "works"), [(71, True), (73, False)])
def test_an_unused_invitation_link_works_for_72_hours(ada, hours, works) -> None:
    nina = person_invite(actor=ada, email="nina@acme.test", name="Nina New")
    uid = urlsafe_base64_encode(force_bytes(nina.pk))
    token = MadeEarlier(hours).make_token(nina)
    response = Client().get(reverse("password_reset_confirm", args=[uid, token]), follow=True)
    assert ("This link has been used or has expired" not in response.content.decode()) is works


def test_the_invitation_says_how_long_its_link_works(client_for, ada) -> None:
    response = client_for(ada).post(
        reverse("person_invite"),
        {"email": "nina@acme.test", "name": "Nina New", "timezone": "UTC"},
        follow=True,
    )
    assert "valid for 72 hours" in response.content.decode()


def test_inviting_anew_the_address_of_a_deactivated_account_says_what_to_do(ada, olga) -> None:
    person_deactivate(actor=ada, person=olga)
    with pytest.raises(Refused, match="belongs to Olga Report's deactivated account"):
        person_invite(actor=ada, email="OLGA@acme.test", name="Olga Report")
    olga_again = person_invite(actor=ada, email="olga.r@acme.test", name="Olga Report")
    assert not olga_again.has_usable_password()
