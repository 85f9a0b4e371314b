"""What every view shares: htmx detection, refusals with a reason, POST-only guards.

A service's `Refused` becomes a response here and nowhere else: `person_view` turns
one that a view lets through into a 4xx carrying its message.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.forms import Form, PasswordInput
from django.forms.utils import ErrorDict, ErrorList
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import render
from django.urls import reverse

from rapport.errors import Refused
from rapport.people import services as people_services

if TYPE_CHECKING:
    from rapport.meetings.models import Meeting

T = TypeVar("T")


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def refuse(message: str, status: int = 400) -> HttpResponse:
    """A 4xx carrying a message people can act on (shown by rapport.js for htmx calls)."""
    return JsonResponse({"error": message}, status=status)


def refused(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    """A refusal: JSON for htmx (shown in place by rapport.js), an error page otherwise."""
    if is_htmx(request):
        return refuse(message, status)
    context = {"status": status, "title": "Not saved", "message": message}
    return render(request, "web/error.html", context, status=status)


def refusal(request: HttpRequest, error: Refused) -> HttpResponse:
    """The response to a service's refusal: its message, with its status (409 for a conflict)."""
    return refused(request, str(error), error.status)


# The field a confirmation page adds to the form it sends again: the question's token.
CONFIRMED = "confirmed"

NOT_ASKED = (
    "This confirmation was not recognised (it may have expired): nothing was saved. "
    "Send the form again."
)
SENT_TWICE = "Sent twice: the second one changed nothing."

_CLAIMED = "rapport_confirmed"  # request attribute: the token this request's yes claimed


class AnsweredBefore(Exception):
    """The yes sent was given before: the browser goes where the first one led."""

    def __init__(self, landed: str) -> None:
        super().__init__(landed)
        self.landed = landed


def is_confirmed(request: HttpRequest, asked: str = "") -> bool:
    """Whether this POST is the yes to a question put to this person, claimed once.

    From a confirmation page, its token: claimed here (AnsweredBefore when that yes was
    given before, refused when there is no such question), and the question this address
    asked is answered: its page leads back from now on. With htmx, the question `asked`
    in place, if it waited for its yes: sending the same form again is the yes, once.
    """
    token = request.POST.get(CONFIRMED, "")
    if token:
        if getattr(request, _CLAIMED, None) != token:
            answer = people_services.confirmation_answer(
                actor=request.user, token=token, path=request.path
            )
            if answer is None:
                raise Refused(NOT_ASKED)
            if not answer.first:
                raise AnsweredBefore(answer.landed)
            setattr(request, _CLAIMED, token)
        stashed(request, _asked_key(request))
        return True
    if asked and is_htmx(request):
        return people_services.confirmation_answer_in_place(
            actor=request.user, path=request.path, question=f"in-place:{asked}"
        )
    return False


def _answered_once(request: HttpRequest, respond: Callable[[], HttpResponse]) -> HttpResponse:
    """A POST carrying a yes, run in one transaction with its claim (`is_confirmed`), so the
    same yes sent again waits for it, then writes nothing and leads where this one led.

    A refusal (4xx) undoes the claim with the rest: nothing was done, the yes still holds."""
    try:
        with transaction.atomic():
            response = respond()
            token = getattr(request, _CLAIMED, None)
            if response.status_code >= 400:
                transaction.set_rollback(True)
            elif token and response.has_header("Location"):
                people_services.confirmation_landed(
                    actor=request.user, token=token, landed=response["Location"]
                )
    except AnsweredBefore as before:
        from django.contrib import messages

        messages.info(request, SENT_TWICE)
        return see_other(before.landed)
    return response


def past_due_confirmed(
    request: HttpRequest, *, asked: str, back: str, write: Callable[[bool], object]
) -> HttpResponse | None:
    """Run `write(ask_if_past)`: None once written, or the page asking whether a due date in
    the past is meant (the same form again; `asked` names the question for htmx calls)."""
    from rapport.meetings.services import NeedsConfirmation

    try:
        write(not is_confirmed(request, asked))
    except NeedsConfirmation as question:
        return confirm_page(
            request,
            str(question),
            title="A date in the past?",
            confirm_label="Keep this date",
            back=back,
            asked=asked,
        )
    return None


