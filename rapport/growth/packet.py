"""The evidence packet as a document: Markdown and PDF, from one `EvidencePacket`.

Both renderers walk the same outline (`packet_outline`): a title block, then sections in
the order a review reads them, each entry dated. Everything people wrote is escaped in the
Markdown (`markdown_escape`, the recap's), so the file pasted anywhere injects no HTML.

The PDF is drawn with fpdf2 (pure Python) in DejaVu Sans, shipped in `fonts/` beside this
file: no system font is read. A character the font lacks prints as "?" instead of failing.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from rapport.framework.documentation import markdown_escape
from rapport.growth.selectors import EvidencePacket

FONTS = Path(__file__).parent / "fonts"
NOTHING_RECORDED = "Nothing was recorded in this period."


@dataclass(frozen=True)
class Entry:
    """One dated entry of a section: what people wrote (`text`), what Rapport adds about it
    (`meta`: a status, a share done), and detail lines as (label, what people wrote)."""

    on: dt.date | None
    text: str
    meta: str = ""
    details: tuple[tuple[str, str], ...] = ()
    private: bool = False


@dataclass(frozen=True)
class Section:
    title: str
    entries: tuple[Entry, ...]
    intro: str = ""


@dataclass(frozen=True)
class Outline:
    title: str
    facts: tuple[tuple[str, str], ...]
    sections: tuple[Section, ...]
    empty_message: str = ""
    notes: tuple[str, ...] = field(default=())


def _date(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _lines(label: str, text: str) -> list[tuple[str, str]]:
    """A note of several lines as detail lines: the label on the first, bullets dropped."""
    lines = [re.sub(r"^\s*[-*+•]\s+", "", line).strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    return [(label if n == 0 else "", line) for n, line in enumerate(lines)]


def packet_outline(packet: EvidencePacket) -> Outline:
    """What the packet says, in order, independent of the format."""
    facts = (
        ("Person", packet.ic_name),
        ("Level", packet.level_label),
        ("Manager", packet.manager_name),
        ("Period", f"{_date(packet.start)} to {_date(packet.end)}"),
        ("Prepared by", f"{packet.viewer.name} on {_date(packet.generated_on)}"),
    )
    sections: list[Section] = []

    def add(title: str, entries: list[Entry], intro: str = "") -> None:
        if entries:
            sections.append(Section(title, tuple(entries), intro))

    add("Goals and progress", [_goal_entry(goal) for goal in packet.goals])
    add("Wins", [Entry(win.on, win.text, f"noted by {win.by}") for win in packet.wins])
    add(
        "Feedback and what was done with it",
        [_feedback_entry(record) for record in packet.feedback],
    )
    add(
        "Action items completed",
        [Entry(item.on, item.text, item.owner) for item in packet.items_done],
    )
    add(
        "Career discussions",
        [
            Entry(
                talk.on,
                talk.summary,
                "career 1:1",
                tuple(line for label, text in talk.notes for line in _lines(label, text)),
            )
            for talk in packet.discussions
        ],
    )
    add(
        "How the aspirations changed",
        [
            Entry(
                change.changed_on,
                change.question,
                "changed" if change.before else "first answered",
                ((("Before", change.before),) if change.before else ())
                + (("Now", change.after or "(answer removed)"),),
            )
            for change in packet.aspirations
        ],
    )
    add(
        "The manager's ladder views",
        [
            Entry(
                view.on,
                f"{view.area}: {view.position.lower()} {view.level}",
                f"by {view.by}",
                (("", view.sentence),) if view.sentence else (),
            )
            for view in packet.ladder_views
        ],
    )
    add(
        f"Your private notes ({packet.private_mark})",
        [
            Entry(note.on, note.text, packet.private_mark, private=True)
            for note in packet.private_notes
        ],
        intro=(
            "Added by your choice to your own copy: nobody else's copy holds them. "
            "Remove them before you share this document."
        ),
    )
    return Outline(
        title=packet.title,
        facts=facts,
        sections=tuple(sections),
        empty_message=NOTHING_RECORDED if packet.is_empty else "",
        notes=("Only what both people share is in this packet.",)
        if not packet.private_notes
        else (),
    )


def _goal_entry(goal) -> Entry:
    meta = goal.status + (f", {goal.percent}% done" if goal.percent is not None else "")
    dates = [f"set {_date(goal.created_on)}"]
    if goal.target_on:
        dates.append(f"target {_date(goal.target_on)}")
    if goal.achieved_on:
        dates.append(f"achieved {_date(goal.achieved_on)}")
    meta += "; " + ", ".join(dates)
    details = [("Area", goal.area)] if goal.area else []
    details += _lines("Why it matters", goal.why)
    for update in goal.progress:
        percent = f" ({update.percent}%)" if update.percent is not None else ""
        by = f", {update.by}" if update.by else ""
        details.append((f"{_date(update.on)}{by}{percent}", update.text))
    return Entry(goal.created_on, goal.title, meta, tuple(details))


def _feedback_entry(record) -> Entry:
    details = [
        ("Situation", record.situation),
        ("Behaviour", record.behaviour),
        ("Impact", record.impact),
    ]
    if record.acted_on_on:
        details.append((f"Acted on {_date(record.acted_on_on)}", record.acted_on_note))
    elif record.acknowledged_on:
        details.append((f"Acknowledged {_date(record.acknowledged_on)}, not acted on yet", ""))
    else:
        details.append(("Not acknowledged yet", ""))
    return Entry(record.on, f"{record.kind} feedback from {record.given_by}", "", tuple(details))


# Markdown -------------------------------------------------------------------------------


def _md(text: str) -> str:
    """One line of what people wrote, escaped: it reads as typed, never as markup."""
    return markdown_escape(" ".join(text.split()))


def _detail(label: str, text: str) -> str:
    if label and text:
        return f"{_md(label)}: {_md(text)}"
    return _md(label or text)


def packet_markdown(packet: EvidencePacket) -> str:
    """The packet as a Markdown document: what people wrote escaped, each entry dated."""
    outline = packet_outline(packet)
    lines = [f"# {_md(outline.title)}", ""]
    lines += [f"- **{label}:** {_md(value)}" for label, value in outline.facts]
    lines.append("")
    for note in outline.notes:
        lines += [f"_{note}_", ""]
    if outline.empty_message:
        lines += [f"**{outline.empty_message}**", ""]
    for section in outline.sections:
        lines += [f"## {section.title}", ""]
        if section.intro:
            lines += [section.intro, ""]
        for entry in section.entries:
            when = f"**{_date(entry.on)}** " if entry.on else ""
            text = _md(entry.text) if entry.text else ""
            meta = f"_{_md(entry.meta)}_" if entry.meta else ""
            lines.append(f"- {when}{' — '.join(part for part in (text, meta) if part)}")
            lines += [f"  - {_detail(label, text)}" for label, text in entry.details]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# PDF ------------------------------------------------------------------------------------


@functools.cache
def _covered() -> frozenset[int]:
    """The characters the packet's font draws (regular and bold alike)."""
    from fontTools.ttLib import TTFont

    with TTFont(FONTS / "DejaVuSans.ttf") as font:
        return frozenset(font.getBestCmap())


