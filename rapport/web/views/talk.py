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
from django.urls import reverse

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
from rapport.web.views.common import back_with, is_htmx, person_view, refuse, stashed

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
        "error": "",
        **extra,
    }
    return render(request, "web/meeting/meeting_talk.html", context)


@person_view("GET")
def talk(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The wrap-up panel: the talk share against the 70/30 rule, and how to record it.

    Without htmx the panel's forms come back here (303): what they did or why they were
    refused is read once from the session (the figures travel signed, never the file)."""
    meeting = access.meeting_for(request.user, meeting_id)
    kept = stashed(request, f"meeting:{meeting.pk}:talk")
    if kept is None:
        return _panel(request, meeting)
    state = kept["state"]
    shown: dict[str, Any] = {"saved": state["saved"], "error": state["error"]}
    for step in ("pending", "corrected"):
        if state.get(step):
            try:
                format_, speakers = _figures(request.user, meeting, state[step])
            except signing.BadSignature:  # too old by now: the upload is asked for again
                continue
            shown[step] = _pending(request.user, meeting, format_, speakers)
    return _panel(request, meeting, **shown)


def _answer(
    request: HttpRequest, meeting: Meeting, *, error: str = "", status: int = 400, **shown: Any
) -> HttpResponse:
    """htmx gets the panel (or the reason) in place; a plain form goes back to the panel's
    own address (303), so a reload reads it and never sends the transcript again."""
    if is_htmx(request):
        return refuse(error, status) if error else _panel(request, meeting, **shown)
    state = {"error": error, "saved": bool(shown.get("saved"))}
    for step in ("pending", "corrected"):
        if shown.get(step):
            state[step] = shown[step]["token"]
    url = f"{reverse('meeting_talk', args=[meeting.pk])}#talk"
    return back_with(request, url, f"meeting:{meeting.pk}:talk", **state)


@person_view("POST")
def talk_upload(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Read an uploaded transcript in memory; keep its figures at once if every speaker is known."""
    viewer = request.user
    meeting = access.meeting_for_talk(viewer, meeting_id)
    upload = request.FILES.get("transcript")
    try:
        services.talk_check_recordable(viewer, meeting)
    except Refused as error:
        return _answer(request, meeting, error=str(error))
    if upload_too_big(request):
        return _answer(request, meeting, error=TOO_BIG, status=413)
    if upload is None:
        return _answer(request, meeting, error="Choose a transcript file to upload.")
    name = _file_name(upload.name)
    try:
        ratio = talk_ratio_of(upload.read())
    except TranscriptError as error:
        return _answer(request, meeting, error=error.located(name))
    finally:
        upload.close()
    pending = _pending(viewer, meeting, ratio.format, list(ratio.speakers))
    if set(pending["remembered"]) == {speaker.name for speaker in ratio.speakers}:
        return _record(request, meeting, ratio.format, list(ratio.speakers), pending["remembered"])
    return _answer(request, meeting, pending=pending)


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
        format_, speakers = _figures(viewer, meeting, request.POST.get("token", ""))
    except signing.SignatureExpired:
        return _answer(
            request, meeting, error="This upload is too old: upload the transcript again."
        )
    except signing.BadSignature:
        return _answer(
            request, meeting, error="This upload cannot be read: upload the transcript again."
        )
    sides = {
        speaker.name: request.POST.get(f"side_{index}", "")
        for index, speaker in enumerate(speakers)
    }
    return _record(request, meeting, format_, speakers, sides)


def _figures(viewer: Person, meeting: Meeting, token: str) -> tuple[str, list[SpeakerTalk]]:
    """The transcript format and speakers' figures an upload signed for this viewer and 1:1."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
        if data["meeting"] != meeting.pk or data["by"] != viewer.pk:
            raise signing.BadSignature("another meeting's upload")
        return data["format"], [SpeakerTalk(**speaker) for speaker in data["speakers"]]
    except (KeyError, TypeError, ValueError) as error:
        raise signing.BadSignature("an unreadable upload") from error


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
        return _answer(request, meeting, error=str(error))
    # Offer to correct who is who without uploading again.
    corrected = _pending(request.user, meeting, format_, speakers)
    return _answer(request, meeting, saved=True, corrected=corrected)


@person_view("POST")
def talk_estimate(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The manager's own estimate of their share of the talking, 0-100, without a transcript."""
    viewer = request.user
    meeting = access.meeting_for_talk(viewer, meeting_id)
    try:
        share = int(request.POST.get("manager_share", ""))
    except ValueError:
        error = "Your share of the talking is a percentage from 0 to 100."
        return _answer(request, meeting, error=error)
    try:
        services.talk_share_record_estimate(actor=viewer, meeting=meeting, manager_share=share)
    except Refused as error:
        return _answer(request, meeting, error=str(error))
    return _answer(request, meeting, saved=True)