# The most a form kept with its question may hold (names and values, in characters): far
# more than any form that asks, little enough for the session.
ASKED_FORM_MOST = 8000


# The title of the question a time outside someone's working hours asks (a move, a cadence).
OUTSIDE_HOURS_TITLE = "Outside working hours?"


def confirm_page(
    request: HttpRequest,
    question: str,
    *,
    title: str,
    confirm_label: str,
    back: str,
    asked: str = "",
) -> HttpResponse:
    """Ask before doing something unusual: the same form again, with the confirmation.

    htmx calls get the question in place (409); sending the same form again is the yes.
    A form sent without htmx is kept with its question (never a password) for the person
    asked, and the browser is sent (303) to the form's own address, where `asked_again`
    shows the question: Back or reload there never resends the form. Its yes carries the
    question's token, claimed once (`is_confirmed`): sent twice, it is done once.
    """
    if is_htmx(request):
        if asked:
            people_services.confirmation_ask(
                actor=request.user, path=request.path, question=f"in-place:{asked}", back=back
            )
            question = f"{question} Send it again to keep it, or change it."
        return refuse(question, 409)
    # No form here to tell a password field: its name does (Django's all say "password").
    sent = [
        name
        for name in request.POST
        if name not in ("csrfmiddlewaretoken", CONFIRMED) and "password" not in name.lower()
    ]
    fields = _kept_values(request.POST, sent)
    page = {
        "title": title,
        "question": question,
        "confirm_label": confirm_label,
        "back": back,
        "fields": fields,
        "token": _token_for(request, fields, back),
    }
    if request.method == "GET":  # asked on a page of its own already
        return _confirm_render(request, page, status=200)
    size = sum(len(name) + sum(map(len, values)) for name, values in fields.items())
    if size > ASKED_FORM_MOST:
        return _confirm_render(request, page, status=409)  # too much to keep: asked in reply
    return back_with(request, request.path, _asked_key(request), **page)


def _token_for(request: HttpRequest, fields: dict[str, list[str]], back: str) -> str:
    """The token of the yes to the question about this form (the same form asked about
    again gets the same one until it is answered); the form is known by a digest only."""
    digest = hashlib.sha256(json.dumps(sorted(fields.items())).encode()).hexdigest()
    return people_services.confirmation_ask(
        actor=request.user, path=request.path, question=f"page:{digest}", back=back
    )


def asked_again(request: HttpRequest, *, back: str, pending: bool = True) -> HttpResponse:
    """The GET of a form's address once `confirm_page` asked about it: the question again,
    for the person asked, while it waits for an answer and still applies (`pending`); else
    a redirect back (the question's own way back, or `back` when none waits)."""
    forget = not pending or request.GET.get("answer") == "no"
    kept = stashed(request, _asked_key(request), once=forget)
    if kept is None:
        return HttpResponseRedirect(back)
    if forget:
        return HttpResponseRedirect(kept["state"]["back"])
    # "Not now" comes through here to forget the question: Back to this page then leads back.
    not_now = f"{request.path}?answer=no"
    return _confirm_render(request, {**kept["state"], "back": not_now}, status=200)


def _asked_key(request: HttpRequest) -> str:
    return f"asked:{request.path}"


def _confirm_render(request: HttpRequest, page: dict[str, Any], *, status: int) -> HttpResponse:
    # A question kept before questions had tokens has none: its yes is then asked again.
    context = {"token": "", **page, "action": request.path, "confirm_field": CONFIRMED}
    return render(request, "web/confirm.html", context, status=status)


