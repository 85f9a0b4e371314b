"""A real SMTP server on loopback (aiosmtpd) and Django pointed at it."""

from __future__ import annotations

import email
import socket
import threading
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings


class Inbox:
    """What the SMTP server received, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        """Messages to one address, in the order they arrived."""
        return [m for m in self.messages if address in str(m["To"])]

    def subjects(self, address: str) -> list[str]:
        return [str(m["Subject"]) for m in self.to(address)]


def body(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def smtp_on(port: int) -> override_settings:
    """Settings sending Django's mail through the loopback server on this port."""
    return override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_ENABLED=True,
    )


@pytest.fixture
def smtp_server():
    """An SMTP server on 127.0.0.1 and a free port; yields (inbox, port)."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def inbox(smtp_server):
    """Django sends through the loopback server while the test runs."""
    received, port = smtp_server
    with smtp_on(port):
        yield received
