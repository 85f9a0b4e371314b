"""Markdown for notes: CommonMark rendered, then sanitised so no script survives."""

from __future__ import annotations

import re
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


# A plain bullet list, one line per item, each beginning with a letter, a digit or bold
# text, without brackets: no item can reach another (no blank line, no continuation, no
# link reference, no thematic break), so the list's HTML is its items' HTML in a row, and
# each item's is kept once rendered: a list made of lines seen before costs no parsing.
_PLAIN_ITEM = re.compile(r"- (?:\*\*)?[A-Za-z0-9][^\[\]\r\n]*")
_LIST_OPEN, _LIST_CLOSE = "<ul>\n", "</ul>\n"


def render_markdown(text: str) -> str:
    """Markdown to safe HTML: links keep only http(s) and mailto, and open safely."""
    if len(text) > CACHED_UP_TO:
        return _render(text)
    if "\n" in text:
        lines = text.split("\n")
        if all(_PLAIN_ITEM.fullmatch(line) for line in lines):
            items = [_render_short(line) for line in lines]
            if all(i.startswith(_LIST_OPEN) and i.endswith(_LIST_CLOSE) for i in items):
                inner = (i[len(_LIST_OPEN) : -len(_LIST_CLOSE)] for i in items)
                return _LIST_OPEN + "".join(inner) + _LIST_CLOSE
    return _render_short(text)


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
