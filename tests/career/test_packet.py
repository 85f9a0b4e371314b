"""The evidence packet: what goes in, who may have it, private notes only by the author's
choice, its three formats, the command line, the audit trail and its query count."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from rapport import cli
from rapport.career import services as career_services
from rapport.errors import Refused
from rapport.growth import selectors
from rapport.growth import services as growth_services
from rapport.growth.packet import NOTHING_RECORDED, packet_markdown, packet_pdf
from rapport.meetings import services as meeting_services
from rapport.meetings.models import Meeting, SharedNotes, Topic
from rapport.people.models import AuditEvent
from tests.career.conftest import days_ago

MIA_SECRET = "MIA-OWN-4c1d: promotion case still thin"
RAY_SECRET = "RAY-OWN-8e2b: talking to another team"
MARK = "private — your eyes only"


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def period(series) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    last = series.meetings.order_by("-scheduled_at").first().scheduled_at.date()
    return today - dt.timedelta(days=90), max(today, last) + dt.timedelta(days=2)


def query(start: dt.date, end: dt.date, private: bool = False) -> str:
    return f"?from={start}&to={end}" + ("&private=1" if private else "")


@pytest.fixture
def story(cast, series, meeting) -> SimpleNamespace:
    """A quarter of ray's career with mia: one of each thing a packet gathers."""
    mia, ray = cast.mia, cast.ray
    goal = growth_services.goal_create(
        actor=ray,
        series=series,
        title="Lead a design review <script>alert(1)</script>",
        why="Ingrid Larsen said — café culture matters",
        area="craft",
        now=days_ago(60),
    )
    growth_services.goal_progress_add(
        actor=ray, goal=goal, text="Booked the review room", percent=40, now=days_ago(30)
    )
    meeting_services.topic_add(actor=ray, meeting=meeting, text="Win: Shipped the ledger job")
    feedback = growth_services.feedback_give(
        actor=mia,
        meeting=meeting,
        kind="constructive",
        situation="In the incident call",
        behaviour="you jumped to a fix",
        impact="the room lost the timeline",
    )
    growth_services.feedback_mark(
        actor=ray, feedback=feedback, acknowledged=True, acted_on=True, note="Summarise first now"
    )
    item = meeting_services.action_item_add(
        actor=mia, meeting=meeting, text="Write the runbook", owner=ray
    )
    meeting_services.action_item_set_status(actor=ray, item=item, status="done")
    career_services.aspirations_save(
        actor=ray, series=series, answers={"management_or_ic": "Staying IC"}, now=days_ago(200)
    )
    career_services.aspirations_save(
        actor=ray, series=series, answers={"management_or_ic": "Curious about management"}
    )
    career_services.ladder_view_record(
        actor=mia,
        series=series,
        area_key="craft",
        level="junior",
        position="above",
        sentence="Reviews read like a senior's",
    )
    Meeting.objects.filter(pk=meeting.pk).update(kind="career", status="held")
    SharedNotes.objects.filter(meeting=meeting).update(career_progress="Ran the first review")
    meeting_services.private_note_save(actor=mia, meeting=meeting, body=MIA_SECRET, version=0)
    meeting_services.private_note_save(actor=ray, meeting=meeting, body=RAY_SECRET, version=0)
    return SimpleNamespace(goal=goal, feedback=feedback, item=item)


def build(viewer, series, private: bool = False):
    start, end = period(series)
    return selectors.evidence_packet(
        viewer, series, start=start, end=end, include_own_private=private
    )


# What goes in -------------------------------------------------------------------------------


def test_the_packet_gathers_every_section_of_the_period_with_dates(mia, series, story) -> None:
    text = packet_markdown(build(mia, series))
    assert text.startswith("# Evidence packet: Ray Report\n")
    for fact in ("**Level:** Junior", "**Manager:** Mia Manager", "**Period:** "):
        assert fact in text
    sections = [
        "## Goals and progress",
        "## Wins",
        "## Feedback and what was done with it",
        "## Action items completed",
        "## Career discussions",
        "## How the aspirations changed",
        "## The manager's ladder views",
    ]
    positions = [text.index(section) for section in sections]
    assert positions == sorted(positions)
    for expected in (
        "Booked the review room",
        "Shipped the ledger job",
        "Acted on ",
        "Summarise first now",
        "Write the runbook",
        "Ran the first review",
        "Before: Staying IC",
        "Now: Curious about management",
        "Reviews read like a senior's",
        "above Junior",
    ):
        assert expected in text, expected
    assert f"- **{timezone.localdate()}**" in text  # entries are dated


