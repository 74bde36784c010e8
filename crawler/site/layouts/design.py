"""What a design module says of its design: its row in the docs' table (docs/site.md, by cog)
and, for a design with listing pages, the markup of their cards (listing.py reads them)."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from crawler.site.layouts.page import Page


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
    """What a design module holds: the registry (__init__.py) lists them, newest first, and
    reads nothing else of them. Read-only, as a module's names are to its readers."""

    @property
    def __name__(self) -> str: ...
    @property
    def NAME(self) -> str: ...  # as stored in articles.layout
    @property
    def DESIGN(self) -> Design: ...
    @property
    def CARDS(self) -> Sequence[CardDesign]: ...  # its listing pages' cards; () where none is known
    @property
    def FIELDS(self) -> Mapping[str, Sequence[Callable[[Page], object]]]: ...  # per field, selectors in order

    def recognises(self, page: Page, /) -> bool: ...
