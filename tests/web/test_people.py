"""The people pages: who reads which roster, and what org admins do there."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.meetings.services import report_invite
from rapport.people import selectors
from rapport.people.models import Person

HEADER = "email,name,level,manager_email,timezone,remote\n"
NEW_PASSWORD = "a long and unusual passphrase 42"


def roster_file(text: str | bytes, name: str = "roster.csv") -> SimpleUploadedFile:
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def invite_data(**changes: object) -> dict[str, object]:
    return {
        "email": "nina@acme.test",
        "name": "Nina New",
        "level": "junior",
        "manager": "",
        "timezone": "Europe/Paris",
        **changes,
    }


def edit_data(person: Person, **changes: object) -> dict[str, object]:
    values = {
        "name": person.name,
        "level": person.level,
        "manager": person.manager_id or "",
        "timezone": person.timezone,
        "remote": person.remote,
        "is_org_admin": person.is_org_admin,
        **changes,
    }
    # A form posts a ticked box as "on" and leaves an unticked one out.
    return {
        key: "on" if value is True else value for key, value in values.items() if value is not False
    }


def _many(ada: Person, manager: Person, count: int) -> None:
    for number in range(count):
        report_invite(
            actor=ada,
            email=f"many{number:03}@acme.test",
            name=f"Many {number:03}",
            manager=manager,
            level="confirmed",
        )


def shown_link(page: str) -> str:
    """The full set-password link shown on the page, on the configured site."""
    match = re.search(r'value="(' + re.escape(settings.SITE_URL) + r'/reset/[^"]+)"', page)
    assert match, "no set-password link on the page"
    return match.group(1)


def follow_link(link: str) -> int:
    """Choose a password through a set-password link in a fresh browser; the final status."""
    browser = Client()
    form = browser.get(link.removeprefix(settings.SITE_URL))
    assert form.status_code == 302
    passwords = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    return browser.post(form["Location"], passwords).status_code


# The roster --------------------------------------------------------------------------


def test_an_admin_sees_everyone_and_the_invite_and_import_forms(client_for, ada) -> None:
    response = client_for(ada).get(reverse("people"))
    page = response.content.decode()
    assert response.status_code == 200
    for name in ("Dan Director", "Mia Manager", "Omar Other", "Ray Report", "Olga Report"):
        assert name in page
    assert "Zed Stranger" not in page
    assert "Invite someone" in page and "Import a roster" in page
    assert "Reports to <a" in page
    assert "Junior" in page and "America/New York" in page and "Remote" in page


def test_an_ic_sees_only_themselves_and_their_manager(client_for, ray) -> None:
    page = client_for(ray).get(reverse("people")).content.decode()
    assert "Ray Report" in page and "Mia Manager" in page
    assert "Rita Senior" not in page and "Olga Report" not in page
    assert "Invite someone" not in page and "Import a roster" not in page


def test_a_manager_sees_their_team_but_not_another_team(client_for, mia) -> None:
    page = client_for(mia).get(reverse("people")).content.decode()
    assert "Ray Report" in page and "Rita Senior" in page
    assert "Olga Report" not in page
    # Mia, Dan (her manager), Ray and Rita: Mia and Dan manage someone.
    assert "4 people · 2 managers" in page


def test_a_report_is_told_their_manager_manages_someone(client_for, ray) -> None:
    assert "2 people · 1 manager" in client_for(ray).get(reverse("people")).content.decode()


def test_the_managers_manager_reads_the_whole_organisation(client_for, dan) -> None:
    page = client_for(dan).get(reverse("people")).content.decode()
    assert "Olga Report" in page and "Ray Report" in page and "Ada Admin" in page
    assert "Invite someone" not in page


def test_the_roster_can_be_listed_by_name_with_a_manager_column(client_for, ada) -> None:
    page = client_for(ada).get(reverse("people") + "?order=name").content.decode()
    assert '<th scope="col">Manager</th>' in page
    assert page.index("Ada Admin") < page.index("Olga Report") < page.index("Ray Report")


def test_the_roster_page_needs_a_signed_in_person(client_for) -> None:
    response = client_for(None).get(reverse("people"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_roster_page_answers_only_get(client_for, ada) -> None:
    assert client_for(ada).post(reverse("people")).status_code == 405


def test_the_roster_page_makes_as_many_queries_for_a_large_organisation(client_for, ada) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client_for(ada).get(reverse("people")).status_code == 200
        return len(queries)

    small = count()
    _many(ada, Person.objects.get(email="mia@acme.test"), 12)
    assert count() == small


# Inviting ------------------------------------------------------------------------------


def test_inviting_shows_a_set_password_link_that_works(client_for, ada, mia) -> None:
    client = client_for(ada)
    response = client.post(reverse("person_invite"), invite_data(manager=mia.pk), follow=True)
    page = response.content.decode()
    assert response.redirect_chain == [("/people/#invited-title", 303)]
    assert response.status_code == 200
    assert "Nina New is invited" in page
    # The link is shown once: a reload is a plain GET of the people page, without it.
    assert "Nina New is invited" not in client.get(reverse("people")).content.decode()
    assert "Their 1:1 with Mia Manager is set up" in page
    link = shown_link(page)
    nina = Person.objects.get(email="nina@acme.test")
    assert nina.manager == mia and nina.timezone == "Europe/Paris"
    assert follow_link(link) == 302
    assert Client().login(username="nina@acme.test", password=NEW_PASSWORD)


def test_the_invitation_is_mailed_when_email_is_set_up(
    client_for, ada, settings, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    settings.EMAIL_ENABLED = True
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(ada).post(reverse("person_invite"), invite_data(), follow=True)
    assert response.status_code == 200
    assert [mail.to for mail in mailoutbox] == [["nina@acme.test"]]
    assert shown_link(response.content.decode()) in mailoutbox[0].body


def test_an_invitation_with_bad_details_is_explained_and_saves_nothing(client_for, ada) -> None:
    before = Person.objects.count()
    response = client_for(ada).post(
        reverse("person_invite"), invite_data(email="nope", timezone="Mars/Olympus"), follow=True
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][1] == 303
    assert "Enter a valid email address" in page
    assert "Mars/Olympus is not one of the available choices" in page
    assert Person.objects.count() == before


def test_an_email_already_in_use_is_refused(client_for, ada) -> None:
    response = client_for(ada).post(
        reverse("person_invite"), invite_data(email="RAY@acme.test"), follow=True
    )
    assert response.redirect_chain[-1][1] == 303
    assert "ray@acme.test already has an account." in response.content.decode()


def test_a_manager_from_another_organisation_cannot_be_chosen(client_for, ada, zed) -> None:
    response = client_for(ada).post(
        reverse("person_invite"), invite_data(manager=zed.pk), follow=True
    )
    assert response.redirect_chain[-1][1] == 303
    assert not Person.objects.filter(email="nina@acme.test").exists()


def test_only_org_admins_invite(client_for, mia) -> None:
    response = client_for(mia).post(reverse("person_invite"), invite_data())
    assert response.status_code == 403
    assert not Person.objects.filter(email="nina@acme.test").exists()


def test_inviting_answers_only_post(client_for, ada) -> None:
    assert client_for(ada).get(reverse("person_invite")).status_code == 405


def test_inviting_needs_a_signed_in_person(client_for, cast) -> None:
    response = client_for(None).post(reverse("person_invite"), invite_data())
    assert response.status_code == 302 and "/login/" in response["Location"]


# Roster import -----------------------------------------------------------------------


def test_an_import_shows_its_counts_and_the_new_peoples_links(client_for, ada, mia) -> None:
    text = HEADER + (
        "nina@acme.test,Nina New,junior,mia@acme.test,UTC,no\n"
        "ray@acme.test,Ray Renamed,junior,mia@acme.test,America/New_York,yes\n"
        "rita@acme.test,Rita Senior,senior,mia@acme.test,UTC,no\n"
    )
    response = client_for(ada).post(
        reverse("roster_import"), {"file": roster_file(text)}, follow=True
    )
    page = response.content.decode()
    assert response.redirect_chain == [("/people/#imported-title", 303)]
    assert response.status_code == 200
    assert "<strong>1</strong> created" in page
    assert "<strong>1</strong> updated" in page
    assert "<strong>1</strong> unchanged" in page
    assert "Ray Renamed" in page
    assert follow_link(shown_link(page)) == 302
    assert Client().login(username="nina@acme.test", password=NEW_PASSWORD)


def test_a_bad_roster_lists_every_line_and_imports_nothing(client_for, ada) -> None:
    text = HEADER + (
        "nina@acme.test,Nina New,junior,mia@acme.test,UTC,no\n"
        "noor@acme.test,Noor Lead,wizard,,UTC,no\n"
        "nina@acme.test,Nina Twice,junior,,UTC,no\n"
        "dan@acme.test,Dan Director,,ray@acme.test,UTC,no\n"
    )
    before = Person.objects.count()
    response = client_for(ada).post(
        reverse("roster_import"), {"file": roster_file(text)}, follow=True
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][1] == 303
    assert "Nothing was imported" in page
    assert "line 3</span> unknown level “wizard”" in page
    assert "line 4</span> duplicate email nina@acme.test (also on line 2)" in page
    assert "line 5</span> reporting cycle through ray@acme.test" in page
    assert Person.objects.count() == before


def test_a_file_that_is_not_utf8_is_refused_with_a_message(client_for, ada) -> None:
    data = (HEADER + "nina@acme.test,Ninä,junior,,UTC,no\n").encode("latin-1")
    response = client_for(ada).post(
        reverse("roster_import"), {"file": roster_file(data)}, follow=True
    )
    assert response.redirect_chain[-1][1] == 303
    assert "not UTF-8 text" in response.content.decode()
    assert not Person.objects.filter(email="nina@acme.test").exists()


def test_a_file_over_one_megabyte_is_refused_with_a_message(client_for, ada) -> None:
    data = HEADER.encode() + b"x" * 1_000_001
    response = client_for(ada).post(
        reverse("roster_import"), {"file": roster_file(data)}, follow=True
    )
    assert response.redirect_chain[-1][1] == 303
    assert "1 MB at most" in response.content.decode()


def test_an_import_without_a_file_asks_for_one(client_for, ada) -> None:
    response = client_for(ada).post(reverse("roster_import"), {}, follow=True)
    assert response.redirect_chain[-1][1] == 303
    assert "This field is required" in response.content.decode()


def test_only_org_admins_import(client_for, mia) -> None:
    text = HEADER + "nina@acme.test,Nina New,junior,,UTC,no\n"
    response = client_for(mia).post(reverse("roster_import"), {"file": roster_file(text)})
    assert response.status_code == 403
    assert not Person.objects.filter(email="nina@acme.test").exists()


def test_importing_answers_only_post(client_for, ada) -> None:
    assert client_for(ada).get(reverse("roster_import")).status_code == 405


def test_the_import_form_offers_an_example_file(client_for, ada) -> None:
    page = client_for(ada).get(reverse("people")).content.decode()
    assert 'download="rapport-roster-example.csv"' in page
    assert "email%2Cname%2Clevel%2Cmanager_email%2Ctimezone%2Cremote" in page


# One person -------------------------------------------------------------------------


def test_an_admin_sees_a_person_with_the_forms_to_change_them(client_for, ada, ray) -> None:
    page = client_for(ada).get(reverse("person", args=[ray.pk])).content.decode()
    assert "Ray Report" in page and "ray@acme.test" in page
    assert "Change details" in page and "Deactivate Ray" in page
    # Ray has a password and mail is off: no link to his account, a way out instead.
    assert reverse("person_invite_link", args=[ray.pk]) not in page
    assert "deactivate this account and invite them anew" in page


def test_the_manager_reads_a_report_without_any_form(client_for, mia, ray, series) -> None:
    response = client_for(mia).get(reverse("person", args=[ray.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ray Report" in page and "Junior" in page
    assert "Change details" not in page and "Deactivate" not in page
    assert reverse("series", args=[series.pk]) in page


def test_an_ic_reads_their_own_page(client_for, ray) -> None:
    page = client_for(ray).get(reverse("person", args=[ray.pk])).content.decode()
    assert "Mia Manager" in page
    assert "Change details" not in page


def test_a_person_s_page_names_the_reader_you(client_for, mia, ray, series) -> None:
    about_mia = client_for(ray).get(reverse("person", args=[mia.pk])).content.decode()
    assert re.search(r"Ray Report</a> <span class=\"pill\">you</span>", about_mia)
    assert ">With you</a>" in about_mia and "With Ray Report" not in about_mia
    about_ray = client_for(mia).get(reverse("person", args=[ray.pk])).content.decode()
    assert ">With you</a>" in about_ray and "With Mia Manager" not in about_ray
    own = client_for(ray).get(reverse("person", args=[ray.pk])).content.decode()
    assert ">With Mia Manager, manager</a>" in own


def test_a_person_outside_the_roster_is_not_found(client_for, ray, rita, zed) -> None:
    assert client_for(ray).get(reverse("person", args=[rita.pk])).status_code == 404
    assert client_for(zed).get(reverse("person", args=[ray.pk])).status_code == 404
    assert client_for(ray).get(reverse("person", args=[987654])).status_code == 404


def test_the_person_page_needs_a_signed_in_person(client_for, ray) -> None:
    response = client_for(None).get(reverse("person", args=[ray.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_person_page_refuses_other_methods(client_for, ada, ray) -> None:
    assert client_for(ada).put(reverse("person", args=[ray.pk])).status_code == 405


def test_a_new_manager_is_saved_and_the_page_says_the_old_one_on_one_ended(
    client_for, ada, ray, omar, series
) -> None:
    client = client_for(ada)
    response = client.post(
        reverse("person", args=[ray.pk]), edit_data(ray, manager=omar.pk, level="confirmed")
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Ray Report now reports to Omar Other." in page
    assert "Their 1:1 with Mia Manager has ended; its history stays readable." in page
    assert "A new 1:1 with Omar Other has started." in page
    ray.refresh_from_db()
    series.refresh_from_db()
    assert ray.manager == omar and ray.level == "confirmed"
    assert series.ended_on is not None


def test_a_reporting_cycle_is_explained_and_nothing_changes(client_for, ada, dan, ray) -> None:
    response = client_for(ada).post(
        reverse("person", args=[dan.pk]), edit_data(dan, manager=ray.pk)
    )
    assert response.status_code == 400
    assert "reporting cycle" in response.content.decode()
    dan.refresh_from_db()
    assert dan.manager is None


def test_a_non_admin_cannot_change_a_person(client_for, mia, ray) -> None:
    response = client_for(mia).post(reverse("person", args=[ray.pk]), edit_data(ray, level="staff"))
    assert response.status_code == 403
    ray.refresh_from_db()
    assert ray.level == "junior"


def test_deactivating_and_reactivating_someone(client_for, ada, ray, series) -> None:
    client = client_for(ada)
    response = client.post(reverse("person_deactivate", args=[ray.pk]), {"confirm": "yes"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Ray Report is deactivated" in page and "Reactivate Ray" in page
    ray.refresh_from_db()
    assert not ray.is_active
    response = client.post(reverse("person_reactivate", args=[ray.pk]))
    assert response.status_code == 302
    ray.refresh_from_db()
    assert ray.is_active


def test_someone_who_still_manages_people_is_not_deactivated(client_for, ada, mia) -> None:
    response = client_for(ada).post(
        reverse("person_deactivate", args=[mia.pk]), {"confirm": "yes"}, follow=True
    )
    assert response.redirect_chain == [(reverse("person", args=[mia.pk]), 303)]
    assert "Mia Manager still manages people" in response.content.decode()
    mia.refresh_from_db()
    assert mia.is_active


@pytest.mark.parametrize(
    "name", ["person_deactivate", "person_reactivate", "person_invite_link", "person_reset_send"]
)
def test_person_actions_are_for_admins_of_a_visible_person_by_post(
    name, client_for, mia, ray, zed, ada
) -> None:
    url = reverse(name, args=[ray.pk])
    assert client_for(mia).post(url, {"confirm": "yes"}).status_code == 403
    assert client_for(zed).post(url, {"confirm": "yes"}).status_code == 404
    assert client_for(ada).get(url).status_code == 405
    anonymous = client_for(None).post(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    ray.refresh_from_db()
    assert ray.is_active


def test_an_admin_makes_a_new_set_password_link(client_for, ada) -> None:
    nina = report_invite(actor=ada, email="nina@acme.test", name="Nina New")
    client = client_for(ada)
    response = client.post(reverse("person_invite_link", args=[nina.pk]), follow=True)
    page = response.content.decode()
    person_url = reverse("person", args=[nina.pk])
    assert response.redirect_chain == [(f"{person_url}#link-title", 303)]
    assert "A new set-password link for Nina" in page
    reload = client.get(person_url).content.decode()  # a GET: no other link is made
    assert "A new set-password link" not in reload and "/reset/" not in reload
    assert follow_link(shown_link(page)) == 302
    assert Client().login(username="nina@acme.test", password=NEW_PASSWORD)


def test_no_link_is_made_for_a_deactivated_person(client_for, ada, olga) -> None:
    client = client_for(ada)
    client.post(reverse("person_deactivate", args=[olga.pk]), {"confirm": "yes"})
    response = client.post(reverse("person_invite_link", args=[olga.pk]), follow=True)
    assert response.redirect_chain == [(reverse("person", args=[olga.pk]), 303)]
    assert "reactivate them first" in response.content.decode()


def test_teams_follow_the_org_chart_from_the_top(client_for, ada) -> None:
    page = client_for(ada).get(reverse("people")).content.decode()
    headings = re.findall(r"Reports to <a [^>]+>([^<]+)</a>", page)
    assert headings == ["Dan Director", "Mia Manager", "Omar Other"]
    assert page.index("No manager") < page.index("Reports to")


def test_a_manager_reads_their_own_team_as_their_reports(client_for, mia) -> None:
    page = client_for(mia).get(reverse("people")).content.decode()
    assert "Your reports" in page and re.findall(r"Reports to <a [^>]+>([^<]+)</a>", page) == [
        "Dan Director"
    ]
    by_name = client_for(mia).get(reverse("people") + "?order=name").content.decode()
    assert re.search(r"Ray Report</a>.*?<td>\s*You\s*</td>", by_name, re.S)


def test_an_ic_is_not_told_how_big_their_managers_team_is(client_for, ray, mia) -> None:
    assert "manages 2" in client_for(mia).get(reverse("people")).content.decode()
    assert "manages" not in client_for(ray).get(reverse("people")).content.decode()


def test_deactivating_asks_for_confirmation_first(client_for, ada, ray, series) -> None:
    client = client_for(ada)
    page = client.get(reverse("person", args=[ray.pk])).content.decode()
    assert '<details class="confirm-step" id="deactivate" >' in page
    assert 'name="confirm" value="yes"' in page and "Yes, deactivate Ray" in page
    unconfirmed = client.post(reverse("person_deactivate", args=[ray.pk]))
    assert unconfirmed.status_code == 302
    assert unconfirmed["Location"].endswith("?confirm=deactivate#deactivate")
    ray.refresh_from_db()
    assert ray.is_active
    asked = client.get(unconfirmed["Location"]).content.decode()
    assert '<details class="confirm-step" id="deactivate" open>' in asked
    assert "Deactivate Ray Report?" in asked
    client.post(reverse("person_deactivate", args=[ray.pk]), {"confirm": "yes"})
    ray.refresh_from_db()
    assert not ray.is_active


def test_a_bad_roster_counts_lines_not_problems(client_for, ada) -> None:
    text = HEADER + (
        "not-an-email,Noor Lead,wizard,,Mars/Olympus,no\n"  # three problems on one line
        "dan@acme.test,Dan Director,wizard,,UTC,no\n"
    )
    response = client_for(ada).post(
        reverse("roster_import"), {"file": roster_file(text)}, follow=True
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][1] == 303
    lines = len(set(re.findall(r"line (\d+)</span>", page)))
    problems = len(re.findall(r"line \d+</span>", page))
    assert (lines, problems > lines) == (2, True)
    assert f"Fix these 2 lines ({problems} problems)" in page


def test_a_name_of_200_characters_is_accepted_and_201_gets_a_form_message(client_for, ada) -> None:
    long_name = "N" * 200
    client = client_for(ada)
    response = client.post(reverse("person_invite"), invite_data(name=long_name), follow=True)
    assert response.status_code == 200
    assert Person.objects.filter(name=long_name).exists()
    response = client.post(
        reverse("person_invite"), invite_data(email="ovr@acme.test", name="N" * 201), follow=True
    )
    assert response.redirect_chain[-1][1] == 303
    assert "at most 200 characters (it has 201)" in response.content.decode()
    text = HEADER + f"long@acme.test,{'L' * 201},junior,,UTC,no\n"
    response = client.post(reverse("roster_import"), {"file": roster_file(text)}, follow=True)
    assert response.redirect_chain[-1][1] == 303 and "line 2</span>" in response.content.decode()


# A large roster: pages, search, the manager box ------------------------------------------


def _rows(page: str) -> int:
    return page.count('<tr class="inactive"') + page.count("<tr>\n  <td>")


def test_the_roster_shows_fifty_people_a_page_and_links_the_next(client_for, ada, mia) -> None:
    _many(ada, mia, 60)  # 7 people in the cast of Acme, 67 in all
    first = client_for(ada).get(reverse("people"), {"order": "name"}).content.decode()
    assert _rows(first) == 50
    assert "Page 1 of 2" in first
    assert 'href="/people/?order=name&amp;page=2"' in first
    second = client_for(ada).get(reverse("people"), {"order": "name", "page": 2}).content.decode()
    assert _rows(second) == 17
    assert "Page 2 of 2" in second
    # The counts are the whole roster's, on every page.
    assert "67 people" in second


def test_a_page_number_out_of_range_or_not_a_number_shows_a_page_that_exists(
    client_for, ada, mia
) -> None:
    _many(ada, mia, 60)
    for asked, shown in (("99", "Page 2 of 2"), ("0", "Page 1 of 2"), ("two", "Page 1 of 2")):
        response = client_for(ada).get(reverse("people"), {"page": asked})
        assert response.status_code == 200
        assert shown in response.content.decode()


def test_a_team_cut_by_a_page_break_keeps_its_heading_on_the_next_page(
    client_for, ada, mia
) -> None:
    _many(ada, mia, 60)
    second = client_for(ada).get(reverse("people"), {"page": 2}).content.decode()
    assert "Reports to <a" in second
    assert "Mia Manager" in second


def test_searching_keeps_the_people_whose_name_or_email_matches(client_for, ada) -> None:
    by_name = client_for(ada).get(reverse("people"), {"q": "report"}).content.decode()
    assert "Ray Report" in by_name and "Olga Report" in by_name
    assert "Rita Senior" not in by_name
    assert "2 people match “report”" in by_name
    by_email = client_for(ada).get(reverse("people"), {"q": "RITA@"}).content.decode()
    assert "Rita Senior" in by_email and "Ray Report" not in by_email
    spaced = client_for(ada).get(reverse("people"), {"q": "  ray \t  report "}).content.decode()
    assert "Ray Report" in spaced and "1 person matches “ray report”" in spaced


def test_searching_never_shows_people_outside_the_viewers_roster(client_for, mia, zed) -> None:
    page = client_for(mia).get(reverse("people"), {"q": "o"}).content.decode()
    assert "Zed Stranger" not in page
    assert "Olga Report" not in page  # in Omar's team, which Mia does not read
    assert "Ray Report" in page


def test_the_page_stays_small_however_many_people(client_for, ada, mia) -> None:
    _many(ada, mia, 120)
    page = client_for(ada).get(reverse("people"))
    assert len(page.content) < 100_000


def test_the_manager_box_suggests_current_managers_only(client_for, ada) -> None:
    page = client_for(ada).get(reverse("people")).content.decode()
    suggestions = re.search(r'<datalist id="id_manager-choices">(.*?)</datalist>', page, re.S)
    assert suggestions is not None
    listed = suggestions.group(1)
    assert 'value="mia@acme.test"' in listed and 'value="omar@acme.test"' in listed
    assert "ray@acme.test" not in listed  # manages nobody
    assert "zed@globex.test" not in listed


def test_the_manager_box_asks_for_the_managers_matching_what_is_typed(client_for, ada) -> None:
    page = client_for(ada).get(reverse("people")).content.decode()
    assert f'hx-get="{reverse("manager_suggestions")}"' in page
    assert 'hx-target="#id_manager-choices"' in page
    found = client_for(ada).get(reverse("manager_suggestions"), {"manager": "OMAR"})
    assert found.status_code == 200
    assert found.content.decode() == '<option value="omar@acme.test">Omar Other</option>'
    by_email = client_for(ada).get(reverse("manager_suggestions"), {"manager": "mia@"})
    assert "Mia Manager" in by_email.content.decode()
    assert client_for(ada).get(reverse("manager_suggestions"), {"manager": "ray"}).content == b""


def test_the_manager_box_suggests_a_few_managers_however_many_there_are(
    client_for, ada, mia, monkeypatch
) -> None:
    monkeypatch.setattr(selectors, "MANAGER_SUGGESTIONS", 2)
    for number in range(3):
        lead = report_invite(actor=ada, email=f"lead{number}@acme.test", name=f"Lead {number}")
        report_invite(actor=ada, email=f"r{number}@acme.test", name=f"R {number}", manager=lead)
    page = client_for(ada).get(reverse("people")).content.decode()
    listed = re.search(r'<datalist id="id_manager-choices">(.*?)</datalist>', page, re.S)
    assert listed.group(1).count("<option") == 2
    leads = client_for(ada).get(reverse("manager_suggestions"), {"manager": "lead"})
    assert leads.content.decode().count("<option") == 2
    assert "Lead 0" in leads.content.decode() and "Lead 2" not in leads.content.decode()


def test_only_org_admins_get_the_manager_suggestions(client_for, mia, dan, zed) -> None:
    for person in (mia, dan):
        assert client_for(person).get(reverse("manager_suggestions")).status_code == 404
    theirs = client_for(zed).get(reverse("manager_suggestions"), {"manager": "a"})
    assert theirs.status_code == 200 and b"acme.test" not in theirs.content


def test_a_manager_is_chosen_by_email_in_any_case(client_for, ada, rita) -> None:
    response = client_for(ada).post(
        reverse("person_invite"), invite_data(manager=" RITA@acme.test "), follow=True
    )
    assert response.status_code == 200
    assert Person.objects.get(email="nina@acme.test").manager == rita


def test_a_manager_from_another_organisation_is_refused_by_email(client_for, ada, zed) -> None:
    response = client_for(ada).post(
        reverse("person_invite"), invite_data(manager=zed.email), follow=True
    )
    assert response.redirect_chain[-1][1] == 303
    assert "Nobody active in your organisation has this email" in response.content.decode()
    assert not Person.objects.filter(email="nina@acme.test").exists()


def test_an_unknown_manager_email_is_refused_with_words(client_for, ada, ray) -> None:
    response = client_for(ada).post(
        reverse("person", args=[ray.pk]), edit_data(ray, manager="nobody@acme.test")
    )
    assert response.status_code == 400
    assert "Nobody active in your organisation has this email" in response.content.decode()
    ray.refresh_from_db()
    assert ray.manager.email == "mia@acme.test"


def test_the_edit_form_shows_the_current_manager_by_email(client_for, ada, ray) -> None:
    page = client_for(ada).get(reverse("person", args=[ray.pk])).content.decode()
    assert re.search(r'<input type="email" name="manager" value="mia@acme.test"', page)
