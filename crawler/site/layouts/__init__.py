"""The one place that recognises a page's design and fills an Article from it.

Each design module has NAME, DESIGN, CARDS, recognises(page) and FIELDS: for each field,
selectors tried in order until one yields a clean value (design.py, DesignModule). Designs
are recognised by what the page holds, never by its URL, newest first; the fallback reads
what a page in no known design still carries, and the generic extractor (trafilatura) a page
that carries nothing of it.

What the crawl knows better than any page comes from the crawl: `section` is the section
the article was listed in (a page's breadcrumb may name another of its sections), and
`lang`, when the page does not say, is the URL's edition or else the edition crawled.
"""

from scrapy.http import TextResponse

from crawler.contracts import Layout
from crawler.items import EXPORTED_FIELDS, Article
from crawler.site.layouts import current, en_inform, fallback, generic, legacy, redesign2026, translations
from crawler.site.layouts.design import DesignModule
from crawler.site.layouts.page import Page
from crawler.site.loader import ArticleLoader
from crawler.site.urls import url_language

LAYOUTS: tuple[DesignModule, ...] = (redesign2026, current, en_inform, legacy, fallback, generic)


def recognise(page: Page) -> DesignModule | None:
    """The layout module of the page's design, or None."""
    return next((layout for layout in LAYOUTS if layout.recognises(page)), None)


def load_article(response: TextResponse, section: str | None = None, edition_lang: str = "en") -> Article:
    page = Page(response)
    layout = recognise(page)
    loader = ArticleLoader(selector=response.selector, response=response)  # parse the page once
    loader.add_value("url", response.url)
    loader.add_value("article_id", response.url)
    loader.add_value("layout", str(layout.NAME if layout else Layout.UNKNOWN))
    loader.add_value("section", section)
    loader.add_value("twins", translations.twins(page))
    for field, selectors in (layout.FIELDS if layout else {}).items():
        for select in selectors:
            loader.add_value(field, select(page))
            if loader.get_collected_values(field):
                break
    if not loader.get_collected_values("lang"):
        loader.add_value("lang", url_language(response.url) or edition_lang)
    item = loader.load_item()
    for field in EXPORTED_FIELDS:  # every field in every item, null where the page has none
        item.setdefault(field, None)
    return item


def design_table() -> str:
    """The table of designs in docs/site.md: one row per layout, in the order they are tried."""
    rows = "\n".join(
        f"| {layout.DESIGN.pages} | `{layout.NAME}` | {layout.DESIGN.how_sure} | {layout.DESIGN.recognised_by} | "
        f"`{layout.__name__.rsplit('.', 1)[-1]}.py` |"
        for layout in LAYOUTS
    )
    return f"| design | `layout` | how sure | recognised by | module |\n| --- | --- | --- | --- | --- |\n{rows}\n"


def layout_names() -> str:
    """The stored names, as the Datasette metadata lists them."""
    return ", ".join(str(layout.NAME) for layout in LAYOUTS)
