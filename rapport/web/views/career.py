"""The career page of a 1:1 (aspirations, ladder views, self-assessments) and the ladder."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from rapport import access
from rapport.career import selectors, services
from rapport.errors import Refused
from rapport.framework.aspirations import ASPIRATION_QUESTIONS
from rapport.framework.ladder import ladder_to_yaml
from rapport.framework.levels import LEVELS
from rapport.growth import selectors as growth_selectors
from rapport.growth.packet import packet_filename, packet_markdown, packet_page, packet_pdf
from rapport.people.models import AuditEvent
from rapport.web.audit import record_read
from rapport.web.uploads import upload_too_big
from rapport.web.views.common import (
    back_with,
    is_htmx,
    parse_date,
    person_view,
    refused,
    refused_back,
    render_page,
    stashed,
    written,
)


def _career_url(series_id: int, anchor: str) -> str:
    return f"{reverse('career', args=[series_id])}#{anchor}"


@person_view("GET")
def career(request: HttpRequest, series_id: int) -> HttpResponse:
    """The career page: aspirations now and since a date, the ladder per area, assessments."""
    found = access.career_series_for(request.user, series_id)
    try:
        since = parse_date(request.GET.get("since"))
    except ValueError as error:
        return refused(request, str(error))
    if since and since > timezone.localdate(timezone.now(), request.user.tzinfo):
        return refused(request, f"{since:%d %B %Y} is in the future: compare with a past date.")
    record_read(request, AuditEvent.Action.CAREER_VIEW, subject=found.report, target=found)
    overview = growth_selectors.career_overview(request.user, found, since=since)
    return render_page(request, "web/career/career.html", overview)


@person_view("POST")
def aspirations(request: HttpRequest, series_id: int) -> HttpResponse:
    """Save the aspiration answers: each changed answer becomes a new dated version."""
    found = access.career_series_for(request.user, series_id)
    answers = {
        q.key: request.POST[f"answer_{q.key}"]
        for q in ASPIRATION_QUESTIONS
        if f"answer_{q.key}" in request.POST
    }
    return _versions_save(
        request,
        _career_url(found.pk, "aspirations"),
        lambda: services.aspirations_save(actor=request.user, series=found, answers=answers),
        lambda saved: f"Saved {len(saved)} changed answer{'s' if len(saved) != 1 else ''}.",
    )


@person_view("POST")
def ladder_view(request: HttpRequest, series_id: int) -> HttpResponse:
    """The manager records where they see the IC relative to a level in one area."""
    found = access.career_series_for(request.user, series_id)
    return written(
        request,
        _career_url(found.pk, "ladder"),
        lambda: services.ladder_view_record(
            actor=request.user,
            series=found,
            area_key=request.POST.get("area_key", ""),
            level=request.POST.get("level", ""),
            position=request.POST.get("position", ""),
            sentence=request.POST.get("sentence", ""),
        ),
        message="Ladder view recorded.",
    )


@person_view("POST")
def self_assessment(request: HttpRequest, series_id: int) -> HttpResponse:
    """The IC saves their self-assessment per ladder area."""
    found = access.career_series_for(request.user, series_id)
    texts = {
        name.removeprefix("area_"): value
        for name, value in request.POST.items()
        if name.startswith("area_")
    }
    return _versions_save(
        request,
        _career_url(found.pk, "ladder"),
        lambda: services.self_assessment_save(actor=request.user, series=found, texts=texts),
        lambda saved: "Self-assessment saved.",
    )


def _versions_save(
    request: HttpRequest,
    back: str,
    save: Callable[[], Sequence[object]],
    done: Callable[[Sequence[object]], str],
) -> HttpResponse:
    """Save new versions of career texts and go back, saying what was kept (maybe nothing)."""
    return written(
        request,
        back,
        save,
        message=lambda saved: done(saved) if saved else "Nothing changed: no new version was kept.",
    )


@person_view("GET")
def meeting_career(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """For a career 1:1: the IC's self-assessment beside the manager's ladder view."""
    meeting = access.meeting_for(request.user, meeting_id)
    series = meeting.series
    record_read(request, AuditEvent.Action.CAREER_VIEW, subject=series.report, target=series)
    beside = selectors.assessment_beside_view(request.user, series)
    return render(
        request, "web/career/assessment_beside_view.html", {"beside": beside, "meeting": meeting}
    )


# The ladder --------------------------------------------------------------------------


@person_view("GET")
def ladder(request: HttpRequest) -> HttpResponse:
    """The organisation's ladder: read by everyone, edited by its admins.

    After a refused edit the browser comes back here (303): the texts as typed and the
    reason are read once from the session, so the admin fixes one field, not all of them."""
    page = selectors.ladder_page(request.user)
    kept = stashed(request, "career:ladder") if page.can_edit else None
    typed = kept["state"]["typed"] if kept else {}
    error = kept["state"]["error"] if kept else ""
    return render(
        request, "web/career/ladder.html", {"page": page, "typed": typed, "ladder_error": error}
    )


@person_view("POST")
def ladder_edit(request: HttpRequest) -> HttpResponse:
    """An org admin changes area names and the texts of the levels."""
    access.ladder_check_admin(request.user)
    page = selectors.ladder_page(request.user)
    names = {
        area.key: request.POST[f"name_{area.key}"]
        for area in page.ladder.areas
        if f"name_{area.key}" in request.POST
    }
    texts = {
        (level, area.key): (
            request.POST.get(f"expected_{level}_{area.key}"),
            request.POST.get(f"next_{level}_{area.key}"),
        )
        for level in LEVELS
        for area in page.ladder.areas
    }
    try:
        services.ladder_edit(actor=request.user, area_names=names, texts=texts)
    except Refused as error:
        if is_htmx(request) or error.status != 400:
            return refused_back(request, error, reverse("ladder"))
        typed = {
            name: value.replace("\x00", "")
            for name, value in request.POST.items()
            if name.startswith(("name_", "expected_", "next_"))
        }
        url = f"{reverse('ladder')}#ladder-edit"
        return back_with(request, url, "career:ladder", typed=typed, error=str(error))
    messages.success(request, "Ladder saved.")
    return redirect("ladder")


@person_view("POST")
def ladder_import(request: HttpRequest) -> HttpResponse:
    """An org admin replaces the ladder with a YAML file, or the file is refused whole."""
    access.ladder_check_admin(request.user)

    def read_and_import() -> None:
        if upload_too_big(request):
            raise Refused("The ladder file is too large.")
        upload = request.FILES.get("file")
        if upload is None:
            raise Refused("Choose a ladder file (YAML) to import.")
        services.ladder_import(actor=request.user, text=upload.read())

    return written(
        request,
        reverse("ladder"),
        read_and_import,
        message="Ladder imported: it replaces the previous one.",
        follow_next=False,
    )


@person_view("GET")
def ladder_export(request: HttpRequest) -> HttpResponse:
    """The organisation's ladder as a YAML file, ready to edit and import again."""
    page = selectors.ladder_page(request.user)
    response = HttpResponse(ladder_to_yaml(page.ladder), content_type="application/yaml")
    response["Content-Disposition"] = 'attachment; filename="ladder.yaml"'
    return response


