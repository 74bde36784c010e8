"""The 2023 design (2023 to mid 2026): inform.kz and qazinform.com, stored as "current".

Article pages: div.article__body-main holding the date line (`10:40, 30 October 2025 |
GMT +5`, before the title on most pages: its stated offset wins), h1.article__title, a lead
in .article__description and the body in div.article__body-text: paragraphs, quotes,
subheadings and list items (an item a line), among pictures (a figure, or a paragraph that
prints an image's alt text: no text, page.picture_text) and advertising blocks (.adfox, ids
holding "adfox") that are not article text.
"""

from parsel.csstranslator import HTMLTranslator

from crawler.site.layouts.design import CardDesign, Design
from crawler.site.layouts.page import css, jsonld, keywords, matches, meta, text_blocks, texts, xpath

NAME = "current"  # as stored in articles.layout
# Its row in docs/site.md (written by cog from here): the design, how sure we are of it, what recognises it.
DESIGN = Design(
    "inform.kz / qazinform.com, 2023 to mid 2026",
    "sure (several scrapers)",
    "`div.article__body-main h1`",
)
# Its listing pages' cards: a category's, and the all-news feed's.
CARDS = (
    CardDesign(".catpage", "div.catpageCard", "a", ".catpageCard_title", ".catpageCard_time"),
    CardDesign(".allNews", "div.allNewsCard", "a", ".allNewsCard_title", ".allNewsCard_time"),
)

_BODY = "//div[contains(concat(' ', normalize-space(@class), ' '), ' article__body-text ')]"
_NOT_ARTICLE_TEXT = "ancestor::*[contains(@class, 'adfox') or contains(@id, 'adfox')]"  # pictures: text_blocks


recognises = matches(HTMLTranslator().css_to_xpath("div.article__body-main h1"))


FIELDS = {
    "title": [jsonld("headline"), meta("og:title"), texts("//h1[contains(@class, 'article__title')]")],
    # The visible lead: og:description is often a cut-off excerpt of the body.
    "lead": [texts("//*[contains(@class, 'article__description')]")],
    "body": [texts(text_blocks(_BODY, _NOT_ARTICLE_TEXT))],
    "author": [jsonld("author", "name"), meta("author"), texts("//*[contains(@class, 'article__author')]")],
    "published_at": [
        jsonld("datePublished"),
        meta("article:published_time"),
        css(".article__time ::text"),
    ],
    "tags": [keywords, meta("article:tag"), css(".article__tags a ::text")],
    "image_url": [meta("og:image"), jsonld("image", "url"), xpath(f"{_BODY}//figure//img/@src")],
    "lang": [xpath("/html/@lang"), jsonld("inLanguage")],
}
