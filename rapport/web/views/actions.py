"""My action items across all my 1:1s, overdue first, closed or edited in place."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from rapport import access
from rapport.meetings import selectors, services
from rapport.meetings.models import ActionItem
from rapport.web.forms import ActionItemForm
from rapport.web.views.common import (
    asked_again,
    first_error,
    is_htmx,
    past_due_confirmed,
    person_view,
    refused,
    render_page,
)

FILTERS = ("all", "mine")


@person_view("GET")
def my_action_items(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "all")
    page = selectors.action_items_page(
        request.user,
        show=show if show in FILTERS else "all",
        older=request.GET.get("older") == "1",
        page=request.GET.get("page", 1),
    )
    return render_page(
        request, "web/actions/action_items.html", page, viewer=request.user, show_series=True
    )


def _row(request: HttpRequest, item: ActionItem) -> HttpResponse:
    """The item's line again (htmx), or back to where the person came from."""
    if not is_htmx(request):
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = ""
        return redirect(target or "my_action_items")
    fresh = access.action_item_for(request.user, item.pk)
    context = {
        "item": fresh,
        "viewer": request.user,
        "today": timezone.localdate(),
        "show_series": bool(request.POST.get("show_series")),
        "next_url": request.POST.get("next", ""),
    }
    return render(request, "web/partials/action_item.html", context)


@person_view("POST")
def action_item_status(request: HttpRequest, item_id: int) -> HttpResponse:
    item = access.action_item_for(request.user, item_id)
    services.action_item_set_status(
        actor=request.user, item=item, status=request.POST.get("status", "")
    )
    return _row(request, item)


@person_view("GET", "POST")
def action_item_edit(request: HttpRequest, item_id: int) -> HttpResponse:
    """GET: the question about a past due date, while it waits (else my action items).
    POST: the item changed, or, due in the past, a 303 to that question."""
    item = access.action_item_for(request.user, item_id)
    if request.method != "POST":
        return asked_again(request, back=reverse("my_action_items"))
    form = ActionItemForm(request.POST, series=item.series)
    if not form.is_valid():
        return refused(request, first_error(form))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("my_action_items")
    asking = past_due_confirmed(
        request,
        asked=f"past-due:item-{item.pk}:{form.cleaned_data['due_on']}",
        back=back,
        write=lambda ask_if_past: services.action_item_update(
            actor=request.user, item=item, **form.item(), ask_if_past=ask_if_past
        ),
    )
    if asking is not None:
        return asking
    return _row(request, item)
