"""What to write down after a 1:1, what to keep out, and the shared recap's shape."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from rapport.framework.agenda import CAREER_PARTS

WHY_DOCUMENT: tuple[str, ...] = (
    "Track patterns over time",
    "Remember commitments",
    "Prepare for reviews",
    "Evidence for promotions",
    "Protect yourself legally",
)

ALWAYS_DOCUMENT: tuple[str, ...] = (
    "Key discussion topics",
    "Action items (with owners and dates)",
    "Feedback given (positive and constructive)",
    "Career aspirations and goals",
    "Development plan updates",
    "Performance concerns",
    "Commitments made by you or them",
)

DOCUMENT_CAREFULLY: tuple[str, ...] = (
    "Personal/sensitive information (keep appropriate)",
    "Health or family matters (only if relevant to work)",
    "Confidential information (follow company policy)",
)

DONT_DOCUMENT: tuple[str, ...] = (
    "Information they explicitly ask to keep off-record",
    "Speculation or assumptions",
    "Information that could be used against them unfairly",
)

# The seed's "Documentation Template", verbatim, for display.
DOCUMENTATION_TEMPLATE = """\
## 1:1 with [Name] - [Date]

### Their Topics
- [Topic 1]: [Notes]
- [Topic 2]: [Notes]

### My Topics
- Feedback: [Specific feedback given]
- Context: [Information shared]

### Career Discussion
- Progress: [Summary]
- Goals: [Updates]
- Next focus: [Areas]

### Action Items
- [ ] [Name] will [action] by [date]
- [ ] [Manager] will [action] by [date]

### Follow-up
- [Items to revisit next time]

### Private Manager Notes
- [Observations, patterns, concerns]
"""

# Private notes live apart from shared notes in Rapport, so the recap has no
# place for them at all; the heading is kept only to name what is left out.
PRIVATE_NOTES_HEADING = "Private Manager Notes"


@dataclass(frozen=True, slots=True)
class NoteSection:
    """A shared-notes field and where the template puts it in the recap."""

    key: str
    title: str
    hint: str
    # The template's "### ..." heading the field renders under, and the
    # "Label:" it is written after there, if any.
    heading: str
    label: str | None = None


NOTE_SECTIONS: tuple[NoteSection, ...] = (
    NoteSection(
        "their_topics",
        "Their topics",
        "One line per topic they brought: the topic, then your notes.",
        "Their Topics",
    ),
    NoteSection(
        "my_topics",
        "My topics",
        "Team/org updates and anything else you raised.",
        "My Topics",
    ),
    NoteSection("feedback", "Feedback", "Specific feedback given.", "My Topics", "Feedback"),
    NoteSection("context", "Context", "Information shared.", "My Topics", "Context"),
    NoteSection("career_progress", "Career progress", "Summary.", "Career Discussion", "Progress"),
    NoteSection("career_goals", "Career goals", "Updates.", "Career Discussion", "Goals"),
    NoteSection("career_next_focus", "Next focus", "Areas.", "Career Discussion", "Next focus"),
    NoteSection("follow_up", "Follow-up", "Items to revisit next time.", "Follow-up"),
)

NOTE_SECTION_KEYS: tuple[str, ...] = tuple(section.key for section in NOTE_SECTIONS)
_ACTION_ITEMS_HEADING = "Action Items"
# Rapport's addition to the template: the meeting's summary of key points, first.
SUMMARY_HEADING = "Summary of key points"
# Action items sit between the career discussion and the follow-up, as in the template.
_HEADINGS: tuple[str, ...] = (
    "Their Topics",
    "My Topics",
    "Career Discussion",
    _ACTION_ITEMS_HEADING,
    "Follow-up",
)


def recap_markdown(
    *,
    name: str,
    date: str,
    sections: dict[str, str],
    action_items: list[tuple[str, str, str | None, bool]],
    headings: Mapping[str, str] | None = None,
    summary: str = "",
) -> str:
    """Render shared notes and action items in the seed's template; never private notes.

    `headings` renames template headings for whoever writes the recap (the
    template speaks as the manager: "Their Topics", "My Topics"). `summary` is
    the meeting's summary of key points, put first. Everything people wrote is
    escaped: pasted into another Markdown tool, it reads as typed and injects no
    HTML, link or heading.
    """
    unknown = sorted(set(sections) - set(NOTE_SECTION_KEYS))
    if unknown:
        # Refusing unknown keys means a private note passed here by mistake
        # fails loudly instead of being dropped or, worse, rendered.
        raise ValueError(f"Unknown note sections {unknown}; expected some of {NOTE_SECTION_KEYS}.")
    blocks = [f"## 1:1 with {markdown_escape(_one_line(name))} - {_one_line(date)}"]
    key_points = [f"- {entry}" for entry in _entries(summary)]
    if key_points:
        title = (headings or {}).get(SUMMARY_HEADING, SUMMARY_HEADING)
        blocks.append("\n".join([f"### {_one_line(title)}", *key_points]))
    for heading in _HEADINGS:
        if heading == _ACTION_ITEMS_HEADING:
            lines = [_action_line(*item) for item in action_items]
        else:
            lines = _section_lines(heading, sections)
        if lines:
            title = (headings or {}).get(heading, heading)
            blocks.append("\n".join([f"### {_one_line(title)}", *lines]))
    return "\n\n".join(blocks) + "\n"


def _section_lines(heading: str, sections: dict[str, str]) -> list[str]:
    lines: list[str] = []
    for section in NOTE_SECTIONS:
        if section.heading != heading:
            continue
        entries = _entries(sections.get(section.key, ""))
        if not entries:
            continue
        if section.label is None:
            lines.extend(f"- {entry}" for entry in entries)
        else:
            # Extra lines become an indented continuation of the labelled bullet.
            first, *rest = entries
            lines.append(f"- {section.label}: {first}")
            lines.extend(f"  - {entry}" for entry in rest)
    return lines


def _entries(text: str) -> list[str]:
    """Split a note into escaped bullet entries, dropping blank lines and bullet marks."""
    entries = []
    for line in text.splitlines():
        entry = re.sub(r"^\s*[-*+]\s+", "", line).strip()
        if entry:
            entries.append(markdown_escape(entry))
    return entries


def _action_line(owner: str, action: str, due: str | None, done: bool) -> str:
    box = "[x]" if done else "[ ]"
    deadline = f" by {_one_line(due)}" if due and due.strip() else ""
    return f"- {box} {_who_will(_one_line(owner), _one_line(action))}{deadline}"


def _who_will(owner: str, action: str) -> str:
    """ "Ray Report will send the notes"; an action that already names its owner stands alone."""
    first = owner.split(" ", 1)[0]
    for name in (owner, first):
        if name and re.match(rf"{re.escape(name)}(?:'s|’s)?\b", action, re.IGNORECASE):
            return markdown_escape(action)
    if re.match(r"[A-Z][a-z]", action):
        action = action[0].lower() + action[1:]  # "Send the notes" after "will"
    return f"{markdown_escape(owner)} will {markdown_escape(action)}"


def _one_line(text: str) -> str:
    # A newline in a name or an action would break the Markdown structure.
    return " ".join(text.split())


# Every character CommonMark gives a meaning to inline: backslash-escaped, each
# reads as itself (no HTML, no link, no emphasis, no entity, no task box).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~&])")


def markdown_escape(text: str) -> str:
    """Text as typed, safe to put inside Markdown: it renders as itself, never as markup."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    # A line starting "1. " or "- " would become a list inside the bullet.
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", re.sub(r"^([-=])", r"\\\1", escaped))


# --- Sensitive matters ----------------------------------------------------------

