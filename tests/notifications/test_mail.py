"""Every kind of mail, sent through a real SMTP server on loopback, checked as received."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.test import override_settings
from django.urls import reverse

from rapport.framework.checklists import PRE_MEETING
from rapport.meetings import services
from rapport.meetings.models import SharedNotes
from rapport.notifications import mail
from rapport.notifications.models import Delivery, MailKind
from tests.notifications.conftest import body

NEW_YORK = ZoneInfo("America/New_York")
PARIS = ZoneInfo("Europe/Paris")
HOUR = dt.timedelta(hours=1)


def only(messages, subject_part: str):
    found = [m for m in messages if subject_part in str(m["Subject"])]
    assert len(found) == 1, [str(m["Subject"]) for m in messages]
    return found[0]


def unsubscribe_path(message) -> str:
    url = re.fullmatch(r"<(.+)>", str(message["List-Unsubscribe"]).strip()).group(1)
    return urlsplit(url).path


def test_the_report_is_asked_for_topics_48_hours_before_in_his_own_time(
    inbox, ray, mia, meeting
) -> None:
    sent = mail.send_due(now=meeting.scheduled_at - 47 * HOUR)
    assert f"ic_prep to ray@acme.test (meeting:{meeting.pk})" in sent
    message = only(inbox.to("ray@acme.test"), "add your topics")
    text = body(message)
    local = meeting.scheduled_at.astimezone(NEW_YORK)
    assert f"{local:%A %d %B %Y, %H:%M} (America/New_York)" in text
    assert f"{local:%H:%M}" in str(message["Subject"])
    assert f"http://127.0.0.1:8000/meetings/{meeting.pk}/" in text
    assert "Mia Manager" in text
    # 47 hours out is too early for the manager's reminder.
    assert not [m for m in inbox.to("mia@acme.test") if "Ray Report" in str(m["Subject"])]


def test_the_manager_gets_the_checklist_24_hours_before_in_her_time(inbox, mia, meeting) -> None:
    mail.send_due(now=meeting.scheduled_at - 23 * HOUR)
    message = only(inbox.to("mia@acme.test"), "Prepare your 1:1 with Ray Report")
    text = body(message)
    for item in PRE_MEETING:
        assert item.text in text
    local = meeting.scheduled_at.astimezone(PARIS)
    assert f"{local:%A %d %B %Y, %H:%M} (Europe/Paris)" in text


def test_the_recap_has_shared_notes_and_items_and_never_a_private_note(
    inbox, mia, ray, meeting
) -> None:
    secret_mia, secret_ray = "PRIV-MIA-3e9d0c", "PRIV-RAY-71aa42"
    services.private_note_save(actor=mia, meeting=meeting, body=secret_mia, version=0)
    services.private_note_save(actor=ray, meeting=meeting, body=secret_ray, version=0)
    notes = SharedNotes.objects.get_or_create(meeting=meeting)[0]
    services.shared_notes_save(
        actor=mia,
        notes=notes,
        sections={"feedback": "SHARED-FB-5521 great demo", "their_topics": "Parser"},
        bases=notes.sections(),
    )
    services.action_item_add(actor=mia, meeting=meeting, text="Write the RFC", owner=ray)
    end = meeting.scheduled_at + 30 * dt.timedelta(minutes=1)
    services.meeting_complete(actor=mia, meeting=meeting, held_minutes=30, now=end)
    mail.send_due(now=end + dt.timedelta(minutes=5))  # the wrap-up is still being written
    assert not [m for m in inbox.messages if "Recap" in str(m["Subject"])]
    mail.send_due(now=end + mail.RECAP_DELAY)
    for address in ("mia@acme.test", "ray@acme.test"):
        text = body(only(inbox.to(address), "Recap: 1:1 Mia Manager / Ray Report"))
        assert "SHARED-FB-5521 great demo" in text
        assert "Write the RFC (Ray Report" in text
    # Each reads the report's topics named for them.
    assert "YOUR TOPICS\r\nParser" in body(only(inbox.to("ray@acme.test"), "Recap:"))
    assert "RAY’S TOPICS\r\nParser" in body(only(inbox.to("mia@acme.test"), "Recap:"))
    assert "THEIR TOPICS" not in body(only(inbox.to("ray@acme.test"), "Recap:"))
    raw = b"".join(m.as_bytes() for m in inbox.messages)
    assert b"PRIV-MIA" not in raw and b"PRIV-RAY" not in raw


def test_action_items_remind_on_the_due_day_and_once_the_day_after(
    inbox, mia, ray, meeting
) -> None:
    due = (meeting.scheduled_at + dt.timedelta(days=3)).date()
    item = services.action_item_add(
        actor=mia, meeting=meeting, text="Ship the fix", owner=ray, due_on=due
    )
    noon = dt.datetime.combine(due, dt.time(12), tzinfo=NEW_YORK)
    early = dt.datetime.combine(due, dt.time(5), tzinfo=NEW_YORK)
    assert f"item:{item.pk}" not in " ".join(mail.send_due(now=early))  # not before 8:00
    mail.send_due(now=noon)
    assert "Ship the fix" in body(only(inbox.to("ray@acme.test"), "Due today: Ship the fix"))
    mail.send_due(now=noon + dt.timedelta(days=1))
    mail.send_due(now=noon + dt.timedelta(days=1, hours=3))
    only(inbox.to("ray@acme.test"), "Overdue since yesterday: Ship the fix")
    mail.send_due(now=noon + dt.timedelta(days=2))
    assert len([m for m in inbox.to("ray@acme.test") if "Ship the fix" in str(m["Subject"])]) == 2
    assert not [m for m in inbox.to("mia@acme.test") if "Ship the fix" in str(m["Subject"])]


def test_a_done_item_gets_no_reminder(inbox, mia, ray, meeting) -> None:
    due = (meeting.scheduled_at + dt.timedelta(days=3)).date()
    item = services.action_item_add(
        actor=mia, meeting=meeting, text="Done early", owner=ray, due_on=due
    )
    services.action_item_set_status(actor=ray, item=item, status="done")
    mail.send_due(now=dt.datetime.combine(due, dt.time(12), tzinfo=NEW_YORK))
    assert not [m for m in inbox.messages if "Done early" in str(m["Subject"])]


def test_a_move_tells_the_other_person_who_why_and_the_new_time_in_his_zone(
    inbox, mia, ray, meeting
) -> None:
    now = meeting.scheduled_at - dt.timedelta(days=5)
    new_time = meeting.scheduled_at + dt.timedelta(days=1, hours=2)
    services.meeting_cancel(
        actor=mia, meeting=meeting, reason="Board meeting", new_time=new_time, now=now
    )
    mail.send_due(now=now + dt.timedelta(minutes=1))
    message = only(inbox.to("ray@acme.test"), "Moved: 1:1 Mia Manager / Ray Report")
    text = body(message)
    assert "Mia Manager moved your 1:1" in text
    assert "Why: Board meeting" in text
    assert f"New time: {new_time.astimezone(NEW_YORK):%A %d %B %Y, %H:%M} (America/New_York)" in (
        text
    )
    assert not [m for m in inbox.to("mia@acme.test") if "Moved" in str(m["Subject"])]


def test_a_skip_by_the_report_tells_the_manager(inbox, mia, ray, meeting) -> None:
    now = meeting.scheduled_at - dt.timedelta(days=5)
    services.meeting_cancel(actor=ray, meeting=meeting, reason="Sick", skip=True, now=now)
    mail.send_due(now=now + HOUR)
    text = body(only(inbox.to("mia@acme.test"), "Cancelled: 1:1 Mia Manager / Ray Report"))
    assert "Ray Report cancelled" in text and "Why: Sick" in text and "skipped" in text
    assert not [m for m in inbox.to("ray@acme.test") if "Cancelled" in str(m["Subject"])]


def test_a_kind_turned_off_is_not_sent(inbox, ray, mia, meeting) -> None:
    mail.mail_preference_set(actor=ray, kind=MailKind.IC_PREP, enabled=False)
    mail.send_due(now=meeting.scheduled_at - 23 * HOUR)
    assert not [m for m in inbox.to("ray@acme.test") if "add your topics" in str(m["Subject"])]
    only(inbox.to("mia@acme.test"), "Prepare your 1:1 with Ray Report")  # others still go


def test_running_twice_sends_each_mail_once(inbox, meeting) -> None:
    now = meeting.scheduled_at - 23 * HOUR
    first = mail.send_due(now=now)
    count = len(inbox.messages)
    assert first and count == len(first)
    assert mail.send_due(now=now) == []
    assert mail.send_due(now=now + dt.timedelta(minutes=1)) == []
    assert len(inbox.messages) == count
    assert Delivery.objects.filter(sent_at__isnull=False).count() == count


def test_a_failed_send_is_recorded_and_not_retried(smtp_server, meeting) -> None:
    _, port = smtp_server
    now = meeting.scheduled_at - 23 * HOUR
    closed = port + 1 if port < 65535 else port - 1
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=closed,
        EMAIL_TIMEOUT=2,
        EMAIL_ENABLED=True,
    ):
        assert mail.send_due(now=now) == []
        assert Delivery.objects.exclude(error="").exists()
        assert mail.send_due(now=now) == []  # at most once: the claim stays


def test_dry_run_sends_and_records_nothing(inbox, meeting) -> None:
    due = mail.send_due(now=meeting.scheduled_at - 23 * HOUR, dry_run=True)
    assert any("manager_prep to mia@acme.test" in line for line in due)
    assert inbox.messages == [] and not Delivery.objects.exists()


def test_with_email_off_nothing_is_sent_or_claimed(smtp_server, meeting) -> None:
    received, _ = smtp_server
    with override_settings(EMAIL_ENABLED=False):
        assert mail.send_due(now=meeting.scheduled_at - 23 * HOUR) == []
    assert received.messages == [] and not Delivery.objects.exists()


def test_every_mail_offers_a_one_click_way_out(inbox, client, ray, meeting) -> None:
    mail.send_due(now=meeting.scheduled_at - 47 * HOUR)
    message = only(inbox.to("ray@acme.test"), "add your topics")
    path = unsubscribe_path(message)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert path in body(message)
    page = client.get(path)  # a mail scanner following the link changes nothing
    assert page.status_code == 200 and b"Turn these mails off" in page.content
    assert mail.mail_preferences(ray)[MailKind.IC_PREP] is True
    done = client.post(path)
    assert done.status_code == 200 and b"no more of these mails" in done.content
    assert mail.mail_preferences(ray)[MailKind.IC_PREP] is False
    assert mail.mail_preferences(ray)[MailKind.RECAP] is True


def test_a_forged_or_mangled_unsubscribe_link_is_a_404(client, ray) -> None:
    token = mail.unsubscribe_token(ray, MailKind.RECAP)
    assert client.get(reverse("mail_off", args=[token[:-2] + "xx"])).status_code == 404
    assert client.post(reverse("mail_off", args=["forged"])).status_code == 404
    assert client.put(reverse("mail_off", args=[token])).status_code == 405
    assert mail.mail_preferences(ray)[MailKind.RECAP] is True