def test_what_people_wrote_is_escaped_in_the_markdown(mia, series, story) -> None:
    text = packet_markdown(build(mia, series))
    assert "<script>" not in text
    assert r"\<script\>alert\(1\)\</script\>" in text


def test_an_empty_period_says_plainly_that_nothing_was_recorded(mia, series, story) -> None:
    packet = selectors.evidence_packet(
        mia, series, start=dt.date(2020, 1, 1), end=dt.date(2020, 6, 30)
    )
    assert packet.is_empty
    assert NOTHING_RECORDED in packet_markdown(packet)
    assert NOTHING_RECORDED in pdf_text(packet_pdf(packet))


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (dt.date(2026, 5, 1), dt.date(2026, 4, 1), "after it ends"),
        (dt.date(2015, 1, 1), dt.date(2026, 1, 1), "at most three years"),
        (dt.date(2999, 1, 1), dt.date(2999, 2, 1), "in the future"),
    ],
)
def test_a_period_that_makes_no_sense_is_refused(start, end, message) -> None:
    with pytest.raises(Refused, match=message):
        selectors.packet_period(start, end, today=dt.date(2026, 12, 6))


def test_the_default_period_is_the_six_months_up_to_today() -> None:
    today = dt.date(2026, 8, 31)
    assert selectors.packet_period(None, None, today=today) == (dt.date(2026, 2, 28), today)


def test_a_period_ending_before_1970_is_refused_in_every_format(client_for, mia, series) -> None:
    with pytest.raises(Refused, match="ends before 1970"):
        selectors.packet_period(None, dt.date(1, 3, 1), today=dt.date(2026, 12, 6))
    for name in ("career_packet", "career_packet_md", "career_packet_pdf"):
        response = client_for(mia).get(reverse(name, args=[series.pk]) + "?to=0001-01-01")
        assert response.status_code == 400 and "ends before 1970" in response.content.decode()


# Private notes ----------------------------------------------------------------------------


def test_no_private_note_goes_in_unless_its_author_adds_their_own(mia, ray, series, story) -> None:
    for viewer in (mia, ray):
        text = packet_markdown(build(viewer, series))
        assert MIA_SECRET not in text and RAY_SECRET not in text and MARK not in text
    mine = packet_markdown(build(mia, series, private=True))
    assert MIA_SECRET in mine and RAY_SECRET not in mine
    assert f"{MIA_SECRET} — _{MARK}_" in mine.replace("\\", "")
    theirs = packet_markdown(build(ray, series, private=True))
    assert RAY_SECRET in theirs and MIA_SECRET not in theirs


def test_the_pdf_marks_the_authors_own_private_notes_and_holds_nobody_elses(
    mia, series, story
) -> None:
    plain = pdf_text(packet_pdf(build(mia, series)))
    assert MIA_SECRET not in plain and RAY_SECRET not in plain
    chosen = " ".join(pdf_text(packet_pdf(build(mia, series, private=True))).split())
    assert MIA_SECRET in chosen and MARK in chosen and RAY_SECRET not in chosen


# The web ---------------------------------------------------------------------------------


def test_the_career_page_links_the_packet_which_offers_both_downloads(
    client_for, mia, series, story
) -> None:
    client = client_for(mia)
    career = client.get(reverse("career", args=[series.pk])).content.decode()
    assert reverse("career_packet", args=[series.pk]) in career
    page = client.get(reverse("career_packet", args=[series.pk])).content.decode()
    assert 'name="from"' in page and 'name="private"' in page
    assert reverse("career_packet_md", args=[series.pk]) in page
    assert reverse("career_packet_pdf", args=[series.pk]) in page
    assert "Booked the review room" in page and MIA_SECRET not in page


