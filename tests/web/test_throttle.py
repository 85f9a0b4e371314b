"""Throttled sign-ins and reset requests, and reset mail that never holds the page up."""

from __future__ import annotations

import asyncio
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from aiosmtpd.controller import Controller
from axes.models import AccessAttempt
from django.core.management import call_command
from django.db import connections
from django.db.models import Sum
from django.test import Client
from django.urls import reverse

from rapport.people.services import set_password_path
from tests.conftest import PASSWORD
from tests.notifications.conftest import Inbox, free_port, smtp_on

LIMIT = 10
WRONG = "not the password at all"


def sign_in(email: str, password: str, address: str = "127.0.0.1") -> tuple[Client, object]:
    browser = Client()
    response = browser.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address
    )
    return browser, response


def signed_in(browser: Client) -> bool:
    return browser.get("/").wsgi_request.user.is_authenticated


# Sign-in -------------------------------------------------------------------------------


def test_failed_sign_ins_lock_the_account_whatever_the_address(ray) -> None:
    for attempt in range(LIMIT):
        _, response = sign_in("ray@acme.test", WRONG, address=f"10.0.0.{attempt + 1}")
        # Answered as a wrong password until the limit, then as a lock.
        assert response.status_code == (429 if attempt == LIMIT - 1 else 200)
    browser, response = sign_in("Ray@Acme.test ", PASSWORD, address="10.0.1.1")
    page = response.content.decode()
    assert response.status_code == 429
    assert "Too many failed sign-ins for this account or from your network" in page
    assert "Forgot your password?" in page
    assert not signed_in(browser)


def test_failed_sign_ins_from_one_address_lock_that_address_only(mia, rita) -> None:
    for attempt in range(LIMIT):
        sign_in(f"nobody{attempt}@acme.test", WRONG, address="10.9.9.9")
    browser, response = sign_in("mia@acme.test", PASSWORD, address="10.9.9.9")
    assert response.status_code == 429
    assert not signed_in(browser)
    browser, response = sign_in("rita@acme.test", PASSWORD, address="10.1.2.3")
    assert response.status_code == 302 and signed_in(browser)


def test_a_few_mistakes_then_the_right_password_signs_in_and_clears_the_count(ray) -> None:
    for _ in range(LIMIT - 1):
        sign_in("ray@acme.test", WRONG)
    browser, response = sign_in("ray@acme.test", PASSWORD)
    assert response.status_code == 302 and signed_in(browser)
    for _ in range(LIMIT - 1):
        sign_in("ray@acme.test", WRONG)
    browser, _ = sign_in("ray@acme.test", PASSWORD)
    assert signed_in(browser)


def lock_out(email: str) -> None:
    for attempt in range(LIMIT):
        sign_in(email, WRONG, address=f"10.0.0.{attempt + 1}")
    assert sign_in(email, PASSWORD, address="10.0.2.2")[1].status_code == 429


def test_choosing_a_new_password_through_a_link_lifts_the_lock(ray) -> None:
    lock_out("ray@acme.test")
    browser = Client()
    form_url = browser.get(set_password_path(ray))["Location"]
    new = "a long and unusual passphrase 42"
    browser.post(form_url, {"new_password1": new, "new_password2": new})
    browser, response = sign_in("ray@acme.test", new, address="10.0.2.2")
    assert response.status_code == 302 and signed_in(browser)


def test_the_command_line_lifts_the_lock(ray) -> None:
    lock_out("ray@acme.test")
    call_command("axes_reset_username", "ray@acme.test", verbosity=0)
    browser, response = sign_in("ray@acme.test", PASSWORD, address="10.0.2.2")
    assert response.status_code == 302 and signed_in(browser)


# Reset requests ------------------------------------------------------------------------


def ask_reset(email: str, address: str = "127.0.0.1") -> object:
    return Client().post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


@pytest.mark.parametrize("email", ["ray@acme.test", "nobody@acme.test"])
def test_reset_requests_are_limited_per_account_the_same_for_unknown_addresses(
    ray, email, mailoutbox
) -> None:
    for attempt in range(3):
        assert ask_reset(email, address=f"10.0.0.{attempt + 1}").status_code == 302
    refused = ask_reset(email.upper(), address="10.0.3.3")
    assert refused.status_code == 429
    assert "Too many reset requests for this address" in refused.content.decode()


def test_reset_requests_are_limited_per_network_address(ray) -> None:
    for attempt in range(10):
        assert ask_reset(f"someone{attempt}@acme.test", address="10.7.7.7").status_code == 302
    assert ask_reset("ray@acme.test", address="10.7.7.7").status_code == 429
    assert ask_reset("ray@acme.test", address="10.7.7.8").status_code == 302


class HeldInbox(Inbox):
    """An SMTP server that holds each message until the test lets it through."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived = threading.Event()
        self.release = threading.Event()
        self.accepted = threading.Event()

    async def handle_DATA(self, server, session, envelope) -> str:
        self.arrived.set()
        await asyncio.get_running_loop().run_in_executor(None, self.release.wait)
        answer = await super().handle_DATA(server, session, envelope)
        self.accepted.set()
        return answer


@pytest.fixture
def held_inbox():
    inbox = HeldInbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with smtp_on(port):
            yield inbox
    finally:
        inbox.release.set()
        controller.stop()


def test_the_reset_page_answers_before_the_mail_server_has_taken_the_mail(ray, held_inbox) -> None:
    response = ask_reset("ray@acme.test")
    # The page has answered while the server still holds the mail: sending did not wait.
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert held_inbox.arrived.wait(30), "the reset mail never reached the server"
    assert held_inbox.messages == []
    held_inbox.release.set()
    assert held_inbox.accepted.wait(30)
    [mail] = held_inbox.to("ray@acme.test")
    assert "/reset/" in mail.get_body(preferencelist=("plain",)).get_content()


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL"),
    reason="app servers share the count through PostgreSQL; needs DATABASE_URL",
)
def test_failures_through_many_connections_at_once_all_count(transactional_db, cast) -> None:
    def fail(_attempt: int) -> int:
        try:
            # One address and one account: every attempt updates the same counter row.
            return sign_in("ray@acme.test", WRONG, address="10.0.0.1")[1].status_code
        finally:
            connections.close_all()  # this thread's own connection, like another app server

    with ThreadPoolExecutor(max_workers=5) as pool:
        statuses = list(pool.map(fail, range(LIMIT)))
    assert statuses.count(200) + statuses.count(429) == LIMIT
    counted = AccessAttempt.objects.filter(username="ray@acme.test").aggregate(
        total=Sum("failures_since_start")
    )
    assert counted["total"] == LIMIT
    browser, response = sign_in("ray@acme.test", PASSWORD, address="10.0.2.2")
    assert response.status_code == 429 and not signed_in(browser)
