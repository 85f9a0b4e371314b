"""My action items across all my 1:1s, overdue first, closed or edited in place."""

from __future__ import annotations

from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from rapport import access
from rapport.meetings import services
from rapport.meetings.models import ActionItem
from rapport.web.forms import ActionItemForm
from rapport.web.views.common import (
    first_error,
    is_htmx,
    past_due_confirmed,
    person_view,
    refused,
)

FILTERS = ("all", "mine")


@person_view("GET")
def my_action_items(request: HttpRequest) -> HttpResponse:
    viewer = request.user
    show = request.GET.get("show", "all")
    if show not in FILTERS:
        show = "all"
    items = access.action_items_visible_to(viewer).filter(
        status=ActionItem.Status.OPEN, series__ended_on__isnull=True
    )
    if show == "mine":
        items = items.filter(owner=viewer)
    # Overdue items have the earliest due dates, so due date order puts them first.
    rows = list(items.order_by(F("due_on").asc(nulls_last=True), "pk"))
    today = timezone.localdate()
    context = {
        "show": show,
        "overdue": [item for item in rows if item.is_overdue(today)],
        "upcoming": [item for item in rows if not item.is_overdue(today)],
        "total": len(rows),
        "viewer": viewer,
        "today": today,
        "show_series": True,
    }
    return render(request, "web/actions/action_items.html", context)


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


@person_view("POST")
def action_item_edit(request: HttpRequest, item_id: int) -> HttpResponse:
    item = access.action_item_for(request.user, item_id)
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
