"""Re-sealing private notes with the newest key while Rapport keeps serving."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Substr

from rapport.meetings.models import PrivateNote
from rapport.people import keys


@dataclass(frozen=True)
class Resealed:
    """What a re-sealing run did: the key it sealed with, how many notes, what is left."""

    key: str
    resealed: int
    remaining: dict[str, int]


def private_note_keys_in_use() -> dict[str, int]:
    """How many private notes each master key seals, by key id."""
    start = len(keys.VERSION) + 2  # after "v1:", counted from 1
    rows = (
        PrivateNote.objects.exclude(sealed_body="")
        .annotate(key=Substr("sealed_body", start, keys.KEY_ID_LENGTH))
        .values("key")
        .annotate(notes=Count("pk"))
        .order_by("key")
    )
    return {row["key"]: row["notes"] for row in rows}


def private_notes_reseal(
    *, limit: int | None = None, batch_size: int = 200, passes: int = 5
) -> Resealed:
    """Re-seal every private note not yet sealed with the newest key, a batch per transaction.

    A note is rewritten only if nobody saved it since it was read, and its version and
    time stay as they were: an editor open on it keeps saving normally. Notes sealed
    meanwhile by a server still on an older key are caught by the next pass.
    """
    current = keys.keyring().sealing_id
    stale = PrivateNote.objects.exclude(sealed_body="").exclude(
        sealed_body__startswith=f"{keys.VERSION}:{current}:"
    )
    budget = limit if limit is not None else float("inf")
    done = 0
    for _ in range(passes):
        last = 0
        while done < budget:
            size = int(min(batch_size, budget - done))
            batch = list(
                stale.filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", "author_id", "author__organisation_id", "sealed_body")[:size]
            )
            if not batch:
                break
            done += _reseal_batch(batch)
            last = batch[-1][0]
        if done >= budget or not stale.exists():
            break
    remaining = {key: n for key, n in private_note_keys_in_use().items() if key != current}
    return Resealed(current, done, remaining)


@transaction.atomic
def _reseal_batch(batch: list[tuple[int, int, int, str]]) -> int:
    done = 0
    for pk, author_id, organisation_id, sealed in batch:
        text = keys.unseal(sealed, author_id=author_id)
        fresh = keys.seal(text, organisation_id=organisation_id, author_id=author_id)
        # Compare and swap: a save made since the read wins, already under the new key.
        done += PrivateNote.objects.filter(pk=pk, sealed_body=sealed).update(sealed_body=fresh)
    return done