# The evidence packet -----------------------------------------------------------------


@person_view("GET")
def packet(request: HttpRequest, series_id: int, fmt: str = "html") -> HttpResponse:
    """The evidence packet for a period: a page, a Markdown file or a PDF."""
    found = access.career_series_for(request.user, series_id)
    include = request.GET.get("private") == "1"
    today = timezone.localdate(timezone.now(), request.user.tzinfo)
    try:
        start, end = growth_selectors.packet_period(
            parse_date(request.GET.get("from")), parse_date(request.GET.get("to")), today=today
        )
    except (ValueError, Refused) as error:
        if fmt != "html":
            return refused(request, str(error))
        form = packet_page(
            found,
            start=request.GET.get("from", ""),
            end=request.GET.get("to", ""),
            include_private=include,
            error=str(error),
        )
        return render_page(request, "web/career/packet.html", form, status=400)
    found_packet = growth_selectors.evidence_packet(
        request.user, found, start=start, end=end, include_own_private=include
    )
    record_read(request, AuditEvent.Action.PACKET_VIEW, subject=found.report, target=found)
    if fmt in ("md", "pdf"):
        if fmt == "md":
            response = HttpResponse(
                packet_markdown(found_packet), content_type="text/markdown; charset=utf-8"
            )
        else:
            response = HttpResponse(packet_pdf(found_packet), content_type="application/pdf")
        name = packet_filename(found_packet, fmt)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    page = packet_page(
        found,
        start=start.isoformat(),
        end=end.isoformat(),
        include_private=include,
        packet=found_packet,
    )
    return render_page(request, "web/career/packet.html", page)
