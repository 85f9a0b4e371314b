"""The session and the signed-in person, read with SQL compiled once, keep Django's rules."""

from __future__ import annotations

from django.contrib.auth import BACKEND_SESSION_KEY
from django.test import Client
from django.urls import reverse

from rapport.people.models import Person
from tests.conftest import PASSWORD


def _signed_in(client: Client) -> bool:
    return client.get(reverse("home")).status_code == 200


def test_signing_in_through_the_form_reads_the_person_by_our_backend(ray: Person) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": ray.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == "rapport.web.sessions.PersonBackend"
    page = client.get(reverse("home")).content.decode()
    assert ray.name in page


def test_a_session_opened_by_djangos_backend_stays_signed_in(ray: Person) -> None:
    client = Client()
    client.force_login(ray, backend="django.contrib.auth.backends.ModelBackend")
    assert _signed_in(client)


def test_a_deactivated_account_is_signed_out(ray: Person) -> None:
    client = Client()
    client.force_login(ray)
    assert _signed_in(client)
    Person.objects.filter(pk=ray.pk).update(is_active=False)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_new_password_ends_the_other_sessions(ray: Person) -> None:
    client = Client()
    client.force_login(ray)
    assert _signed_in(client)
    ray.set_password("another horse battery staple")
    ray.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_expired_or_unknown_session_is_no_session(ray: Person) -> None:
    client = Client()
    client.force_login(ray)
    client.cookies["sessionid"] = "no-such-session-key-at-all-0123456789"
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
