"""Reads of organisations and people that no single viewer scopes: the operator's."""

from __future__ import annotations

from rapport.errors import Refused
from rapport.people.models import Organisation


def organisation_chosen(name: str | None, *, creatable: bool = False) -> Organisation:
    """The organisation named (any case), or the only one there is; Refused otherwise."""
    organisations = list(Organisation.objects.order_by("name"))
    names = ", ".join(organisation.name for organisation in organisations)
    if name:
        matches = [o for o in organisations if o.name.casefold() == name.strip().casefold()]
        if len(matches) == 1:
            return matches[0]
        raise Refused(f"no organisation named “{name}” (there are: {names or 'none'})")
    if len(organisations) == 1:
        return organisations[0]
    if not organisations:
        raise Refused(
            "there is no organisation yet: set up Rapport first (`rapport serve` prints "
            "the link, or `rapport createadmin`)"
            + (", or import with --create-org NAME" if creatable else "")
        )
    raise Refused(f"there are several organisations ({names}): choose one with --org NAME")