def test_the_downloads_are_named_files_of_the_right_kind(client_for, mia, series, story) -> None:
    start, end = period(series)
    client = client_for(mia)
    md = client.get(reverse("career_packet_md", args=[series.pk]) + query(start, end))
    assert md["Content-Type"].startswith("text/markdown")
    expected = f"evidence-packet-ray-report-{start}-to-{end}"
    assert md["Content-Disposition"] == f'attachment; filename="{expected}.md"'
    assert "Booked the review room" in md.content.decode()
    pdf = client.get(reverse("career_packet_pdf", args=[series.pk]) + query(start, end, True))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'attachment; filename="{expected}.pdf"'
    assert pdf.content.startswith(b"%PDF")
    text = " ".join(pdf_text(pdf.content).split())
    assert "Evidence packet: Ray Report" in text and "Booked the review room" in text
    assert MIA_SECRET in text and RAY_SECRET not in text


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("?from=2026-05-01&to=2026-04-01", "after it ends"),
        ("?from=yesterday&to=2026-04-01", "is not a date"),
        ("?from=1990-01-01&to=2026-01-01", "at most three years"),
    ],
)
def test_bad_dates_get_a_form_error_on_the_page_and_a_400_for_a_download(
    client_for, mia, series, raw, message
) -> None:
    client = client_for(mia)
    page = client.get(reverse("career_packet", args=[series.pk]) + raw)
    assert page.status_code == 400 and message in page.content.decode()
    assert 'name="from"' in page.content.decode()
    download = client.get(reverse("career_packet_pdf", args=[series.pk]) + raw)
    assert download.status_code == 400 and not download.content.startswith(b"%PDF")


def test_nobody_but_the_ic_and_their_manager_gets_the_packet(
    client_for, cast, series, story
) -> None:
    for name in ("career_packet", "career_packet_md", "career_packet_pdf"):
        url = reverse(name, args=[series.pk])
        for outsider in (cast.omar, cast.dan, cast.ada, cast.zed, cast.olga):
            assert client_for(outsider).get(url).status_code == 404, (name, outsider)
        for insider in (cast.mia, cast.ray):
            assert client_for(insider).get(url).status_code == 200, (name, insider)


def test_generating_a_packet_is_in_the_ics_trail_and_the_ics_own_is_not(
    client_for, mia, ray, series, story
) -> None:
    client_for(ray).get(reverse("career_packet_md", args=[series.pk]))
    assert not AuditEvent.objects.filter(subject=ray, action="packet_view").exists()
    client_for(mia).get(reverse("career_packet_pdf", args=[series.pk]))
    [row] = AuditEvent.objects.filter(subject=ray, action="packet_view")
    assert (row.actor, row.via) == (mia, "web")
    page = client_for(ray).get(reverse("settings")).content.decode()
    assert "generated an evidence packet about you" in page


# A previous manager -----------------------------------------------------------------------


def test_a_previous_manager_keeps_only_what_was_recorded_while_they_managed(
    client_for, cast, series, meeting, story, moved
) -> None:
    new_meeting = moved.new.meetings.order_by("scheduled_at").first()
    growth_services.feedback_give(
        actor=cast.omar,
        meeting=new_meeting,
        kind="positive",
        situation="OMAR-ERA situation",
        behaviour="you led the retro",
        impact="the team agreed fast",
    )
    # The career page's rule: a previous manager reads up to the day the 1:1 ended.
    growth_services.goal_progress_add(
        actor=cast.ray,
        goal=story.goal,
        text="OMAR-ERA progress",
        now=timezone.now() + dt.timedelta(days=2),
    )
    start, end = period(moved.old)
    end = max(end, new_meeting.scheduled_at.date() + dt.timedelta(days=2))
    old_url = reverse("career_packet_md", args=[moved.old.pk]) + query(start, end)
    old = client_for(cast.mia).get(old_url).content.decode()
    assert "Booked the review room" in old and "In the incident call" in old
    assert "OMAR-ERA" not in old
    new_url = reverse("career_packet_md", args=[moved.new.pk]) + query(start, end)
    new = client_for(cast.omar).get(new_url).content.decode()
    assert "OMAR-ERA situation" in new and "OMAR-ERA progress" in new
    # omar manages ray now, but the 1:1 mia ran is not his to read.
    assert client_for(cast.omar).get(old_url).status_code == 404


# Query count -----------------------------------------------------------------------------


def _grow(cast, series, meeting, rounds: int) -> None:
    for number in range(rounds):
        goal = growth_services.goal_create(
            actor=cast.ray, series=series, title=f"Goal {number}", now=days_ago(40)
        )
        growth_services.goal_progress_add(
            actor=cast.mia, goal=goal, text=f"Update {number}", percent=10, now=days_ago(20)
        )
        growth_services.feedback_give(
            actor=cast.mia,
            meeting=meeting,
            kind="positive",
            situation=f"Situation {number}",
            behaviour="b",
            impact="i",
        )
        # The meeting is held (story): its topics were added while it was open.
        Topic.objects.create(meeting=meeting, author=cast.ray, text=f"Win: number {number}")
        item = meeting_services.action_item_add(
            actor=cast.mia, meeting=meeting, text=f"Item {number}", owner=cast.ray
        )
        meeting_services.action_item_set_status(actor=cast.ray, item=item, status="done")
        career_services.ladder_view_record(
            actor=cast.mia,
            series=series,
            area_key="craft",
            level="junior",
            position="meets",
            sentence=f"View {number}",
        )


