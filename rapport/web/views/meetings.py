"""The meeting room: agenda, notes, private note and action items of one 1:1, live with htmx."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from rapport import access
from rapport.errors import Conflict, Refused
from rapport.framework import documentation
from rapport.framework.agenda import MOOD_LABELS, MOOD_MAX, MOOD_MIN
from rapport.framework.documentation import NOTE_SECTIONS
from rapport.growth import selectors as growth_selectors
from rapport.growth import services as growth
from rapport.meetings import selectors, services, wording
from rapport.meetings.models import Meeting, SharedNotes
from rapport.people.models import AuditEvent, Person
from rapport.web.audit import bookkeeping, record_read
from rapport.web.forms import ActionItemForm, CancelForm, CompleteForm, TopicForm
from rapport.web.jinja import local, relative
from rapport.web.views.common import (
    OUTSIDE_HOURS_TITLE,
    asked_again,
    back_with,
    confirm_page,
    first_error,
    is_confirmed,
    is_htmx,
    past_due_confirmed,
    person_view,
    refuse,
    refused,
    restored,
    see_other,
    stashed,
)

# Reading ---------------------------------------------------------------------------
# Every page and fragment here is one selector: `growth.selectors.meeting_page` for the
# page, the meeting parts of `meetings.selectors` for the live fragments.


def _people(viewer: Person, meeting: Meeting) -> dict[str, Any]:
    return _fields(selectors.meeting_people(viewer, meeting))


def _fields(part: Any) -> dict[str, Any]:
    return {f.name: getattr(part, f.name) for f in dataclasses.fields(part)}


def _page_response(
    request: HttpRequest,
    meeting: Meeting,
    *,
    status: int = 200,
    mode: str = "",
    complete_form: CompleteForm | None = None,
    cancel_form: CancelForm | None = None,
    item_form: ActionItemForm | None = None,
    open_panel: str = "",
    **page_options: Any,
) -> HttpResponse:
    """The meeting page: one selector, the forms it shows, rendered.

    A form is built only where the page shows it: adding an action item in the run mode,
    marking held and calling off while the meeting is open.
    """
    page = growth_selectors.meeting_page(request.user, meeting, mode=mode, **page_options)
    shows_items_form = page.mode == "run"
    context = {
        **page.context(),
        "item_form": item_form
        or (ActionItemForm(series=meeting.series) if shows_items_form else None),
        "complete_form": complete_form
        or (
            CompleteForm(initial={"held_minutes": page.held_minutes_guess, "mood": meeting.mood})
            if meeting.is_open
            else None
        ),
        "cancel_form": cancel_form or (CancelForm() if meeting.is_open else None),
        "open_panel": open_panel,
        "show_series": False,
        "htmx": False,
    }
    return render(request, "web/meeting/meeting.html", context, status=status)


def _back(meeting: Meeting, anchor: str = "") -> HttpResponse:
    return redirect(reverse("meeting", args=[meeting.pk]) + anchor)


# The page --------------------------------------------------------------------------


@person_view("GET")
def meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The meeting page in one of its modes: prepare, run or wrap up (?mode=)."""
    # The notes come with their meeting, its series and both people: one query checks
    # access and reads what every part of the page starts from, and what its bookkeeping
    # needs to know to write nothing when nothing changed.
    now = timezone.now()
    opened = growth_selectors.meeting_opened(request.user, meeting_id, now=now)
    found = opened.notes.meeting
    bookkeeping(
        growth.meeting_seen, actor=request.user, meeting=found, now=now, seen_at=opened.seen_at
    )
    if not opened.read_recorded:
        record_read(
            request, AuditEvent.Action.MEETING_VIEW, subject=found.series.report, target=found
        )
    key = f"meeting:{found.pk}"
    complete_form = restored(CompleteForm, stashed(request, f"{key}:complete"))
    cancel_form = restored(CancelForm, stashed(request, f"{key}:cancel"))
    item_form = restored(ActionItemForm, stashed(request, f"{key}:item"), series=found.series)
    return _page_response(
        request,
        found,
        mode=request.GET.get("mode", ""),
        complete_form=complete_form,
        cancel_form=cancel_form,
        item_form=item_form,
        open_panel="cancel" if cancel_form else "",
        opened=opened,
        now=now,
    )


