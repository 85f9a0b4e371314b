"""Answering a confirmation page as a browser does: its yes carries the question's token."""

from __future__ import annotations

import re

from django.http import HttpResponse
from django.test import Client

TOKEN = re.compile(r'<input type="hidden" name="confirmed" value="([^"]*)">')


def token_in(html: str) -> str:
    """The token of the one yes a confirmation page holds."""
    found = TOKEN.findall(html)
    assert len(found) == 1 and found[0], found
    return found[0]


def asked(client: Client, url: str, data: dict | None = None) -> str:
    """The form sent without the yes: 303 to its own address, whose page asks; its token."""
    response = client.post(url, data or {})
    assert (response.status_code, response["Location"]) == (303, url)
    return token_in(client.get(url).content.decode())


def confirm(client: Client, url: str, data: dict | None = None) -> HttpResponse:
    """The form sent, asked about on its page, and the yes sent there."""
    token = asked(client, url, data)
    return client.post(url, {**(data or {}), "confirmed": token})