def test_the_packet_answers_in_the_same_number_of_queries_as_data_grows(
    client_for, cast, series, meeting, story
) -> None:
    start, end = period(series)
    urls = [
        reverse(name, args=[series.pk]) + query(start, end, private=True)
        for name in ("career_packet", "career_packet_md", "career_packet_pdf")
    ]
    client = client_for(cast.mia)
    for url in urls:  # the first read writes the audit row; the repeats fold into it
        client.get(url)

    def counts() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    few = counts()
    _grow(cast, series, meeting, 5)
    many = counts()
    assert many == few
    assert "Goal 4" in client.get(urls[1]).content.decode()


# Text the font cannot draw ------------------------------------------------------------------


def test_text_the_pdf_font_lacks_prints_as_a_question_mark_instead_of_failing(
    mia, ray, series
) -> None:
    growth_services.goal_create(
        actor=ray, series=series, title="Ship it 🚀 漢字 — Ingrid Larsen, café **bold** __x__"
    )
    content = packet_pdf(build(mia, series))
    text = " ".join(pdf_text(content).split())
    assert content.startswith(b"%PDF")
    assert "Ship it ? ?? — Ingrid Larsen, café **bold** __x__" in text.replace("\u200b", "")


# The command line ------------------------------------------------------------------------


def run(capsys, *args: str) -> SimpleNamespace:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return SimpleNamespace(code=code, out=out, err=err)


def test_the_command_writes_the_packet_the_manager_asked_for(
    capsys, tmp_path, series, story
) -> None:
    start, end = period(series)
    md, pdf = tmp_path / "ray.md", tmp_path / "ray.pdf"
    common = ["--from", str(start), "--to", str(end), "--as", "mia@acme.test"]
    done = run(capsys, "packet", "ray@acme.test", *common, "--format", "md", "--output", str(md))
    assert done.code == 0 and str(md) in done.out
    text = md.read_text(encoding="utf-8")
    assert "Booked the review room" in text and MIA_SECRET not in text
    done = run(
        capsys,
        "packet",
        "ray@acme.test",
        *common,
        "--private",
        "--format",
        "pdf",
        "--output",
        str(pdf),
    )
    assert done.code == 0
    content = pdf.read_bytes()
    assert content.startswith(b"%PDF")
    assert MIA_SECRET in " ".join(pdf_text(content).split())
    row = AuditEvent.objects.get(action="packet_view")
    assert (row.actor.email, row.subject.email, row.via) == (
        "mia@acme.test",
        "ray@acme.test",
        "cli",
    )


@pytest.mark.parametrize("outsider", ["dan@acme.test", "ada@acme.test", "omar@acme.test"])
def test_the_command_refuses_anyone_but_the_ic_and_their_manager(
    capsys, tmp_path, series, story, outsider
) -> None:
    target = tmp_path / "packet.md"
    done = run(capsys, "packet", "ray@acme.test", "--as", outsider, "--output", str(target))
    assert done.code == 1 and done.err.startswith("Error: ")
    assert not target.exists()


def test_the_ic_runs_the_command_for_themselves(capsys, tmp_path, series, story) -> None:
    target = tmp_path / "me.md"
    done = run(capsys, "packet", "ray@acme.test", "--as", "ray@acme.test", "--output", str(target))
    assert done.code == 0 and "Booked the review room" in target.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "dates",
    [
        ["--from", "2026-05-01", "--to", "2026-04-01"],
        ["--from", "May 1st"],
        ["--from", "1990-01-01", "--to", "2026-01-01"],
    ],
)
def test_the_command_refuses_bad_dates_with_one_error_line(capsys, tmp_path, series, dates):
    target = tmp_path / "packet.md"
    done = run(
        capsys, "packet", "ray@acme.test", "--as", "mia@acme.test", *dates, "--output", str(target)
    )
    assert done.code == 1 and done.err.startswith("Error: ") and done.err.count("\n") == 1
    assert not target.exists()