# Agenda ----------------------------------------------------------------------------


def _agenda_context(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    return {
        **_people(request.user, meeting),
        **_fields(selectors.meeting_agenda(request.user, meeting)),
        "meeting": meeting,
    }


def _agenda_response(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    return render(request, "web/meeting/meeting_agenda.html", _agenda_context(request, meeting))


@person_view("GET")
def agenda(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The live agenda fragment; 204 when nothing changed since the caller's copy."""
    since = request.GET.get("since")
    if since and since == selectors.agenda_fingerprint(request.user, meeting_id):
        return HttpResponse(status=204)
    found = access.meeting_for(request.user, meeting_id)
    context = _agenda_context(request, found)
    context["announce"] = bool(since)
    return render(request, "web/meeting/meeting_agenda.html", context)


def _after_topic_change(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    if is_htmx(request):
        return _agenda_response(request, meeting)
    return _back(meeting, "#agenda")


@person_view("POST")
def topic_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    found = access.meeting_for(request.user, meeting_id)
    form = TopicForm(request.POST)
    if not form.is_valid():
        return refused(request, first_error(form))
    services.topic_add(actor=request.user, meeting=found, **form.cleaned_data)
    return _after_topic_change(request, found)


@person_view("POST")
def topic_edit(request: HttpRequest, topic_id: int) -> HttpResponse:
    """Tag a topic (`kind` alone: either person) or rewrite it (`text`: its author only)."""
    topic = access.topic_for(request.user, topic_id)
    kind = request.POST.get("kind", "")
    if "kind" in request.POST and "text" not in request.POST:
        services.topic_set_kind(actor=request.user, topic=topic, kind=kind)
    else:
        services.topic_update(
            actor=request.user, topic=topic, text=request.POST.get("text", ""), kind=kind
        )
    return _after_topic_change(request, access.meeting_for(request.user, topic.meeting_id))


@person_view("POST")
def topic_discussed(request: HttpRequest, topic_id: int) -> HttpResponse:
    topic = access.topic_for(request.user, topic_id)
    discussed = request.POST.get("discussed", "") in ("1", "on", "true")
    services.topic_set_discussed(actor=request.user, topic=topic, discussed=discussed)
    return _after_topic_change(request, access.meeting_for(request.user, topic.meeting_id))


@person_view("POST")
def topic_move(request: HttpRequest, topic_id: int) -> HttpResponse:
    topic = access.topic_for(request.user, topic_id)
    direction = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if direction is None:
        return refused(request, "Move a topic up or down.")
    services.topic_move(actor=request.user, topic=topic, direction=direction)
    return _after_topic_change(request, access.meeting_for(request.user, topic.meeting_id))


@person_view("POST")
def topic_delete(request: HttpRequest, topic_id: int) -> HttpResponse:
    topic = access.topic_for(request.user, topic_id)
    services.topic_delete(actor=request.user, topic=topic)
    return _after_topic_change(request, access.meeting_for(request.user, topic.meeting_id))


# Notes -----------------------------------------------------------------------------


def _version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def _saved(request: HttpRequest, prefix: str, version: int, when: Any) -> HttpResponse:
    context = {"prefix": prefix, "version": version, "saved_at": when}
    return render(request, "web/meeting/notes_saved.html", context)


def _conflict(
    request: HttpRequest,
    meeting: Meeting,
    *,
    prefix: str,
    rows: list[dict[str, str]],
    current: Any,
    who: str,
) -> HttpResponse:
    context = {
        "prefix": prefix,
        "rows": rows,
        "current_version": current.version,
        "saved_at": current.updated_at,
        "who": who,
        "meeting": meeting,
        "save_url": _notes_url(prefix, meeting),
    }
    return render(request, "web/meeting/notes_conflict.html", context, status=409)


def _notes_url(prefix: str, meeting: Meeting) -> str:
    name = "shared_notes" if prefix == "shared-notes" else "private_note"
    return reverse(name, args=[meeting.pk])


INTENTS = ("save", "preview", "reload")


def _intent(request: HttpRequest) -> str | None:
    intent = request.POST.get("intent") or "save"
    return intent if intent in INTENTS else None


@person_view("POST")
def shared_notes(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Save per section from the bases posted with it; or preview the typed text; or reload.

    One path for every save: the page's autosave posts the sections it changed, the form
    without JavaScript posts them all, each with its `base_<section>` starting text.
    """
    notes = access.shared_notes_for(request.user, meeting_id)
    found = access.meeting_for(request.user, meeting_id)
    mine = {key: request.POST[key] for key in SharedNotes.SECTIONS if key in request.POST}
    intent = _intent(request)
    if intent is None:
        return refused(request, "Unknown notes action.")
    if intent != "save":
        return _shared_notes_view(request, found, notes, mine if intent == "preview" else None)
    bases = {
        key: request.POST[f"base_{key}"]
        for key in SharedNotes.SECTIONS
        if f"base_{key}" in request.POST
    }
    merge = services.shared_notes_save(actor=request.user, notes=notes, sections=mine, bases=bases)
    if merge.conflicts:
        return _shared_conflict(request, found, merge.notes, mine, merge.conflicts)
    if not is_htmx(request):
        messages.success(request, "Shared notes saved.")
        return _back(found, "#notes")
    context = {
        **_saved_context(merge.notes, mine),
        "voice": wording.voice_for(request.user, found.series),
    }
    return render(request, "web/meeting/notes_saved.html", context)


def _saved_context(current: SharedNotes, mine: dict[str, str]) -> dict[str, Any]:
    """What an autosave's answer updates: version, time, next bases, the care notice."""
    stored = current.sections()
    return {
        "prefix": "shared-notes",
        "version": current.version,
        "saved_at": current.updated_at,
        # The sections now stored as sent: the next save starts from them.
        "bases": {key: stored[key] for key in mine if stored[key] == mine[key]},
        "sensitive": documentation.sensitive_matters("\n".join(mine.values())),
    }


def _shared_notes_view(
    request: HttpRequest, meeting: Meeting, notes: SharedNotes, typed: dict[str, str] | None
) -> HttpResponse:
    """The typed text rendered (preview), or the editor as saved now (reload)."""
    typed_sections = {**notes.sections(), **typed} if typed is not None else None
    sections = typed_sections or notes.sections()
    context = {
        **_people(request.user, meeting),
        "meeting": meeting,
        "notes": notes,
        "note_groups": selectors.note_groups(notes, typed_sections, career=meeting.is_career),
        "notes_written": any(sections.values()),
        "reloaded": True,
    }
    if typed is not None:
        return render(request, "web/meeting/notes_rendered.html", context)
    return render(request, "web/meeting/notes_editor.html", context)


def _shared_conflict(
    request: HttpRequest,
    meeting: Meeting,
    current: SharedNotes,
    mine: dict[str, str],
    conflicts: tuple[str, ...],
) -> HttpResponse:
    """Sections both people changed: both versions side by side, the others saved."""
    stored = current.sections()
    voice = wording.voice_for(request.user, meeting.series)
    titles = {section.key: voice.note_title(section) for section in NOTE_SECTIONS}
    rows = [
        {"key": key, "title": titles[key], "theirs": stored[key], "mine": mine[key]}
        for key in conflicts
    ]
    who = current.updated_by.name if current.updated_by else "Someone"
    if current.updated_by_id == request.user.pk:
        who = "You (in another tab or window)"
    if not is_htmx(request):
        # The form comes back with their text as each base: saving it again keeps mine.
        return _page_response(
            request,
            meeting,
            status=409,
            mode="run",
            notes_conflict={"rows": rows, "who": who, "current": current},
            typed_notes=mine,
        )
    context = {
        **_saved_context(current, mine),
        "voice": voice,
        "rows": rows,
        "who": who,
        "current_version": current.version,
        "meeting": meeting,
        "save_url": _notes_url("shared-notes", meeting),
        "merged": True,
    }
    return render(request, "web/meeting/notes_conflict.html", context, status=409)


@person_view("POST")
def private_note(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The viewer's own private note: autosave, preview the typed text, or reload the saved one."""
    found = access.meeting_for(request.user, meeting_id)
    intent = _intent(request)
    if intent is None:
        return refused(request, "Unknown notes action.")
    body = request.POST.get("body", "")
    if intent != "save":
        note = access.private_note_for(request.user, found)
        context = {
            **_people(request.user, found),
            "meeting": found,
            "private_note": note,
            "preview_body": body,
            "reloaded": True,
        }
        name = "notes_private_rendered" if intent == "preview" else "notes_private_editor"
        return render(request, f"web/meeting/{name}.html", context)
    version = _version(request)
    if version is None:
        return refused(request, "The note's version is missing: reload the page.")
    try:
        note = services.private_note_save(
            actor=request.user, meeting=found, body=body, version=version
        )
    except Conflict as conflict:
        rows = [{"title": "Private note", "theirs": conflict.current.body, "mine": body}]
        if not is_htmx(request):
            return _page_response(
                request,
                found,
                status=409,
                mode="run",
                private_conflict={"rows": rows, "current": conflict.current},
                private_draft=body,
            )
        return _conflict(
            request,
            found,
            prefix="private-note",
            rows=rows,
            current=conflict.current,
            who="You (in another tab or window)",
        )
    if not is_htmx(request):
        messages.success(request, "Private note saved.")
        return _back(found, "#private-note")
    return _saved(request, "private-note", note.version, note.updated_at)


# Opening, running and closing ------------------------------------------------------


@person_view("POST")
def mood(request: HttpRequest, meeting_id: int) -> HttpResponse:
    found = access.meeting_for(request.user, meeting_id)
    try:
        value = int(request.POST.get("mood", ""))
    except ValueError:
        return refused(request, f"Choose a mood from {MOOD_MIN} to {MOOD_MAX}.")
    services.meeting_set_mood(actor=request.user, meeting=found, mood=value)
    if not is_htmx(request):
        return _back(found, "#opening")
    context = {**_people(request.user, found), "meeting": found, "mood_labels": MOOD_LABELS}
    context["saved"] = True
    return render(request, "web/meeting/meeting_mood.html", context)


@person_view("GET", "POST")
def start(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """GET: the question before starting early (the meeting once there is none to ask).
    POST: the meeting started, or, well before its time, a 303 to that question."""
    if request.method != "POST":
        return _start_question(request, access.meeting_managed_by(request.user, meeting_id))
    found = access.meeting_for_manager(request.user, meeting_id)
    try:
        services.meeting_start(
            actor=request.user, meeting=found, ask_if_early=not is_confirmed(request)
        )
    except services.NeedsConfirmation:
        if is_htmx(request):
            return refuse(_early_question(found, "Start it"), 409)
        # Asked on a page of its own: Back or reload there never resends the form.
        return see_other(reverse("meeting_start", args=[found.pk]))
    messages.success(request, "Meeting started: topics added from now on count as added during it.")
    return _back(found)


def _start_question(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    if not selectors.is_early_to_run(meeting):
        return _back(meeting)
    return confirm_page(
        request,
        _early_question(meeting, "Start it"),
        title="Start early?",
        confirm_label="Start it now",
        back=reverse("meeting", args=[meeting.pk]),
    )


def _early_question(meeting: Meeting, doing: str) -> str:
    """Asking before running a 1:1 early, with its time as every page words it."""
    when = local(meeting.scheduled_at, "%A %d %B, %H:%M")
    return f"This 1:1 is planned for {when}, {relative(meeting.scheduled_at)}. {doing} now anyway?"


@person_view("GET", "POST")
def complete(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """GET: the question before marking held early, while it waits (else the wrap-up).
    POST: the meeting marked held, or, well before its time, a 303 to that question."""
    if request.method != "POST":
        found = access.meeting_managed_by(request.user, meeting_id)
        return asked_again(request, back=_held_url(found), pending=selectors.is_early_to_run(found))
    found = access.meeting_for_manager(request.user, meeting_id)
    form = CompleteForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_complete(
                actor=request.user,
                meeting=found,
                ask_if_early=not is_confirmed(request),
                **form.cleaned_data,
            )
        except services.NeedsConfirmation:
            return confirm_page(
                request,
                _early_question(found, "Mark it held"),
                title="Mark held early?",
                confirm_label="Mark it held",
                back=_held_url(found),
            )
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _held_message(request.user, found))
            return _back(found)
    return back_with(request, _held_url(found), f"meeting:{found.pk}:complete", form)


def _held_url(meeting: Meeting) -> str:
    """The wrap-up's "Mark the meeting held" form."""
    return f"{reverse('meeting', args=[meeting.pk])}?mode=wrap#held"


def _held_message(viewer: Person, meeting: Meeting) -> str:
    carried = list(
        access.topics_visible_to(viewer)
        .filter(carried_from__meeting=meeting)
        .select_related("meeting")
    )
    if not carried:
        return "Meeting marked held. Every topic was discussed."
    when = timezone.localtime(carried[0].meeting.scheduled_at).strftime("%a %d %b, %H:%M")
    count = len(carried)
    return (
        f"Meeting marked held. {count} topic{'s' if count > 1 else ''} not discussed "
        f"carried over to the next 1:1 ({when})."
    )


@person_view("GET", "POST")
def cancel(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """GET: the question about a new time outside working hours, while it waits (else the
    meeting). POST: the meeting called off or moved, or, at such a time, a 303 to that question."""
    if request.method != "POST":
        found = access.meeting_for(request.user, meeting_id)
        pending = found.status == Meeting.Status.SCHEDULED
        return asked_again(request, back=_call_off_url(found), pending=pending)
    found = access.meeting_for_change(request.user, meeting_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        new_time = form.cleaned_data["new_time"]
        asked = f"outside-hours:meeting-{found.pk}:{new_time}"
        try:
            moved = services.meeting_cancel(
                actor=request.user,
                meeting=found,
                reason=form.cleaned_data["reason"],
                new_time=new_time,
                skip=form.cleaned_data["skip"],
                ask_if_outside_hours=not is_confirmed(request, asked),
            )
        except services.NeedsConfirmation as question:
            return confirm_page(
                request,
                str(question),
                title=OUTSIDE_HOURS_TITLE,
                confirm_label="Move it anyway",
                back=_call_off_url(found),
                asked=asked,
            )
        except Refused as error:
            form.add_error(None, str(error))
        else:
            if moved is not None:
                messages.success(request, "Meeting moved: its agenda and notes came along.")
                return _back(moved)
            messages.success(request, "Meeting cancelled: open topics moved to the next 1:1.")
            return _back(found)
    return back_with(request, _call_off_url(found), f"meeting:{found.pk}:cancel", form)


def _call_off_url(meeting: Meeting) -> str:
    """The meeting's "Call it off or move it" form."""
    return f"{reverse('meeting', args=[meeting.pk])}?mode=prepare#call-off"


# Action items ----------------------------------------------------------------------


def _items_url(meeting: Meeting) -> str:
    """The meeting's action items: in its run view, the one that shows them."""
    return f"{reverse('meeting', args=[meeting.pk])}?mode=run#items"


@person_view("GET", "POST")
def action_item_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """GET: the question about a past due date, while it waits (else the meeting's items).
    POST: the item added, or, due in the past, a 303 to that question."""
    found = access.meeting_for(request.user, meeting_id)
    if request.method != "POST":
        return asked_again(request, back=_items_url(found))
    form = ActionItemForm(request.POST, series=found.series)
    if not form.is_valid():
        if is_htmx(request):
            return refused(request, first_error(form))
        return back_with(request, _items_url(found), f"meeting:{found.pk}:item", form)
    asking = past_due_confirmed(
        request,
        asked=f"past-due:meeting-{found.pk}:{form.cleaned_data['due_on']}",
        back=_items_url(found),
        write=lambda ask_if_past: services.action_item_add(
            actor=request.user, meeting=found, **form.item(), ask_if_past=ask_if_past
        ),
    )
    if asking is not None:
        return asking
    if not is_htmx(request):
        return redirect(_items_url(found))
    context = {
        **_people(request.user, found),
        "meeting": found,
        "meeting_items": selectors.meeting_items(request.user, found),
        "show_series": False,
        "next_url": reverse("meeting", args=[found.pk]),
    }
    return render(request, "web/partials/action_item_list.html", context)


# Live notes and presence -----------------------------------------------------------


@person_view("GET", "POST")
def live(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The shared notes and who is on the page, as JSON; 204 when unchanged since `since`.

    A POST says the person left the page: the other one stops seeing them as present.
    """
    if request.method == "POST":
        found = access.meeting_for(request.user, meeting_id)
        bookkeeping(growth.meeting_visit_end, actor=request.user, meeting=found)
        return HttpResponse(status=204)
    # One narrow query checks access and reads the notes' version and both participants'
    # visits; the notes themselves are read only when something changed.
    now = timezone.now()
    found, version, presence = growth_selectors.live_poll(request.user, meeting_id, now=now)
    present = presence.present
    # The visit is renewed only when it is due: most polls write nothing.
    if presence.seen_at is not None and presence.seen_at < now - growth.RENEW_AFTER:
        bookkeeping(growth.meeting_visit_renew, actor=request.user, meeting=found, now=now)
    if request.GET.get("since") == selectors.live_since(version, present):
        return HttpResponse(status=204)
    notes = access.shared_notes_for(request.user, meeting_id)
    found = notes.meeting
    since = selectors.live_since(notes.version, present)
    by = notes.updated_by if notes.updated_by_id else None
    return JsonResponse(
        {
            "since": since,
            "present": sorted(present),
            "presence": selectors.presence_sentence(
                selectors.meeting_people(request.user, found), present
            ),
            "notes": {
                "version": notes.version,
                "sections": notes.sections(),
                "by": by.first_name if by else "",
                "mine": notes.updated_by_id == request.user.pk,
            },
        }
    )


# The shared timer, video link and wrap-up ------------------------------------------


@person_view("GET")
def timer(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The live timer and action items; 204 when neither changed since the caller's copy."""
    since = request.GET.get("since")
    if since and since == selectors.timer_fingerprint(request.user, meeting_id):
        return HttpResponse(status=204)
    return _timer_response(request, access.meeting_for(request.user, meeting_id))


def _timer_response(request: HttpRequest, found: Meeting) -> HttpResponse:
    fragment = selectors.meeting_timer_fragment(request.user, found)
    context = {
        **_fields(fragment.people),
        **{name: value for name, value in _fields(fragment).items() if name != "people"},
        "show_series": False,
        "next_url": reverse("meeting", args=[found.pk]) + "?mode=run",
        "live": "since" in request.GET or request.method == "POST",
    }
    return render(request, "web/meeting/meeting_timer.html", context)


@person_view("POST")
def section(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Move the shared timer to a part of the plan (either participant)."""
    found = access.meeting_for(request.user, meeting_id)
    services.meeting_set_section(
        actor=request.user, meeting=found, section=request.POST.get("section", "")
    )
    if is_htmx(request):
        return _timer_response(request, found)
    return redirect(reverse("meeting", args=[found.pk]) + "?mode=run#timer")


@person_view("POST")
def video_link(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Set the meeting's video link (either participant)."""
    return _field_save(
        request,
        meeting_id,
        services.meeting_set_video_link,
        "video_link",
        "video",
        message="Video link saved.",
        mode="prepare",
    )


@person_view("POST")
def summary(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Save the summary of key points (either participant)."""
    return _field_save(
        request,
        meeting_id,
        services.meeting_set_summary,
        "summary",
        "summary",
        message="Summary saved.",
        mode="wrap",
    )


def _field_save(
    request: HttpRequest,
    meeting_id: int,
    service: Callable[..., Meeting],
    name: str,
    field: str,
    *,
    message: str,
    mode: str,
) -> HttpResponse:
    """Save one of the meeting's own fields from the form's `name`: its card again for htmx,
    else back to the card on the page with a message."""
    found = access.meeting_for(request.user, meeting_id)
    service(actor=request.user, meeting=found, **{name: request.POST.get(name, "")})
    if is_htmx(request):
        context = {**_people(request.user, found), "meeting": found, "saved": True}
        return render(request, f"web/meeting/meeting_{field}.html", context)
    messages.success(request, message)
    return redirect(reverse("meeting", args=[found.pk]) + f"?mode={mode}#{field}")


@person_view("GET")
def recap(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The recap as Markdown, in the seed's template: shared notes and action items only."""
    found = access.meeting_for(request.user, meeting_id)
    record_read(request, AuditEvent.Action.RECAP_VIEW, subject=found.series.report, target=found)
    notes = access.shared_notes_for(request.user, found.pk)
    items = selectors.meeting_items(request.user, found)
    text = selectors.recap(found, notes, items, viewer=request.user)
    return HttpResponse(text, content_type="text/markdown; charset=utf-8")
