"""Markdown renders the same, sanitised, whether a text's HTML was kept or is made again."""

from __future__ import annotations

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
