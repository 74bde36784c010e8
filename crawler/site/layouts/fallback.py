"""Fallback: a page in no layout we know, read from what survives redesigns — JSON-LD,
og:/article: meta, and the semantic <article>, <h1> and <time> elements.

Articles read this way are stored with layout = 'fallback'; the health check counts them,
so that a redesign is noticed even while the archive keeps filling.
"""

from crawler.contracts import Layout
from crawler.site.layouts.design import CardDesign, Design
from crawler.site.layouts.page import Page, jsonld, keywords, matches, meta, picture_text, texts, xpath

NAME = Layout.FALLBACK
# Its row in docs/site.md (written by cog from here): the design, how sure we are of it, what recognises it.
DESIGN = Design(
    "anything else with JSON-LD or an `<article>`",
    "—",
    "structured data, semantic elements",
)
CARDS: tuple[CardDesign, ...] = ()  # a listing in no known design has no cards we can read

_NOT_TEXT = "ancestor::aside or ancestor::figure or ancestor::nav or ancestor::footer or ancestor::header"


_HAS_ARTICLE_ELEMENT = matches("//article[.//p]")


def recognises(page: Page) -> bool:
    return bool(page.article_data) or _HAS_ARTICLE_ELEMENT(page)


FIELDS = {
    "title": [jsonld("headline"), meta("og:title"), texts("(//article//h1)[1]"), texts("(//h1)[1]")],
    "body": [texts(f"//article//p[not({_NOT_TEXT})][not({picture_text('//article')})]")],
    "author": [jsonld("author", "name"), meta("author")],
    "published_at": [jsonld("datePublished"), meta("article:published_time"), xpath("//time/@datetime")],
    "tags": [keywords, meta("article:tag")],
    "image_url": [meta("og:image"), jsonld("image", "url")],
    "lang": [xpath("/html/@lang"), jsonld("inLanguage")],
}
