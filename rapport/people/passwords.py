"""Password rules Django lacks: length counted without spaces, and a ceiling."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from rapport.people.models import Person


class VisibleLengthValidator:
    """At least min_length characters that are not spaces (eight spaces are no password)."""

    def __init__(self, min_length: int = 8) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: Person | None = None) -> None:
        if len("".join(password.split())) < self.min_length:
            raise ValidationError(
                f"The password needs at least {self.min_length} characters besides spaces.",
                code="password_too_short",
            )

    def get_help_text(self) -> str:
        return f"At least {self.min_length} characters besides spaces."


class MaximumLengthValidator:
    """A ceiling, so that hashing a huge password cannot tie a server up."""

    def __init__(self, max_length: int = 128) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Person | None = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                f"The password can have at most {self.max_length} characters.",
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return f"At most {self.max_length} characters."
