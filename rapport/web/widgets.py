"""Form widgets written in Python: Django's own HTML, without its template engine.

Django renders each field of a form through its widget templates, about half a
millisecond a field; a page with a few forms paid several milliseconds for inputs,
text areas and selects. `WidgetRenderer` writes those three the way Django's templates
do (a test compares both on every kind of value) and leaves every other widget to them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.html import conditional_escape as escape

WIDGETS = "django/forms/widgets/"
INPUTS = "input checkbox text number email password hidden date time datetime url search tel color"


def _attrs(attrs: Mapping[str, Any]) -> str:
    return "".join(
        f" {escape(name)}" + ("" if value is True else f'="{escape(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{escape(value)}"'
    return (
        f'<input type="{escape(widget["type"])}" '
        f'name="{escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def _textarea(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    text = escape(value) if value else ""
    return f'<textarea name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{text}</textarea>'


def _option(option: Mapping[str, Any]) -> str:
    return (
        f'<option value="{escape(option["value"])}"{_attrs(option["attrs"])}>'
        f"{escape(option['label'])}</option>"
    )


def _select(widget: Mapping[str, Any]) -> str | None:
    parts = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group, options, _ in widget["optgroups"]:
        if group:
            parts.append(f'\n  <optgroup label="{escape(group)}">')
        for option in options:
            if option["template_name"] != WIDGETS + "select_option.html":
                return None
            # Django's option template ends with a line break, which its include keeps.
            parts.append(f"\n  {_option(option)}\n")
        if group:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


WRITERS: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    **{f"{WIDGETS}{name}.html": _input for name in INPUTS.split()},
    WIDGETS + "textarea.html": _textarea,
    WIDGETS + "select.html": _select,
}


class WidgetRenderer(DjangoTemplates):
    """Django's renderer, with inputs, text areas and selects written in Python."""

    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> str:
        write = WRITERS.get(template_name)
        written = write(context["widget"]) if write is not None else None
        if written is None:
            return super().render(template_name, context, request)
        return written.strip()
