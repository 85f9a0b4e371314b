"""`rapport manage changepassword EMAIL`: Django's command, and the roster's counts kept.

A person who had not chosen a password yet is no longer invited once one is set here, so
the organisation's kept counts are refreshed as every password service refreshes them.
"""

from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth.management.commands import changepassword
from django.db import transaction

from rapport.people.models import Person
from rapport.people.services import roster_positions_refresh


class Command(changepassword.Command):
    def handle(self, *args: Any, **options: Any) -> str:
        message = super().handle(*args, **options)
        email = options["username"] or getpass.getuser()
        with transaction.atomic():
            person = Person.objects.get(email=email)
            roster_positions_refresh(person.organisation_id)
        return message
