"""Listing pages of the current layout: a section's cards, or the all-news feed's."""

from dataclasses import dataclass

from scrapy.http import TextResponse

from crawler.dates import parse_published_at
from crawler.text import clean_text

_CARD_KINDS = ("catpageCard", "allNewsCard")


@dataclass(frozen=True)
class Card:
    url: str
    title: str | None
    published_at: str | None  # ISO 8601 UTC


def cards(response: TextResponse) -> list[Card]:
    found = []
    for kind in _CARD_KINDS:
        for card in response.css(f"div.{kind}"):
            href = card.css("a::attr(href)").get()
            if href:
                found.append(
                    Card(
                        url=response.urljoin(href.strip()),
                        title=clean_text(" ".join(card.css(f".{kind}_title ::text").getall())),
                        published_at=parse_published_at(" ".join(card.css(f".{kind}_time ::text").getall())),
                    )
                )
    return found
