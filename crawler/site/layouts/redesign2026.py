"""The 2026 redesign of qazinform.com (the live site since August–September 2026).

Known from public scrapers of the Russian and Chinese editions, not yet from an English page
(docs/site.md): h1.article__title, the time in a <time> element (its datetime attribute,
else its text "21:38, 18 August 2026"), the body as the paragraphs, subheadings and list
items (an item a line) of div.article__content — whose
figures, captions, ad blocks and inline "read also" boxes are not text — tags in
.article__tags and the author in .article__author. The head's og:/article: meta come first.
Migrated articles keep their old ids ("_a<digits>", 6 hex digits), so the design is
recognised by the page, never by its URL.
"""

from crawler.site.layouts.design import CardDesign, Design
from crawler.site.layouts.page import css, jsonld, keywords, matches, meta, text_blocks, texts, xpath

NAME = "redesign2026"  # as stored in articles.layout
# Its row in docs/site.md (written by cog from here): the design, how sure we are of it, what recognises it.
DESIGN = Design(
    "qazinform.com since August–September 2026",
    "sure for the ru and cn editions, likely for English",
    "`h1.article__title` and `div.article__content`",
)
# Its listing pages' cards: a sidebar ("Popular", "Latest news") uses the same card markup, so
# the card is named within the section's own list.
CARDS = (CardDesign(".news-category", "div.news-category__item > a.news-card", "", ".card-title", "time.meta-date"),)


def _class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


_TITLE = f"//h1[{_class('article__title')}]"
_CONTENT = f"//div[{_class('article__content')}]"
_NOT_TEXT = (
    "ancestor::aside or ancestor::*["
    "contains(@class, 'adfox') or contains(@id, 'adfox') or contains(@class, 'banner')"
    f" or contains(@class, 'adv') or contains(@class, 'read-also') or {_class('article__tags')}]"
)
_TIME = f"({_TITLE}/following::time)[1]"  # the article's own, before any sidebar's

recognises = matches(f"{_TITLE} and {_CONTENT}")

FIELDS = {
    "title": [jsonld("headline"), meta("og:title"), texts(_TITLE)],
    "lead": [texts(f"//*[{_class('article__description')} or {_class('article__lead')}]")],
    "body": [texts(text_blocks(_CONTENT, _NOT_TEXT))],
    "author": [jsonld("author", "name"), meta("author"), texts(f"//*[{_class('article__author')}]")],
    "published_at": [
        jsonld("datePublished"),
        meta("article:published_time"),
        xpath(f"{_TIME}/@datetime"),
        texts(_TIME),
    ],
    "tags": [keywords, meta("article:tag"), css(".article__tags a ::text")],
    "image_url": [meta("og:image"), jsonld("image", "url"), xpath(f"{_CONTENT}//figure//img/@src")],
    "lang": [xpath("/html/@lang"), jsonld("inLanguage")],
}
