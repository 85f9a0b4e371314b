"""Forms parse and check input; the services decide."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from markupsafe import escape

from rapport.framework.agenda import HELD_MINUTES_MAX, HELD_MINUTES_MIN, MOOD_MAX, MOOD_MIN
from rapport.framework.cadence import (
    ADJUSTMENT_REASONS,
    SERIES_CAREER_EVERY_WEEKS,
    SERIES_FREQUENCY_WEEKS,
    SERIES_MINUTES,
    CadenceChoice,
)
from rapport.framework.levels import LEVEL_CHOICES
from rapport.meetings.models import Series, Topic
from rapport.meetings.scheduling import WEEKDAY_NAMES
from rapport.people.models import Person
from rapport.people.services import timezone_choices


class SetupForm(forms.Form):
    organisation_name = forms.CharField(max_length=200, label="Organisation")
    name = forms.CharField(max_length=200, label="Your name")
    email = forms.EmailField(label="Your email")
    password = forms.CharField(widget=forms.PasswordInput, label="Password", strip=False)


# People (the people page, the person page, roster import) ---------------------------

ROSTER_MAX_BYTES = 1_000_000


class ManagerInput(forms.TextInput):
    """An email box with the organisation's managers suggested (a <datalist>): the first
    few in the page, then, as one types, those matching (htmx asks the server), so the page
    stays small however many people there are; anyone else is typed in full."""

    input_type = "email"

    def __init__(self, suggested: Sequence[tuple[str, str]] = ()) -> None:
        super().__init__(attrs={"autocomplete": "off"})
        self.suggested = suggested

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> str:
        options = f"{(attrs or {}).get('id') or name}-choices"
        asks = {
            "hx-get": reverse("manager_suggestions"),
            "hx-trigger": "input changed delay:250ms",
            "hx-target": f"#{options}",
            "hx-swap": "innerHTML",
        }
        box = super().render(name, value, {**(attrs or {}), "list": options, **asks}, renderer)
        return box + format_html(
            '<datalist id="{}">{}</datalist>', options, mark_safe(options_html(self.suggested))
        )


class ManagerField(forms.ModelChoiceField):
    """A manager given by email (or id), checked against whom the admin may choose."""

    default_error_messages = {
        "invalid_choice": "Nobody active in your organisation has this email: "
        "type the email of someone on the roster, or leave it empty for no manager."
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=None, widget=ManagerInput(), **kwargs)

    def to_python(self, value: Any) -> Person | None:
        text = str(value).strip() if value not in self.empty_values else ""
        if not text:
            return None
        found = self.queryset.filter(pk=int(text)) if text.isdecimal() else None
        if found is None:
            found = self.queryset.filter(email__iexact=text)
        people = list(found[:2])
        if len(people) != 1:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return people[0]

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, Person):
            return value.email
        return "" if value is None else str(value)


class PlainSelect(forms.Select):
    """A <select> written in one pass: Django's widget templates render each of the six
    hundred time zones through a template, the slowest part of a page that shows one.
    The options are escaped once per list of choices; only the chosen one is marked."""

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> str:
        options = _kept_options_html(tuple(self.choices))
        chosen = "" if value is None else str(value)
        marker = f'<option value="{escape(chosen)}">'
        options = options.replace(marker, marker[:-1] + " selected>", 1)
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        return format_html("<select{}>{}</select>", flatatt(final), mark_safe(options))


def options_html(choices: Iterable[tuple[Any, Any]]) -> str:
    """<option> elements, escaped, in one pass (Django's format_html costs ten times more)."""
    return "".join(
        f'<option value="{escape(key)}">{escape(label)}</option>' for key, label in choices
    )


_kept_options_html = functools.lru_cache(maxsize=64)(options_html)


class KeptChoices(BaseChoiceIterator):
    """Choices already in Django's (value, label) form, used as they are: a form would
    otherwise copy the six hundred time zones twice each time it is made."""

    def __init__(self, choices: tuple[tuple[str, str], ...]) -> None:
        self.choices = choices

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.choices)


