"""Who did the talking: the wrap-up panel, a transcript upload, who is who, the manager's estimate.

An uploaded transcript is read in memory (`rapport.web.uploads`: never a temporary
file), parsed, and dropped: only
the per-speaker totals travel on, signed, to the step where the manager says who is who.
"""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rapport import access
from rapport.errors import Refused
from rapport.insights import selectors, services
from rapport.insights.models import Side
from rapport.insights.transcripts import (
    FORMAT_LABELS,
    TRANSCRIPT_MAX_BYTES,
    SpeakerTalk,
    TranscriptError,
    talk_ratio_of,
)
from rapport.meetings.models import Meeting
from rapport.people.models import Person
from rapport.web.uploads import upload_too_big
from rapport.web.views.common import person_view, refuse

TOKEN_SALT = "rapport.insights.talk"
TOKEN_MAX_AGE = 2 * 60 * 60
TOO_BIG = f"A transcript may be {TRANSCRIPT_MAX_BYTES // 1_000_000} MB at most."


def _panel(request: HttpRequest, meeting: Meeting, **extra: Any) -> HttpResponse:
    viewer = request.user
    context = {
        "meeting": meeting,
        "series": meeting.series,
        "report": meeting.series.report,
        "talk": selectors.talk_panel_for(viewer, meeting),
        "sides": Side,
        "max_mb": TRANSCRIPT_MAX_BYTES // 1_000_000,
        "pending": None,
        **extra,
    }
    return render(request, "web/meeting/meeting_talk.html", context)


@person_view("GET")
def talk(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The wrap-up panel: the talk share against the 70/30 rule, and how to record it."""
    return _panel(request, access.meeting_for(request.user, meeting_id))


@person_view("POST")
def talk_upload(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Read an uploaded transcript in memory; keep its figures at once if every speaker is known."""
    viewer = request.user
    meeting = access.meeting_for_talk(viewer, meeting_id)
    upload = request.FILES.get("transcript")
    try:
        services.talk_check_recordable(viewer, meeting)
    except Refused as error:
        return refuse(str(error))
    if upload_too_big(request):
        return refuse(TOO_BIG, status=413)
    if upload is None:
        return refuse("Choose a transcript file to upload.")
    name = _file_name(upload.name)
    try:
        ratio = talk_ratio_of(upload.read())
    except TranscriptError as error:
        return refuse(error.located(name))
    finally:
        upload.close()
    pending = _pending(viewer, meeting, ratio.format, list(ratio.speakers))
    if set(pending["remembered"]) == {speaker.name for speaker in ratio.speakers}:
        return _record(request, meeting, ratio.format, list(ratio.speakers), pending["remembered"])
    return _panel(request, meeting, pending=pending)


def _file_name(name: str | None) -> str:
    # The browser's file name, reduced to its last part and shortened: shown, never kept.
    base = (name or "transcript").replace("\\", "/").rsplit("/", 1)[-1]
    return base[:80] or "transcript"


def _pending(
    viewer: Person, meeting: Meeting, format_: str, speakers: list[SpeakerTalk]
) -> dict[str, Any]:
    """The speakers' figures (never their words), signed, to come back with who is who."""
    remembered = selectors.speaker_sides_remembered(
        viewer, meeting.series, [speaker.name for speaker in speakers]
    )
    token = signing.dumps(
        {
            "meeting": meeting.pk,
            "by": viewer.pk,
            "format": format_,
            "speakers": [speaker.as_dict() for speaker in speakers],
        },
        salt=TOKEN_SALT,
        compress=True,
    )
    return {
        "token": token,
        "format": FORMAT_LABELS[format_],
        "speakers": speakers,
        "remembered": remembered,
    }


@person_view("POST")
def talk_sides(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Say who is who among the uploaded transcript's speakers, and keep the figures."""
    viewer = request.user
    meeting = access.meeting_for_talk(viewer, meeting_id)
    try:
        data = signing.loads(request.POST.get("token", ""), salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
        if data["meeting"] != meeting.pk or data["by"] != viewer.pk:
            raise signing.BadSignature("another meeting's upload")
        speakers = [SpeakerTalk(**speaker) for speaker in data["speakers"]]
    except signing.SignatureExpired:
        return refuse("This upload is too old: upload the transcript again.")
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return refuse("This upload cannot be read: upload the transcript again.")
    sides = {
        speaker.name: request.POST.get(f"side_{index}", "")
        for index, speaker in enumerate(speakers)
    }
    return _record(request, meeting, data["format"], speakers, sides)


def _record(
    request: HttpRequest,
    meeting: Meeting,
    format_: str,
    speakers: list[SpeakerTalk],
    sides: dict[str, str],
) -> HttpResponse:
    try:
        services.talk_share_record_transcript(
            actor=request.user,
            meeting=meeting,
            transcript_format=format_,
            speakers=speakers,
            sides=sides,
        )
    except Refused as error:
        return refuse(str(error))
    # Offer to correct who is who without uploading again.
    return _panel(
        request, meeting, saved=True, corrected=_pending(request.user, meeting, format_, speakers)
    )


@person_view("POST")
def talk_estimate(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The manager's own estimate of their share of the talking, 0-100, without a transcript."""
    viewer = request.user
    meeting = access.meeting_for_talk(viewer, meeting_id)
    try:
        share = int(request.POST.get("manager_share", ""))
    except ValueError:
        return refuse("Your share of the talking is a percentage from 0 to 100.")
    try:
        services.talk_share_record_estimate(actor=viewer, meeting=meeting, manager_share=share)
    except Refused as error:
        return refuse(str(error))
    return _panel(request, meeting, saved=True)
