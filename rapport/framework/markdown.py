"""Markdown for notes: CommonMark rendered, then sanitised so no script survives."""

from __future__ import annotations

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


def render_markdown(text: str) -> str:
    """Markdown to safe HTML: links keep only http(s) and mailto, and open safely."""
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
