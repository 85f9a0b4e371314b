"""The one error every service raises when it refuses a request.

Interfaces map it once each: the web to a 4xx with the message
(`rapport.web.views.common`), the command line to its `Error:` line (`rapport.cli`).
"""

from __future__ import annotations

from typing import Any


class Refused(Exception):
    """A request the domain refuses, with a message meant for the person."""

    # The HTTP status the web answers with: the request was understood and declined.
    status = 400

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class Conflict(Refused):
    """Someone changed the thing since this version was loaded; `current` is what it is now."""

    status = 409

    def __init__(self, message: str, *, current: Any = None) -> None:
        super().__init__(message)
        self.current = current


def clean_text(
    value: object,
    *,
    limit: int,
    what: str,
    one_line: bool = False,
    empty: str | None = None,
    too_long: str = "{what} is limited to {limit:,} characters.",
) -> str:
    """Free text as stored: trimmed (one line: runs of spaces as one), refused when too long.

    `empty`, when given, refuses blank text with that message; `too_long` may name
    `{what}`, `{limit}` and `{length}`.
    """
    text = ("" if value is None else str(value)).replace("\x00", "")
    text = " ".join(text.split()) if one_line else text.strip()
    if empty is not None and not text:
        raise Refused(empty)
    if len(text) > limit:
        raise Refused(too_long.format(what=what, limit=limit, length=len(text)))
    return text
