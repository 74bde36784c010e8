"""Listing pages: the cards of a section's own list, in each design the site has had.

A sidebar ("Popular", "Latest news") uses the same card markup as the section's list in the
2026 design, so each design names the card *within the main list*.
"""

from dataclasses import dataclass

from scrapy.http import TextResponse

from crawler.site.dates import parse_published_at
from crawler.site.text import clean_text


@dataclass(frozen=True)
class Card:
    url: str
    title: str | None
    published_at: str | None  # ISO 8601 UTC


@dataclass(frozen=True)
class CardDesign:
    listing: str  # CSS of the list that holds the cards: present, empty, on a page past the end
    card: str  # CSS of one card of the section's own list
    link: str  # CSS of the card's link within it; "" when the card is the link
    title: str  # CSS of the title within the card
    time: str  # CSS of the time within the card (its datetime attribute wins over its text)


CARD_DESIGNS = (
    CardDesign(".news-category", "div.news-category__item > a.news-card", "", ".card-title", "time.meta-date"),  # 2026
    CardDesign(".catpage", "div.catpageCard", "a", ".catpageCard_title", ".catpageCard_time"),  # 2023: categories
    CardDesign(".allNews", "div.allNewsCard", "a", ".allNewsCard_title", ".allNewsCard_time"),  # 2023: all news
)
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


def card_time(time) -> str | None:
    """A card's time: its datetime attribute, else its text ("21:38, 18 August 2026")."""
    return parse_published_at(time.attrib.get("datetime", "")) or parse_published_at(
        " ".join(time.css("::text").getall())
    )
