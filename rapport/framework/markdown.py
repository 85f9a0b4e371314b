"""Markdown for notes: CommonMark rendered, then sanitised so no script survives."""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

_parser = (
    MarkdownIt("commonmark", {"html": False, "linkify": False})
    .enable("table")
    .enable("strikethrough")
)

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}


# A task list item ("- [ ] ...", "- [x] ...") shows a box, not its brackets.
_TASK_BOXES = {"<li>[ ] ": "<li>☐ ", "<li>[x] ": "<li>☑ ", "<li>[X] ": "<li>☑ "}


# Notes repeat themselves (empty sections, a generated organisation's history, the same
# line in many meetings): a short text's HTML is kept once rendered, within a bounded memory.
CACHED_UP_TO = 2_000
CACHED_TEXTS = 4_096


def render_markdown(text: str) -> str:
    """Markdown to safe HTML: links keep only http(s) and mailto, and open safely."""
    if len(text) <= CACHED_UP_TO:
        return _render_short(text)
    return _render(text)


@lru_cache(maxsize=CACHED_TEXTS)
def _render_short(text: str) -> str:
    return _render(text)


def _render(text: str) -> str:
    html = nh3.clean(
        _parser.render(text),
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    for brackets, box in _TASK_BOXES.items():
        html = html.replace(brackets, box)
    return html
