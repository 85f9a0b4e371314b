"""The wrap-up talk panel: upload a transcript, say who is who, or estimate; the 70/30 rule."""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from rapport.insights.models import SpeakerSide, TalkMeasure
from rapport.insights.transcripts import TRANSCRIPT_MAX_BYTES
from rapport.meetings import services as meeting_services
from rapport.meetings.models import Meeting
from tests.insights import samples

HTMX = {"HX-Request": "true"}
ROUTES = ("meeting_talk_upload", "meeting_talk_sides", "meeting_talk_estimate")


@pytest.fixture
def held(mia, meeting) -> Meeting:
    """mia and ray's meeting, held."""
    meeting_services.meeting_start(actor=mia, meeting=meeting)
    meeting_services.meeting_complete(actor=mia, meeting=meeting, held_minutes=30)
    return Meeting.objects.get(pk=meeting.pk)


def upload(client, meeting: Meeting, text: str | bytes, name: str = "call.vtt"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(
        reverse("meeting_talk_upload", args=[meeting.pk]),
        {"transcript": SimpleUploadedFile(name, data, content_type="text/vtt")},
        headers=HTMX,
    )


def token_of(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def map_sides(client, meeting: Meeting, token: str, *sides: str):
    fields = {f"side_{index}": side for index, side in enumerate(sides)}
    return client.post(
        reverse("meeting_talk_sides", args=[meeting.pk]), {"token": token, **fields}, headers=HTMX
    )


def error(response) -> str:
    return json.loads(response.content)["error"]


# The happy path ------------------------------------------------------------------------


def test_an_upload_asks_who_is_who_then_keeps_only_the_figures(client_for, mia, held) -> None:
    client = client_for(mia)
    asked = upload(client, held, samples.ZOOM_VTT)
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Who is who in this WebVTT transcript?" in page
    assert "Mia Manager" in page and "Ray Report" in page
    assert not TalkMeasure.objects.exists()  # nothing kept before the speakers are mapped

    kept = map_sides(client, held, token_of(page), "manager", "report")
    assert kept.status_code == 200
    held.refresh_from_db()
    assert held.manager_talk_share == 40  # 8 s of 20 s of talk
    measure = TalkMeasure.objects.get(meeting=held)
    assert (measure.source, measure.transcript_format) == ("transcript", "webvtt")
    assert (measure.manager_seconds, measure.report_seconds) == (8, 12)
    assert (measure.manager_words, measure.report_words) == (10, 11)
    assert measure.recorded_by == mia
    shown = kept.content.decode()
    assert "You talked <strong>40%</strong>" in shown
    assert "above 30%" in shown  # the 70/30 rule, from rapport/framework
    assert "Next time: ask an open question" in shown


def test_the_sides_are_remembered_for_the_series_next_upload(client_for, mia, ray, held) -> None:
    client = client_for(mia)
    map_sides(
        client,
        held,
        token_of(upload(client, held, samples.ZOOM_VTT).content.decode()),
        "manager",
        "report",
    )
    assert dict(SpeakerSide.objects.values_list("speaker", "side")) == {
        "Mia Manager": "manager",
        "Ray Report": "report",
    }
    later = meeting_services.meeting_start(
        actor=mia, meeting=held.series.meetings.filter(status="scheduled").first()
    )
    again = upload(client, later, samples.SRT, name="next.srt")
    assert again.status_code == 200
    later.refresh_from_db()
    assert later.manager_talk_share == 40  # 4 s of 10 s, kept at once: both names were known
    assert "Not right? Change who is who" in again.content.decode()


def test_plain_text_measures_by_words_and_someone_else_counts_for_nobody(
    client_for, mia, held
) -> None:
    client = client_for(mia)
    page = upload(client, held, samples.ZOOM_TEXT, name="zoom.txt").content.decode()
    assert map_sides(client, held, token_of(page), "manager", "report", "other").status_code == 200
    held.refresh_from_db()
    assert held.manager_talk_share == 52  # 11 words of the 21 Mia and Ray said
    measure = TalkMeasure.objects.get(meeting=held)
    assert (measure.manager_seconds, measure.report_seconds) == (None, None)
    assert SpeakerSide.objects.get(speaker="Room 2:B").side == "other"


def test_overlaps_in_a_teams_file_are_split_not_counted_twice(client_for, mia, held) -> None:
    client = client_for(mia)
    page = upload(client, held, samples.TEAMS_VTT).content.decode()
    map_sides(client, held, token_of(page), "manager", "report")
    held.refresh_from_db()
    assert held.manager_talk_share == 44  # 7 s of 16 s


def test_within_the_rule_it_says_so(client_for, mia, held) -> None:
    client = client_for(mia)
    page = upload(client, held, samples.MEET_VTT).content.decode()
    shown = map_sides(client, held, token_of(page), "report", "manager").content.decode()
    held.refresh_from_db()
    assert held.manager_talk_share == 67
    assert "above 30%" in shown
    page = upload(client, held, samples.MEET_VTT).content.decode()
    shown = map_sides(client, held, token_of(page), "manager", "report").content.decode()
    held.refresh_from_db()
    assert held.manager_talk_share == 33
    assert "above 30%" in shown
    text = "Mia Manager: Yes.\nRay Report: " + "word " * 30 + "\n"
    page = upload(client, held, text, name="t.txt").content.decode()
    shown = map_sides(client, held, token_of(page), "manager", "report").content.decode()
    held.refresh_from_db()
    assert held.manager_talk_share == 3
    assert "within the 70/30 rule" in shown and "above 30%" not in shown


# The estimate ------------------------------------------------------------------------------


def test_without_a_transcript_the_manager_estimates_on_a_slider(client_for, mia, held) -> None:
    client = client_for(mia)
    panel = client.get(reverse("meeting_talk", args=[held.pk])).content.decode()
    assert 'type="range"' in panel and 'min="0"' in panel and 'max="100"' in panel
    saved = client.post(
        reverse("meeting_talk_estimate", args=[held.pk]), {"manager_share": "25"}, headers=HTMX
    )
    assert saved.status_code == 200
    held.refresh_from_db()
    assert held.manager_talk_share == 25
    assert TalkMeasure.objects.get(meeting=held).source == "estimate"
    assert "Your own estimate." in saved.content.decode()


@pytest.mark.parametrize("value", ["", "abc", "-1", "101", "50.5"])
def test_an_estimate_outside_0_to_100_is_refused(client_for, mia, held, value) -> None:
    response = client_for(mia).post(
        reverse("meeting_talk_estimate", args=[held.pk]), {"manager_share": value}, headers=HTMX
    )
    assert response.status_code == 400
    assert "from 0 to 100" in error(response)
    held.refresh_from_db()
    assert held.manager_talk_share is None


def test_an_estimate_does_not_overwrite_a_transcript(client_for, mia, held) -> None:
    client = client_for(mia)
    map_sides(
        client,
        held,
        token_of(upload(client, held, samples.SRT).content.decode()),
        "manager",
        "report",
    )
    panel = client.get(reverse("meeting_talk", args=[held.pk])).content.decode()
    assert 'type="range"' not in panel
    response = client.post(
        reverse("meeting_talk_estimate", args=[held.pk]), {"manager_share": "10"}, headers=HTMX
    )
    assert response.status_code == 400
    assert "comes from a transcript" in error(response)
    held.refresh_from_db()
    assert held.manager_talk_share == 40


def test_a_1_1_that_has_not_taken_place_cannot_be_measured(client_for, mia, meeting) -> None:
    client = client_for(mia)
    response = upload(client, meeting, samples.ZOOM_VTT)
    assert response.status_code == 400
    assert "once the 1:1 has taken place" in error(response)
    estimate = client.post(
        reverse("meeting_talk_estimate", args=[meeting.pk]), {"manager_share": "30"}, headers=HTMX
    )
    assert estimate.status_code == 400
    assert (
        "Not measured yet"
        in client.get(reverse("meeting_talk", args=[meeting.pk])).content.decode()
    )


# Who may ------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client_for, held) -> None:
    client = client_for(None)
    for name in ("meeting_talk", *ROUTES):
        response = getattr(client, "get" if name == "meeting_talk" else "post")(
            reverse(name, args=[held.pk])
        )
        assert response.status_code == 302 and "/login/" in response["Location"], name
    assert upload(client, held, samples.ZOOM_VTT).status_code == 302


@pytest.mark.parametrize("outsider", ["olga", "omar", "dan", "ada", "zed"])
def test_someone_outside_the_1_1_gets_a_404(cast, client_for, held, outsider) -> None:
    client = client_for(getattr(cast, outsider))
    assert client.get(reverse("meeting_talk", args=[held.pk])).status_code == 404
    assert upload(client, held, samples.ZOOM_VTT).status_code == 404
    for name in ROUTES[1:]:
        assert client.post(reverse(name, args=[held.pk]), {"manager_share": "5"}).status_code == 404
    assert not TalkMeasure.objects.exists()


def test_the_report_may_not_record_the_talk_share(client_for, ray, held) -> None:
    client = client_for(ray)
    assert upload(client, held, samples.ZOOM_VTT).status_code == 403
    for name in ROUTES[1:]:
        assert client.post(reverse(name, args=[held.pk]), {"manager_share": "5"}).status_code == 403
    held.refresh_from_db()
    assert held.manager_talk_share is None


def test_the_wrong_method_is_a_405(client_for, mia, held) -> None:
    client = client_for(mia)
    for name in ROUTES:
        assert client.get(reverse(name, args=[held.pk])).status_code == 405, name
    assert client.post(reverse("meeting_talk", args=[held.pk])).status_code == 405


def test_the_report_sees_their_own_share_in_inviting_words_only(client_for, mia, ray, held) -> None:
    mia_client = client_for(mia)
    page = upload(mia_client, held, samples.ZOOM_VTT).content.decode()
    map_sides(mia_client, held, token_of(page), "manager", "report")
    panel = client_for(ray).get(reverse("meeting_talk", args=[held.pk])).content.decode()
    assert "You did <strong>60%</strong> of the talking" in panel
    assert "This is your meeting" in panel
    for coaching in ("above 30%", "70/30", "you talk 30%", "Next time", "You talked", "token"):
        assert coaching not in panel, coaching


def test_the_report_sees_nothing_before_a_measure(client_for, ray, held) -> None:
    response = client_for(ray).get(reverse("meeting_talk", args=[held.pk]))
    assert response.status_code == 200
    assert "talking" not in response.content.decode()


def test_the_wrap_up_page_loads_the_panel(client_for, mia, held) -> None:
    page = client_for(mia).get(reverse("meeting", args=[held.pk]) + "?mode=wrap").content.decode()
    assert reverse("meeting_talk", args=[held.pk]) in page


# Bad files ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "bad.vtt:1: the file is empty"),
        (b"Hello,\nno transcript here\n", "bad.vtt:1: not a transcript format"),
        (b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nAna: hi\n", "bad.vtt:4: only one speaker"),
        (samples.ZOOM_VTT.encode() + b"\n" + samples.SRT.encode(), "bad.vtt:16: "),
        (b"WEBVTT\n\n\xff\xfe\xfa", "bad.vtt:3: not UTF-8"),
    ],
)
def test_a_bad_file_is_refused_with_its_line(client_for, mia, held, data, message) -> None:
    response = upload(client_for(mia), held, data, name="folder/bad.vtt")
    assert response.status_code == 400
    assert error(response).startswith(message)
    assert not TalkMeasure.objects.exists()


def test_a_post_without_a_file_says_so(client_for, mia, held) -> None:
    response = client_for(mia).post(reverse("meeting_talk_upload", args=[held.pk]), headers=HTMX)
    assert response.status_code == 400
    assert error(response) == "Choose a transcript file to upload."


def test_a_huge_file_is_refused_with_a_message(client_for, mia, held) -> None:
    cue = "\n00:00:01.000 --> 00:00:02.000\nMia Manager: " + "blah " * 200 + "\n"
    huge = "WEBVTT\n" + cue * (TRANSCRIPT_MAX_BYTES // len(cue) + 2)
    assert len(huge) > TRANSCRIPT_MAX_BYTES
    response = upload(client_for(mia), held, huge)
    assert response.status_code == 413
    assert error(response) == "A transcript may be 2 MB at most."
    assert not TalkMeasure.objects.exists()


def test_a_forged_or_foreign_token_is_refused(client_for, mia, held) -> None:
    client = client_for(mia)
    token = token_of(upload(client, held, samples.ZOOM_VTT).content.decode())
    forged = map_sides(client, held, token[:-3] + "abc", "manager", "report")
    assert forged.status_code == 400
    assert "upload the transcript again" in error(forged)
    other = held.series.meetings.exclude(pk=held.pk).filter(status="scheduled").first()
    meeting_services.meeting_start(actor=mia, meeting=other)
    foreign = map_sides(client, other, token, "manager", "report")
    assert foreign.status_code == 400
    assert not TalkMeasure.objects.exists()


@pytest.mark.parametrize(
    ("sides", "message"),
    [
        (("manager", ""), "Say who “Ray Report” is"),
        (("manager", "boss"), "Say who “Ray Report” is"),
        (("manager", "manager"), "Choose which speaker is Ray"),
        (("other", "report"), "Choose which speaker is you"),
    ],
)
def test_every_speaker_needs_a_side_and_each_side_a_speaker(
    client_for, mia, held, sides, message
) -> None:
    client = client_for(mia)
    token = token_of(upload(client, held, samples.ZOOM_VTT).content.decode())
    response = map_sides(client, held, token, *sides)
    assert response.status_code == 400
    assert error(response).startswith(message)
    assert not TalkMeasure.objects.exists()
    assert not SpeakerSide.objects.exists()


# The file itself is kept nowhere ------------------------------------------------------------

SECRET_WORDS = "Tangerine-Heron-5521 reorganisation rumours"
SECRET_TRANSCRIPT = (
    "WEBVTT\n\n00:00:00.000 --> 00:00:05.000\nMia Manager: Heard about the "
    f"{SECRET_WORDS}?\n\n00:00:05.000 --> 00:00:20.000\nRay Report: {SECRET_WORDS} worry me.\n"
)


def every_stored_value() -> str:
    """Every row of every table, as text."""
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows += [repr(row) for row in cursor.fetchall()]
    return "\n".join(rows)


@pytest.fixture
def temporary_files(monkeypatch, settings) -> list[tuple]:
    """Every temporary file Django's upload handlers create, recorded."""
    import django.core.files.temp

    made: list[tuple] = []
    real = django.core.files.temp.NamedTemporaryFile
    monkeypatch.setattr(
        django.core.files.temp,
        "NamedTemporaryFile",
        lambda *args, **kwargs: made.append(args) or real(*args, **kwargs),
    )
    # Django's own handlers would write anything over this size to a temporary file.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10
    return made


def test_the_uploaded_text_reaches_no_table_and_no_log(
    client_for, mia, held, caplog, temporary_files
) -> None:
    caplog.set_level(logging.DEBUG)
    client = client_for(mia)
    page = upload(client, held, SECRET_TRANSCRIPT).content.decode()
    map_sides(client, held, token_of(page), "manager", "report")
    bad = upload(client, held, SECRET_TRANSCRIPT + "\n" + SECRET_TRANSCRIPT)
    assert bad.status_code == 400
    held.refresh_from_db()
    assert held.manager_talk_share == 25
    stored = every_stored_value()
    assert "Mia Manager" in stored  # the check does read the tables
    for word in ("Tangerine", "Heron-5521", "rumours", "worry"):
        assert word not in stored, word
        assert word not in caplog.text, word
        assert word not in page and word not in bad.content.decode(), word
    assert temporary_files == []


def test_the_temporary_file_check_can_fail(client_for, ada, temporary_files, settings) -> None:
    """The same spy sees Django's own handlers write a temporary file; Rapport's never do."""
    roster = b"email,name,level,manager_email,timezone,remote\n"

    def post() -> None:
        client_for(ada).post(
            reverse("roster_import"), {"file": SimpleUploadedFile("people.csv", roster)}
        )

    post()
    assert temporary_files == []
    settings.FILE_UPLOAD_HANDLERS = [
        "django.core.files.uploadhandler.MemoryFileUploadHandler",
        "django.core.files.uploadhandler.TemporaryFileUploadHandler",
    ]
    post()
    assert temporary_files != []


def test_a_speaker_name_is_shown_as_text_never_as_markup(client_for, mia, held) -> None:
    text = (
        "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n&lt;script&gt;alert(1)&lt;/script&gt;: hi\n\n"
        "00:00:02.000 --> 00:00:04.000\nRay Report: hello\n"
    )
    page = upload(client_for(mia), held, text).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


def test_the_upload_still_checks_the_csrf_token(mia, held) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(mia)
    page = client.get(reverse("meeting", args=[held.pk]) + "?mode=wrap").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="(\w+)"', page).group(1)
    url = reverse("meeting_talk_upload", args=[held.pk])

    def post(**fields):
        transcript = SimpleUploadedFile("call.vtt", samples.ZOOM_VTT.encode())
        return client.post(url, {**fields, "transcript": transcript}, headers=HTMX)

    assert post().status_code == 403
    assert post(csrfmiddlewaretoken=token).status_code == 200


def test_two_sides_that_said_nothing_are_refused(client_for, mia, held) -> None:
    client = client_for(mia)
    text = "Mia Manager: ...\nRay Report: !\nNote Taker: joined the call, recording now\n"
    page = upload(client, held, text, name="quiet.txt").content.decode()
    response = map_sides(client, held, token_of(page), "manager", "report", "other")
    assert response.status_code == 400
    assert error(response) == "The speakers chosen for the two of you said nothing."
    held.refresh_from_db()
    assert held.manager_talk_share is None


# Without JavaScript: back to the panel's own address -----------------------------------


def test_a_transcript_sent_without_javascript_asks_who_is_who_on_the_panels_address(
    client_for, mia, held
) -> None:
    client = client_for(mia)
    panel = reverse("meeting_talk", args=[held.pk])
    response = client.post(
        reverse("meeting_talk_upload", args=[held.pk]),
        {"transcript": SimpleUploadedFile("call.vtt", samples.ZOOM_VTT.encode())},
        follow=True,
    )
    assert response.redirect_chain == [(f"{panel}#talk", 303)]
    page = response.content.decode()
    assert "Who is who in this WebVTT transcript?" in page
    kept = client.post(
        reverse("meeting_talk_sides", args=[held.pk]),
        {"token": token_of(page), "side_0": "manager", "side_1": "report"},
        follow=True,
    )
    assert kept.redirect_chain == [(f"{panel}#talk", 303)]
    assert "You talked <strong>40%</strong>" in kept.content.decode()
    assert "Saved." in kept.content.decode()
    reload = client.get(panel)
    assert reload.status_code == 200 and "Saved." not in reload.content.decode()
    assert TalkMeasure.objects.filter(meeting=held).count() == 1


def test_a_refused_estimate_without_javascript_is_explained_on_the_panel_once(
    client_for, mia, held
) -> None:
    client = client_for(mia)
    panel = reverse("meeting_talk", args=[held.pk])
    url = reverse("meeting_talk_estimate", args=[held.pk])
    response = client.post(url, {"manager_share": "lots"}, follow=True)
    assert response.redirect_chain == [(f"{panel}#talk", 303)]
    assert "a percentage from 0 to 100" in response.content.decode()
    reload = client.get(panel)
    assert reload.status_code == 200 and "a percentage from 0 to 100" not in reload.content.decode()
    assert client.get(url).status_code == 405
    assert not TalkMeasure.objects.exists()
