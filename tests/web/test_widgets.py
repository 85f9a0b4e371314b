"""Widgets written in Python give exactly the HTML of Django's widget templates."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.web.widgets import WRITERS, WidgetRenderer

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
CHOICES = [("", "—"), ("a", "A & <b>"), (3, 3), ("x\"y'z", "quoted \" ' label")]
GROUPED = [("Fruit", [("apple", "Apple"), ("pear", "Pear <ripe>")]), ("none", "None at all")]

WIDGETS = [
    forms.TextInput(),
    forms.TextInput(attrs={"placeholder": 'say "hi" & <go>', "maxlength": 20, "required": True}),
    forms.NumberInput(attrs={"min": 1, "max": 5, "step": "any"}),
    forms.EmailInput(attrs={"autocomplete": "off", "disabled": False}),
    forms.PasswordInput(render_value=True),
    forms.HiddenInput(),
    forms.DateInput(attrs={"type": "date"}),
    forms.TimeInput(),
    forms.DateTimeInput(),
    forms.URLInput(),
    forms.CheckboxInput(),
    forms.Textarea(attrs={"rows": 3, "class": "notes"}),
    forms.Select(choices=CHOICES),
    forms.Select(choices=GROUPED, attrs={"class": "wide"}),
    forms.SelectMultiple(choices=CHOICES),
    forms.NullBooleanSelect(),
    forms.RadioSelect(choices=CHOICES),  # left to Django's templates
]
VALUES = [None, "", "plain", "<b>bold</b> & 'q' \"dq\"", 0, 7, 2.5, True, False, "a", 3]
VALUES += [mark_safe("<i>kept</i>"), dt.date(2026, 12, 6), ["a", 3], "line\nbreak\r\n"]


def _render(widget: forms.Widget, value: object, renderer: object) -> str:
    return widget.render("field", value, attrs={"id": "id_field"}, renderer=renderer)


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda widget: type(widget).__name__)
@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_the_same_html_as_django(widget: forms.Widget, value: object) -> None:
    try:
        django = _render(widget, value, DjangoTemplates())
    except TypeError:  # a value this widget cannot show (a list in a yes/no select)
        with pytest.raises(TypeError):
            _render(widget, value, WidgetRenderer())
        return
    assert _render(widget, value, WidgetRenderer()) == django


@settings(max_examples=200, deadline=None)
@given(value=TEXT, name=TEXT, attr=TEXT, label=TEXT)
def test_the_same_html_as_django_for_any_text(value: str, name: str, attr: str, label: str) -> None:
    for widget in (
        forms.TextInput(attrs={"placeholder": attr, "data-x": name or "y"}),
        forms.Textarea(attrs={"title": attr}),
        forms.Select(choices=[(value, label), (attr, name)]),
    ):
        ours = widget.render(name or "n", value, renderer=WidgetRenderer())
        assert ours == widget.render(name or "n", value, renderer=DjangoTemplates())


def test_inputs_text_areas_and_selects_are_written_in_python() -> None:
    assert {"django/forms/widgets/text.html", "django/forms/widgets/textarea.html"} <= set(WRITERS)
    assert "django/forms/widgets/select.html" in WRITERS
    assert "django/forms/widgets/radio.html" not in WRITERS