def _printable(text: str) -> str:
    """The text with what the font cannot draw as "?" (and no control characters)."""
    covered = _covered()
    return "".join(
        char if ord(char) in covered else (" " if char in "\t\r" else "?")
        for char in text
        if char == "\n" or ord(char) >= 32
    )


def packet_pdf(packet: EvidencePacket) -> bytes:
    """The packet as a PDF (A4), bytes starting with %PDF."""
    from fpdf import FPDF

    outline = packet_outline(packet)
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(20, 18, 20)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_font("DejaVu", "I", str(FONTS / "DejaVuSans-Oblique.ttf"))
    pdf.set_title(_printable(outline.title))
    pdf.set_author(_printable(packet.viewer.name))
    pdf.set_creator("Rapport")
    footer = _printable(f"{packet.ic_name} · {_date(packet.start)} to {_date(packet.end)}")

    def page_footer() -> None:
        pdf.set_y(-12)
        pdf.set_font("DejaVu", "", 8)
        pdf.set_text_color(120)
        pdf.cell(0, 5, footer, align="L")
        pdf.set_x(pdf.l_margin)
        pdf.cell(0, 5, f"Page {pdf.page_no()}/{{nb}}", align="R")
        pdf.set_text_color(0)

    pdf.footer = page_footer  # type: ignore[method-assign]
    pdf.add_page()
    width = pdf.epw

    def write(
        text: str,
        *,
        size: float = 10,
        style: str = "",
        indent: float = 0,
        height: float = 5.2,
        color: int = 0,
    ) -> None:
        pdf.set_font("DejaVu", style, size)
        pdf.set_text_color(color)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(
            width - indent, height, _printable(text), align="L", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.set_text_color(0)

    write(outline.title, size=18, style="B", height=9)
    pdf.ln(2)
    for label, value in outline.facts:
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(30, 6, _printable(label))
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(width - 30, 6, _printable(value), align="L", new_x="LMARGIN", new_y="NEXT")
    for note in outline.notes:
        pdf.ln(1)
        write(note, size=9, style="I", color=90)
    pdf.ln(3)
    pdf.set_draw_color(180)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
    pdf.ln(4)
    if outline.empty_message:
        write(outline.empty_message, size=11)
    for section in outline.sections:
        if pdf.get_y() > pdf.h - 45:
            pdf.add_page()
        pdf.ln(2)
        write(section.title, size=13, style="B", height=7)
        pdf.ln(1)
        if section.intro:
            write(section.intro, size=9, style="I", color=90)
            pdf.ln(1)
        for entry in section.entries:
            _pdf_entry(pdf, entry)
            pdf.ln(1.5)
    return bytes(pdf.output())


def _pdf_entry(pdf, entry: Entry) -> None:
    """A dated entry: the date in a narrow column, the text in bold, then its details."""
    column = 24
    top = pdf.get_y()
    if top > pdf.h - 30:
        pdf.add_page()
        top = pdf.get_y()
    pdf.set_font("DejaVu", "", 9)
    pdf.set_text_color(90)
    pdf.set_xy(pdf.l_margin, top + 0.4)
    pdf.cell(column, 5, _date(entry.on))
    pdf.set_text_color(0)
    pdf.set_xy(pdf.l_margin + column, top)
    text = entry.text or ""
    pdf.set_font("DejaVu", "", 10)
    body = f"**{_bold_safe(text)}**" if text else ""
    if entry.meta:
        body += (" · " if body else "") + f"__{_bold_safe(entry.meta)}__"
    pdf.multi_cell(
        pdf.epw - column,
        5.2,
        _printable(body),
        markdown=True,
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for label, detail in entry.details:
        shown = (
            f"**{_bold_safe(label)}:** {_bold_safe(detail)}"
            if label and detail
            else (f"**{_bold_safe(label)}**" if label else _bold_safe(detail))
        )
        pdf.set_font("DejaVu", "", 9)
        pdf.set_text_color(50)
        pdf.set_x(pdf.l_margin + column + 3)
        pdf.multi_cell(
            pdf.epw - column - 3,
            4.8,
            _printable(shown),
            markdown=True,
            align="L",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_text_color(0)


def _bold_safe(text: str) -> str:
    """Text for fpdf2's light markdown: its markers (** __ --) typed by people stay text."""
    safe = re.sub(r"([*_-])(?=\1)", "\\1\u200b", " ".join(text.split()))
    # A marker character next to the markers this renderer adds would pair with them.
    return f"\u200b{safe}\u200b" if safe else safe


def packet_filename(packet: EvidencePacket, extension: str) -> str:
    """e.g. evidence-packet-ingrid-larsen-2026-06-06-to-2026-12-06.pdf (ASCII only)."""
    import re
    import unicodedata

    name = unicodedata.normalize("NFKD", packet.ic_name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "person"
    return f"evidence-packet-{slug}-{_date(packet.start)}-to-{_date(packet.end)}.{extension}"


# The web page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PacketPage:
    """The packet page: the period form, and the packet when the period reads."""

    series: object
    ic_name: str
    start: str
    end: str
    include_private: bool
    error: str
    packet: EvidencePacket | None = None
    outline: Outline | None = None


def packet_page(
    series,
    *,
    start: str,
    end: str,
    include_private: bool,
    packet: EvidencePacket | None = None,
    error: str = "",
) -> PacketPage:
    """The page object for a packet (or for the form alone, with the error that stopped it)."""
    return PacketPage(
        series=series,
        ic_name=series.report.name,
        start=start,
        end=end,
        include_private=include_private,
        error=error,
        packet=packet,
        outline=packet_outline(packet) if packet else None,
    )
