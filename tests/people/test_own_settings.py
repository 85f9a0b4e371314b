"""person_update_own and person_password_change: a person's writes to themselves."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from rapport.errors import Refused
from rapport.people import services
from rapport.people.models import Person
from tests.conftest import PASSWORD


def test_a_person_updates_their_own_details(ray) -> None:
    services.person_update_own(
        actor=ray, name="  Ray   R. ", timezone="europe/berlin", remote=False
    )
    saved = Person.objects.get(pk=ray.pk)
    assert (saved.name, saved.timezone, saved.remote) == ("Ray R.", "Europe/Berlin", False)
    assert (saved.level, saved.manager_id) == ("junior", ray.manager_id)


@pytest.mark.parametrize(
    ("name", "timezone", "message"),
    [
        (" \t ", "UTC", "the name is empty"),
        ("R" * 201, "UTC", "a name has at most 200 characters"),
        ("Ray", "Nowhere/Town", "unknown timezone “Nowhere/Town”"),
    ],
)
def test_a_refused_update_changes_nothing(ray, name: str, timezone: str, message: str) -> None:
    with pytest.raises(Refused, match=message):
        services.person_update_own(actor=ray, name=name, timezone=timezone, remote=False)
    assert (ray.name, ray.timezone, ray.remote) == ("Ray Report", "America/New_York", True)
    saved = Person.objects.get(pk=ray.pk)
    assert (saved.name, saved.timezone, saved.remote) == ("Ray Report", "America/New_York", True)


def test_a_password_change_needs_the_current_password(ray) -> None:
    with pytest.raises(Refused, match="not your current password"):
        services.person_password_change(
            actor=ray, current_password="wrong", new_password="a long new passphrase 9"
        )
    assert Person.objects.get(pk=ray.pk).check_password(PASSWORD)
    services.person_password_change(
        actor=ray, current_password=PASSWORD, new_password="a long new passphrase 9"
    )
    assert Person.objects.get(pk=ray.pk).check_password("a long new passphrase 9")


def test_a_password_the_validators_refuse_is_not_set(ray) -> None:
    with pytest.raises(ValidationError) as validators:
        validate_password("password", ray)
    with pytest.raises(Refused) as refused:
        services.person_password_change(
            actor=ray, current_password=PASSWORD, new_password="password"
        )
    assert str(refused.value) == " ".join(validators.value.messages)
    assert Person.objects.get(pk=ray.pk).check_password(PASSWORD)
