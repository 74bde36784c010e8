"""Generic: a page in no design we know and with no structured data the fallback reads, read
by trafilatura, the field's reference extractor of article text.

Articles read this way are stored with layout = 'generic' and make the run unhealthy ("N
page(s) in an unknown design"): the archive keeps filling while someone writes the page's
layout module, and `scrapy reparse` then reads the kept raw pages again with it.

trafilatura gives the title, the text (a line a block), the author, tags and image. Its time
has a day's precision at worst, so the site's own date line ("13:21, 30 May 2026", before or
after the title on every design so far) is looked for near the title first.
"""

from collections.abc import Callable
from itertools import islice
from typing import Any

import trafilatura
from lxml import etree

from crawler.contracts import Layout
from crawler.site.dates import parse_published_at
from crawler.site.layouts.design import CardDesign, Design
from crawler.site.layouts.page import Page, xpath

NAME = Layout.GENERIC
# Its row in docs/site.md (written by cog from here): the design, how sure we are of it, what recognises it.
DESIGN = Design(
    "anything else with text",
    "—",
    "trafilatura finds text in it",
)
CARDS: tuple[CardDesign, ...] = ()  # a listing in no known design has no cards we can read

_VISIBLE_TEXT = etree.XPath("//body//text()[not(ancestor::script or ancestor::style)]")
NEAR_TITLE = 12  # text nodes before or after the title's where its date line may stand
DATE_LINE_MAX = 60  # characters: a date line is short


def extraction(page: Page) -> dict[str, Any]:
    """trafilatura's reading of the page, once per page ({} when it finds no text)."""

    def extract() -> dict[str, Any]:
        document = trafilatura.bare_extraction(
            page.response.text,
            url=page.response.url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            date_extraction_params={"extensive_search": True, "outputformat": "%Y-%m-%dT%H:%M:%S%z"},
        )
        if document is None:
            return {}
        found: dict[str, Any] = document if isinstance(document, dict) else document.as_dict()
        return found if found.get("text") else {}

    found: dict[str, Any] = page.remember("trafilatura", extract)
    return found


def recognises(page: Page) -> bool:
    return bool(extraction(page))


def field(name: str) -> Callable[[Page], list[str]]:
    def select(page: Page) -> list[str]:
        value = extraction(page).get(name)
        return [str(v) for v in value if v] if isinstance(value, list) else [str(value)] if value else []

    return select


def body(page: Page) -> list[str]:
    """The text's lines, without the title and the date line trafilatura keeps in it."""
    title = extraction(page).get("title")
    lines = [line.strip() for line in (extraction(page).get("text") or "").splitlines()]
    return [line for line in lines if line and line != title and not is_date_line(line)]


def date_line(page: Page) -> list[str]:
    """The site's date line nearest the title: a short text the site's date forms read."""
    title = extraction(page).get("title")
    nodes = [str(text).strip() for text in _VISIBLE_TEXT(page.root)]
    nodes = [text for text in nodes if text]
    at = next((n for n, text in enumerate(nodes) if text == title), None)
    if at is None:
        return []
    after = islice(nodes, at + 1, at + 1 + NEAR_TITLE)
    before = reversed(nodes[max(0, at - NEAR_TITLE) : at])
    for text in (*after, *before):
        if is_date_line(text):
            return [text]
    return []


def is_date_line(text: str) -> bool:
    return len(text) <= DATE_LINE_MAX and any(c.isdigit() for c in text) and parse_published_at(text) is not None


FIELDS: dict[str, list[Callable[[Page], object]]] = {
    "title": [field("title")],
    "body": [body],
    "author": [field("author")],
    "published_at": [date_line, field("date")],
    "tags": [field("tags")],
    "image_url": [field("image")],
    "lang": [xpath("/html/@lang"), field("language")],
}
