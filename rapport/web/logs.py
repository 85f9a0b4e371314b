"""Logs that keep no secret: addresses holding a token are logged with the token blanked."""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger as GunicornLogger

# Routes whose address is the key to something: a calendar feed, a set-password or reset
# link, the first-start link, a one-click mail switch-off.
SECRET_PATHS = [
    (re.compile(r"/calendar/[^/\s\"'?]+\.ics"), "/calendar/[token].ics"),
    (re.compile(r"/reset/[^/\s\"'?]+/[^/\s\"'?]+/?"), "/reset/[token]/"),
    (re.compile(r"/setup/[^/\s\"'?]+/?"), "/setup/[token]/"),
    (re.compile(r"/mail/off/[^/\s\"'?]+/?"), "/mail/off/[token]/"),
]


def redact(text: str) -> str:
    """The text with every token in an address replaced by [token]."""
    for pattern, replacement in SECRET_PATHS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecrets(logging.Filter):
    """A log filter that blanks tokens in the message (Django's request and server logs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class NoTraceback(logging.Filter):
    """A refused Host header is an everyday probe, not a failure: one warning line, no trace."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = record.exc_text = None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class AccessLogger(GunicornLogger):
    """Gunicorn's logger with the request line, path, query and referrer redacted."""

    def atoms(self, resp: Any, req: Any, environ: dict, request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f", "{raw_uri}e", "{path_info}e", "{http_referer}i"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms
