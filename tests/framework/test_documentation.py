from __future__ import annotations

import pytest

from rapport.framework.documentation import (
    ALWAYS_DOCUMENT,
    DOCUMENT_CAREFULLY,
    DOCUMENTATION_TEMPLATE,
    DONT_DOCUMENT,
    NOTE_SECTION_KEYS,
    NOTE_SECTIONS,
    PRIVATE_NOTES_HEADING,
    SENSITIVE_TERMS,
    WHY_DOCUMENT,
    recap_markdown,
    sensitive_matters,
)
from tests.framework.conftest import Block

TEMPLATE_SECTIONS = {
    "their_topics": "[Topic 1]: [Notes]\n[Topic 2]: [Notes]",
    "feedback": "[Specific feedback given]",
    "context": "[Information shared]",
    "career_progress": "[Summary]",
    "career_goals": "[Updates]",
    "career_next_focus": "[Areas]",
    "follow_up": "[Items to revisit next time]",
}
TEMPLATE_ACTIONS = [
    ("[Name]", "[action]", "[date]", False),
    ("[Manager]", "[action]", "[date]", False),
]


def template_without_private_notes(seed: Block) -> str:
    template = seed.section("Documentation Template").fence()
    shared, _private = template.split(f"\n### {PRIVATE_NOTES_HEADING}\n")
    return shared


def test_it_keeps_why_to_document_verbatim(seed: Block) -> None:
    assert list(WHY_DOCUMENT) == seed.section("Why Document?").bullets()


def test_it_keeps_what_to_document_verbatim(seed: Block) -> None:
    what = seed.section("What to Document")
    assert list(ALWAYS_DOCUMENT) == what.bold("✅ Always Document:").bullets()
    assert list(DOCUMENT_CAREFULLY) == what.bold("⚠️ Document Carefully:").bullets()
    assert list(DONT_DOCUMENT) == what.bold("❌ Don't Document:").bullets()


def test_it_keeps_the_documentation_template_verbatim(seed: Block) -> None:
    assert seed.section("Documentation Template").fence() == DOCUMENTATION_TEMPLATE


def test_it_names_the_note_sections_the_app_stores() -> None:
    assert NOTE_SECTION_KEYS == (
        "their_topics",
        "my_topics",
        "feedback",
        "context",
        "career_progress",
        "career_goals",
        "career_next_focus",
        "follow_up",
    )
    assert all(section.title and section.hint for section in NOTE_SECTIONS)


def test_it_places_each_labelled_section_where_the_template_writes_it() -> None:
    for section in NOTE_SECTIONS:
        assert f"### {section.heading}\n" in DOCUMENTATION_TEMPLATE
        if section.label is not None:
            assert f"- {section.label}: [" in DOCUMENTATION_TEMPLATE


def test_it_renders_the_seed_template_exactly_minus_private_notes(seed: Block) -> None:
    recap = recap_markdown(
        name="[Name]", date="[Date]", sections=TEMPLATE_SECTIONS, action_items=TEMPLATE_ACTIONS
    )
    # The placeholders pass as people's text, so their brackets come escaped.
    assert recap.replace("\\", "") == template_without_private_notes(seed)


def test_it_never_renders_a_private_notes_section() -> None:
    recap = recap_markdown(
        name="Ray",
        date="2025-03-04",
        sections={key: "something" for key in NOTE_SECTION_KEYS},
        action_items=[("Ray", "write the RFC", None, False)],
    )
    assert "Private" not in recap
    assert PRIVATE_NOTES_HEADING not in recap


def test_it_refuses_a_private_notes_section_passed_by_mistake() -> None:
    with pytest.raises(ValueError, match=r"Unknown note sections \['private_notes'\]"):
        recap_markdown(
            name="Ray",
            date="2025-03-04",
            sections={"their_topics": "Roadmap", "private_notes": "worried about Ray"},
            action_items=[],
        )


def test_it_renders_a_real_recap_in_the_template_shape() -> None:
    recap = recap_markdown(
        name="Ray Osei",
        date="2025-03-04",
        sections={
            "their_topics": "- Migration: blocked on infra review\n\n* Conference talk",
            "my_topics": "Reorg next quarter",
            "feedback": "Great incident write-up\nConsider shorter PRs",
            "career_next_focus": "System design",
        },
        action_items=[
            ("Ray", "draft the talk abstract", "2025-03-11", False),
            ("Mia", "ask infra for a reviewer", None, True),
        ],
    )
    assert recap == (
        "## 1:1 with Ray Osei - 2025-03-04\n"
        "\n"
        "### Their Topics\n"
        "- Migration: blocked on infra review\n"
        "- Conference talk\n"
        "\n"
        "### My Topics\n"
        "- Reorg next quarter\n"
        "- Feedback: Great incident write-up\n"
        "  - Consider shorter PRs\n"
        "\n"
        "### Career Discussion\n"
        "- Next focus: System design\n"
        "\n"
        "### Action Items\n"
        "- [ ] Ray will draft the talk abstract by 2025-03-11\n"
        "- [x] Mia will ask infra for a reviewer\n"
    )


