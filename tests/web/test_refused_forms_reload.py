"""A refused form on a POST-only address is shown again on its page's own address.

The browser is sent back (303) to the page, which shows what was sent and what was wrong
once; reloading it is a GET of that page (200), never the POST-only address (405)."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse
from django.utils import timezone

from rapport.career.models import LadderDocument
from rapport.growth.models import ImprovementPlan, OrgQuestion
from rapport.meetings.models import ActionItem, Meeting
from rapport.people.models import Person

# The forms whose own address may ask a question (confirm_page): with none waiting, a GET
# there leads back to the page.
ASKING = {"meeting_complete", "action_item_add", "meeting_cancel"}


def _refused_then_reloaded(client, post_url, data, page_url, message):
    response = client.post(post_url, data, follow=True)
    assert response.redirect_chain == [(page_url, 303)]
    assert response.status_code == 200
    assert message in response.content.decode()
    reload = client.get(page_url.split("#")[0])
    assert reload.status_code == 200
    # Only the page's address shows the form again.
    posted_to = client.get(post_url)
    if resolve(post_url).url_name in ASKING:
        page = page_url.split("?")[0].split("#")[0]
        assert posted_to.status_code == 302 and posted_to["Location"].startswith(page)
    else:
        assert posted_to.status_code == 405
    return response.content.decode(), reload.content.decode()


def test_marking_held_with_a_bad_length_shows_the_wrap_up_page_and_reloads(
    client_for, mia, meeting
) -> None:
    url = reverse("meeting", args=[meeting.pk])
    page, reload = _refused_then_reloaded(
        client_for(mia),
        reverse("meeting_complete", args=[meeting.pk]),
        {"held_minutes": "0", "mood": "4"},
        f"{url}?mode=wrap#held",
        "greater than or equal to 1",
    )
    assert 'value="0"' in page  # what was typed is kept
    assert "greater than or equal to 1" not in reload  # shown once
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED


def test_a_refused_cancellation_opens_the_call_off_panel_with_the_reason_kept(
    client_for, mia, meeting
) -> None:
    url = reverse("meeting", args=[meeting.pk])
    page, _ = _refused_then_reloaded(
        client_for(mia),
        reverse("meeting_cancel", args=[meeting.pk]),
        {"reason": "Offsite <b>day</b>"},
        f"{url}?mode=prepare#call-off",
        "skip this one",
    )
    assert "Offsite &lt;b&gt;day&lt;/b&gt;" in page and "<b>day</b>" not in page
    assert '<details class="panel" open>' in page


def test_a_refused_action_item_without_javascript_comes_back_to_the_run_view(
    client_for, mia, ray, meeting
) -> None:
    url = reverse("meeting", args=[meeting.pk])
    page, reload = _refused_then_reloaded(
        client_for(mia),
        reverse("action_item_add", args=[meeting.pk]),
        {"text": "Draft the RFC", "owner": ray.pk, "due_on": "someday"},
        f"{url}?mode=run#items",
        "Enter a valid date",
    )
    assert 'value="Draft the RFC"' in page and 'value="Draft the RFC"' not in reload
    assert not ActionItem.objects.exists()


def test_a_refused_invitation_comes_back_to_the_people_page(client_for, ada) -> None:
    before = Person.objects.count()
    page, reload = _refused_then_reloaded(
        client_for(ada),
        reverse("person_invite"),
        {"email": "not-an-email", "name": "Nina", "level": "junior", "timezone": "UTC"},
        "/people/#invite",
        "Enter a valid email address",
    )
    assert 'value="Nina"' in page and "Enter a valid email address" not in reload
    assert Person.objects.count() == before


def test_a_refused_roster_import_comes_back_to_the_people_page(client_for, ada) -> None:
    text = "email,name,level,manager_email,timezone,remote\nnot-an-email,Noor,wizard,,UTC,no\n"
    upload = SimpleUploadedFile("roster.csv", text.encode(), content_type="text/csv")
    _, reload = _refused_then_reloaded(
        client_for(ada), reverse("roster_import"), {"file": upload}, "/people/#import", "line 2"
    )
    assert "Nothing was imported" not in reload


def test_a_refused_name_change_comes_back_to_the_settings_page(client_for, ray) -> None:
    data = {"name": "", "timezone": "Europe/Paris", "remote": "on"}
    _refused_then_reloaded(
        client_for(ray),
        reverse("settings_profile"),
        data,
        "/settings/#profile-title",
        "This field is required.",
    )


def test_a_refused_password_change_never_keeps_a_password(client_for, ray) -> None:
    data = {
        "current_password": "SECRET-CURRENT-1",
        "new_password": "SECRET-NEW-passphrase-2",
        "new_password_again": "SECRET-NEW-passphrase-3",
    }
    client = client_for(ray)
    page, _ = _refused_then_reloaded(
        client,
        reverse("settings_password"),
        data,
        "/settings/#password-title",
        "The two new passwords differ.",
    )
    assert "SECRET" not in page
    assert "SECRET" not in str(dict(client.session))


def test_a_refused_erasure_rule_comes_back_to_the_privacy_page(client_for, ada) -> None:
    response = client_for(ada).post(reverse("erasure_rule"), {"rule": "vanish"}, follow=True)
    assert response.redirect_chain == [(reverse("privacy"), 303)]
    assert response.status_code == 200 and 'class="message error"' in response.content.decode()


# After a success too: the result shows once on the page's own address --------------------

ROSTER = "email,name,level,manager_email,timezone,remote\n"


def test_a_roster_import_shows_its_outcome_on_the_people_page_and_a_reload_imports_nothing(
    client_for, ada
) -> None:
    text = ROSTER + (
        "nina@acme.test,Nina New,junior,mia@acme.test,UTC,no\n"
        "ray@acme.test,Ray Renamed,junior,mia@acme.test,America/New_York,yes\n"
    )
    upload = SimpleUploadedFile("roster.csv", text.encode(), content_type="text/csv")
    client = client_for(ada)
    before = Person.objects.count()
    response = client.post(reverse("roster_import"), {"file": upload}, follow=True)
    assert response.redirect_chain == [("/people/#imported-title", 303)]
    page = response.content.decode()
    assert "Roster imported" in page and "<strong>1</strong> created" in page
    assert "<strong>1</strong> updated" in page and "Ray Renamed" in page
    assert "Set-password link for Nina New" in page
    assert Person.objects.count() == before + 1
    reload = client.get("/people/")
    assert reload.status_code == 200 and "Roster imported" not in reload.content.decode()
    assert Person.objects.count() == before + 1
    assert "nina@acme.test" not in str(dict(client.session))  # ids and counts, never the file


def test_a_refused_ladder_edit_keeps_every_typed_text(client_for, ada) -> None:
    data = {
        "name_craft": "Engineering craft",
        "expected_junior_craft": "   ",
        "expected_senior_craft": "Leads design <reviews> for the team.",
    }
    page, reload = _refused_then_reloaded(
        client_for(ada), reverse("ladder_edit"), data, "/ladder/#ladder-edit", "is empty"
    )
    assert 'value="Engineering craft"' in page
    assert "Leads design &lt;reviews&gt; for the team.</textarea>" in page
    assert "<details open>" in page
    assert 'value="Engineering craft"' not in reload and "is empty" not in reload
    assert not LadderDocument.objects.exists()


def test_a_refused_plan_without_javascript_comes_back_to_the_playbooks_with_its_text(
    client_for, mia, meeting
) -> None:
    panel = reverse("meeting_playbooks", args=[meeting.pk])
    page, reload = _refused_then_reloaded(
        client_for(mia),
        reverse("meeting_plan", args=[meeting.pk]),
        {"expectations": "Tests on every <PR>", "ends_on": "2001-01-01"},
        f"{panel}?playbook=underperforming#coaching-playbooks",
        "The end date is in the future.",
    )
    assert "Tests on every &lt;PR&gt;</textarea>" in page and 'value="2001-01-01"' in page
    assert "Tests on every" not in reload and "The end date is in the future." not in reload
    assert not ImprovementPlan.objects.exists() and not ActionItem.objects.exists()


def test_a_plan_set_without_javascript_shows_the_panel_and_a_reload_sets_no_other(
    client_for, mia, meeting
) -> None:
    client = client_for(mia)
    ends_on = timezone.localdate() + dt.timedelta(weeks=3)
    data = {"expectations": "Tests on every PR", "ends_on": ends_on.isoformat()}
    response = client.post(reverse("meeting_plan", args=[meeting.pk]), data, follow=True)
    panel = reverse("meeting_playbooks", args=[meeting.pk])
    assert response.redirect_chain == [
        (f"{panel}?playbook=underperforming#coaching-playbooks", 303)
    ]
    assert "Open improvement plan" in response.content.decode()
    items = ActionItem.objects.count()
    reload = client.get(f"{panel}?playbook=underperforming")
    assert reload.status_code == 200 and "Open improvement plan" in reload.content.decode()
    assert ImprovementPlan.objects.count() == 1 and ActionItem.objects.count() == items


def test_a_refused_deactivation_is_explained_on_the_persons_page_once(client_for, ada, mia) -> None:
    _, reload = _refused_then_reloaded(
        client_for(ada),
        reverse("person_deactivate", args=[mia.pk]),
        {"confirm": "yes"},
        reverse("person", args=[mia.pk]),
        "Mia Manager still manages people",
    )
    assert "still manages people" not in reload
    mia.refresh_from_db()
    assert mia.is_active


def test_a_refused_own_question_without_javascript_comes_back_to_the_questions_panel(
    client_for, mia, meeting
) -> None:
    panel = reverse("meeting_questions", args=[meeting.pk])
    text = "Why <so> slow? " + "x" * 300
    page, reload = _refused_then_reloaded(
        client_for(mia),
        reverse("org_questions"),
        {"meeting_id": meeting.pk, "category_key": "blockers", "text": text},
        f"{panel}?category=blockers#coaching-questions",
        "A question is limited to 300 characters.",
    )
    assert 'value="Why &lt;so&gt; slow? x' in page and "Why &lt;so&gt;" not in reload
    assert "limited to 300 characters" not in reload
    assert not OrgQuestion.objects.exists()


def test_an_own_question_added_without_javascript_shows_the_panel_and_a_reload_adds_none(
    client_for, mia, meeting
) -> None:
    client = client_for(mia)
    data = {"meeting_id": meeting.pk, "category_key": "blockers", "text": "What slows you down?"}
    response = client.post(reverse("org_questions"), data, follow=True)
    panel = reverse("meeting_questions", args=[meeting.pk])
    assert response.redirect_chain == [(f"{panel}?category=blockers#coaching-questions", 303)]
    assert "What slows you down?" in response.content.decode()
    reload = client.get(f"{panel}?category=blockers")
    assert reload.status_code == 200 and "What slows you down?" in reload.content.decode()
    assert OrgQuestion.objects.count() == 1