def first_error(form: Form) -> str:
    """The first thing wrong with a form, in words, with its field's label."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        return f"{label}: {errors[0]}" if label else str(errors[0])
    return "Check the form."


def see_other(url: str) -> HttpResponse:
    """A 303: the browser GETs the page, so reloading it never resends the form."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def url_with(url: str, form: Form, *, anchor: str = "", **extra: str) -> str:
    """A page's address carrying a form's state (and `extra`) in its query, for a 303 there
    to show its errors, or to lead back to it as it was typed, at the page's own URL.

    For short forms without secrets only: the values end up in the address bar.
    """
    query = QueryDict(mutable=True)
    for name in form.fields:
        for value in form.data.getlist(name) if hasattr(form.data, "getlist") else []:
            query.appendlist(name, value.replace("\x00", ""))
    for name, value in extra.items():
        query[name] = value
    return f"{url}?{query.urlencode()}" + (f"#{anchor}" if anchor else "")


# After a refused POST to a POST-only address: what was sent and what was wrong, kept in
# the session for one read by the page the browser is sent back to (post/redirect/get).
_STASH = "rapport_refused_form"


def back_with(
    request: HttpRequest, url: str, key: str, form: Form | None = None, **state: Any
) -> HttpResponse:
    """A 303 to the page's own `url`, its form's data (never a password) and errors, and
    `state` (JSON), kept for `stashed(request, key)` to read once there, for this person.

    Reloading the page then GETs it (200), never a POST-only address (405)."""
    kept: dict[str, Any] = {
        "key": key,
        "by": request.user.pk,
        "state": state,
        "data": {},
        "errors": {},
    }
    if form is not None:
        names = [
            name
            for name in form.data
            if (field := form.fields.get(name)) is not None
            and not isinstance(field.widget, PasswordInput)
        ]
        kept["data"] = _kept_values(form.data, names)
        kept["errors"] = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
    request.session[_STASH] = kept
    return see_other(url)


def _kept_values(data: Any, names: list[str]) -> dict[str, list[str]]:
    """The values a form sent under `names`, as the session keeps them: no NUL bytes."""
    sent = data.getlist if hasattr(data, "getlist") else lambda name: []
    return {name: [str(value).replace("\x00", "") for value in sent(name)] for name in names}


def stashed(request: HttpRequest, key: str, *, once: bool = True) -> dict[str, Any] | None:
    """What `back_with` kept for this page (`key`) and this person, once: None on any later
    read (unless not `once`: then until a read `once`, or anything else is kept)."""
    kept = request.session.get(_STASH)
    if not isinstance(kept, dict) or kept.get("key") != key or kept.get("by") != request.user.pk:
        return None
    if once:
        del request.session[_STASH]
    return kept


def restored(
    form_class: Callable[..., Form], kept: dict[str, Any] | None, **kwargs: Any
) -> Form | None:
    """The refused form again, as it was sent, showing the very errors it had."""
    if kept is None:
        return None
    data = QueryDict(mutable=True)
    for name, values in kept["data"].items():
        data.setlist(name, values)
    form = form_class(data, **kwargs)
    form.cleaned_data = {}
    form._errors = ErrorDict(  # the errors as found on the POST, not re-checked here
        {name: ErrorList(messages) for name, messages in kept["errors"].items()}
    )
    return form


def _next_or(request: HttpRequest, fallback: str) -> str:
    """The page a POST came from (`next`) when that is one of ours, else `fallback`."""
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return fallback


def back_to(request: HttpRequest, fallback: str) -> HttpResponse:
    """After a POST: back to the page it came from (`next`), else to `fallback`."""
    return HttpResponseRedirect(_next_or(request, fallback))


def refused_back(request: HttpRequest, error: Exception, fallback: str) -> HttpResponse:
    """A refused POST from a page: htmx gets the reason in place (400 JSON); a plain form
    goes back to its page (303), the reason shown there once, so a reload is a GET."""
    status = getattr(error, "status", 400)
    if is_htmx(request) or status != 400:  # not allowed (403) is no form's mistake
        return refused(request, str(error), status)
    from django.contrib import messages

    messages.error(request, str(error))
    return see_other(_next_or(request, fallback))