@functools.lru_cache(maxsize=64)
def _timezone_field_choices(current: str | None) -> KeptChoices:
    zones = tuple((zone, zone.replace("_", " ")) for zone in timezone_choices())
    if current and current not in timezone_choices():
        zones = ((current, current.replace("_", " ")), *zones)  # a legacy name an import stored
    return KeptChoices(zones)


class PersonForm(forms.Form):
    """A person's details as an org admin edits them; the services check the rules."""

    name = forms.CharField(max_length=200, label="Name")
    level = forms.ChoiceField(
        choices=[("", "No level (not an individual contributor)"), *LEVEL_CHOICES],
        required=False,
        label="Level",
    )
    manager = ManagerField(
        required=False,
        label="Manager",
        help_text="Their email; empty for no manager. Current managers are suggested.",
    )
    timezone = forms.ChoiceField(label="Timezone", widget=PlainSelect)
    remote = forms.BooleanField(required=False, label="Works remotely")
    is_org_admin = forms.BooleanField(required=False, label="Organisation admin")

    def __init__(
        self,
        *args: Any,
        managers: QuerySet[Person],
        suggested: Sequence[tuple[str, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = managers
        self.fields["manager"].widget.suggested = suggested
        self.fields["timezone"].choices = _timezone_field_choices(self.initial.get("timezone"))

    @classmethod
    def for_person(
        cls,
        person: Person,
        *,
        managers: QuerySet[Person],
        suggested: Sequence[tuple[str, str]] = (),
    ) -> PersonForm:
        initial = {
            "name": person.name,
            "level": person.level,
            "manager": person.manager,
            "timezone": person.timezone,
            "remote": person.remote,
            "is_org_admin": person.is_org_admin,
        }
        return cls(initial=initial, managers=managers, suggested=suggested)


class InviteForm(PersonForm):
    email = forms.EmailField(max_length=254, label="Email")
    field_order = ["email", "name", "level", "manager", "timezone", "remote", "is_org_admin"]


class OwnSettingsForm(forms.Form):
    """What a person changes about themselves on their settings page."""

    name = forms.CharField(max_length=200, label="Name")
    timezone = forms.ChoiceField(label="Timezone", widget=PlainSelect)
    remote = forms.BooleanField(required=False, label="I work remotely")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = _timezone_field_choices(self.initial.get("timezone"))

    @classmethod
    def for_person(cls, person: Person, data: Any = None) -> OwnSettingsForm:
        initial = {"name": person.name, "timezone": person.timezone, "remote": person.remote}
        return cls(data, initial=initial)


class PasswordChangeForm(forms.Form):
    """The current password, and the new one twice; the service checks and applies them."""

    current_password = forms.CharField(
        label="Current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label="New password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_again = forms.CharField(
        label="New password, again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        new, again = data.get("new_password"), data.get("new_password_again")
        if new and again and new != again:
            self.add_error("new_password_again", "The two new passwords differ.")
        return data


class RosterForm(forms.Form):
    """A roster CSV upload, checked for size and encoding, its text in cleaned_data."""

    file = forms.FileField(label="Roster file (CSV)")
    send_invites = forms.BooleanField(
        required=False, label="Email each new person their set-password link"
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > ROSTER_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1_000_000:.1f} MB: a roster file may be 1 MB at most."
            )
        data = upload.read(ROSTER_MAX_BYTES + 1)
        if len(data) > ROSTER_MAX_BYTES:
            raise forms.ValidationError("The file is larger than 1 MB.")
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8”."
            ) from None


# Meetings (the meeting page, the series page, action items) -----------------------

WEEKDAYS = tuple(enumerate(WEEKDAY_NAMES))
NO_KIND = ("", "No tag")


def _participant_choices(series: Series) -> list[tuple[str, str]]:
    return [(str(person.pk), person.name) for person in (series.report, series.manager)]


NEEDS_TEXT = {"required": "needs some text."}


class TopicForm(forms.Form):
    text = forms.CharField(max_length=500, label="Topic", error_messages=NEEDS_TEXT)
    kind = forms.ChoiceField(choices=[NO_KIND, *Topic.Kind.choices], required=False, label="Tag")


class ActionItemForm(forms.Form):
    """An action item: who will do what, by when; the owner is one of the two people."""

    text = forms.CharField(max_length=500, label="Action", error_messages=NEEDS_TEXT)
    owner = forms.ChoiceField(
        label="Owner",
        error_messages={"invalid_choice": "choose one of the two people in this 1:1."},
    )
    due_on = forms.DateField(
        required=False, label="Due", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, series: Series, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.series = series
        self.fields["owner"].choices = _participant_choices(series)

    def owner_person(self) -> Person:
        owner_id = int(self.cleaned_data["owner"])
        return self.series.report if owner_id == self.series.report_id else self.series.manager

    def item(self) -> dict[str, Any]:
        """The item as the services take it: text, owner and due date."""
        data = self.cleaned_data
        return {"text": data["text"], "owner": self.owner_person(), "due_on": data["due_on"]}


class CompleteForm(forms.Form):
    held_minutes = forms.IntegerField(
        min_value=HELD_MINUTES_MIN, max_value=HELD_MINUTES_MAX, label="Real length (minutes)"
    )
    mood = forms.TypedChoiceField(
        choices=[("", "Not recorded"), *((n, str(n)) for n in range(MOOD_MIN, MOOD_MAX + 1))],
        coerce=int,
        empty_value=None,
        required=False,
        label=f"Mood at the check-in ({MOOD_MIN}–{MOOD_MAX})",
    )


class WallClockDateTimeField(forms.DateTimeField):
    """A date and time as typed, left naive: the service reads it in the person's timezone.

    Django's own field would localise it first and refuse a daylight-saving gap with
    a generic message; the service refuses it with a clearer one.
    """

    def to_python(self, value: Any) -> dt.datetime | None:
        with timezone.override(dt.UTC):
            parsed = super().to_python(value)
        return None if parsed is None else parsed.replace(tzinfo=None)


class CancelForm(forms.Form):
    """Calling a 1:1 off: always a reason, and a new time unless it is explicitly skipped."""

    reason = forms.CharField(max_length=300, label="Why (the other person sees this)")
    new_time = WallClockDateTimeField(
        required=False,
        label="New time",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    skip = forms.BooleanField(required=False, label="Skip this one: no new time")


class CadenceForm(forms.Form):
    """How often and how long a 1:1 runs; the service decides when a reason is needed."""

    frequency_weeks = forms.TypedChoiceField(
        choices=[
            (1, "Every week"),
            *((n, f"Every {n} weeks") for n in range(2, SERIES_FREQUENCY_WEEKS[1] + 1)),
        ],
        coerce=int,
        label="Frequency",
    )
    duration_minutes = forms.IntegerField(
        min_value=SERIES_MINUTES[0],
        max_value=SERIES_MINUTES[1],
        label="Duration (minutes)",
        widget=forms.NumberInput(attrs={"step": 5}),
    )
    career_every_weeks = forms.IntegerField(
        min_value=SERIES_CAREER_EVERY_WEEKS[0],
        max_value=SERIES_CAREER_EVERY_WEEKS[1],
        label="Career-focused 1:1 every (weeks)",
    )
    weekday = forms.TypedChoiceField(choices=WEEKDAYS, coerce=int, label="Weekday")
    start_time = forms.TimeField(
        label="Time", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    reason = forms.ChoiceField(
        choices=[("", "No adjustment (the framework's cadence)"), *ADJUSTMENT_REASONS],
        required=False,
        label="Reason to adjust",
    )
    note = forms.CharField(
        max_length=500,
        required=False,
        label="Note",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def choice(self) -> CadenceChoice:
        return CadenceChoice(**self.cleaned_data)


# Days away (sacred time) ---------------------------------------------------------


class AbsenceForm(forms.Form):
    """Days away: the 1:1s that fall on them are flagged to move."""

    starts_on = forms.DateField(
        label="First day away", widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label="Last day away", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(max_length=200, required=False, label="Note (only you see it)")
