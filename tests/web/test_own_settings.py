"""A person's own settings page: name, timezone, remote or co-located, password."""

from __future__ import annotations

import html

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.urls import reverse

from rapport.web.middleware import NUL_REFUSED
from tests.conftest import PASSWORD

NEW_PASSWORD = "a long and new passphrase 4 ray"


def details(**changes: str) -> dict[str, str]:
    return {"name": "Ray Report", "timezone": "America/New_York", "remote": "on", **changes}


def passwords(current: str = PASSWORD, new: str = NEW_PASSWORD, again: str | None = None) -> dict:
    return {
        "current_password": current,
        "new_password": new,
        "new_password_again": new if again is None else again,
    }


def test_the_page_shows_the_person_their_own_details(client_for, ray) -> None:
    page = client_for(ray).get(reverse("settings")).content.decode()
    assert 'name="name"' in page and 'value="Ray Report"' in page
    assert '<option value="America/New_York" selected>' in page
    assert 'name="remote"' in page and "checked" in page.split('name="remote"')[1].split(">")[0]
    assert 'name="current_password"' in page and 'autocomplete="current-password"' in page


def test_a_person_changes_their_name_timezone_and_remote(client_for, ray) -> None:
    client = client_for(ray)
    response = client.post(
        reverse("settings_profile"), {"name": "  Raymond   Report ", "timezone": "Asia/Tokyo"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("settings")
    ray.refresh_from_db()
    assert (ray.name, ray.timezone, ray.remote) == ("Raymond Report", "Asia/Tokyo", False)
    page = client.get(reverse("settings")).content.decode()
    assert "Your details are saved." in page and "Raymond Report" in page


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("R" * 10_000, "Ensure this value has at most 200 characters (it has 10000)."),
        ("Ray\x00Report", NUL_REFUSED),
    ],
)
def test_a_bad_name_is_refused_with_a_message(client_for, ray, name: str, message: str) -> None:
    response = client_for(ray).post(reverse("settings_profile"), details(name=name), follow=True)
    # A NUL byte is refused before any view (400); a form's own refusal shows on the page.
    assert response.redirect_chain == (
        [] if "\x00" in name else [("/settings/#profile-title", 303)]
    )
    assert html.escape(message) in response.content.decode()
    ray.refresh_from_db()
    assert ray.name == "Ray Report" and ray.remote is True


def test_an_unknown_timezone_is_refused(client_for, ray) -> None:
    response = client_for(ray).post(
        reverse("settings_profile"), details(timezone="Mars/Olympus"), follow=True
    )
    assert response.redirect_chain[-1][1] == 303
    assert "Select a valid choice. Mars/Olympus is not one of the available choices." in (
        response.content.decode()
    )
    ray.refresh_from_db()
    assert ray.timezone == "America/New_York"


def test_a_name_with_html_is_kept_as_text_and_shown_escaped(client_for, ray) -> None:
    client = client_for(ray)
    name = '<script>alert("x")</script> Ray'
    assert client.post(reverse("settings_profile"), details(name=name)).status_code == 302
    ray.refresh_from_db()
    assert ray.name == name
    page = client.get(reverse("settings")).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_a_person_changes_their_password_and_stays_signed_in(client_for, ray) -> None:
    client, elsewhere = client_for(ray), client_for(ray)
    response = client.post(reverse("settings_password"), passwords())
    assert response.status_code == 302
    ray.refresh_from_db()
    assert ray.check_password(NEW_PASSWORD) and not ray.check_password(PASSWORD)
    page = client.get(reverse("settings"))
    assert page.status_code == 200 and "Your password is changed." in page.content.decode()
    # Another browser signed in with the old password is signed out.
    signed_out = elsewhere.get(reverse("settings"))
    assert signed_out.status_code == 302 and "/login/" in signed_out["Location"]


def test_a_wrong_current_password_changes_nothing(client_for, ray) -> None:
    response = client_for(ray).post(
        reverse("settings_password"), passwords(current="guess"), follow=True
    )
    assert response.redirect_chain[-1][1] == 303
    assert "That is not your current password." in response.content.decode()
    ray.refresh_from_db()
    assert ray.check_password(PASSWORD)


def test_the_password_validators_apply(client_for, ray) -> None:
    weak = "password"
    with pytest.raises(ValidationError) as refused:
        password_validation.validate_password(weak, ray)
    response = client_for(ray).post(reverse("settings_password"), passwords(new=weak), follow=True)
    assert response.redirect_chain[-1][1] == 303
    page = response.content.decode()
    for message in refused.value.messages:
        assert html.escape(message) in page
    ray.refresh_from_db()
    assert ray.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (passwords(again="a long and new passphrase 4 ra"), "The two new passwords differ."),
        (passwords(current=""), "This field is required."),
        (passwords(new=""), "This field is required."),
        (passwords(new="new\x00passphrase that is long"), NUL_REFUSED),
        (passwords(current=PASSWORD + "\x00"), NUL_REFUSED),
    ],
)
def test_bad_password_input_is_refused_with_a_message(
    client_for, ray, fields: dict, message: str
) -> None:
    response = client_for(ray).post(reverse("settings_password"), fields, follow=True)
    nul = any("\x00" in value for value in fields.values())
    assert response.redirect_chain == ([] if nul else [("/settings/#password-title", 303)])
    assert html.escape(message) in response.content.decode()
    ray.refresh_from_db()
    assert ray.check_password(PASSWORD)


def test_the_passwords_never_come_back_in_the_page(client_for, ray) -> None:
    response = client_for(ray).post(
        reverse("settings_password"), passwords(new="password"), follow=True
    )
    assert response.redirect_chain[-1][1] == 303
    page = response.content.decode()
    assert PASSWORD not in page and 'value="password"' not in page


def test_own_settings_need_a_login(client_for, ray) -> None:
    anonymous = client_for(None)
    for name, data in (("settings_profile", details()), ("settings_password", passwords())):
        response = anonymous.post(reverse(name), data)
        assert response.status_code == 302 and "/login/" in response["Location"]
    ray.refresh_from_db()
    assert ray.check_password(PASSWORD)


def test_own_settings_answer_post_only(client_for, ray) -> None:
    client = client_for(ray)
    for name in ("settings_profile", "settings_password"):
        assert client.get(reverse(name)).status_code == 405
        assert client.put(reverse(name)).status_code == 405


def test_one_person_changes_only_themselves(client_for, ray, mia) -> None:
    client_for(ray).post(reverse("settings_profile"), {**details(name="Not Mia"), "id": mia.pk})
    mia.refresh_from_db()
    assert mia.name == "Mia Manager"


def test_a_ten_thousand_character_password_is_refused(client_for, ray) -> None:
    response = client_for(ray).post(
        reverse("settings_password"), passwords(new="x" * 10_000), follow=True
    )
    assert response.redirect_chain[-1][1] == 303 and "x" * 10_000 not in response.content.decode()
    ray.refresh_from_db()
    assert ray.check_password(PASSWORD)