def written(
    request: HttpRequest,
    back: str,
    write: Callable[[], object],
    *,
    message: str | Callable[[Any], str] = "",
    errors: tuple[type[Exception], ...] = (Refused,),
    follow_next: bool = True,
) -> HttpResponse:
    """A POST's usual end: run `write()`; a refusal goes back with its reason (`refused_back`),
    else `message` (or `message(what write returned)`) is shown, if any, and the browser goes
    back to the page it came from (`next`, unless not `follow_next`), else to `back`."""
    try:
        result = write()
    except errors as error:
        return refused_back(request, error, back)
    said = message(result) if callable(message) else message
    if said:
        from django.contrib import messages

        messages.success(request, said)
    return back_to(request, back) if follow_next else HttpResponseRedirect(back)


def form_saved(
    request: HttpRequest,
    form: Form,
    write: Callable[..., object],
    message: str | Callable[[Any], str],
) -> bool:
    """Whether a valid `form` was written by `write(**form.cleaned_data)`, `message` (or
    `message(what write returned)`) shown; a refusal becomes the form's own error, for the
    page to show it again."""
    if not form.is_valid():
        return False
    try:
        result = write(**form.cleaned_data)
    except Refused as error:
        form.add_error(None, str(error))
        return False
    from django.contrib import messages

    messages.success(request, message(result) if callable(message) else message)
    return True


def found_for_method(
    request: HttpRequest,
    find: Callable[[Any, object], T],
    object_id: object,
    check_change: Callable[[Any, T], None],
) -> T:
    """What `find` shows the person (404 when hidden); for a POST, once `check_change` lets
    them change it (403 otherwise): one query for both."""
    found = find(request.user, object_id)
    if request.method == "POST":
        check_change(request.user, found)
    return found


def person_view(
    *methods: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Signed-in only, only these HTTP methods (others are 405); a refusal becomes a 4xx."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        allowed = [method.upper() for method in methods]
        if "GET" in allowed and "HEAD" not in allowed:
            allowed.append("HEAD")

        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in allowed:
                from rapport.web.views.errors import method_not_allowed  # errors uses this module

                return method_not_allowed(request, allowed)
            try:
                if request.method == "POST" and request.POST.get(CONFIRMED):
                    return _answered_once(request, lambda: view(request, *args, **kwargs))
                return view(request, *args, **kwargs)
            except Refused as error:
                return refusal(request, error)

        wrapper.allowed_methods = tuple(allowed)  # type: ignore[attr-defined]
        return login_required(wrapper)

    return decorate


def parse_date(value: str | None) -> dt.date | None:
    """An ISO date from a form, None when empty; ValueError with a clear message otherwise."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"“{value}” is not a date (use YYYY-MM-DD).") from None


def render_page(
    request: HttpRequest, template: str, page: Any, *, status: int = 200, **forms: Any
) -> HttpResponse:
    """Render a selector's page object: its fields are the template's names (shallow, as
    they are), beside the forms the view made for it."""
    context = {field.name: getattr(page, field.name) for field in dataclasses.fields(page)}
    return render(request, template, {**context, **forms}, status=status)


def render_panel(
    request: HttpRequest,
    template: str,
    page: Any,
    *,
    title: str,
    meeting: Meeting,
    mode: str = "run",
    **forms: Any,
) -> HttpResponse:
    """A meeting page's panel (`render_page`): alone when the page loads it (htmx), else in a
    page of its own with a title and the way back to the meeting (a tab's link opened in a
    new tab, a form sent without JavaScript)."""
    if is_htmx(request):
        return render_page(request, template, page, **forms)
    series = meeting.series
    frame = {
        "panel_template": template,
        "panel_title": title,
        "panel_other": series.report if series.manager_id == request.user.pk else series.manager,
        "panel_back": f"{reverse('meeting', args=[meeting.pk])}?mode={mode}",
    }
    return render_page(request, "web/panel_page.html", page, **forms, **frame)