def test_it_leaves_out_headings_with_nothing_under_them() -> None:
    recap = recap_markdown(
        name="Ray", date="today", sections={"follow_up": "  \n"}, action_items=[]
    )
    assert recap == "## 1:1 with Ray - today\n"


def test_it_keeps_names_and_actions_on_one_line() -> None:
    recap = recap_markdown(
        name="Ray\n## injected",
        date="2025-03-04",
        sections={},
        action_items=[("Ray", "fix\n### the build", "Friday", False)],
    )
    assert recap.splitlines()[0] == "## 1:1 with Ray \\#\\# injected - 2025-03-04"
    assert "- [ ] Ray will fix \\#\\#\\# the build by Friday" in recap
    assert recap.count("\n### ") == 1


def test_it_puts_the_summary_of_key_points_first() -> None:
    recap = recap_markdown(
        name="Ray",
        date="2025-03-04",
        sections={"their_topics": "Roadmap"},
        action_items=[],
        summary="Agreed on the migration plan\nRay leads the RFC",
    )
    assert recap.startswith(
        "## 1:1 with Ray - 2025-03-04\n\n### Summary of key points\n"
        "- Agreed on the migration plan\n- Ray leads the RFC\n\n### Their Topics\n"
    )


@pytest.mark.parametrize(
    "action",
    ["Ingrid drafts the RFC", "Ingrid Larsen drafts the RFC", "ingrid's draft goes to review"],
)
def test_an_action_that_names_its_owner_is_not_prefixed_with_the_name_again(action) -> None:
    recap = recap_markdown(
        name="Ray", date="today", sections={}, action_items=[("Ingrid Larsen", action, None, False)]
    )
    assert f"- [ ] {action}\n" in recap
    assert "will Ingrid" not in recap and "will ingrid" not in recap


def test_an_action_in_the_imperative_reads_as_a_sentence_after_will() -> None:
    recap = recap_markdown(
        name="Ray", date="today", sections={}, action_items=[("Ray", "Send the notes", None, False)]
    )
    assert "- [ ] Ray will send the notes\n" in recap


def test_markdown_people_wrote_is_escaped_so_it_injects_no_html_or_link() -> None:
    from markdown_it import MarkdownIt

    hostile = "<img src=x onerror=alert(1)> [click](javascript:alert(1)) **bold** &lt; `x`"
    recap = recap_markdown(
        name="<b>Ray</b>",
        date="today",
        sections={"their_topics": hostile, "follow_up": "1. not a list\n# not a heading"},
        action_items=[("Ray", hostile, None, False)],
        summary=hostile,
    )
    html = MarkdownIt("commonmark", {"html": True}).render(recap)
    for markup in ("<img", "<a ", "<strong>", "<b>", "<code>", "<ol", "<h1"):
        assert markup not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&amp;lt;" in html  # an entity people typed stays as typed


def test_it_flags_health_and_family_matters() -> None:
    note = "She was in hospital last week; her father's funeral is Friday and the kids are sick."
    assert sensitive_matters(note) == ["sick", "hospital", "kids", "funeral"]


def test_it_matches_sensitive_terms_whatever_the_case() -> None:
    assert sensitive_matters("THERAPY on Tuesdays") == ["therapy"]
    assert sensitive_matters("Announced her Pregnancy") == ["pregnan"]


def test_it_matches_the_usual_word_forms_of_a_term() -> None:
    assert sensitive_matters("pregnant") == ["pregnan"]
    assert sensitive_matters("two children") == ["child"]
    assert sensitive_matters("my child's school") == ["child"]
    assert sensitive_matters("was diagnosed") == ["diagnosis"]
    assert sensitive_matters("new medications") == ["medication"]
    assert sensitive_matters("getting divorced") == ["divorce"]


def test_it_does_not_flag_words_that_merely_start_like_a_term() -> None:
    text = (
        "A childish bug in the healthcheck; familiar with the diagnostics dashboard; "
        "career goals; sickle-cell is a word; kidding aside, the therapeutic effect"
    )
    assert sensitive_matters(text) == []


def test_it_reports_mental_health_once_rather_than_health_too() -> None:
    assert sensitive_matters("We talked about mental health support") == ["mental health"]
    both = sensitive_matters("Mental health days help; his health is fine")
    assert both == ["health", "mental health"]


def test_it_reports_each_term_once_in_a_stable_order() -> None:
    assert sensitive_matters("family, family, and more family") == ["family"]
    assert sensitive_matters("") == []


def test_it_covers_the_terms_the_seed_asks_to_document_carefully() -> None:
    for term in ("health", "family", "child", "divorce", "funeral", "therapy", "mental health"):
        assert term in SENSITIVE_TERMS
    assert len(SENSITIVE_TERMS) == len(set(SENSITIVE_TERMS))