# Each term with the word forms that count as mentioning it. Whole words only,
# so "childish", "healthcheck" or "familiar" do not trip the warning.
_SENSITIVE_FORMS: tuple[tuple[str, str], ...] = (
    ("health", r"health"),
    ("mental health", r"mental health"),
    ("illness", r"illness(?:es)?"),
    ("sick", r"sick(?:ness|nesses)?"),
    ("doctor", r"doctors?"),
    ("hospital", r"hospital(?:s|i[sz]ed|i[sz]ation)?"),
    ("diagnosis", r"diagnos(?:is|es|ed|e)"),
    ("surgery", r"surger(?:y|ies)"),
    ("medical", r"medical"),
    ("medication", r"medications?|medicines?"),
    ("therapy", r"therap(?:y|ies|ist|ists)"),
    ("counselling", r"counsell?(?:ing|ors?)"),
    ("depression", r"depression|depressed"),
    ("anxiety", r"anxiety|panic attacks?"),
    ("cancer", r"cancer"),
    ("injury", r"injur(?:y|ies|ed)"),
    ("disability", r"disabilit(?:y|ies)"),
    ("addiction", r"addict(?:ion|ions|ed)?"),
    ("pregnan", r"pregnan(?:t|cy|cies)"),
    ("miscarriage", r"miscarriages?"),
    ("fertility", r"fertility|ivf"),
    ("maternity", r"maternity"),
    ("paternity", r"paternity"),
    ("parental leave", r"parental leave"),
    ("family", r"famil(?:y|ies)"),
    ("child", r"child|children|childcare|childbirth"),
    ("kids", r"kids?"),
    ("spouse", r"spouses?|husbands?|wife|wives"),
    ("divorce", r"divorc(?:e|ed|es|ing)"),
    ("caregiver", r"care(?:giver|givers|giving|r|rs)"),
    ("funeral", r"funerals?"),
    ("bereavement", r"bereave(?:ment|d)"),
    ("death", r"death|died|passed away"),
    ("grief", r"grie(?:f|ving)"),
    ("religion", r"religio(?:n|ns|us)"),
)

SENSITIVE_TERMS: tuple[str, ...] = tuple(term for term, _ in _SENSITIVE_FORMS)
_SENSITIVE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (term, re.compile(rf"\b(?:{forms})\b", re.IGNORECASE)) for term, forms in _SENSITIVE_FORMS
)


def sensitive_matters(text: str) -> list[str]:
    """Return the sensitive terms a note mentions, in SENSITIVE_TERMS order."""
    spans = {
        term: [match.span() for match in pattern.finditer(text)]
        for term, pattern in _SENSITIVE_PATTERNS
    }
    found = {term: term_spans for term, term_spans in spans.items() if term_spans}
    # "mental health" should not also report "health": drop a term whose every
    # mention sits inside a longer term's mention.
    return [
        term
        for term, term_spans in found.items()
        if not all(_covered(span, term, found) for span in term_spans)
    ]


def _covered(span: tuple[int, int], term: str, found: dict[str, list[tuple[int, int]]]) -> bool:
    start, end = span
    return any(
        other_start <= start and end <= other_end and (other_end - other_start) > (end - start)
        for other, other_spans in found.items()
        if other != term
        for other_start, other_end in other_spans
    )


# A career-focused 1:1's notes follow its four parts (the guide's "Structure for Career
# 1:1"): each part's sections under the part's title, then what else came up. The recap
# keeps the documentation template's headings either way.
CAREER_NOTE_PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("progress_review", ("career_progress",)),
    ("feedback_exchange", ("feedback",)),
    ("forward_planning", ("career_goals", "career_next_focus")),
    ("action_items", ("follow_up",)),
)
ALSO_DISCUSSED_HEADING = "Also discussed"


def career_note_layout() -> tuple[tuple[str, tuple[NoteSection, ...]], ...]:
    """The career 1:1's note groups: (heading, sections), every section exactly once."""
    by_key = {section.key: section for section in NOTE_SECTIONS}
    titles = {part.key: part.title for part in CAREER_PARTS}
    groups = [
        (titles[part], tuple(by_key[key] for key in keys)) for part, keys in CAREER_NOTE_PARTS
    ]
    placed = {key for _, keys in CAREER_NOTE_PARTS for key in keys}
    rest = tuple(section for section in NOTE_SECTIONS if section.key not in placed)
    return (*groups, (ALSO_DISCUSSED_HEADING, rest))
