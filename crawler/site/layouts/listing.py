"""Listing pages: the cards of a section's own list, in each design the site has had. Each
design module that has listing pages names its cards' markup (CARDS, a CardDesign each);
this module reads them all, in the registry's order."""

from dataclasses import dataclass

from parsel import Selector, SelectorList
from scrapy.http import TextResponse

from crawler.site.dates import parse_published_at
from crawler.site.layouts import LAYOUTS
from crawler.site.text import clean_text


@dataclass(frozen=True)
class Card:
    url: str
    title: str | None
    published_at: str | None  # ISO 8601 UTC


CARD_DESIGNS = tuple(card for layout in LAYOUTS for card in layout.CARDS)
# What every listing page of the site has, with cards or without: its list, or its pager.
_LISTING_MARKUP = ", ".join([*(design.listing for design in CARD_DESIGNS), ".pagination"])


def looks_like_listing(response: TextResponse) -> bool:
    """A page without cards is the listing's end only if it is a listing page: a maintenance
    page, a challenge or an error page served with status 200 is not."""
    return bool(response.css(_LISTING_MARKUP))


def cards(response: TextResponse) -> list[Card]:
    found = []
    for design in CARD_DESIGNS:
        for card in response.css(design.card):
            href = card.css(f"{design.link}::attr(href)" if design.link else "::attr(href)").get()
            if href:
                found.append(
                    Card(
                        url=response.urljoin(href.strip()),
                        title=clean_text(" ".join(card.css(f"{design.title} ::text").getall())),
                        published_at=card_time(card.css(design.time)),
                    )
                )
    return found


def card_time(time: SelectorList[Selector]) -> str | None:
    """A card's time: its datetime attribute, else its text ("21:38, 18 August 2026")."""
    return parse_published_at(time.attrib.get("datetime", "")) or parse_published_at(
        " ".join(time.css("::text").getall())
    )
