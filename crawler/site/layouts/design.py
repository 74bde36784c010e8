"""What a design module says of its design: its row in the docs' table (docs/site.md, by cog)
and, for a design with listing pages, the markup of their cards (listing.py reads them)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple, Protocol


class Design(NamedTuple):
    pages: str  # which pages are in it: the site and the years
    how_sure: str  # what the evidence of it is (docs/site.md)
    recognised_by: str  # Markdown: what on a page tells it


@dataclass(frozen=True)
class CardDesign:
    listing: str  # CSS of the list that holds the cards: present, empty, on a page past the end
    card: str  # CSS of one card of the section's own list
    link: str  # CSS of the card's link within it; "" when the card is the link
    title: str  # CSS of the title within the card
    time: str  # CSS of the time within the card (its datetime attribute wins over its text)


class DesignModule(Protocol):
    """What a design module holds: the registry (__init__.py) lists
    them, newest first, and reads nothing else of them."""

    NAME: str  # as stored in articles.layout
    DESIGN: Design
    CARDS: tuple[CardDesign, ...]  # its listing pages' cards; () where none is known
    FIELDS: dict[str, list[Callable]]  # per field, selectors tried in order (page.py)

    def recognises(self, page: object) -> bool: ...
