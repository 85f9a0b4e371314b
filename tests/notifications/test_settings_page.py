"""The personal settings page: feed address, regenerate and revoke, mail kinds on and off."""

from __future__ import annotations

from django.test import override_settings
from django.urls import reverse

from rapport.notifications import mail
from rapport.notifications.models import MailKind


def test_a_new_person_is_offered_a_feed_address_then_sees_and_can_copy_it(client_for, ray):
    client = client_for(ray)
    page = client.get(reverse("settings")).content.decode()
    assert "Create my feed address" in page and ".ics" not in page
    response = client.post(reverse("calendar_token"), {"action": "regenerate"})
    assert response.status_code == 302
    ray.refresh_from_db()
    page = client.get(reverse("settings")).content.decode()
    assert f"http://127.0.0.1:8000/calendar/{ray.calendar_token}.ics" in page
    assert "data-copy" in page and 'aria-live="polite"' in page
    assert "Turn the feed off" in page and "New address" in page


def test_revoking_turns_the_feed_off(client_for, client, ray):
    signed_in = client_for(ray)
    signed_in.post(reverse("calendar_token"), {"action": "regenerate"})
    ray.refresh_from_db()
    token = ray.calendar_token
    signed_in.post(reverse("calendar_token"), {"action": "revoke"})
    ray.refresh_from_db()
    assert ray.calendar_token == ""
    assert client.get(reverse("calendar_feed", args=[token])).status_code == 404


def test_an_unknown_token_action_is_refused(client_for, ray):
    response = client_for(ray).post(reverse("calendar_token"), {"action": "share"})
    assert response.status_code == 400


def test_mail_kinds_are_saved_from_the_page(client_for, ray):
    client = client_for(ray)
    page = client.get(reverse("settings")).content.decode()
    assert page.count('type="checkbox" name="kinds"') == len(MailKind.values)
    client.post(reverse("mail_preferences"), {"kinds": [MailKind.RECAP, MailKind.CANCELLED]})
    preferences = mail.mail_preferences(ray)
    assert preferences[MailKind.RECAP] and preferences[MailKind.CANCELLED]
    assert not preferences[MailKind.IC_PREP] and not preferences[MailKind.ACTION_DUE]
    page = client.get(reverse("settings")).content.decode()
    assert f'value="{MailKind.RECAP}" checked' in page
    assert f'value="{MailKind.IC_PREP}" >' in page


def test_the_page_says_when_email_is_off(client_for, ray):
    with override_settings(EMAIL_ENABLED=False):
        assert (
            "Email is off on this server"
            in client_for(ray).get(reverse("settings")).content.decode()
        )
    with override_settings(EMAIL_ENABLED=True):
        assert "Email is off" not in client_for(ray).get(reverse("settings")).content.decode()


def test_settings_routes_need_a_login_and_the_right_method(client_for):
    anonymous = client_for(None)
    for name in ("settings", "calendar_token", "mail_preferences"):
        response = anonymous.post(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_write_routes_refuse_get(client_for, ray):
    client = client_for(ray)
    assert client.get(reverse("calendar_token")).status_code == 405
    assert client.get(reverse("mail_preferences")).status_code == 405
    assert client.post(reverse("settings")).status_code == 405


def test_the_header_links_to_the_settings(client_for, ray):
    page = client_for(ray).get(reverse("home")).content.decode()
    assert f'href="{reverse("settings")}"' in page


def test_only_a_replaced_feed_is_said_to_stop_working(client_for, ray):
    client = client_for(ray)
    first = client.post(reverse("calendar_token"), {"action": "regenerate"}, follow=True)
    page = first.content.decode()
    assert "Your calendar feed is ready" in page and "no longer works" not in page
    again = client.post(reverse("calendar_token"), {"action": "regenerate"}, follow=True)
    assert "the old one no longer works" in again.content.decode()
