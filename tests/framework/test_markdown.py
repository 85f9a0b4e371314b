"""Markdown renders the same, sanitised, whether a text's HTML was kept or is made again."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.framework import markdown
from rapport.framework.markdown import render_markdown

SCRIPT = "**Ship** it <script>alert(1)</script> [x](javascript:alert(2))"


def test_a_short_text_rendered_again_gives_the_same_safe_html() -> None:
    first = render_markdown(SCRIPT)
    assert render_markdown(SCRIPT) == first
    assert "<strong>Ship</strong>" in first
    assert "<script" not in first and 'href="javascript' not in first


def test_a_long_text_is_rendered_whole_and_not_kept() -> None:
    long = "- [x] done\n" + "word " * markdown.CACHED_UP_TO
    before = markdown._render_short.cache_info().currsize
    html = render_markdown(long)
    assert html.startswith("<ul>\n<li>☑ done")
    assert html.count("word") == markdown.CACHED_UP_TO
    assert markdown._render_short.cache_info().currsize == before


def test_the_kept_texts_are_bounded() -> None:
    for number in range(markdown.CACHED_TEXTS + 10):
        render_markdown(f"note {number}")
    assert markdown._render_short.cache_info().currsize == markdown.CACHED_TEXTS


# Lines as notes hold them: words, Markdown's inline marks, and what could reach across
# lines if the list were not plain (underlines, rules, fences, references, breaks).
LINE_PIECES = st.sampled_from(
    ["a", "Word", "1.", "1)", "**", "*", "_", "`", "```", "---", "===", "> ", "# ", "<b>",
     "&amp;", "\\", "  ", ":", " ", "- ", "* ", "[x]", "[a]: http://x", "<http://x>", "\t"]
)  # fmt: skip
LINES = st.lists(st.lists(LINE_PIECES, max_size=8).map("".join), min_size=1, max_size=6)


@settings(max_examples=400, deadline=None)
@given(lines=LINES)
def test_a_bullet_list_renders_as_a_whole_text_does(lines: list[str]) -> None:
    text = "\n".join(f"- {line}" for line in lines)
    assert render_markdown(text) == markdown._render(text)


def test_a_plain_list_is_made_of_its_kept_lines() -> None:
    lines = ["- **Positive**: shipped it.", "- Carried & `kept`", "- 2 things: discussed."]
    text = "\n".join(lines)
    markdown._render_short.cache_clear()
    assert render_markdown(text) == markdown._render(text)
    assert markdown._render_short.cache_info().currsize == len(lines)
