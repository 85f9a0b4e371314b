"""The keyed line every list of the framework is made of."""

from __future__ import annotations

from typing import NamedTuple


# A named tuple rather than a dataclass so an item doubles as a Django
# ``(value, label)`` choice pair and unpacks in ``for key, text in ...`` loops.
class Item(NamedTuple):
    """One line of the seed: a stable key to store, and the seed's text verbatim."""

    key: str
    text: str
