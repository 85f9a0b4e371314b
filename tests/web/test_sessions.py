"""The session and the signed-in person, read in one query by SQL compiled once, keep
Django's rules."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DjangosSessionStore
from django.contrib.sessions.models import Session as DjangosSession
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rapport.people.models import Person, Session
from rapport.people.services import person_password_chosen
from rapport.web.sessions import SessionStore
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


def test_a_session_names_the_person_signed_in_to_it_until_they_sign_out(ray: Person) -> None:
    client = Client()
    client.post(reverse("login"), {"username": ray.email, "password": PASSWORD})
    key = client.cookies["sessionid"].value
    assert Session.objects.get(pk=key).person == ray
    client.post(reverse("logout"))
    assert not Session.objects.filter(pk=key).exists()


def test_an_anonymous_session_names_nobody(ray: Person) -> None:
    client = Client()
    session = client.session
    session["seen"] = True
    session.save()
    assert Session.objects.get(pk=session.session_key).person is None


def test_a_signed_in_request_reads_the_session_and_the_person_in_one_query(
    ray: Person,
) -> None:
    client = Client()
    client.force_login(ray)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).wsgi_request.user == ray
    reads = [query["sql"] for query in queries if '"people_person"' in query["sql"]]
    assert '"people_session"' in reads[0] and '"people_organisation"' in reads[0]
    assert not any('FROM "people_person" WHERE' in sql for sql in reads)


def test_the_sessions_data_names_the_person_whatever_its_row_says(ray: Person, mia: Person) -> None:
    client = Client()
    client.force_login(ray)
    Session.objects.filter(person=ray).update(person=mia)
    assert client.get(reverse("home")).wsgi_request.user == ray


def test_a_password_chosen_by_link_ends_only_that_persons_other_sessions(
    ray: Person, mia: Person
) -> None:
    ray_laptop, ray_phone, mia_laptop = Client(), Client(), Client()
    for client, person in ((ray_laptop, ray), (ray_phone, ray), (mia_laptop, mia)):
        client.force_login(person)
    kept = ray_phone.session.session_key
    assert person_password_chosen(person=ray, keep=kept) == 1
    assert list(Session.objects.filter(person=ray).values_list("pk", flat=True)) == [kept]
    assert not _signed_in(ray_laptop)
    assert _signed_in(mia_laptop)


def test_sessions_kept_in_djangos_table_move_with_the_person_they_name(ray: Person) -> None:
    migration = __import__(
        "rapport.people.migrations.0011_session_names_its_person", fromlist=["sessions_move"]
    )
    old = DjangosSessionStore()
    old.update(
        {SESSION_KEY: str(ray.pk), BACKEND_SESSION_KEY: "rapport.web.sessions.PersonBackend"}
    )
    old.update({"_auth_user_hash": ray.get_session_auth_hash()})
    old.create()
    anonymous = DjangosSessionStore()
    anonymous["seen"] = True
    anonymous.create()
    expired = DjangosSession.objects.create(
        session_key="expired-session-key-0123456789",
        session_data=old.encode({SESSION_KEY: str(ray.pk)}),
        expire_date=timezone.now() - dt.timedelta(days=1),
    )
    migration.sessions_move(apps, None)
    moved = dict(Session.objects.values_list("pk", "person"))
    assert moved == {old.session_key: ray.pk, anonymous.session_key: None}
    assert expired.pk not in moved and not DjangosSession.objects.exists()
    client = Client()
    client.cookies["sessionid"] = old.session_key
    assert client.get(reverse("home")).wsgi_request.user == ray


def test_session_data_is_decoded_once_per_text_and_each_read_gets_its_own_copy(db) -> None:
    store = SessionStore()
    text = store.encode({"_auth_user_id": "7", "flag": True})
    first = store.decode(text)
    first["flag"] = False  # one request's change does not reach the next one's data
    assert store.decode(text) == {"_auth_user_id": "7", "flag": True}
    assert store.decode(store.encode({"_auth_user_id": "8"})) == {"_auth_user_id": "8"}
    # A text whose signature fails decodes to nothing, every time.
    assert store.decode(text[:-3] + "xyz") == {}
    assert store.decode(text[:-3] + "xyz") == {}
